// This module is browser compatible.

/**
 * A unit of measure, as servox writes it on the wire: `""` (a plain number), `%`, `ms`,
 * `bytes`, `rpm`, `rps`, `GiB` or `cores`.
 *
 * @example A latency metric in milliseconds
 * ```ts
 * import type { Metric, Unit } from "@servo/webhooks";
 *
 * const unit: Unit = "ms";
 * const latency: Metric = { name: "latency_p99", unit };
 * ```
 */
export type Unit = "" | "%" | "ms" | "bytes" | "rpm" | "rps" | "GiB" | "cores";

/**
 * A servo duration string such as `500ms`, `5s`, `3m` or `1h30m`.
 *
 * @example Measuring for five minutes after a warm-up
 * ```ts
 * import { type Duration, parseDuration } from "@servo/webhooks";
 *
 * const duration: Duration = "5m";
 * const warmup: Duration = "30s";
 * console.log(parseDuration(duration) + parseDuration(warmup)); // 330000
 * ```
 */
export type Duration = string;

/**
 * A metric a connector can measure.
 *
 * @example Answering the metrics event
 * ```ts
 * import { type Metric, Servo, servoEvents } from "@servo/webhooks";
 *
 * const metrics: Metric[] = [{ name: "throughput", unit: "rpm" }, { name: "error_rate", unit: "%" }];
 * new Servo().addConnector("prometheus").on(servoEvents.metrics, () => metrics);
 * ```
 */
export interface Metric {
  /** The metric's name, such as `throughput`. */
  name: string;
  /** Its unit; `""` by default. */
  unit?: Unit | undefined;
}

/**
 * One reading of a metric at one time.
 *
 * @example The throughput now
 * ```ts
 * import type { DataPoint } from "@servo/webhooks";
 *
 * const point: DataPoint = {
 *   metric: { name: "throughput", unit: "rpm" },
 *   time: new Date().toISOString(),
 *   value: 1250,
 * };
 * ```
 */
export interface DataPoint {
  /** The metric read. */
  metric: Metric;
  /** When, as ISO 8601 with a time zone. */
  time: string;
  /** The value read. */
  value: number;
}

/**
 * A series of readings of one metric, sorted by time on the wire.
 *
 * @example Two minutes of latency
 * ```ts
 * import type { Metric, TimeSeries } from "@servo/webhooks";
 *
 * const metric: Metric = { name: "latency_p99", unit: "ms" };
 * const series: TimeSeries = {
 *   metric,
 *   data_points: [{ metric, time: "2026-01-01T00:00:00Z", value: 182.5 }, { metric, time: "2026-01-01T00:01:00Z", value: 176 }],
 * };
 * ```
 */
export interface TimeSeries {
  /** The metric read. */
  metric: Metric;
  /** The readings. */
  data_points: DataPoint[];
  /** An identifier of the series. */
  id?: string | null | undefined;
  /** A note on the series. */
  annotation?: string | null | undefined;
  /** Extra labels. */
  metadata?: Record<string, string> | null | undefined;
}

/**
 * A reading: one data point or a time series.
 *
 * @example The latest value of either kind
 * ```ts
 * import type { Reading } from "@servo/webhooks";
 *
 * function latest(reading: Reading): number | undefined {
 *   return "data_points" in reading ? reading.data_points.at(-1)?.value : reading.value;
 * }
 * ```
 */
export type Reading = DataPoint | TimeSeries;

/**
 * What a measure returns. All readings are of one kind.
 *
 * @example Answering a measure
 * ```ts
 * import { type Measurement, Servo, servoEvents } from "@servo/webhooks";
 *
 * const measurement: Measurement = {
 *   readings: [{ metric: { name: "throughput", unit: "rpm" }, time: new Date().toISOString(), value: 1250 }],
 *   annotations: { source: "prometheus" },
 * };
 * new Servo().addConnector("prometheus").on(servoEvents.measure, () => measurement);
 * ```
 */
