// This module is browser compatible.
// The servo data models (servox `servo/types.py`, `servo/checks.py`) as zod schemas, with wire
// names in snake_case. The schemas stay private to lib/; the public types are the hand-written
// interfaces in `models_types.ts`, held equal to the schemas' input types at compile time.

import * as z from "zod";
import { formatDuration, parseDuration } from "./duration.ts";
import { jsonWritable } from "./_json.ts";
import type * as T from "./models_types.ts";

/** `(<T>() => T extends A ? 1 : 2)` trick: true only when A and B are the same type. */
type Equals<A, B> = (<V>() => V extends A ? 1 : 2) extends (<V>() => V extends B ? 1 : 2) ? true
  : false;

const DURATION_PATTERN = "^(0|((\\d+(\\.\\d+)?|\\.\\d+)(ns|us|µs|μs|ms|s|mm|m|h|d|w|y))+)$";

/** A servo duration string, written canonically on the wire (`90s` → `1m30s`). */
export const duration = z
  .string()
  .regex(new RegExp(DURATION_PATTERN), {
    message: 'expected a duration such as "500ms", "5s", "3m" or "1h30m"',
  })
  // zod runs this even when the regex failed; then the value is already invalid, kept as is.
  .overwrite((text) => {
    try {
      return formatDuration(parseDuration(text));
    } catch {
      return text;
    }
  })
  .meta({
    description: "A servo duration: numbers with units ns, us, ms, s, m, h, d, w, mm, y",
    examples: ["300ms", "5m", "2h45m", "72h3m0.5s"],
  });

/**
 * What JSON cannot write, made writable: a BigInt as its decimal string, an Error as
 * `{name, message}`. Objects are copied only where something changes.
 */
function jsonSafe(value: unknown, seen: WeakSet<object> = new WeakSet()): unknown {
  const writable = jsonWritable(value);
  if (writable !== value) return writable;
  if (typeof value !== "object" || value === null || seen.has(value)) return value;
  seen.add(value);
  if (Array.isArray(value)) {
    const items = value.map((item) => jsonSafe(item, seen));
    return items.every((item, i) => item === value[i]) ? value : items;
  }
  let copy: Record<string, unknown> | undefined;
  for (const [key, item] of Object.entries(value)) {
    const safe = jsonSafe(item, seen);
    if (safe !== item) (copy ??= { ...value as Record<string, unknown> })[key] = safe;
  }
  return copy ?? value;
}

/** Free-form data a connector may put anywhere: any JSON, written safely. */
const freeForm = z.unknown().overwrite((value) => jsonSafe(value));

const datetime = z.iso.datetime({ offset: true });
const name = z.string().min(1);
// zod 4 numbers are finite: NaN and the infinities are refused.
const numeric = z.number();
const stringMap = z.record(z.string(), z.string());

/** Values of servox's `Unit` enum, as they appear on the wire. */
export const unit = z.enum(["", "%", "ms", "bytes", "rpm", "rps", "GiB", "cores"]);

export const metric = z.strictObject({ name, unit: unit.default("") });

export const dataPoint = z.strictObject({ metric, time: datetime, value: numeric });

export const timeSeries = z.strictObject({
  metric,
  data_points: z
    .array(dataPoint)
    .overwrite((points) => [...points].sort((a, b) => Date.parse(a.time) - Date.parse(b.time))),
  id: z.string().nullable().optional(),
  annotation: z.string().nullable().optional(),
  metadata: stringMap.nullable().optional(),
});

export const measurement = z
  .strictObject({
    readings: z.array(z.union([timeSeries, dataPoint])).default([]),
    annotations: stringMap.default({}),
  })
  .superRefine((value, ctx) => {
    const kinds = value.readings.map((r) => ("data_points" in r ? "TimeSeries" : "DataPoint"));
    const bad = kinds.findIndex((kind) => kind !== kinds[0]);
    if (bad > 0) {
      ctx.addIssue({
        code: "custom",
        path: ["readings", bad],
        message: `all readings must be of the same type: expected "${kinds[0]}" but found "${
          kinds[bad]
        }"`,
      });
    }
  });

const settingBase = {
  name,
  pinned: z.boolean().default(false),
  unit: z.string().nullable().optional(),
};

