// Property-based tests (fast-check) of configs: parseConfig() and validateConfig() throw
// nothing but ConfigError, finish quickly and never echo a secret. (Events:
// property_events_test.ts.)

import assert from "node:assert/strict";
import fc from "fast-check";
import {
  ConfigError,
  type ConfigOptions,
  EventValidationError,
  parseConfig,
  Secret,
  servoEvents,
  validateConfig,
} from "../mod.ts";
import { anything, check, durationText, onlyConfigError } from "./_property.ts";

/** A scalar as YAML: plain when that reads back as the same string, double-quoted otherwise. */
function yamlScalar(value: unknown): string {
  if (typeof value === "string") {
    const plain = /^[A-Za-z_][\w:./ -]*$/.test(value) &&
      !/[: ]$|: |^(true|false|null)$/i.test(value);
    return plain ? value : JSON.stringify(value);
  }
  if (typeof value === "number" && !Number.isFinite(value)) {
    return Number.isNaN(value) ? ".nan" : value > 0 ? ".inf" : "-.inf";
  }
  if (["number", "bigint", "boolean"].includes(typeof value)) return String(value);
  return value === null || value === undefined ? "~" : JSON.stringify(String(value));
}

/** A small YAML writer: block mappings and lists, scalars inline. */
// deno-fmt-ignore
function toYaml(value: unknown, pad = ""): string {
  if (value instanceof Secret) return ` ${yamlScalar(value.reveal())}`;
  if (Array.isArray(value)) {
    return value.length === 0 ? " []" : [...value].map((v) => `\n${pad}-${toYaml(v, pad + "  ")}`).join("");
  }
  if (typeof value !== "object" || value === null) return ` ${yamlScalar(value)}`;
  const entries = Object.entries(value);
  return entries.length === 0 ? " {}" : entries.map(([k, v]) => `\n${pad}${yamlScalar(k)}:${toYaml(v, pad + "  ")}`).join("");
}
const yamlDocument = (value: unknown) => toYaml(value).replace(/^[ \n]/, "");

const BASE = `log_level: debug
webhooks:
  - name: store
    description: Keep measurements
    events: [after:measure, before:adjust]
    url: https://hooks.example.com/store?team=perf
    secret: s3cr3t
    headers:
      - {name: Authorization, value: Bearer abc}
    backoff: {max_tries: 3, max_time: 30s}
    timeout: 5s
    failure_policy: cancel
    circuit_breaker:
      cool_down: 90s
  - events: after:adjust
    url: http://127.0.0.1:8080/hook
    secret: "\${HOOK_SECRET}"
`;
const VALID_HOOK = { events: "after:measure", url: "https://example.com/hook", secret: "s3cr3t" };

/** Characters that mean something in YAML, and any others. */
const yamlChars = fc.oneof(
  fc.constantFrom(..."-:#&*!|>'\"%@`{}[],? \t\n\r\0\uFEFF\u2028\\~"),
  fc.string({ unit: "binary", maxLength: 3 }),
);
const OPS = ["delete", "duplicate", "swap", "insert", "indent", "tab", "value"] as const;
const chars = fc.oneof(yamlChars, fc.stringMatching(/^\w{1,3}$/));
const edit = fc.tuple(fc.constantFrom(...OPS, "insert"), fc.nat(), fc.nat(), chars, anything);

/** Applies line edits: [op, line, number, text, value]. */
// deno-fmt-ignore
function mutate(text: string, edits: [(typeof OPS)[number], number, number, string, unknown][]): string {
  const lines = text.split("\n");
  for (const [op, at, n, piece, value] of edits) {
    const i = at % lines.length;
    const line = lines[i] ?? "";
    if (op === "delete") lines.splice(i, 1);
    else if (op === "duplicate") lines.splice(i, 0, line);
    else if (op === "swap") [lines[i], lines[n % lines.length]] = [lines[n % lines.length] ?? "", line];
    else if (op === "insert") lines[i] = line.slice(0, n % (line.length + 1)) + piece + line.slice(n % (line.length + 1));
    else if (op === "indent") lines[i] = n % 2 ? " ".repeat(n % 5) + line : line.replace(/^ {0,4}/, "");
    else if (op === "tab") lines[i] = "\t" + line;
    else lines[i] = line.replace(/:( .*)?$/, ":" + toYaml(value, " ".repeat(line.search(/\S|$/) + 4)));
    if (lines.length === 0) lines.push("");
  }
  return lines.join("\n");
}

