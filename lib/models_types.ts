// This module is browser compatible.

/**
 * A unit of measure, as servox writes it on the wire: `""` (a plain number), `%`, `ms`,
 * `bytes`, `rpm`, `rps`, `GiB` or `cores`.
 */
export type Unit = "" | "%" | "ms" | "bytes" | "rpm" | "rps" | "GiB" | "cores";

/** A servo duration string such as `500ms`, `5s`, `3m` or `1h30m`. */
export type Duration = string;

/** A metric a connector can measure. */
export interface Metric {
  /** The metric's name, such as `throughput`. */
  name: string;
  /** Its unit; `""` by default. */
  unit?: Unit | undefined;
}

/** One reading of a metric at one time. */
export interface DataPoint {
  /** The metric read. */
  metric: Metric;
  /** When, as ISO 8601 with a time zone. */
  time: string;
  /** The value read. */
  value: number;
}

/** A series of readings of one metric, sorted by time on the wire. */
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

/** A reading: one data point or a time series. */
export type Reading = DataPoint | TimeSeries;

/** What a measure returns. All readings are of one kind. */
export interface Measurement {
  /** The readings; `[]` by default. */
  readings?: Reading[] | undefined;
  /** Notes on the measurement; `{}` by default. */
  annotations?: Record<string, string> | undefined;
}

/** A numeric setting that moves in steps between `min` and `max`. Connectors may add fields. */
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

/** A setting that takes one of a list of values. Connectors may add fields. */
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

/** A setting of a component. */
export type Setting = RangeSetting | EnumSetting;

/** Something that can be adjusted, with its settings. */
export interface Component {
  /** The component's name, such as `web`. */
  name: string;
  /** Its settings; `[]` by default. */
  settings?: Setting[] | undefined;
}

/** What describe and adjust return: the components and the metrics. */
export interface Description {
  /** The components; `[]` by default. */
  components?: Component[] | undefined;
  /** The metrics; `[]` by default. */
  metrics?: Metric[] | undefined;
}

/** One change to make to one setting of one component. */
export interface Adjustment {
  /** The component, such as `web`. */
  component_name: string;
  /** The setting, such as `cpu`. */
  setting_name: string;
  /** The new value. */
  value: string | number;
}

/** How an operation is run: its timing and load. Durations are servo duration strings. */
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

/** How bad a failed check is. */
export type ErrorSeverity = "warning" | "common" | "critical";

/** Which checks to run. */
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

/** The outcome of one check. */
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
