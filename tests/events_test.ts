// The event catalogue, event contexts, durations, the catalogue's models and request schemas.

import assert from "node:assert/strict";
import * as z from "zod";
import {
  defineEvent,
  type EventDefinition,
  EventRegistry,
  eventRegistry,
  EventValidationError,
  formatDuration,
  parseDuration,
  parseEventContext,
  requestSchema,
  servoEvents,
} from "../mod.ts";

const NAMES = [
  "attach",
  "detach",
  "startup",
  "shutdown",
  "metrics",
  "components",
  "check",
  "describe",
  "measure",
  "adjust",
  "promote",
];

/** The paths of the issues `run` throws as an EventValidationError. */
function paths(run: () => unknown): string[] {
  try {
    run();
  } catch (error) {
    assert.ok(error instanceof EventValidationError, String(error));
    return error.issues.map((i) => i.path);
  }
  assert.fail("expected an EventValidationError");
}

const CONTROL_DEFAULTS = { duration: "0", delay: "0", warmup: "0" };
const dataPoint = (time: string, value: number) => ({ metric: { name: "rps" }, time, value });
const describeWith = (setting: Record<string, unknown>) =>
  servoEvents.describe.validateResult({ components: [{ name: "web", settings: [setting] }] });

Deno.test("servoEvents holds the 11 servox events in order, all in eventRegistry", () => {
  assert.deepEqual(Object.keys(servoEvents), NAMES);
  for (const [key, event] of Object.entries(servoEvents) as [string, EventDefinition][]) {
    assert.equal(event.name, key);
    assert.notEqual(event.description, "");
    assert.equal(eventRegistry.get(key), event);
  }
  assert.deepEqual(eventRegistry.names().slice(0, NAMES.length), NAMES);
});

Deno.test("parseEventContext() follows the servo-webhooks test_from_str table", () => {
  const found: [string, string][] = [
    ["before:measure", "before:measure"],
    ["on:measure", "measure"],
    ["measure", "measure"],
    ["after:measure", "after:measure"],
  ];
  for (const [input, text] of found) {
    const context = parseEventContext(input);
    assert.ok(context !== undefined, input);
    assert.equal(String(context), text, input);
    assert.equal(`${context}`, text, input);
  }
  const missing = [
    "invalid:adjust",
    "before:invalid",
    "BEFORE:adjust",
    "before:MEASURE",
    "",
    "nothing",
  ];
  for (const input of missing) assert.equal(parseEventContext(input), undefined, input);
});

Deno.test("parseEventContext() is exact: one colon, no trimming, known events only", () => {
  for (const input of ["before:measure:x", "before:", ":measure", " measure", "measure ", "on:"]) {
    assert.equal(parseEventContext(input), undefined, JSON.stringify(input));
  }
  const cases: [string, string, string][] = [
    ["before:adjust", "before", "adjust"],
    ["on:promote", "on", "promote"],
    ["check", "on", "check"],
    ["after:metrics", "after", "metrics"],
  ];
  for (const [input, preposition, event] of cases) {
    const context = parseEventContext(input);
    assert.equal(context?.preposition, preposition, input);
    assert.equal(context?.event, event, input);
  }
  const registry = new EventRegistry();
  defineEvent("events_test.tick", { params: z.object({}), result: z.null() }, { registry });
  assert.equal(
    String(parseEventContext("after:events_test.tick", registry)),
    "after:events_test.tick",
  );
  assert.equal(parseEventContext("after:events_test.tick"), undefined);
  assert.equal(parseEventContext("before:measure", registry), undefined);
});

Deno.test("formatDuration() carries a rounded nanosecond into the next unit", () => {
  assert.equal(formatDuration(999.9999999), "1s");
  assert.equal(formatDuration(0.0000004), "0");
  assert.equal(formatDuration(-0.5), "-500us");
});

Deno.test("formatDuration() writes the servox examples", () => {
  const cases: [number, string][] = [
    [1, "1s"],
    [60.5, "1m0.5s"],
    [180, "3m"],
    [5400, "1h30m"],
    [86400 + 3600 + 60 + 1, "1d1h1m1s"],
    [7 * 86400, "7d"],
    [30 * 86400, "1mm"],
    [366 * 86400, "1y1d"],
    [1.2345678, "1.23457s"],
    [72 * 3600 + 180.5, "3d3m0.5s"],
    [0.5, "500ms"],
    [0.0015, "1ms500us"],
    [0, "0"],
  ];
  for (const [seconds, text] of cases) assert.equal(formatDuration(seconds * 1000), text, text);
});