const env = fc.option(fc.string({ unit: "binary" }), { nil: undefined }).map((v) => () => v);
const envArb = fc.oneof(
  fc.constant<ConfigOptions>({}),
  env.map((e): ConfigOptions => ({ env: e })),
);
const randomText = fc.oneof(
  fc.string({ unit: "binary", maxLength: 200 }),
  fc.array(yamlChars, { maxLength: 60 }).map((parts) => parts.join("")),
  fc.string({ maxLength: 100 }).map((s) => `webhooks:\n  - ${s}`),
  fc.array(edit, { minLength: 1, maxLength: 4 }).map((edits) => mutate(BASE, edits)),
);

// 1. parseConfig() throws nothing but ConfigError.

Deno.test("parseConfig() on random text and mutations of a valid config throws only ConfigError", () => {
  assert.equal(parseConfig(BASE, { env: () => "x" }).webhooks.length, 2);
  check(fc.tuple(randomText, envArb), 1500, ([text, options]) => {
    onlyConfigError(() => parseConfig(text, options));
  });
});

Deno.test("parseConfig() on YAML of random values throws only ConfigError", () => {
  // deno-fmt-ignore
  const doc = fc.oneof(
    anything,
    fc.array(anything, { maxLength: 4 }).map((webhooks) => ({ webhooks })),
    fc.dictionary(fc.string(), anything).map((extra) => ({ webhooks: [{ ...VALID_HOOK, ...extra }] })),
  );
  check(fc.tuple(doc, envArb), 800, ([value, options]) => {
    onlyConfigError(() => parseConfig(yamlDocument(value), options));
    onlyConfigError(() => parseConfig(yamlDocument({ webhooks: value }), options));
  });
});

Deno.test("parseConfig() of JSON text agrees with validateConfig() of the same value", () => {
  const outcome = (fn: () => unknown) => {
    try {
      return JSON.stringify(fn());
    } catch (error) {
      if (!(error instanceof ConfigError)) throw error;
      return error.issues.map((i) => `${i.path}: ${i.message}`).sort().join("\n");
    }
  };
  const json = fc.jsonValue({ maxDepth: 3 });
  const doc = fc.oneof(
    json.map((webhooks) => ({ webhooks })),
    fc.dictionary(fc.string(), json).map((extra) => ({ webhooks: [{ ...VALID_HOOK, ...extra }] })),
  );
  check(doc.map((value) => JSON.stringify(value)), 500, (text) => {
    assert.equal(outcome(() => parseConfig(text)), outcome(() => validateConfig(JSON.parse(text))));
  });
});

// 2. validateConfig() throws nothing but ConfigError, and its output validates to itself.

const FIELDS = ("name description events url secret headers backoff timeout failure_policy " +
  "max_concurrency circuit_breaker backoff.max_tries backoff.max_time backoff.delay " +
  "backoff.max_delay circuit_breaker.failures circuit_breaker.cool_down " +
  "circuit_breaker.max_cool_down headers.X-Token headers.0 events.0 events.1").split(" ");

// deno-fmt-ignore
const FULL_HOOK = {
  ...VALID_HOOK, name: "hook", events: ["after:measure", "before:adjust"], headers: { "X-Token": "t" },
  backoff: { max_tries: 3, max_time: "30s", delay: "1s", max_delay: "10s" },
  circuit_breaker: { failures: 3, cool_down: "90s", max_cool_down: "10m" },
};
/** A full valid webhook with `field` (`a` or `a.b`) set to `value`. */
function withField(field: string, value: unknown): { webhooks: Record<string, unknown>[] } {
  const hook: Record<string, unknown> = structuredClone(FULL_HOOK);
  const [head, tail] = field.split(".") as [string, string?];
  if (tail === undefined) hook[head] = value;
  else if (Array.isArray(hook[head])) (hook[head] as unknown[])[Number(tail)] = value;
  else hook[head] = { ...(hook[head] as object), [tail]: value };
  return { webhooks: [hook] };
}

const durationish = fc.oneof(fc.double(), fc.double({ min: 0, max: 3e6 }), durationText);

Deno.test("validateConfig() throws only ConfigError, and is idempotent when it succeeds", () => {
  // deno-fmt-ignore
  const config = fc.oneof(
    anything,
    anything.map((webhooks) => ({ webhooks })),
    fc.array(anything, { maxLength: 4 }).map((webhooks) => ({ webhooks })),
    fc.tuple(fc.constantFrom(...FIELDS), fc.oneof(anything, durationish)).map(([f, v]) => withField(f, v)),
  );
  check(fc.tuple(config, envArb), 1500, ([value, options]) => {
    const first = onlyConfigError(() => validateConfig(value, options));
    if (first === undefined) return;
    const again = validateConfig(first, options);
    assert.equal(JSON.stringify(again), JSON.stringify(first));
    assert.equal(JSON.stringify(validateConfig(again)), JSON.stringify(first));
  });
});

