// parseConfig() and validateConfig(): defaults and canonical durations, environment references,
// registries, secrets kept out of errors and output, odd input. (Bad configs: config_bad_test.ts.)

import assert from "node:assert/strict";
import * as z from "zod";
import {
  ConfigError,
  type ConfigOptions,
  defineEvent,
  EventRegistry,
  parseConfig,
  Secret,
  servoEvents,
  validateConfig,
  type WebhookConfig,
} from "../mod.ts";

import { EVENTS, failure, hook, SECRET, URL_, valid } from "./_config.ts";

Deno.test("parseConfig() lists every problem in its message", () => {
  const error = failure(hook("events: after:mesure", "url: ftp://example.com", SECRET));
  assert.equal(
    error.message,
    "Invalid webhooks configuration (2 problems):\n" +
      '  webhooks[0].events: unknown event "mesure"; did you mean "measure"? (line 2, column 5)\n' +
      '  webhooks[0].url: scheme "ftp:" is not allowed: use http or https (line 3, column 5)',
  );
  assert.equal(
    failure("webhooks: 5").message,
    "Invalid webhooks configuration: webhooks: must be a list of webhooks, not a number (line 1, column 1)",
  );
});

/** The webhook without its secret, and the revealed secret. */
function split(config: WebhookConfig | undefined): [Omit<WebhookConfig, "secret">, string] {
  assert.ok(config !== undefined);
  const { secret, ...rest } = config;
  assert.equal(secret.length, 1);
  assert.ok(secret[0] instanceof Secret);
  return [rest, secret[0].reveal()];
}

const DEFAULTS = {
  headers: {},
  backoff: { max_tries: 12, max_time: "3m", delay: "1s", max_delay: "1m" },
  timeout: "10s",
  failure_policy: "ignore",
  max_concurrency: 16,
  circuit_breaker: { failures: 5, cool_down: "30s", max_cool_down: "10m" },
  signatures: ["servo", "standard"],
};

Deno.test("parseConfig() reads a full example with list-form headers", () => {
  const config = parseConfig(`
log_level: debug
webhooks:
  - name: store-measurements
    description: Keep every measurement
    events:
      - after:measure
      - before:adjust
    url: https://hooks.example.com/store?team=perf
    secret: s3cr3t
    headers:
      - name: Authorization
        value: Bearer abc
      - name: X-Team
        value: perf
    backoff:
      max_tries: 3
      max_time: 30s
    timeout: 5s
    failure_policy: cancel
    max_concurrency: 4
    circuit_breaker: { failures: 3, cool_down: 90s }
    signatures: [standard]
`);
  assert.equal(config.webhooks.length, 1);
  assert.deepEqual(split(config.webhooks[0]), [{
    name: "store-measurements",
    description: "Keep every measurement",
    events: ["after:measure", "before:adjust"],
    url: "https://hooks.example.com/store?team=perf",
    headers: { Authorization: "Bearer abc", "X-Team": "perf" },
    backoff: { max_tries: 3, max_time: "30s", delay: "1s", max_delay: "1m" },
    timeout: "5s",
    failure_policy: "cancel",
    max_concurrency: 4,
    circuit_breaker: { failures: 3, cool_down: "1m30s", max_cool_down: "10m" },
    signatures: ["standard"],
  }, "s3cr3t"]);
});

Deno.test("parseConfig() fills in defaults for a minimal webhook", () => {
  const config = parseConfig(hook("events: before:adjust", "url: http://localhost:8080", SECRET));
  assert.deepEqual(split(config.webhooks[0]), [{
    events: ["before:adjust"],
    url: "http://localhost:8080/",
    ...DEFAULTS,
  }, "s3cr3t"]);
});

Deno.test("parseConfig() accepts map-form headers, backoff false and numbers of seconds", () => {
  const [one] = split(
    parseConfig(
      valid("headers: {Authorization: Bearer abc, X-Team: perf}", "backoff: false", "timeout: 10"),
    ).webhooks[0],
  );
  assert.deepEqual(one.headers, { Authorization: "Bearer abc", "X-Team": "perf" });
  assert.equal(one.backoff, false);
  assert.equal(one.timeout, "10s");
});