Deno.test("parseDuration() reads every unit and round-trips the examples", () => {
  const units: [string, number][] = [
    ["1ns", 1e-6],
    ["1us", 1e-3],
    ["1µs", 1e-3],
    ["1μs", 1e-3],
    ["1ms", 1],
    ["1s", 1000],
    ["1m", 60_000],
    ["1h", 3_600_000],
    ["1d", 86_400_000],
    ["1w", 7 * 86_400_000],
    ["1mm", 30 * 86_400_000],
    ["1y", 365 * 86_400_000],
  ];
  for (const [text, ms] of units) assert.equal(parseDuration(text), ms, text);
  assert.equal(parseDuration("0"), 0);
  assert.equal(parseDuration("5mm"), 5 * 30 * 86_400_000);
  assert.equal(parseDuration("5ms"), 5);
  assert.equal(parseDuration("1.5h"), 5_400_000);
  assert.equal(parseDuration("1h30m"), 5_400_000);
  assert.equal(parseDuration("72h3m0.5s"), 259_380_500);
  for (const text of ["1s", "1m0.5s", "3m", "1h30m", "1d1h1m1s", "7d", "1mm", "1y1d", "3d3m0.5s"]) {
    assert.equal(formatDuration(parseDuration(text)), text);
  }
  assert.equal(formatDuration(parseDuration("1w")), "7d");
  assert.equal(formatDuration(parseDuration("90s")), "1m30s");
});

Deno.test("parseDuration() throws a SyntaxError for malformed durations", () => {
  for (const text of ["", "5", "5M", "5 m", "5x", "-1s", "5m30", "1..5h", "abc5m", "1S", "s"]) {
    assert.throws(() => parseDuration(text), SyntaxError, JSON.stringify(text));
  }
});

Deno.test("measure params: metrics list, control defaults and canonical durations, unknown fields", () => {
  const measure = servoEvents.measure;
  assert.deepEqual(measure.validateParams(undefined), { metrics: null, control: CONTROL_DEFAULTS });
  assert.deepEqual(measure.validateParams({}), { metrics: null, control: CONTROL_DEFAULTS });
  assert.deepEqual(
    measure.validateParams({
      metrics: ["throughput", "latency"],
      control: { duration: "90s", warmup: "0.5s", settlement: "3600s", load: { rps: 10 } },
    }),
    {
      metrics: ["throughput", "latency"],
      control: {
        duration: "1m30s",
        delay: "0",
        warmup: "500ms",
        settlement: "1h",
        load: { rps: 10 },
      },
    },
  );
  assert.deepEqual(measure.validateParams({ metrics: null }).metrics, null);
  assert.deepEqual(paths(() => measure.validateParams({ metrics: "throughput" })), ["metrics"]);
  assert.deepEqual(paths(() => measure.validateParams({ metrics: ["a", ""] })), ["metrics[1]"]);
  assert.deepEqual(paths(() => measure.validateParams({ metric: ["a"] })), ["metric"]);
  assert.deepEqual(paths(() => measure.validateParams({ control: { durration: "5m" } })), [
    "control.durration",
  ]);
  assert.deepEqual(paths(() => measure.validateParams({ control: { duration: ["5m"] } })), [
    "control.duration",
  ]);
  assert.deepEqual(paths(() => measure.validateParams(null)), [""]);
});