// 3. Never hangs.

/** Runs fn, which may throw ConfigError, and fails when it takes 1 s or more. */
function quick(what: string, fn: () => unknown): void {
  const start = performance.now();
  onlyConfigError(fn);
  const ms = performance.now() - start;
  // A guard against hangs and blow-ups (an alias bomb expanded would take minutes), not a
  // performance figure: the bound is far above the few milliseconds these take.
  assert.ok(ms < 5000, `${what} took ${Math.round(ms)} ms`);
}

/** A billion laughs: `levels` anchors, each ten aliases of the one before. */
function bomb(levels: number, leaf: string, merge = false): string {
  let text = `a0: &a0 ${leaf}\n`;
  for (let i = 1; i <= levels; i++) {
    const aliases = Array(10).fill(`*a${i - 1}`).join(", ");
    text += `a${i}: &a${i} ${merge ? `{<<: [${aliases}], k${i}: 1}` : `[${aliases}]`}\n`;
  }
  return text;
}

// deno-fmt-ignore
Deno.test("parseConfig() is quick on alias bombs and deep nesting", () => {
  const hook = "{events: after:measure, url: 'https://e.com', secret: s}";
  const places = ["webhooks: *L", "webhooks: [*L, *L]", "webhooks: [{events: *L, url: *L, secret: *L, headers: *L, backoff: *L, timeout: *L}]"];
  for (const levels of [8, 9, 10]) {
    for (const place of places) {
      quick(`bomb ${levels}: ${place}`, () => parseConfig(bomb(levels, hook) + place.replaceAll("*L", `*a${levels}`)));
      quick(`merge bomb ${levels}: ${place}`, () => parseConfig(bomb(levels, hook, true) + place.replaceAll("*L", `*a${levels}`)));
    }
  }
  for (const depth of [99, 100, 101, 100_000]) {
    quick(`[ ${depth}`, () => parseConfig("webhooks: " + "[".repeat(depth) + "]".repeat(depth)));
    quick(`{ ${depth}`, () => parseConfig("webhooks: " + "{a: ".repeat(depth) + "1" + "}".repeat(depth)));
    const dashes = Array.from({ length: Math.min(depth, 5000) }, (_, i) => " ".repeat(i + 1) + "-");
    quick(`- ${depth}`, () => parseConfig("webhooks:\n" + dashes.join("\n")));
  }
  let nested: unknown = VALID_HOOK;
  for (let i = 0; i < 10_000; i++) nested = { headers: nested, ...VALID_HOOK };
  quick("validateConfig of deep mappings", () => validateConfig({ webhooks: [nested] }));
  quick("a 100 000-character duration", () => parseConfig(yamlDocument(withField("timeout", "1".repeat(100_000) + "x"))));
  quick("a 100 000-character key", () => parseConfig(yamlDocument({ webhooks: [{ ["k".repeat(100_000)]: 1 }] })));
  const param = { control: { duration: "1".repeat(100_000) + "x" } };
  quick("a 100 000-character duration param", () => assert.throws(() => servoEvents.measure.validateParams(param), EventValidationError));
});

// 4. Never echoes a secret.

const secretArb = fc.stringMatching(/^[A-Za-z0-9]{12,24}$/).map((s) => `sekret-${s}`);
const junk = fc.oneof(
  anything,
  durationish,
  fc.constantFrom("ftp://x", "https://u:p@example.com/", "/relative", "after:mesure", "on:measure"),
);
/** Mostly `good`, sometimes junk. */
const often = <T>(good: fc.Arbitrary<T>) => fc.oneof({ arbitrary: good, weight: 9 }, junk);
/** An otherwise random, often broken, webhook: bad values, unknown keys, bad urls and durations. */
const brokenHook = fc.record({
  events: often(fc.constantFrom("after:measure", ["before:adjust", "after:adjust"])),
  url: often(fc.webUrl()),
  timeout: often(fc.constantFrom("5s", 2.5, "1m30s")),
  backoff: often(fc.record({ max_time: often(fc.constant("1m")), delay: often(fc.constant(0)) })),
  name: often(fc.string({ minLength: 1, maxLength: 8 })),
  circuit_breaker: often(fc.constant(false)),
  extra: fc.oneof(fc.constant({}), fc.dictionary(fc.string(), anything, { maxKeys: 2 })),
}, { requiredKeys: ["events", "url"] }).map(({ extra, ...fields }) => ({ ...extra, ...fields }));
/** The ways of writing a secret: the value and the options. */
// deno-fmt-ignore
const FORMS: ((secret: string) => [unknown, ConfigOptions])[] = [
  (s) => [s, {}], (s) => [[s], {}], (s) => [{ [s]: s }, {}], (s) => [`${s}\n`, {}], (s) => [new Secret(s), {}],
  (s) => ["${HOOK_SECRET}", { env: () => s }], (s) => ["${HOOK_SECRET}", { env: () => `${s}\r\n` }],
];

