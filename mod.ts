/**
 * Typed servo events sent as signed HTTP webhooks.
 *
 * Define events with zod schemas (the standard servo events ship in {@linkcode servoEvents}),
 * dispatch them on a {@linkcode Servo}, and let a {@linkcode WebhooksConnector} POST them as
 * JSON, signed with HMAC (`X-Servo-Signature`), with timeouts and retries. `before:` webhooks
 * block the event and can cancel it; `after:` webhooks are delivered in the background and
 * drained on close. {@linkcode requestSchema} gives the JSON Schema of every request body.
 *
 * Everything here uses only web-standard APIs, so it runs in Deno, Node, browsers and edge
 * runtimes.
 *
 * @example Sending measure events as webhooks
 * ```ts no-eval
 * import { parseConfig, Servo, servoEvents, WebhooksConnector } from "@servo/webhooks";
 *
 * const webhooks = new WebhooksConnector(parseConfig(`
 * webhooks:
 *   - name: approve-adjustments
 *     events: before:adjust
 *     url: https://hooks.example.com/approve
 *     secret: s3cr3t
 *     failure_policy: cancel
 *   - name: store-measurements
 *     events: after:measure
 *     url: https://hooks.example.com/store
 *     secret: s3cr3t
 * `));
 * const servo = new Servo();
 * webhooks.attach(servo);
 * servo.addConnector("prometheus").on(servoEvents.measure, () => ({ readings: [] }));
 *
 * await servo.dispatch(servoEvents.measure, { metrics: ["throughput"] });
 * await webhooks.close({ deadline: "10s" });
 * ```
 *
 * @module
 */

export * from "./lib/config.ts";
export * from "./lib/config_types.ts";
export * from "./lib/connector.ts";
export * from "./lib/connector_types.ts";
export type { DeliveryOutcome } from "./lib/delivery.ts";
export type { BreakerState } from "./lib/breaker.ts";
export type { WebhooksStats } from "./lib/outbox.ts";
export * from "./lib/duration.ts";
export * from "./lib/errors.ts";
export * from "./lib/event.ts";
export * from "./lib/event_context.ts";
export * from "./lib/models_types.ts";
export { CANCEL_CONTENT_TYPE, CONTENT_TYPE, type RequestBody } from "./lib/request.ts";
export * from "./lib/responder.ts";
export * from "./lib/samples.ts";
export * from "./lib/schema.ts";
export * from "./lib/secret.ts";
export * from "./lib/servo.ts";
export * from "./lib/servo_events.ts";
export * from "./lib/signature.ts";
export * from "./lib/version.ts";