Deno.test("adjust params: adjustments required, values strings or numbers", () => {
  const adjust = servoEvents.adjust;
  const adjustments = [
    { component_name: "web", setting_name: "cpu", value: 0.5 },
    { component_name: "web", setting_name: "inst_type", value: "m5.large" },
  ];
  assert.deepEqual(adjust.validateParams({ adjustments }), {
    adjustments,
    control: CONTROL_DEFAULTS,
  });
  assert.deepEqual(adjust.validateParams({ adjustments: [] }).adjustments, []);
  assert.deepEqual(paths(() => adjust.validateParams({})), ["adjustments"]);
  assert.deepEqual(paths(() => adjust.validateParams(undefined)), ["adjustments"]);
  const one = (value: unknown) => ({
    adjustments: [{ component_name: "web", setting_name: "cpu", value }],
  });
  for (const value of [true, null, { a: 1 }, Infinity]) {
    assert.deepEqual(paths(() => adjust.validateParams(one(value))), ["adjustments[0].value"]);
  }
  assert.deepEqual(
    paths(() => adjust.validateParams({ adjustments: [{ component_name: "web", value: 1 }] })),
    ["adjustments[0].setting_name"],
  );
});

Deno.test("check and describe params: defaults and bad values", () => {
  const check = servoEvents.check;
  assert.deepEqual(check.validateParams({}), { matching: null, halt_on: "critical" });
  assert.deepEqual(check.validateParams(undefined), { matching: null, halt_on: "critical" });
  assert.deepEqual(
    check.validateParams({ matching: { name: ["a", "b"], tags: ["net"] }, halt_on: "warning" }),
    { matching: { name: ["a", "b"], tags: ["net"], exclusive: false }, halt_on: "warning" },
  );
  assert.deepEqual(paths(() => check.validateParams({ halt_on: "fatal" })), ["halt_on"]);
  assert.deepEqual(paths(() => check.validateParams({ matching: { nam: "a" } })), [
    "matching.nam",
  ]);

  const describe = servoEvents.describe;
  assert.deepEqual(describe.validateParams({}), { control: CONTROL_DEFAULTS });
  assert.deepEqual(describe.validateParams({ control: { delay: "60s" } }), {
    control: { ...CONTROL_DEFAULTS, delay: "1m" },
  });
  assert.deepEqual(paths(() => describe.validateParams({ components: [] })), ["components"]);
  assert.deepEqual(describe.validateResult({}), { components: [], metrics: [] });
  assert.deepEqual(paths(() => describe.validateResult({ components: [{ settings: [] }] })), [
    "components[0].name",
  ]);
});

Deno.test("check results: defaults and tag rules", () => {
  assert.deepEqual(servoEvents.check.validateResult([{ name: "reachable", success: true }]), [
    { name: "reachable", success: true, severity: "common" },
  ]);
  assert.deepEqual(
    paths(() => servoEvents.check.validateResult([{ name: "a", tags: ["Net"] }])),
    ["[0].tags[0]"],
  );
});

Deno.test("Measurement: defaults, one kind of reading, time series sorted by time", () => {
  const measure = servoEvents.measure;
  assert.deepEqual(measure.validateResult({}), { readings: [], annotations: {} });
  const points = [
    dataPoint("2021-01-01T00:00:00Z", 1),
    dataPoint("2021-01-01T00:00:01+00:00", 2),
  ];
  assert.deepEqual(measure.validateResult({ readings: points }).readings?.length, 2);
  const mixed = {
    readings: [
      dataPoint("2021-01-01T00:00:00Z", 1),
      { metric: { name: "rps" }, data_points: [] },
    ],
  };
  assert.deepEqual(paths(() => measure.validateResult(mixed)), ["readings[1]"]);
  const series = measure.validateResult({
    readings: [{
      metric: { name: "rps", unit: "rps" },
      data_points: [
        dataPoint("2021-01-01T00:00:02Z", 3),
        dataPoint("2021-01-01T01:00:01+01:00", 2),
        dataPoint("2021-01-01T00:00:00.500Z", 1),
      ],
      id: "s1",
    }],
  });
  const first = series.readings?.[0];
  assert.ok(first !== undefined && "data_points" in first);
  assert.deepEqual(first.data_points.map((p) => p.value), [1, 2, 3]);
  assert.deepEqual(paths(() => measure.validateResult({ readings: [dataPoint("yesterday", 1)] })), [
    "readings[0].time",
  ]);
  assert.deepEqual(
    paths(() => measure.validateResult({ readings: [dataPoint("2021-01-01T00:00:00Z", NaN)] })),
    [
      "readings[0].value",
    ],
  );
});

