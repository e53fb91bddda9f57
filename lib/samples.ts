// This module is browser compatible.
// Realistic sample payloads, for trying webhooks out (`cli.ts trigger` without --data).

import { type EventRegistry, eventRegistry } from "./event.ts";
import { parseEventContext } from "./event_context.ts";
import "./servo_events.ts"; // fills the default registry

/**
 * A payload for {@linkcode WebhooksConnector.prototype.trigger}.
 *
 * @example A sample before:adjust payload
 * ```ts
 * import { samplePayload, type SamplePayload } from "@servo/webhooks";
 *
 * const sample: SamplePayload = samplePayload("before:adjust");
 * console.log(sample.params, sample.results); // { adjustments: [...], control: { settlement: "1m" } } undefined
 * ```
 */
export interface SamplePayload {
  /** The event's params. */
  params: unknown;
  /** The on results, for an after event. */
  results?: { connector: string; value: unknown }[];
}

const NOW = "2026-01-01T00:00:00Z";
const throughput = { name: "throughput", unit: "rpm" };
const latency = { name: "latency_p99", unit: "ms" };
const components = [{
  name: "web",
  settings: [
    { name: "cpu", type: "range", min: 0.25, max: 4, step: 0.25, value: 1, unit: "cores" },
    { name: "mem", type: "range", min: 0.5, max: 8, step: 0.5, value: 2, unit: "GiB" },
    { name: "replicas", type: "range", min: 1, max: 10, step: 1, value: 3 },
  ],
}];
const description = { components, metrics: [throughput, latency] };
const control = { duration: "5m", warmup: "30s" };

/** Params and one result for each standard servo event. */
const SAMPLES: Record<string, { params: unknown; result: unknown }> = {
  attach: { params: {}, result: null },
  detach: { params: {}, result: null },
  startup: { params: {}, result: null },
  shutdown: { params: {}, result: null },
  promote: { params: {}, result: null },
  metrics: { params: {}, result: [throughput, latency] },
  components: { params: {}, result: components },
  check: {
    params: { halt_on: "critical" },
    result: [{ name: "Prometheus is reachable", id: "3f2c5a1b", success: true, tags: ["network"] }],
  },
  describe: { params: {}, result: description },
  measure: {
    params: { metrics: ["throughput", "latency_p99"], control },
    result: {
      readings: [
        { metric: throughput, data_points: [{ metric: throughput, time: NOW, value: 1250 }] },
        { metric: latency, data_points: [{ metric: latency, time: NOW, value: 182.5 }] },
      ],
      annotations: { source: "prometheus" },
    },
  },
  adjust: {
    params: {
      adjustments: [
        { component_name: "web", setting_name: "cpu", value: 1.5 },
        { component_name: "web", setting_name: "replicas", value: 4 },
      ],
      control: { settlement: "1m" },
    },
    result: description,
  },
};

/** A value that fits a JSON Schema, for events without a hand-written sample. */
function fromSchema(schema: unknown, depth = 0): unknown {
  if (typeof schema !== "object" || schema === null || depth > 8) return null;
  const s = schema as Record<string, unknown>;
  if ("const" in s) return s.const;
  if ("default" in s) return s.default;
  if (Array.isArray(s.enum)) return s.enum[0];
  if (Array.isArray(s.examples) && s.examples.length > 0) return s.examples[0];
  const options = (s.anyOf ?? s.oneOf) as unknown[] | undefined;
  if (Array.isArray(options)) {
    return fromSchema(
      options.find((o) => (o as { type?: unknown }).type !== "null") ?? options[0],
      depth + 1,
    );
  }
  const type = Array.isArray(s.type) ? s.type.find((t) => t !== "null") : s.type;
  switch (type) {
    case "object": {
      const out: Record<string, unknown> = {};
      const required = new Set(Array.isArray(s.required) ? s.required : []);
      for (const [key, value] of Object.entries((s.properties ?? {}) as Record<string, unknown>)) {
        if (required.has(key)) out[key] = fromSchema(value, depth + 1);
      }
      return out;
    }
    case "array":
      return typeof s.minItems === "number" && s.minItems > 0
        ? [fromSchema(s.items, depth + 1)]
        : [];
    case "string":
      return s.format === "date-time" ? NOW : "example";
    case "number":
    case "integer":
      return typeof s.minimum === "number" ? s.minimum : 1;
    case "boolean":
      return true;
    default:
      return null;
  }
}

/**
 * A realistic payload for an event's webhook: params, and for an after event one result. The
 * standard servo events have hand-written samples; other events get one made from their
 * schemas (which may need editing when they have strict rules).
 *
 * @example A sample after:measure payload
 * ```ts
 * import { samplePayload } from "@servo/webhooks";
 *
 * const { params, results } = samplePayload("after:measure");
 * console.log(params, results?.[0]?.connector);
 * ```
 *
 * @param event `before:<event>` or `after:<event>`.
 * @param registry The events that exist.
 * @returns The sample.
 * @throws {TypeError} When the event is unknown or not a before or after event.
 */
export function samplePayload(
  event: string,
  registry: EventRegistry = eventRegistry,
): SamplePayload {
  const context = parseEventContext(event, registry);
  const definition = context && registry.get(context.event);
  if (context === undefined || definition === undefined || context.preposition === "on") {
    throw new TypeError(
      `Cannot make a sample for "${event}": expected before:<event> or after:<event>`,
    );
  }
  const known = registry === eventRegistry ? SAMPLES[definition.name] : undefined;
  const params = known?.params ?? fromSchema(definition.jsonSchema("params"));
  if (context.preposition === "before") return { params };
  const value = known === undefined ? fromSchema(definition.jsonSchema("result")) : known.result;
  return { params, results: [{ connector: "sample", value }] };
}
