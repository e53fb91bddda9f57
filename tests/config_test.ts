// parseConfig() and validateConfig(): every problem named by path (and YAML line and column),
// defaults and canonical durations, secrets kept out of errors and output.

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

/** One webhook: each field on its own line, so field k is at line k + 2, column 5. */
function hook(...fields: string[]): string {
  return `webhooks:\n  - ${fields.join("\n    ")}`;
}
const EVENTS = "events: after:measure";
const URL_ = "url: https://example.com/hook";
const SECRET = "secret: s3cr3t";
/** A valid webhook (lines 2 to 4) followed by `more` fields from line 5 on. */
const valid = (...more: string[]) => hook(EVENTS, URL_, SECRET, ...more);

/** `[path, message, line?, column?]` */
type Expected = [string, string, number?, number?];
interface Bad {
  what: string;
  input: unknown; // a string is YAML for parseConfig(); anything else goes to validateConfig()
  issues: Expected[];
  options?: ConfigOptions;
}

const RESERVED = "is set by servo-webhooks and cannot be configured";
const UNITS = "use ns, us, ms, s, m, h, d, w, mm or y";
const TRIES = "must be a whole number from 1 to 100";

// One case a line, so the table reads as a table.
// deno-fmt-ignore
const BAD: Bad[] = [
  { what: "a missing webhooks key", input: "other: 1", issues: [["webhooks", "required: a list of webhooks"]] },
  { what: "webhooks as a mapping", input: "webhooks: {a: 1}", issues: [["webhooks", "must be a list of webhooks, not a mapping", 1, 1]] },
  { what: "webhooks as a string", input: "x: 1\nwebhooks: all", issues: [["webhooks", "must be a list of webhooks, not a string", 2, 1]] },
  { what: "a webhook that is not a mapping", input: "webhooks:\n  - hello", issues: [["webhooks[0]", "must be a mapping with events, url and secret, not a string", 2, 5]] },
  { what: "an unknown key, with a suggestion", input: valid("backof: false"), issues: [["webhooks[0].backof", 'unknown key; did you mean "backoff"?', 5, 5]] },
  { what: "an unknown key, without a suggestion", input: valid("color: red"), issues: [["webhooks[0].color", "unknown key", 5, 5]] },
  { what: "missing events", input: hook(URL_, SECRET), issues: [["webhooks[0].events", 'required: the events to send, such as "after:measure"', 2, 5]] },
  { what: "an empty events list", input: hook("events: []", URL_, SECRET), issues: [["webhooks[0].events", 'must list at least one event, such as "after:measure"', 2, 5]] },
  { what: "events as a number", input: hook("events: 5", URL_, SECRET), issues: [["webhooks[0].events", "must be an event or a list of events, not a number", 2, 5]] },
  { what: "a number in the events list", input: hook("events: [after:measure, 5]", URL_, SECRET), issues: [["webhooks[0].events[1]", 'must be a string such as "after:measure", not a number', 2, 29]] },
  { what: "a misspelt event", input: hook("events: after:mesure", URL_, SECRET), issues: [["webhooks[0].events", 'unknown event "mesure"; did you mean "measure"?', 2, 5]] },
  { what: "an on:event", input: hook("events: on:measure", URL_, SECRET), issues: [["webhooks[0].events", '"on:measure" is an on event, which webhooks cannot use: write "before:measure" or "after:measure"', 2, 5]] },
  { what: "a bare event name", input: hook("events: [measure]", URL_, SECRET), issues: [["webhooks[0].events[0]", '"measure" is an on event, which webhooks cannot use: write "before:measure" or "after:measure"', 2, 14]] },
  { what: "an upper-case preposition", input: hook("events: BEFORE:adjust", URL_, SECRET), issues: [["webhooks[0].events", 'unknown preposition "BEFORE" in "BEFORE:adjust": use "before:" or "after:"', 2, 5]] },
  { what: "an upper-case event name", input: hook("events: before:MEASURE", URL_, SECRET), issues: [["webhooks[0].events", 'unknown event "MEASURE"; did you mean "measure"?', 2, 5]] },
  { what: "an event with a second colon", input: hook("events: before:measure:x", URL_, SECRET), issues: [["webhooks[0].events", 'unknown event "measure:x"; did you mean "measure"?', 2, 5]] },
  { what: "an event listed twice", input: hook("events: [after:measure, before:adjust, after:measure]", URL_, SECRET), issues: [["webhooks[0].events[2]", '"after:measure" is listed twice', 2, 44]] },
  { what: "a missing url", input: hook(EVENTS, SECRET), issues: [["webhooks[0].url", "required: the http or https URL to POST to", 2, 5]] },
  { what: "a url that is not a string", input: hook(EVENTS, "url: 8080", SECRET), issues: [["webhooks[0].url", "must be an http or https URL, not a number", 3, 5]] },
  { what: "an ftp url", input: hook(EVENTS, "url: ftp://example.com/hook", SECRET), issues: [["webhooks[0].url", 'scheme "ftp:" is not allowed: use http or https', 3, 5]] },
  { what: "a javascript: url", input: hook(EVENTS, "url: javascript:alert(1)", SECRET), issues: [["webhooks[0].url", 'scheme "javascript:" is not allowed: use http or https', 3, 5]] },
  { what: "a relative url", input: hook(EVENTS, "url: /hooks/store", SECRET), issues: [["webhooks[0].url", "must be an absolute http or https URL", 3, 5]] },
  { what: "a url with user and password", input: hook(EVENTS, "url: https://user:pw@example.com/", SECRET), issues: [["webhooks[0].url", "must not contain a user name or password: send credentials in headers", 3, 5]] },
  { what: "a missing secret", input: hook(EVENTS, URL_), issues: [["webhooks[0].secret", "required: the key of the HMAC signature", 2, 5]] },
  { what: "an empty secret", input: hook(EVENTS, URL_, "secret: ''"), issues: [["webhooks[0].secret", "must not be empty", 4, 5]] },
  { what: "a whitespace secret", input: hook(EVENTS, URL_, 'secret: " \\t "'), issues: [["webhooks[0].secret", "must not be empty", 4, 5]] },
  { what: "a number as secret", input: hook(EVENTS, URL_, "secret: 12345"), issues: [["webhooks[0].secret", "must be a string (quote it in YAML), not a number", 4, 5]] },
  { what: "an invalid header name", input: valid("headers: {X Token: a}"), issues: [["webhooks[0].headers.X Token", '"X Token" is not a valid header name', 5, 15]] },
  { what: "CR and LF in a header value", input: valid('headers: {X-Token: "a\\r\\nX-Evil: 1"}'), issues: [["webhooks[0].headers.X-Token", "must not contain CR, LF or NUL characters", 5, 15]] },
  {
    what: "reserved headers in any letter case",
    input: valid("headers:", "  Content-Type: a", "  content-length: 1", "  HOST: h", "  User-Agent: u", "  X-Servo-Signature: s", "  x-servo-anything: x", "  X-Fine: ok"),
    issues: [
      ["webhooks[0].headers.Content-Type", `header "Content-Type" ${RESERVED}`, 6, 7],
      ["webhooks[0].headers.content-length", `header "content-length" ${RESERVED}`, 7, 7],
      ["webhooks[0].headers.HOST", `header "HOST" ${RESERVED}`, 8, 7],
      ["webhooks[0].headers.User-Agent", `header "User-Agent" ${RESERVED}`, 9, 7],
      ["webhooks[0].headers.X-Servo-Signature", `header "X-Servo-Signature" ${RESERVED}`, 10, 7],
      ["webhooks[0].headers.x-servo-anything", `header "x-servo-anything" ${RESERVED}`, 11, 7],
    ],
  },
  { what: "a reserved header in list form", input: valid("headers: [{name: Host, value: h}]"), issues: [["webhooks[0].headers[0].name", `header "Host" ${RESERVED}`, 5, 16]] },
  { what: "a header given twice, ignoring case", input: valid("headers:", "  X-Token: a", "  x-token: b"), issues: [["webhooks[0].headers.x-token", 'header "x-token" is given twice', 7, 7]] },
  { what: "a header given twice in list form", input: valid("headers: [{name: X-A, value: a}, {name: x-a, value: b}]"), issues: [["webhooks[0].headers[1].name", 'header "x-a" is given twice', 5, 39]] },
  { what: "a list header without a name", input: valid("headers: [{value: a}]"), issues: [["webhooks[0].headers[0].name", "required: the header's name", 5, 15]] },
  { what: "a list header with an unknown key", input: valid("headers: [{name: X-A, value: a, vlaue: b}]"), issues: [["webhooks[0].headers[0].vlaue", 'unknown key; did you mean "value"?', 5, 37]] },
  { what: "backoff as a string", input: valid("backoff: fast"), issues: [["webhooks[0].backoff", "must be false or a mapping of max_tries and max_time, not a string", 5, 5]] },
  { what: "max_tries 0", input: valid("backoff: {max_tries: 0}"), issues: [["webhooks[0].backoff.max_tries", TRIES, 5, 15]] },
  { what: "max_tries 1.5", input: valid("backoff: {max_tries: 1.5}"), issues: [["webhooks[0].backoff.max_tries", TRIES, 5, 15]] },
  { what: "max_tries 1000", input: valid("backoff: {max_tries: 1000}"), issues: [["webhooks[0].backoff.max_tries", TRIES, 5, 15]] },
  { what: "max_tries as a string", input: valid("backoff: {max_tries: '3'}"), issues: [["webhooks[0].backoff.max_tries", TRIES, 5, 15]] },
  { what: "max_time 5x", input: valid("backoff: {max_time: 5x}"), issues: [["webhooks[0].backoff.max_time", `invalid duration "5x": unknown unit "x": ${UNITS}`, 5, 15]] },
  { what: "max_time -1s", input: valid("backoff: {max_time: -1s}"), issues: [["webhooks[0].backoff.max_time", 'invalid duration "-1s": durations cannot be negative', 5, 15]] },
  { what: "max_time 0", input: valid("backoff: {max_time: 0}"), issues: [["webhooks[0].backoff.max_time", "must be longer than 0", 5, 15]] },
  { what: "a huge max_time", input: valid("backoff: {max_time: 99999999999h}"), issues: [["webhooks[0].backoff.max_time", "must be at most 24d", 5, 15]] },
  { what: "a huge number of seconds", input: valid("backoff: {max_delay: 99999999999}"), issues: [["webhooks[0].backoff.max_delay", "must be at most 24d", 5, 15]] },
  { what: "an unknown backoff key", input: valid("backoff: {max_tires: 3}"), issues: [["webhooks[0].backoff.max_tires", 'unknown key; did you mean "max_tries"?', 5, 15]] },
  { what: "timeout 0", input: valid("timeout: 0"), issues: [["webhooks[0].timeout", "must be longer than 0", 5, 5]] },
  { what: "timeout 0s", input: valid("timeout: 0s"), issues: [["webhooks[0].timeout", "must be longer than 0", 5, 5]] },
  { what: "timeout 5x", input: valid("timeout: 5x"), issues: [["webhooks[0].timeout", `invalid duration "5x": unknown unit "x": ${UNITS}`, 5, 5]] },
  { what: "timeout 1m 30s", input: valid("timeout: 1m 30s"), issues: [["webhooks[0].timeout", 'invalid duration "1m 30s": unexpected " 30s"', 5, 5]] },
  { what: "timeout -1s", input: valid("timeout: -1s"), issues: [["webhooks[0].timeout", 'invalid duration "-1s": durations cannot be negative', 5, 5]] },
  { what: "timeout -1", input: valid("timeout: -1"), issues: [["webhooks[0].timeout", "must be a duration such as 500ms, 5s or 3m, not negative", 5, 5]] },
  { what: "timeout 25d", input: valid("timeout: 25d"), issues: [["webhooks[0].timeout", "must be at most 24d", 5, 5]] },
  { what: "failure_policy sometimes", input: valid("failure_policy: sometimes"), issues: [["webhooks[0].failure_policy", 'must be "ignore" or "cancel"', 5, 5]] },
  {
    what: "duplicate names",
    input: `webhooks:\n  - name: a\n    ${EVENTS}\n    ${URL_}\n    ${SECRET}\n  - name: b\n    ${EVENTS}\n    ${URL_}\n    ${SECRET}\n  - name: a\n    ${EVENTS}\n    ${URL_}\n    ${SECRET}`,
    issues: [["webhooks[2].name", 'duplicate name "a": webhooks[0] has it too', 10, 5]],
  },
  { what: "an empty name", input: valid("name: ' '"), issues: [["webhooks[0].name", "must be 1 to 128 printable characters", 5, 5]] },
  { what: "a name of 129 characters", input: valid(`name: ${"n".repeat(129)}`), issues: [["webhooks[0].name", "must be 1 to 128 printable characters", 5, 5]] },
  { what: "a name with a newline", input: valid('name: "a\\nb"'), issues: [["webhooks[0].name", "must be 1 to 128 printable characters", 5, 5]] },
  { what: "a name that is a number", input: valid("name: 7"), issues: [["webhooks[0].name", "must be a string, not a number", 5, 5]] },
  {
    what: "several problems at once",
    input: "webhooks:\n  - events: [after:mesure, on:adjust]\n    url: ftp://example.com\n    secret: ''\n    timeout: 0\n    failure_policy: never\n  - 5\n  - name: ok\n    events: after:adjust\n    url: https://example.com\n    secret: s",
    issues: [
      ["webhooks[0].events[0]", 'unknown event "mesure"; did you mean "measure"?', 2, 14],
      ["webhooks[0].events[1]", '"on:adjust" is an on event, which webhooks cannot use: write "before:adjust" or "after:adjust"', 2, 28],
      ["webhooks[0].url", 'scheme "ftp:" is not allowed: use http or https', 3, 5],
      ["webhooks[0].secret", "must not be empty", 4, 5],
      ["webhooks[0].timeout", "must be longer than 0", 5, 5],
      ["webhooks[0].failure_policy", 'must be "ignore" or "cancel"', 6, 5],
      ["webhooks[1]", "must be a mapping with events, url and secret, not a number", 7, 5],
    ],
  },
  { what: "a YAML syntax error", input: "webhooks:\n  - a: b\n   c: d", issues: [["", "invalid YAML: bad indentation of a sequence entry", 3, 4]] },
  { what: "a duplicated YAML key", input: "webhooks: []\nwebhooks: []", issues: [["", "invalid YAML: duplicated mapping key", 2, 1]] },
  { what: "a document that is a list", input: "- webhooks: []", issues: [["", "the configuration must be a mapping with a webhooks: list, not a list"]] },
  { what: "a document that is a scalar", input: "webhooks", issues: [["", "the configuration must be a mapping with a webhooks: list, not a string"]] },
  { what: "${SECRET} without env", input: hook(EVENTS, URL_, "secret: ${SECRET}"), issues: [["webhooks[0].secret", "refers to environment variable SECRET, but no environment was given to read it", 4, 5]] },
  { what: "${SECRET} not in env", input: hook(EVENTS, URL_, "secret: ${SECRET}"), options: { env: (name) => (name === "OTHER" ? "x" : undefined) }, issues: [["webhooks[0].secret", "environment variable SECRET is not set", 4, 5]] },
  { what: "${SECRET} empty in env", input: hook(EVENTS, URL_, "secret: ${SECRET}"), options: { env: () => "" }, issues: [["webhooks[0].secret", "environment variable SECRET is not set", 4, 5]] },
  { what: "a header ${TOKEN} without env", input: valid("headers: {Authorization: '${TOKEN}'}"), issues: [["webhooks[0].headers.Authorization", "refers to environment variable TOKEN, but no environment was given to read it", 5, 15]] },
  { what: "a value that is not a mapping", input: null, issues: [["", "the configuration must be a mapping with a webhooks: list, not null"]] },
  { what: "an empty Secret", input: { webhooks: [{ events: "after:measure", url: "https://example.com", secret: new Secret("") }] }, issues: [["webhooks[0].secret", "must not be empty"]] },
  { what: "a bigint timeout", input: { webhooks: [{ events: "after:measure", url: "https://example.com", secret: "s", timeout: 10n }] }, issues: [["webhooks[0].timeout", "must be a duration such as 500ms, 5s or 3m, not a bigint"]] },
  { what: "an empty url", input: hook(EVENTS, "url: ''", SECRET), issues: [["webhooks[0].url", "required: the http or https URL to POST to", 3, 5]] },
  { what: "an http url without //", input: hook(EVENTS, "url: 'http:example.com'", SECRET), issues: [["webhooks[0].url", "must be an absolute http or https URL", 3, 5]] },
  { what: "a list-form header without a value", input: valid("headers: [{name: X-A}]"), issues: [["webhooks[0].headers[0].value", "required: the header's value", 5, 15]] },
  { what: "a header value that is a number", input: valid("headers: {X-Version: 1.20}"), issues: [["webhooks[0].headers.X-Version", "must be a string (quote it in YAML), not a number", 5, 15]] },
  { what: "a preposition without an event", input: hook("events: 'before:'", URL_, SECRET), issues: [["webhooks[0].events", '"before:" names no event: write "before:<event>", such as "before:measure"', 2, 5]] },
  { what: "an empty event", input: hook("events: ''", URL_, SECRET), issues: [["webhooks[0].events", 'must not be empty: name an event, such as "after:measure"', 2, 5]] },
  { what: "a timeout shorter than a nanosecond", input: valid("timeout: 0.1ns"), issues: [["webhooks[0].timeout", "must be longer than 0", 5, 5]] },
  { what: "a timeout of a tiny number of seconds", input: valid("timeout: 0.0000000001"), issues: [["webhooks[0].timeout", "must be longer than 0", 5, 5]] },
  { what: "an infinite timeout", input: valid("timeout: .inf"), issues: [["webhooks[0].timeout", "must be at most 24d", 5, 5]] },
  { what: "a NaN timeout", input: valid("timeout: .nan"), issues: [["webhooks[0].timeout", "must be a duration such as 500ms, 5s or 3m, not NaN", 5, 5]] },
  { what: "a near-miss environment reference", input: hook(EVENTS, URL_, "secret: '${ SECRET }'"), issues: [["webhooks[0].secret", "looks like an environment variable reference but is not one: write ${NAME}, a letter or _ then letters, digits or _", 4, 5]], options: { env: () => "x" } },
  { what: "a secret from the environment with a trailing newline", input: hook(EVENTS, URL_, "secret: ${TOKEN}"), issues: [["webhooks[0].secret", "must not contain control characters (a trailing newline, perhaps)", 4, 5]], options: { env: () => "tok\n" } },
  { what: "a name with a line separator", input: hook('name: "a\u2028b"', EVENTS, URL_, SECRET), issues: [["webhooks[0].name", "must be 1 to 128 printable characters", 2, 5]] },
  { what: "max_delay shorter than delay", input: valid("backoff: {delay: 1m, max_delay: 1s}"), issues: [["webhooks[0].backoff.max_delay", "must not be shorter than delay (1m)", 5, 26]] },
  { what: "problems in document order", input: hook("name: ''", EVENTS, "url: ftp://x", SECRET, "colour: red"), issues: [["webhooks[0].name", "must be 1 to 128 printable characters", 2, 5], ["webhooks[0].url", 'scheme "ftp:" is not allowed: use http or https', 4, 5], ["webhooks[0].colour", "unknown key", 6, 5]] },
  { what: "a quoted key, at its quote", input: valid('headers: {"X Token": a}'), issues: [["webhooks[0].headers.X Token", '"X Token" is not a valid header name', 5, 15]] },
  { what: "max_concurrency 0", input: valid("max_concurrency: 0"), issues: [["webhooks[0].max_concurrency", "must be a whole number from 1 to 1000", 5, 5]] },
  { what: "max_concurrency as a string", input: valid("max_concurrency: many"), issues: [["webhooks[0].max_concurrency", "must be a whole number from 1 to 1000", 5, 5]] },
  { what: "circuit_breaker as a string", input: valid("circuit_breaker: on"), issues: [["webhooks[0].circuit_breaker", "must be false or a mapping of failures and cool_down, not a string", 5, 5]] },
  { what: "circuit_breaker failures 0 and an unknown key", input: valid("circuit_breaker: {failures: 0, cooldown: 1s}"), issues: [["webhooks[0].circuit_breaker.failures", "must be a whole number from 1 to 1000", 5, 23], ["webhooks[0].circuit_breaker.cooldown", 'unknown key; did you mean "cool_down"?', 5, 36]] },
  { what: "max_cool_down below cool_down", input: valid("circuit_breaker: {cool_down: 1m, max_cool_down: 1s}"), issues: [["webhooks[0].circuit_breaker.max_cool_down", "must not be shorter than cool_down (1m)", 5, 38]] },
  { what: "an empty list of secrets", input: hook(EVENTS, URL_, "secret: []"), issues: [["webhooks[0].secret", "must list at least one secret", 4, 5]] },
  { what: "a secret listed twice", input: hook(EVENTS, URL_, "secret: [a, b, a]"), issues: [["webhooks[0].secret[2]", "is listed twice", 4, 20]] },
  { what: "a blank secret in a list", input: hook(EVENTS, URL_, "secret: [a, ' ']"), issues: [["webhooks[0].secret[1]", "must not be empty", 4, 17]] },
  { what: "a whsec_ secret that is not base64", input: hook(EVENTS, URL_, "secret: whsec_not*base64"), issues: [["webhooks[0].secret", "starts with whsec_, so the rest must be base64 (a Standard Webhooks secret)", 4, 5]] },
  { what: "an unknown signature scheme", input: valid("signatures: [servo, svix]"), issues: [["webhooks[0].signatures[1]", 'must be "servo" or "standard"', 5, 25]] },
  { what: "no signature scheme", input: valid("signatures: []"), issues: [["webhooks[0].signatures", 'must list servo, standard or both, such as "[servo, standard]"', 5, 5]] },
  { what: "a Standard Webhooks header", input: valid("headers: {Webhook-Signature: x}"), issues: [["webhooks[0].headers.Webhook-Signature", `header "Webhook-Signature" ${RESERVED}`, 5, 15]] },
];

function expected(issues: Expected[]) {
  return issues.map(([path, message, line, column]) =>
    line === undefined ? { path, message } : { path, message, line, column }
  );
}

/** Runs the case and returns its ConfigError. */
function failure(input: unknown, options?: ConfigOptions): ConfigError {
  try {
    if (typeof input === "string") parseConfig(input, options);
    else validateConfig(input, options);
  } catch (error) {
    assert.ok(error instanceof ConfigError, `not a ConfigError: ${error}`);
    return error;
  }
  assert.fail("no ConfigError");
}

for (const { what, input, issues, options } of BAD) {
  const fn = typeof input === "string" ? "parseConfig" : "validateConfig";
  Deno.test(`${fn}() rejects ${what}`, () => {
    const error = failure(input, options);
    assert.deepEqual(error.issues, expected(issues));
    assert.equal(error.name, "ConfigError");
  });
}

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