Deno.test("RangeSetting and EnumSetting rules, with connector fields kept", () => {
  const at = "components[0].settings[0]";
  const range = { name: "cpu", type: "range", min: 0.25, max: 4, step: 0.25 };
  assert.deepEqual(describeWith({ ...range, value: 1, request: 250, get: ["x"] }).components, [{
    name: "web",
    settings: [{ ...range, pinned: false, value: 1, request: 250, get: ["x"] }],
  }]);
  assert.deepEqual(paths(() => describeWith({ ...range, step: 0 })), [`${at}.step`]);
  assert.deepEqual(paths(() => describeWith({ ...range, min: 5 })), [`${at}.min`]);
  assert.deepEqual(paths(() => describeWith({ ...range, value: 4.5 })), [`${at}.value`]);
  assert.deepEqual(paths(() => describeWith({ ...range, value: 0 })), [`${at}.value`]);
  assert.deepEqual(paths(() => describeWith({ ...range, max: "4" })), [`${at}.max`]);

  const enumSetting = { name: "inst_type", type: "enum", values: ["m5.large", 2], unit: "ec2" };
  assert.deepEqual(describeWith({ ...enumSetting, value: 2, region: "eu" }).components, [{
    name: "web",
    settings: [{ ...enumSetting, pinned: false, value: 2, region: "eu" }],
  }]);
  assert.deepEqual(paths(() => describeWith({ ...enumSetting, value: "m5.xlarge" })), [
    `${at}.value`,
  ]);
  assert.deepEqual(paths(() => describeWith({ ...enumSetting, values: [] })), [`${at}.values`]);
  assert.deepEqual(paths(() => describeWith({ ...enumSetting, type: "list" })), [`${at}.type`]);
});

Deno.test("Metric units are servox's wire values", () => {
  for (const unit of ["", "%", "ms", "bytes", "rpm", "rps", "GiB", "cores"] as const) {
    assert.deepEqual(servoEvents.metrics.validateResult([{ name: "m", unit }]), [{
      name: "m",
      unit,
    }]);
  }
  assert.deepEqual(servoEvents.metrics.validateResult([{ name: "m" }]), [{ name: "m", unit: "" }]);
  for (const unit of ["float", "percentage", "RPM", "seconds"]) {
    assert.deepEqual(paths(() => servoEvents.metrics.validateResult([{ name: "m", unit }])), [
      "[0].unit",
    ]);
  }
  assert.deepEqual(servoEvents.components.validateResult([{ name: "web" }]), [
    { name: "web", settings: [] },
  ]);
});

Deno.test("Lifecycle events take no params and return null", () => {
  for (const name of ["attach", "detach", "startup", "shutdown", "promote"] as const) {
    const event = servoEvents[name];
    assert.deepEqual(event.validateParams(undefined), {}, name);
    assert.deepEqual(event.validateParams({}), {}, name);
    assert.equal(event.validateResult(null), null, name);
    assert.equal(event.validateResult(undefined), null, name);
    assert.deepEqual(paths(() => event.validateParams({ servo: 1 })), ["servo"], name);
    assert.deepEqual(paths(() => event.validateResult(0)), [""], name);
  }
  assert.deepEqual(servoEvents.metrics.validateParams(undefined), {});
  assert.deepEqual(paths(() => servoEvents.metrics.validateResult(null)), [""]);
});

Deno.test("requestSchema() gives before and after request bodies", () => {
  const before = requestSchema("before:measure");
  const properties = before.properties as Record<string, Record<string, unknown>>;
  assert.deepEqual(Object.keys(properties), ["event", "created_at", "params"]);
  assert.deepEqual(before.required, ["event", "created_at", "params"]);
  assert.deepEqual(properties.event, { const: "before:measure" });
  assert.deepEqual(
    Object.keys(properties.params?.properties as object),
    ["metrics", "control"],
  );

  const after = requestSchema("after:measure");
  const afterProperties = after.properties as Record<string, Record<string, unknown>>;
  assert.deepEqual(Object.keys(afterProperties), ["event", "created_at", "params", "results"]);
  assert.deepEqual(after.required, ["event", "created_at", "params", "results"]);
  assert.equal(afterProperties.results?.type, "array");

  for (const event of ["measure", "on:measure", "before:mesure", "nothing", "", "BEFORE:measure"]) {
    assert.throws(() => requestSchema(event), TypeError, JSON.stringify(event));
  }
});