Deno.test("parseConfig() writes durations canonically", () => {
  const cases: [string, string, string][] = [
    ["timeout: 90s", "timeout", "1m30s"],
    ["timeout: 5", "timeout", "5s"],
    ["timeout: 1.5", "timeout", "1.5s"],
    ["timeout: 1500ms", "timeout", "1.5s"],
    ["timeout: 250ms", "timeout", "250ms"],
    ["timeout: 1h30m", "timeout", "1h30m"],
    ["backoff: {max_time: 120}", "max_time", "2m"],
    ["backoff: {delay: 0}", "delay", "0"],
    ["backoff: {max_delay: 3600}", "max_delay", "1h"],
    ["backoff: {max_time: 24d}", "max_time", "24d"],
  ];
  for (const [field, key, want] of cases) {
    const webhook = parseConfig(valid(field)).webhooks[0];
    assert.ok(webhook !== undefined && webhook.backoff !== false);
    assert.equal(
      key === "timeout" ? webhook.timeout : webhook.backoff[key as "delay"],
      want,
      field,
    );
  }
});

Deno.test("parseConfig() takes a single string event, empty webhooks and ignores other keys", () => {
  assert.deepEqual(parseConfig(valid()).webhooks[0]?.events, ["after:measure"]);
  assert.deepEqual(parseConfig("webhooks:\n"), { webhooks: [] });
  assert.deepEqual(parseConfig("webhooks: []\nconnectors: [prometheus]\nopsani: {x: 1}"), {
    webhooks: [],
  });
  assert.deepEqual(validateConfig({ webhooks: null, other: 1 }), { webhooks: [] });
});

Deno.test("parseConfig() reads ${NAME} secrets and header values from options.env", () => {
  const env: Record<string, string> = { HOOK_SECRET: "from-env", TOKEN: "Bearer t0ken" };
  const names: string[] = [];
  const config = parseConfig(
    hook(
      EVENTS,
      URL_,
      "secret: ${HOOK_SECRET}",
      "headers: [{name: Authorization, value: '${TOKEN}'}, {name: X-Raw, value: $TOKEN}]",
    ),
    { env: (name) => (names.push(name), env[name]) },
  );
  const [rest, secret] = split(config.webhooks[0]);
  assert.equal(secret, "from-env");
  assert.deepEqual(rest.headers, { Authorization: "Bearer t0ken", "X-Raw": "$TOKEN" });
  assert.deepEqual(names.sort(), ["HOOK_SECRET", "TOKEN"]);
});

Deno.test("validateConfig() accepts its own output unchanged", () => {
  const first = parseConfig(`
webhooks:
  - name: a
    events: [before:adjust, after:adjust]
    url: https://example.com/a
    secret: s3cr3t
    headers: {X-A: "1"}
    backoff: {max_tries: 2, max_time: 90, delay: 500ms}
    timeout: 2.5
    failure_policy: cancel
  - events: after:measure
    url: https://example.com/b
    secret: other
    backoff: false
`);
  const again = validateConfig(first);
  assert.deepEqual(again.webhooks.map(split), first.webhooks.map(split));
  assert.deepEqual(validateConfig(again).webhooks.map(split), first.webhooks.map(split));
  const [a] = split(again.webhooks[0]);
  assert.deepEqual([a.backoff, a.timeout], [{
    max_tries: 2,
    max_time: "1m30s",
    delay: "500ms",
    max_delay: "1m",
  }, "2.5s"]);
});

Deno.test("parseConfig() checks events against options.registry", () => {
  const registry = new EventRegistry([servoEvents.measure]);
  defineEvent("deployed", { params: z.object({ version: z.string() }), result: z.null() }, {
    registry,
  });
  const text = hook("events: [before:deployed, after:measure]", URL_, SECRET);
  assert.deepEqual(parseConfig(text, { registry }).webhooks[0]?.events, [
    "before:deployed",
    "after:measure",
  ]);
  assert.deepEqual(failure(text).issues, [{
    path: "webhooks[0].events[0]",
    message: 'unknown event "deployed"',
    line: 2,
    column: 14,
  }]);
  assert.deepEqual(
    failure(hook("events: [after:deploy, after:adjust]", URL_, SECRET), { registry }).issues,
    [
      {
        path: "webhooks[0].events[0]",
        message: 'unknown event "deploy"; did you mean "deployed"?',
        line: 2,
        column: 14,
      },
      { path: "webhooks[0].events[1]", message: 'unknown event "adjust"', line: 2, column: 28 },
    ],
  );
});