export interface Measurement {
  /** The readings; `[]` by default. */
  readings?: Reading[] | undefined;
  /** Notes on the measurement; `{}` by default. */
  annotations?: Record<string, string> | undefined;
}

/**
 * A numeric setting that moves in steps between `min` and `max`. Connectors may add fields.
 *
 * @example CPU, a quarter core at a time
 * ```ts
 * import type { RangeSetting } from "@servo/webhooks";
 *
 * const cpu: RangeSetting = { name: "cpu", type: "range", min: 0.25, max: 4, step: 0.25, value: 1, unit: "cores" };
 * ```
 */
export interface RangeSetting {
  /** The setting's name, such as `cpu`. */
  name: string;
  /** Always `range`. */
  type: "range";
  /** Whether the optimizer may not change it; `false` by default. */
  pinned?: boolean | undefined;
  /** Its unit, such as `cores`. */
  unit?: string | null | undefined;
  /** The current value, within `[min, max]`. */
  value?: number | null | undefined;
  /** The lowest value. */
  min: number;
  /** The highest value. */
  max: number;
  /** The step between values; never zero. */
  step: number;
  /** Fields a connector adds. */
  [field: string]: unknown;
}

/**
 * A setting that takes one of a list of values. Connectors may add fields.
 *
 * @example An instance type
 * ```ts
 * import type { EnumSetting } from "@servo/webhooks";
 *
 * const instanceType: EnumSetting = {
 *   name: "inst_type",
 *   type: "enum",
 *   unit: "ec2",
 *   values: ["t3.medium", "t3.large", "m5.large"],
 *   value: "t3.medium",
 * };
 * ```
 */
export interface EnumSetting {
  /** The setting's name, such as `inst_type`. */
  name: string;
  /** Always `enum`. */
  type: "enum";
  /** Whether the optimizer may not change it; `false` by default. */
  pinned?: boolean | undefined;
  /** Its unit, such as `ec2`. */
  unit?: string | null | undefined;
  /** The current value, one of `values`. */
  value?: string | number | null | undefined;
  /** The values it may take; at least one. */
  values: (string | number)[];
  /** Fields a connector adds. */
  [field: string]: unknown;
}

/**
 * A setting of a component.
 *
 * @example Saying what a setting may be
 * ```ts
 * import type { Setting } from "@servo/webhooks";
 *
 * function range(setting: Setting): string {
 *   return setting.type === "range"
 *     ? `${setting.min} to ${setting.max} by ${setting.step}`
 *     : `one of ${setting.values.join(", ")}`;
 * }
 * ```
 */
export type Setting = RangeSetting | EnumSetting;

/**
 * Something that can be adjusted, with its settings.
 *
 * @example A web deployment
 * ```ts
 * import type { Component } from "@servo/webhooks";
 *
 * const web: Component = {
 *   name: "web",
 *   settings: [
 *     { name: "cpu", type: "range", min: 0.25, max: 4, step: 0.25, value: 1, unit: "cores" },
 *     { name: "replicas", type: "range", min: 1, max: 10, step: 1, value: 3 },
 *   ],
 * };
 * ```
 */
export interface Component {
  /** The component's name, such as `web`. */
  name: string;
  /** Its settings; `[]` by default. */
  settings?: Setting[] | undefined;
}

/**
 * What describe and adjust return: the components and the metrics.
 *
 * @example Answering describe
 * ```ts
 * import { type Description, Servo, servoEvents } from "@servo/webhooks";
 *
 * const description: Description = {
 *   components: [{ name: "web", settings: [{ name: "replicas", type: "range", min: 1, max: 10, step: 1, value: 3 }] }],
 *   metrics: [{ name: "throughput", unit: "rpm" }],
 * };
 * new Servo().addConnector("k8s").on(servoEvents.describe, () => description);
 * ```
 */
export interface Description {
  /** The components; `[]` by default. */
  components?: Component[] | undefined;
  /** The metrics; `[]` by default. */
  metrics?: Metric[] | undefined;
}

