// This module is browser compatible.
// The eleven standard servox events (`servo/servo.py` `Events`), in servox's order.

import * as z from "zod";
import { defineEvent, type EventDefinition } from "./event.ts";
import * as m from "./models.ts";
import type {
  Adjustment,
  Check,
  CheckFilter,
  Component,
  Control,
  Description,
  ErrorSeverity,
  Measurement,
  Metric,
} from "./models_types.ts";

/**
 * Params of an event that takes none.
 *
 * @example Dispatching an event that takes no params
 * ```ts
 * import { type NoParams, Servo, servoEvents } from "@servo/webhooks";
 *
 * const params: NoParams = {};
 * await new Servo().dispatch(servoEvents.startup, params); // or leave params out
 * ```
 */
export type NoParams = Record<string, never>;

/**
 * Params of the `check` event.
 *
 * @example Running the network checks, stopping at a warning
 * ```ts
 * import { type CheckParams, Servo, servoEvents } from "@servo/webhooks";
 *
 * const params: CheckParams = { matching: { tags: ["network"] }, halt_on: "warning" };
 * await new Servo().dispatch(servoEvents.check, params);
 * ```
 */
export interface CheckParams {
  /** Which checks to run; all when absent or `null`. */
  matching?: CheckFilter | null | undefined;
  /** Stop at the first failure of this severity; `critical` by default. */
  halt_on?: ErrorSeverity | undefined;
}

/**
 * Params of the `describe` event.
 *
 * @example Describing after a short delay
 * ```ts
 * import { type DescribeParams, Servo, servoEvents } from "@servo/webhooks";
 *
 * const params: DescribeParams = { control: { delay: "5s" } };
 * await new Servo().dispatch(servoEvents.describe, params);
 * ```
 */
export interface DescribeParams {
  /** How to describe; defaults apply when absent. */
  control?: Control | undefined;
}

/**
 * Params of the `measure` event.
 *
 * @example Measuring two metrics for five minutes
 * ```ts
 * import { type MeasureParams, Servo, servoEvents } from "@servo/webhooks";
 *
 * const params: MeasureParams = { metrics: ["throughput", "latency_p99"], control: { duration: "5m", warmup: "30s" } };
 * await new Servo().dispatch(servoEvents.measure, params);
 * ```
 */
export interface MeasureParams {
  /** The metrics to measure; all when absent or `null`. */
  metrics?: string[] | null | undefined;
  /** How to measure; defaults apply when absent. */
  control?: Control | undefined;
}

/**
 * Params of the `adjust` event.
 *
 * @example More CPU, then a minute to settle
 * ```ts
 * import { type AdjustParams, Servo, servoEvents } from "@servo/webhooks";
 *
 * const params: AdjustParams = {
 *   adjustments: [{ component_name: "web", setting_name: "cpu", value: 1.5 }],
 *   control: { settlement: "1m" },
 * };
 * await new Servo().dispatch(servoEvents.adjust, params);
 * ```
 */
export interface AdjustParams {
  /** The changes to make. */
  adjustments: Adjustment[];
  /** How to adjust; defaults apply when absent. */
  control?: Control | undefined;
}

/**
 * The standard servo events, as {@linkcode servoEvents} holds them.
 *
 * @example Picking an event by name
 * ```ts
 * import { type ServoEvents, servoEvents } from "@servo/webhooks";
 *
 * const name: keyof ServoEvents = "measure";
 * console.log(servoEvents[name].description); // "Measures metrics"
 * ```
 */
export interface ServoEvents {
  /** A connector was attached to the servo. */
  readonly attach: EventDefinition<NoParams, null>;
  /** A connector was detached from the servo. */
  readonly detach: EventDefinition<NoParams, null>;
  /** The servo is starting. */
  readonly startup: EventDefinition<NoParams, null>;
  /** The servo is shutting down. */
  readonly shutdown: EventDefinition<NoParams, null>;
  /** Lists the metrics the connectors can measure. */
  readonly metrics: EventDefinition<NoParams, Metric[]>;
  /** Lists the components the connectors can adjust. */
  readonly components: EventDefinition<NoParams, Component[]>;
  /** Checks that the connectors are ready. */
  readonly check: EventDefinition<CheckParams, Check[]>;
  /** Describes the current state: components and metrics. */
  readonly describe: EventDefinition<DescribeParams, Description>;
  /** Measures metrics. */
  readonly measure: EventDefinition<MeasureParams, Measurement>;
  /** Adjusts settings, returning the new description. */
  readonly adjust: EventDefinition<AdjustParams, Description>;
  /** Promotes the current settings. */
  readonly promote: EventDefinition<NoParams, null>;
}

const none = z.strictObject({});

/**
 * The standard servo events, with zod-checked params and results and servox's snake_case wire
 * names: `attach`, `detach`, `startup`, `shutdown`, `metrics`, `components`, `check`,
 * `describe`, `measure`, `adjust` and `promote`. They are in the default
 * {@linkcode eventRegistry}.
 *
 * @example Dispatching a measure
 * ```ts
 * import { Servo, servoEvents } from "@servo/webhooks";
 *
 * const servo = new Servo();
 * servo.addConnector("prometheus").on(servoEvents.measure, () => ({
 *   readings: [{
 *     metric: { name: "throughput", unit: "rpm" },
 *     time: new Date().toISOString(),
 *     value: 120,
 *   }],
 * }));
 * const [result] = await servo.dispatch(servoEvents.measure, { control: { duration: "5m" } });
 * console.log(result?.value.readings?.length); // 1
 * ```
 */
export const servoEvents: ServoEvents = Object.freeze({
  attach: defineEvent("attach", {
    params: none,
    result: z.null(),
    description: "A connector was attached to the servo",
  }),
  detach: defineEvent("detach", {
    params: none,
    result: z.null(),
    description: "A connector was detached from the servo",
  }),
  startup: defineEvent("startup", {
    params: none,
    result: z.null(),
    description: "The servo is starting",
  }),
  shutdown: defineEvent("shutdown", {
    params: none,
    result: z.null(),
    description: "The servo is shutting down",
  }),
  metrics: defineEvent("metrics", {
    params: none,
    result: z.array(m.metric),
    description: "Lists the metrics the connectors can measure",
  }),
  components: defineEvent("components", {
    params: none,
    result: z.array(m.component),
    description: "Lists the components the connectors can adjust",
  }),
  check: defineEvent("check", {
    params: z.strictObject({
      matching: m.checkFilter.nullable().default(null),
      halt_on: m.errorSeverity.default("critical"),
    }),
    result: z.array(m.check),
    description: "Checks that the connectors are ready",
  }),
  describe: defineEvent("describe", {
    params: z.strictObject({ control: m.control.prefault({}) }),
    result: m.description,
    description: "Describes the current state: components and metrics",
  }),
  measure: defineEvent("measure", {
    params: z.strictObject({
      metrics: z.array(z.string().min(1)).nullable().default(null),
      control: m.control.prefault({}),
    }),
    result: m.measurement,
    description: "Measures metrics",
  }),
  adjust: defineEvent("adjust", {
    params: z.strictObject({
      adjustments: z.array(m.adjustment),
      control: m.control.prefault({}),
    }),
    result: m.description,
    description: "Adjusts settings, returning the new description",
  }),
  promote: defineEvent("promote", {
    params: none,
    result: z.null(),
    description: "Promotes the current settings",
  }),
});