const TOKEN = "tOpS3cr3t-9f2c";

Deno.test("parseConfig() never puts a secret in an error", () => {
  const cases: [string, ConfigOptions?][] = [
    [hook("events: after:mesure", "url: ftp://x", `secret: ${TOKEN}`)],
    [hook(EVENTS, `url: https://user:${TOKEN}@example.com/`, `secret: ${TOKEN}`)],
    [hook(EVENTS, URL_, `secret: [[${TOKEN}]]`)],
    [hook(EVENTS, URL_, `secret: [${TOKEN}, ${TOKEN}]`)],
    [hook(EVENTS, URL_, `secret: whsec_${TOKEN}!`)],
    [hook(EVENTS, URL_, `secret: {${TOKEN}: 1}`)],
    [hook(EVENTS, URL_, `secret: "${TOKEN}\\q"`)],
    [hook(EVENTS, URL_, `secret: '${TOKEN}`)],
    [hook(EVENTS, URL_, `secret: ${TOKEN}`, `  misindented: ${TOKEN}`)],
    [hook(EVENTS, URL_, `secrte: ${TOKEN}`)],
    [valid(`headers: {Authorization: "Bearer ${TOKEN}\\n"}`)],
    [valid(`headers: {Authorization: ${TOKEN}, authorization: ${TOKEN}}`)],
    [valid(`headers: [{name: Authorization, value: [${TOKEN}]}]`)],
    [valid(`headers: [{name: X-Servo-Token, value: ${TOKEN}}]`)],
    [valid(`headers: ["Authorization: ${TOKEN}"]`)],
    [hook("events: after:mesure", URL_, "secret: ${S}"), { env: () => TOKEN }],
    [valid("headers: {X-A: '${S}'}"), { env: () => `${TOKEN}\r\n` }],
  ];
  for (const [text, options] of cases) {
    const error = failure(text, options);
    for (const shown of [String(error), error.message, JSON.stringify(error.issues)]) {
      assert.ok(!shown.includes(TOKEN), `leaked by ${JSON.stringify(text)}: ${shown}`);
    }
  }
});

Deno.test("parseConfig() keeps the secret out of its result's text", () => {
  const config = parseConfig(hook(EVENTS, URL_, `secret: ${TOKEN}`));
  const secret = config.webhooks[0]?.secret[0];
  assert.ok(secret !== undefined);
  assert.ok(!JSON.stringify(config).includes(TOKEN));
  assert.match(JSON.stringify(config), /"secret":\["\*\*\*"\]/);
  assert.ok(!Deno.inspect(config, { depth: 10 }).includes(TOKEN));
  assert.equal(String(secret), "***");
  assert.equal(`${secret}`, "***");
  assert.equal(secret.reveal(), TOKEN);
});

Deno.test("parseConfig() throws only ConfigError on odd input", () => {
  const odd = [
    "{",
    "[",
    "- a\n- b",
    "webhooks: 5",
    "\t",
    "",
    "~",
    "webhooks:\n  - !!js/function 'x'",
    "webhooks: &a [*a]",
    "webhooks:\n  - &x {events: *x, url: *x, secret: *x, headers: *x, backoff: *x, timeout: *x}",
    "[".repeat(5000) + "]".repeat(5000),
    "---\nwebhooks: []\n---\nx: 1",
    "webhooks: !!set {a, b}",
    "webhooks:\n  - {? [a]: 1}",
    "webhooks:\n  - __proto__: {events: after:measure}",
    "webhooks:\r\n  - url: ftp://x\r\n",
    "\uFEFFwebhooks: []",
    'webhooks:\n  - events: [after:measure]\n    url: https://example.com\n    secret: "\\0"',
  ];
  for (const text of odd) {
    try {
      parseConfig(text);
    } catch (error) {
      assert.ok(error instanceof ConfigError, `${JSON.stringify(text)} threw ${error}`);
      assert.ok(error.issues.length > 0);
    }
  }
});

Deno.test("parseConfig() takes an empty timeout or failure_policy as the default", () => {
  const config = parseConfig(valid("timeout:", "failure_policy:", "name:", "headers:"));
  const [webhook] = config.webhooks;
  assert.equal(webhook?.timeout, "10s");
  assert.equal(webhook?.failure_policy, "ignore");
  assert.equal(webhook?.name, undefined);
  assert.deepEqual(webhook?.headers, {});
});