/**
 * One change to make to one setting of one component.
 *
 * @example Scaling out the web component
 * ```ts
 * import { type Adjustment, Servo, servoEvents } from "@servo/webhooks";
 *
 * const adjustments: Adjustment[] = [{ component_name: "web", setting_name: "replicas", value: 4 }];
 * const servo = new Servo();
 * servo.addConnector("k8s").on(servoEvents.adjust, () => ({}));
 * await servo.dispatch(servoEvents.adjust, { adjustments });
 * ```
 */
export interface Adjustment {
  /** The component, such as `web`. */
  component_name: string;
  /** The setting, such as `cpu`. */
  setting_name: string;
  /** The new value. */
  value: string | number;
}

/**
 * How an operation is run: its timing and load. Durations are servo duration strings.
 *
 * @example Timing a measurement
 * ```ts
 * import { type Control, Servo, servoEvents } from "@servo/webhooks";
 *
 * const control: Control = { warmup: "30s", duration: "5m" };
 * await new Servo().dispatch(servoEvents.measure, { metrics: ["throughput"], control });
 * ```
 */
export interface Control {
  /** How long to measure; `0` by default. */
  duration?: Duration | undefined;
  /** How long to wait first; `0` by default. */
  delay?: Duration | undefined;
  /** How long to let the system warm up; `0` by default. */
  warmup?: Duration | undefined;
  /** How long to let an adjustment settle. */
  settlement?: Duration | null | undefined;
  /** The load to apply. */
  load?: Record<string, unknown> | null | undefined;
  /** Data passed through from the optimizer. */
  userdata?: Record<string, unknown> | null | undefined;
}

/**
 * How bad a failed check is.
 *
 * @example Stopping checks at the first warning
 * ```ts
 * import { type ErrorSeverity, Servo, servoEvents } from "@servo/webhooks";
 *
 * const halt_on: ErrorSeverity = "warning";
 * await new Servo().dispatch(servoEvents.check, { halt_on });
 * ```
 */
export type ErrorSeverity = "warning" | "common" | "critical";

/**
 * Which checks to run.
 *
 * @example Running only the network checks
 * ```ts
 * import { type CheckFilter, Servo, servoEvents } from "@servo/webhooks";
 *
 * const matching: CheckFilter = { tags: ["network"], exclusive: true };
 * await new Servo().dispatch(servoEvents.check, { matching });
 * ```
 */
export interface CheckFilter {
  /** Check names to run: one or a list. */
  name?: string | string[] | null | undefined;
  /** Check ids to run: one or a list. */
  id?: string | string[] | null | undefined;
  /** Run checks with any of these tags. */
  tags?: string[] | null | undefined;
  /** Run only the matching checks; `false` by default. */
  exclusive?: boolean | undefined;
}

/**
 * The outcome of one check.
 *
 * @example A check that passed
 * ```ts
 * import { type Check, Servo, servoEvents } from "@servo/webhooks";
 *
 * const reachable: Check = { name: "Prometheus is reachable", severity: "critical", success: true };
 * new Servo().addConnector("prometheus").on(servoEvents.check, () => [reachable]);
 * ```
 */
export interface Check {
  /** The check's name. */
  name: string;
  /** Its identifier. */
  id?: string | undefined;
  /** What it checks. */
  description?: string | null | undefined;
  /** How bad a failure is; `common` by default. */
  severity?: ErrorSeverity | undefined;
  /** Tags: 1 to 32 of `0-9 a-z . -`. */
  tags?: string[] | null | undefined;
  /** Whether it passed. */
  success?: boolean | null | undefined;
  /** What happened. */
  message?: string | null | undefined;
  /** What to do about a failure. */
  hint?: string | null | undefined;
  /** The error raised, as text. */
  exception?: string | null | undefined;
  /** When it was created, ISO 8601. */
  created_at?: string | undefined;
  /** When it ran, ISO 8601. */
  run_at?: string | null | undefined;
  /** How long it took. */
  runtime?: Duration | null | undefined;
}