/** Fails when an error or a result of fn shows the secret. */
function assertHides(secret: string, fn: () => unknown): void {
  let shown: string[];
  try {
    const result = fn();
    shown = [JSON.stringify(result), Deno.inspect(result, { depth: 10 })];
  } catch (error) {
    assert.ok(error instanceof ConfigError, String(error));
    shown = [String(error), error.message, JSON.stringify(error.issues), Deno.inspect(error)];
  }
  for (const text of shown) assert.ok(!text.includes(secret), `the secret is shown: ${text}`);
}

// deno-fmt-ignore
Deno.test("no error or result of parseConfig() or validateConfig() shows the secret", () => {
  const arb = fc.tuple(secretArb, fc.constantFrom(...FORMS), fc.array(brokenHook, { maxLength: 2 }), brokenHook);
  check(arb, 600, ([secret, form, others, hook]) => {
    const [value, options] = form(secret);
    const document = { webhooks: [...others, { ...hook, secret: value }] };
    const json = JSON.stringify(document, (_, v) => (typeof v === "bigint" ? Number(v) : v));
    assertHides(secret, () => validateConfig(document, options));
    assertHides(secret, () => parseConfig(yamlDocument(document), options));
    assertHides(secret, () => parseConfig(json, options));
  });
});

// --- Found by the properties above, and fixed -------------------------------------------------

// deno-fmt-ignore
Deno.test("durations just under a minute or an hour validate to themselves", () => {
  const seconds = fc.tuple(fc.constantFrom(60, 3600, 86_400), fc.integer({ min: 1, max: 5 }), fc.integer({ min: -100, max: 100 }))
    .map(([unit, k, us]) => unit * k + us * 1e-6);
  check(fc.tuple(seconds, fc.boolean()), 200, ([s, asText]) => {
    const first = validateConfig(withField("timeout", asText ? `${s}s` : s));
    assert.equal(validateConfig(first).webhooks[0]?.timeout, first.webhooks[0]?.timeout);
    const params = servoEvents.measure.validateParams({ control: { duration: `${s}s` } });
    assert.deepEqual(servoEvents.measure.validateParams(params), params);
  });
});

// deno-fmt-ignore
Deno.test("an events list of holes is refused, not turned into no events", () => {
  const events = fc.sparseArray(fc.constant("after:measure"), { maxLength: 3 });
  check(events, 100, (list) => {
    const first = onlyConfigError(() => validateConfig({ webhooks: [{ ...VALID_HOOK, events: list }] }));
    if (first !== undefined) assert.deepEqual(validateConfig(first), first);
  });
});

Deno.test("parseConfig() never shows an unquoted secret that YAML reads as a tag or alias", () => {
  check(fc.tuple(fc.constantFrom("!", "!!", "*", "&"), secretArb), 100, ([mark, secret]) => {
    const text =
      `webhooks:\n  - events: after:measure\n    url: https://e.com\n    secret: ${mark}${secret}`;
    assertHides(secret, () => parseConfig(text));
  });
});

Deno.test("every issue's line and column point into the text", () => {
  check(randomText, 1500, (text) => {
    const lines = text.split(/\r\n|\r|\n/); // YAML's line breaks
    try {
      parseConfig(text);
    } catch (error) {
      if (!(error instanceof ConfigError)) throw error;
      for (const { line = 1, column = 1 } of error.issues) {
        assert.ok(line >= 1 && line <= lines.length, `line ${line}`);
        assert.ok(column >= 1 && column <= (lines[line - 1]?.length ?? 0) + 1, `column ${column}`);
      }
    }
  });
});

Deno.test("parseConfig() places each of 12 000 problems on its own line", () => {
  const error = (() => {
    try {
      parseConfig("webhooks:\n" + "  - 1\n".repeat(12_000));
    } catch (error) {
      return error;
    }
  })();
  assert.ok(error instanceof ConfigError);
  assert.equal(error.issues.length, 12_000);
  error.issues.forEach((issue, i) => assert.equal(issue.line, i + 2));
});
