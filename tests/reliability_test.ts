// Bounded delivery: per-webhook concurrency, the pending limit, circuit breakers, 410 Gone,
// the counters, and shutdown. Real loopback servers throughout.

import assert from "node:assert/strict";
import {
  type DeliveryOutcome,
  Servo,
  servoEvents,
  validateConfig,
  WebhooksConnector,
  type WebhooksConnectorOptions,
} from "../mod.ts";
import { gate, startServer } from "./_server.ts";

const SECRET = "reliability-secret";

function setup(
  webhook: Record<string, unknown>,
  options: Omit<WebhooksConnectorOptions, "onDelivery"> = {},
) {
  const outcomes: DeliveryOutcome[] = [];
  const connector = new WebhooksConnector(
    validateConfig({
      webhooks: [{
        name: "hook",
        events: "after:measure",
        secret: SECRET,
        backoff: false,
        ...webhook,
      }],
    }),
    { ...options, onDelivery: (o) => outcomes.push(o) },
  );
  const servo = new Servo();
  connector.attach(servo);
  return { connector, servo, outcomes };
}

/** Resolves after `ms`: only where the behaviour under test is the passing of time. */
function elapse(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Collects console.error and console.warn lines while `fn` runs. */
async function logged(fn: () => Promise<void>): Promise<string[]> {
  const lines: string[] = [];
  const { error, warn } = console;
  console.error = console.warn = (...args: unknown[]) => void lines.push(args.join(" "));
  try {
    await fn();
  } finally {
    Object.assign(console, { error, warn });
  }
  return lines;
}

Deno.test("max_concurrency bounds a webhook's deliveries in flight", async () => {
  const release = gate();
  let now = 0;
  let most = 0;
  await using server = startServer(async () => {
    most = Math.max(most, ++now);
    await release.promise;
    now--;
    return new Response(null, { status: 204 });
  });
  const { connector, servo, outcomes } = setup({ url: server.url, max_concurrency: 2 });
  for (let i = 0; i < 5; i++) await servo.dispatch(servoEvents.measure, {});
  await server.waitFor(2);
  const during = connector.stats();
  assert.equal(during.in_flight, 2);
  assert.equal(during.pending, 5);
  release.open();
  await connector.close();
  assert.equal(most, 2);
  assert.equal(server.requests.length, 5);
  assert.equal(outcomes.filter((o) => o.ok).length, 5);
});

Deno.test("a full queue drops new deliveries at once, without blocking dispatch", async () => {
  const release = gate();
  await using server = startServer(async () => {
    await release.promise;
    return new Response(null, { status: 204 });
  });
  const { connector, servo, outcomes } = setup({ url: server.url }, { maxPending: 3 });
  for (let i = 0; i < 5; i++) await servo.dispatch(servoEvents.measure, {});
  assert.equal(outcomes.length, 2, "the two over the limit ended at once");
  for (const outcome of outcomes) {
    assert.equal(outcome.ok, false);
    assert.equal(outcome.attempts, 0);
    assert.equal(outcome.error, "dropped: the queue is full (3 deliveries pending)");
  }
  release.open();
  await connector.close();
  const stats = connector.stats();
  assert.deepEqual(
    { ...stats, webhooks: undefined },
    {
      accepted: 5,
      delivered: 3,
      failed: 0,
      dropped: 2,
      retried: 0,
      in_flight: 0,
      pending: 0,
      webhooks: undefined,
    },
  );
  assert.equal(new Set(outcomes.map((o) => o.delivery)).size, 5);
});

Deno.test("stats() counts every delivery once, and the retries", async () => {
  const seen = new Map<string | null, number>();
  await using server = startServer((r) => {
    const id = r.headers.get("x-servo-delivery");
    const n = (seen.get(id) ?? 0) + 1;
    seen.set(id, n);
    // Each delivery's first attempt fails; every third delivery always fails.
    return new Response(null, { status: n <= 1 || r.text.includes('"fail"') ? 503 : 204 });
  });
  const { connector, servo, outcomes } = setup({
    url: server.url,
    backoff: { max_tries: 2, delay: "1ms" },
    circuit_breaker: false,
  });
  let i = 0;
  servo.addConnector("m").on(servoEvents.measure, () => ({
    annotations: { kind: ++i % 3 === 0 ? "fail" : "pass" },
  }));
  for (let n = 0; n < 6; n++) await servo.dispatch(servoEvents.measure, {});
  await connector.close();
  const stats = connector.stats();
  assert.equal(stats.accepted, 6);
  assert.equal(stats.delivered + stats.failed + stats.dropped, stats.accepted);
  assert.equal(stats.delivered, outcomes.filter((o) => o.ok).length);
  assert.equal(stats.retried, outcomes.reduce((n, o) => n + o.attempts - 1, 0));
  assert.equal(stats.retried, 6);
  assert.equal(stats.delivered, 4);
  assert.equal(stats.failed, 2);
  assert.equal(stats.pending, 0);
});

Deno.test("a circuit breaker opens after consecutive failures, then lets one probe through", async () => {
  let status = 500;
  await using server = startServer(() => new Response(null, { status }));
  const { connector } = setup({
    url: server.url,
    circuit_breaker: { failures: 2, cool_down: "80ms", max_cool_down: "1s" },
  });
  let lines: string[] = [];
  const outcomes: DeliveryOutcome[] = [];
  lines = await logged(async () => {
    for (let i = 0; i < 3; i++) outcomes.push(...await connector.trigger("after:measure"));
  });
  assert.equal(server.requests.length, 2, "the third delivery failed fast");
  assert.equal(outcomes[2]?.attempts, 0);
  assert.match(
    outcomes[2]?.error ?? "",
    /^circuit open: 2 deliveries in a row failed; next try in \d+ms$/,
  );
  assert.deepEqual(lines, [
    'servo-webhooks: webhook "hook" failed 2 deliveries in a row: its circuit is open',
  ]);
  assert.deepEqual(connector.stats().webhooks, {
    hook: { state: "open", consecutive_failures: 2 },
  });

  await elapse(100); // the cool-down
  status = 204;
  const [probe] = await connector.trigger("after:measure");
  assert.equal(probe?.ok, true);
  assert.equal(server.requests.length, 3);
  assert.deepEqual(connector.stats().webhooks, {
    hook: { state: "closed", consecutive_failures: 0 },
  });
  await connector.close();
});

Deno.test("a failed probe opens the circuit again for twice as long", async () => {
  await using server = startServer(() => new Response(null, { status: 503 }));
  const { connector } = setup({
    url: server.url,
    circuit_breaker: { failures: 1, cool_down: "60ms", max_cool_down: "1s" },
  });
  await logged(async () => {
    await connector.trigger("after:measure"); // opens it for 60ms
    await elapse(80);
    const [probe] = await connector.trigger("after:measure"); // the probe fails: 120ms
    assert.equal(probe?.attempts, 1);
    await elapse(80);
    const [early] = await connector.trigger("after:measure");
    assert.equal(early?.attempts, 0, "still open 80ms into a 120ms cool-down");
    assert.match(early?.error ?? "", /next try in \d+ms$/);
    await elapse(60);
    const [second] = await connector.trigger("after:measure");
    assert.equal(second?.attempts, 1, "the second probe went through");
  });
  assert.equal(server.requests.length, 3);
  await connector.close();
});

Deno.test("a 410 Gone disables the webhook until restart, loudly", async () => {
  await using server = startServer(() => new Response(null, { status: 410 }));
  const { connector } = setup({ url: server.url, backoff: { max_tries: 5, delay: "1ms" } });
  const outcomes: DeliveryOutcome[] = [];
  const lines = await logged(async () => {
    for (let i = 0; i < 3; i++) outcomes.push(...await connector.trigger("after:measure"));
  });
  assert.equal(server.requests.length, 1, "410 is not retried, and disables the webhook");
  assert.equal(outcomes[0]?.status, 410);
  assert.equal(outcomes[0]?.error, "HTTP 410 Gone");
  for (const outcome of outcomes.slice(1)) {
    assert.equal(outcome.attempts, 0);
    assert.equal(
      outcome.error,
      "disabled: the receiver answered 410 Gone; restart to enable the webhook again",
    );
  }
  assert.deepEqual(lines, [
    'servo-webhooks: webhook "hook" answered 410 Gone: it is disabled until restart',
  ]);
  assert.equal(connector.stats().webhooks.hook?.state, "disabled");
  await connector.close();
});

Deno.test("a disabled or open before webhook follows its failure policy", async () => {
  await using server = startServer(() => new Response(null, { status: 410 }));
  const { connector, servo } = setup({
    url: server.url,
    events: "before:adjust",
    failure_policy: "cancel",
  });
  const adjust = { adjustments: [] };
  await logged(async () => {
    await assert.rejects(servo.dispatch(servoEvents.adjust, adjust), /HTTP 410 Gone/);
    await assert.rejects(
      servo.dispatch(servoEvents.adjust, adjust),
      /disabled: the receiver answered 410 Gone/,
    );
  });
  assert.equal(server.requests.length, 1);
  await connector.close();
});

Deno.test("close() with a deadline ends queued and in-flight deliveries, each with an outcome", async () => {
  const release = gate();
  await using server = startServer(async () => {
    await release.promise;
    return new Response(null, { status: 204 });
  });
  const { connector, servo, outcomes } = setup({
    url: server.url,
    max_concurrency: 1,
    timeout: "10s",
  });
  for (let i = 0; i < 4; i++) await servo.dispatch(servoEvents.measure, {});
  await server.waitFor(1);
  await connector.close({ deadline: 30 });
  release.open();
  assert.equal(outcomes.length, 4);
  assert.equal(
    outcomes.filter((o) =>
      o.error === "aborted: the connector was closed before the delivery ended"
    ).length,
    1,
  );
  assert.equal(
    outcomes.filter((o) =>
      o.error === "aborted: the connector was closed before the delivery was sent"
    ).length,
    3,
  );
  const stats = connector.stats();
  assert.equal(stats.failed, 4);
  assert.equal(stats.pending, 0);
  assert.equal(server.requests.length, 1);
});

Deno.test("maxPending must be a whole number above 0", () => {
  for (const maxPending of [0, -1, 1.5, Number.NaN]) {
    assert.throws(
      () => new WebhooksConnector(validateConfig({ webhooks: [] }), { maxPending }),
      RangeError,
    );
  }
});
