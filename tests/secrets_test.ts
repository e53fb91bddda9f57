// One secret, every surface: config errors, outcomes of every kind, errors thrown by dispatch,
// stats, the config itself, and every console line the library writes. None may show it.

import assert from "node:assert/strict";
import {
  CANCEL_CONTENT_TYPE,
  ConfigError,
  parseConfig,
  Secret,
  Servo,
  servoEvents,
  validateConfig,
  WebhooksConnector,
} from "../mod.ts";
import { closedPort, startServer } from "./_server.ts";

const SECRET = `leak-check-${crypto.randomUUID()}`;
/** A token in the webhooks' URL queries: the config shows it, nothing else may. */
const TOKEN = `query-token-${crypto.randomUUID()}`;
const seen: string[] = [];

/** Everything a value shows: as text, as JSON, and as Deno prints it. */
function record(value: unknown): void {
  seen.push(String(value), Deno.inspect(value, { depth: 10 }));
  try {
    seen.push(JSON.stringify(value) ?? "");
  } catch {
    // a cycle: its text and inspection are recorded
  }
}

/** Runs fn with console output recorded. */
async function watched(fn: () => Promise<void>): Promise<void> {
  const saved = { log: console.log, warn: console.warn, error: console.error };
  const capture = (...args: unknown[]) =>
    void seen.push(args.map((a) => Deno.inspect(a)).join(" "));
  Object.assign(console, { log: capture, warn: capture, error: capture });
  try {
    await fn();
  } finally {
    Object.assign(console, saved);
  }
}

Deno.test("no config error, outcome, thrown error, stat or log line shows the secret", async () => {
  let n = 0;
  await using server = startServer((r) => {
    n++;
    if (r.path === "/cancel") {
      return new Response(JSON.stringify({ reason: "no" }), {
        status: 200,
        headers: { "content-type": CANCEL_CONTENT_TYPE },
      });
    }
    if (r.path === "/gone") return new Response(null, { status: 410 });
    if (r.path === "/redirect") {
      return new Response(null, { status: 302, headers: { location: "/x" } });
    }
    return new Response(`echo ${r.text}`, { status: n % 2 === 0 ? 503 : 500 });
  });
  const base = server.url.replace(/\/hook$/, "");
  const refused = `http://127.0.0.1:${await closedPort()}`;

  // Config errors around the secret, in YAML and as data.
  const broken = [
    `webhooks:\n  - events: after:mesure\n    url: ftp://x\n    secret: ${SECRET}\n    backof: 1`,
    `webhooks:\n  - secret: ${SECRET}\n    secret: ${SECRET}`,
    `webhooks:\n  - {events: after:measure, url: "http://a", secret: !${SECRET}}`,
    `webhooks:\n  - {events: after:measure, url: "http://a", secret: *${SECRET}}`,
    `webhooks: [{events: after:measure, url: "http://a", secret: "${SECRET}\\n"}]`,
    `webhooks: [{events: after:measure, url: "http://a", secret: "${SECRET}", headers: {"Bad Name": x}}]`,
  ];
  for (const text of broken) {
    try {
      parseConfig(text);
      assert.fail(`accepted: ${text}`);
    } catch (error) {
      assert.ok(error instanceof ConfigError, String(error));
      record(error);
      record(error.issues);
    }
  }

  const hook = (name: string, path: string, extra: Record<string, unknown> = {}) => ({
    name,
    events: ["before:adjust", "after:measure"],
    url: `${path}?token=${TOKEN}`,
    secret: SECRET,
    backoff: { max_tries: 2, delay: "1ms" },
    timeout: "2s",
    ...extra,
  });
  const config = validateConfig({
    webhooks: [
      hook("failing", `${base}/fail`, {
        failure_policy: "cancel",
        circuit_breaker: { failures: 1 },
      }),
      hook("cancelling", `${base}/cancel`),
      hook("gone", `${base}/gone`),
      hook("redirect", `${base}/redirect`),
      hook("refused", `${refused}/x`),
      hook("nowhere", "http://servo-webhooks-test.invalid/x"),
    ],
  });
  record(config);
  const configTexts = seen.length;
  const connector = new WebhooksConnector(config, {
    onDelivery: record,
    onRetry: record,
    maxPending: 20,
  });
  const servo = new Servo();
  connector.attach(servo);
  servo.addConnector("k8s").on(servoEvents.measure, () => ({ annotations: { note: "x" } }));
  await watched(async () => {
    const adjust = { adjustments: [{ component_name: "web", setting_name: "cpu", value: 1 }] };
    for (let i = 0; i < 3; i++) {
      record(await servo.dispatch(servoEvents.adjust, adjust).catch((error) => error));
    }
    for (let i = 0; i < 10; i++) await servo.dispatch(servoEvents.measure, {}); // some dropped
    record(
      await connector.trigger("after:measure", {}, {
        url: `${refused}/y?k=${TOKEN}`,
        secret: SECRET,
        backoff: { max_tries: 2, delay: "1ms" },
      }),
    );
    record(connector.stats());
    await connector.close();
    record(await connector.trigger("after:measure").catch((error) => error));
    record(await servo.dispatch(servoEvents.measure, {}).catch((error) => error));
  });
  record(new Secret(SECRET));

  assert.ok(seen.length > 100, `only ${seen.length} texts seen`);
  assert.ok(seen.some((text) => text.includes("dropped: the queue is full")));
  assert.ok(seen.some((text) => text.includes("410 Gone")));
  assert.ok(seen.some((text) => text.includes("dns error")));
  assert.deepEqual(seen.filter((text) => text.includes(SECRET)), []);
  // The URL's query shows only where the config itself is printed.
  assert.deepEqual(seen.slice(configTexts).filter((text) => text.includes(TOKEN)), []);
});