export const rangeSetting = z
  .object({
    ...settingBase,
    type: z.literal("range"),
    value: numeric.nullable().optional(),
    min: numeric,
    max: numeric,
    step: numeric,
  })
  .catchall(freeForm)
  .superRefine((s, ctx) => {
    if (s.step === 0) {
      ctx.addIssue({ code: "custom", path: ["step"], message: "step cannot be zero" });
    }
    if (s.min > s.max) {
      ctx.addIssue({
        code: "custom",
        path: ["min"],
        message: `invalid range: min (${s.min}) is greater than max (${s.max})`,
      });
    }
    if (typeof s.value === "number" && (s.value < s.min || s.value > s.max)) {
      ctx.addIssue({
        code: "custom",
        path: ["value"],
        message: `invalid value: ${s.value} is outside of the range ${s.min}-${s.max}`,
      });
    }
  });

const enumValue = z.union([z.string(), numeric]);

export const enumSetting = z
  .object({
    ...settingBase,
    type: z.literal("enum"),
    value: enumValue.nullable().optional(),
    values: z.array(enumValue).min(1, { message: "at least one value is required" }),
  })
  .catchall(freeForm)
  .superRefine((s, ctx) => {
    if (s.value !== undefined && s.value !== null && !s.values.includes(s.value)) {
      ctx.addIssue({
        code: "custom",
        path: ["value"],
        message: `invalid value: ${JSON.stringify(s.value)} is not one of the values`,
      });
    }
  });

export const setting = z.discriminatedUnion("type", [rangeSetting, enumSetting]);

export const component = z.strictObject({ name, settings: z.array(setting).default([]) });

export const description = z.strictObject({
  components: z.array(component).default([]),
  metrics: z.array(metric).default([]),
});

export const adjustment = z.strictObject({
  component_name: name,
  setting_name: name,
  value: enumValue,
});

export const control = z.strictObject({
  duration: duration.default("0"),
  delay: duration.default("0"),
  warmup: duration.default("0"),
  settlement: duration.nullable().optional(),
  load: z.record(z.string(), freeForm).nullable().optional(),
  userdata: z.record(z.string(), freeForm).nullable().optional(),
});

export const errorSeverity = z.enum(["warning", "common", "critical"]);

const oneOrMany = z.union([z.string(), z.array(z.string())]).nullable().optional();

export const checkFilter = z.strictObject({
  name: oneOrMany,
  id: oneOrMany,
  tags: z.array(z.string()).nullable().optional(),
  exclusive: z.boolean().default(false),
});

export const check = z.strictObject({
  name: z.string(),
  id: z.string().optional(),
  description: z.string().nullable().optional(),
  severity: errorSeverity.default("common"),
  tags: z.array(z.string().regex(/^[0-9a-z.-]{1,32}$/)).nullable().optional(),
  success: z.boolean().nullable().optional(),
  message: z.string().nullable().optional(),
  hint: z.string().nullable().optional(),
  exception: z.string().nullable().optional(),
  created_at: datetime.optional(),
  run_at: datetime.nullable().optional(),
  runtime: duration.nullable().optional(),
});

// The public interfaces must stay equal to what the schemas accept.
const _unit: Equals<T.Unit, z.input<typeof unit>> = true;
const _metric: Equals<T.Metric, z.input<typeof metric>> = true;
const _dataPoint: Equals<T.DataPoint, z.input<typeof dataPoint>> = true;
const _timeSeries: Equals<T.TimeSeries, z.input<typeof timeSeries>> = true;
const _measurement: Equals<T.Measurement, z.input<typeof measurement>> = true;
const _range: Equals<T.RangeSetting, z.input<typeof rangeSetting>> = true;
const _enum: Equals<T.EnumSetting, z.input<typeof enumSetting>> = true;
const _component: Equals<T.Component, z.input<typeof component>> = true;
const _description: Equals<T.Description, z.input<typeof description>> = true;
const _adjustment: Equals<T.Adjustment, z.input<typeof adjustment>> = true;
const _control: Equals<T.Control, z.input<typeof control>> = true;
const _checkFilter: Equals<T.CheckFilter, z.input<typeof checkFilter>> = true;
const _check: Equals<T.Check, z.input<typeof check>> = true;
