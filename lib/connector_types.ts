// This module is browser compatible.
// The options and arguments of WebhooksConnector.

import type { DeliveryOutcome } from "./delivery.ts";
import type { EventRegistry } from "./event.ts";

/**
 * Options of {@linkcode WebhooksConnector}.
 *
 * @example A named connector with a bounded queue
 * ```ts
 * import { WebhooksConnector, type WebhooksConnectorOptions } from "@servo/webhooks";
 *
 * const options: WebhooksConnectorOptions = { name: "notifier", maxPending: 1_000 };
 * const webhooks = new WebhooksConnector({ webhooks: [] }, options);
 * ```
 */
export interface WebhooksConnectorOptions {
  /**
   * The connector's name on the servo.
   *
   * @default {"webhooks"}
   */
  name?: string;
  /**
   * The events the webhooks may subscribe to.
   *
   * @default {eventRegistry}
   */
  registry?: EventRegistry;
  /** Receives the outcome of every delivery, once it has ended. */
  onDelivery?: (outcome: DeliveryOutcome) => void;
  /**
   * The most after-event deliveries queued and in flight, over all webhooks. When that many
   * are pending, a new one ends at once with the outcome `dropped: the queue is full`.
   *
   * @default {10000}
   */
  maxPending?: number;
  /** Told when a delivery waits before another attempt, and why. */
  onRetry?: (info: RetryInfo) => void;
}

/**
 * What {@linkcode WebhooksConnectorOptions.onRetry} is told.
 *
 * @example Logging retries
 * ```ts
 * import { type RetryInfo, WebhooksConnector } from "@servo/webhooks";
 *
 * const onRetry = (r: RetryInfo) => console.warn(`${r.webhook}: retry in ${r.wait_ms}ms (${r.error})`);
 * const webhooks = new WebhooksConnector({ webhooks: [] }, { onRetry });
 * ```
 */
export interface RetryInfo {
  /** The webhook's name, or its URL without query. */
  webhook: string;
  /** The event context, such as `after:measure`. */
  event: string;
  /** The delivery id. */
  delivery: string;
  /** The attempt that failed, from 1. */
  attempt: number;
  /** How long it waits before the next attempt, in milliseconds. */
  wait_ms: number;
  /** Why the attempt failed. */
  error: string;
}

/**
 * The data of a triggered webhook: params, and for an after event the results.
 *
 * @example The data of an after:measure webhook
 * ```ts
 * import type { TriggerPayload } from "@servo/webhooks";
 *
 * const payload: TriggerPayload = { params: {}, results: [{ connector: "prometheus", value: { readings: [] } }] };
 * ```
 */
export interface TriggerPayload {
  /** The event's params; checked against its schema. */
  params?: unknown;
  /** For an after event: the on results, each checked against the result schema. */
  results?: { connector: string; value: unknown }[];
}

/**
 * An ad-hoc webhook for {@linkcode WebhooksConnector.prototype.trigger}.
 *
 * @example Trying a receiver out
 * ```ts no-eval
 * import { type AdHocWebhook, samplePayload, WebhooksConnector } from "@servo/webhooks";
 *
 * const target: AdHocWebhook = { url: "http://localhost:8080/hook", secret: "s3cr3t", timeout: "2s", backoff: false };
 * const [outcome] = await new WebhooksConnector({ webhooks: [] }).trigger("before:adjust", samplePayload("before:adjust"), target);
 * console.log(outcome?.ok, outcome?.status, outcome?.cancel_reason);
 * ```
 */
export interface AdHocWebhook {
  /** Where to POST. */
  url: string;
  /** The key of the signature; required, as nothing is sent unsigned. */
  secret: string;
  /** Extra headers. */
  headers?: Record<string, string>;
  /** The per-attempt time limit, as a servo duration. */
  timeout?: string;
  /** Retries, or `false` for one attempt. */
  backoff?: false | { max_tries?: number; max_time?: string; delay?: string; max_delay?: string };
}

/**
 * Options of {@linkcode WebhooksConnector.prototype.close}.
 *
 * @example Draining for at most ten seconds
 * ```ts
 * import { type CloseOptions, WebhooksConnector } from "@servo/webhooks";
 *
 * const options: CloseOptions = { deadline: "10s" }; // or 10_000 milliseconds
 * await new WebhooksConnector({ webhooks: [] }).close(options);
 * ```
 */
export interface CloseOptions {
  /**
   * How long to wait for pending deliveries, in milliseconds or as a servo duration; what is
   * left then is aborted, each delivery ending with an outcome that says so. Without it,
   * close waits for every delivery to end.
   */
  deadline?: number | string;
}
