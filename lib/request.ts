// This module is browser compatible.
// The webhook request, a public contract: compact UTF-8 JSON, signed, with fixed headers.

import type { EventResult } from "./servo.ts";
import { toHex } from "./_encoding.ts";
import { jsonWritable } from "./_json.ts";
import { signStandard } from "./standard.ts";
import { VERSION } from "./version.ts";
import type { Webhook } from "./webhook.ts";

/**
 * The `Content-Type` of every webhook request.
 *
 * @example Telling a webhook request apart
 * ```ts
 * import { CONTENT_TYPE } from "@servo/webhooks";
 *
 * function isWebhook(request: Request): boolean {
 *   return request.method === "POST" && request.headers.get("content-type") === CONTENT_TYPE;
 * }
 * ```
 */
export const CONTENT_TYPE = "application/vnd.opsani.servo-webhooks+json";

/**
 * The `Content-Type` of a before webhook's response that cancels the event.
 *
 * @example Cancelling an event by hand
 * ```ts
 * import { CANCEL_CONTENT_TYPE } from "@servo/webhooks";
 *
 * const response = new Response(JSON.stringify({ reason: "adjustments are frozen" }), {
 *   headers: { "content-type": CANCEL_CONTENT_TYPE },
 * });
 * ```
 */
export const CANCEL_CONTENT_TYPE = "application/vnd.opsani.servo.errors.CancelEventError+json";

/**
 * The JSON body of a webhook request.
 *
 * @example The body of an after:measure request
 * ```ts
 * import type { RequestBody } from "@servo/webhooks";
 *
 * const body: RequestBody = {
 *   event: "after:measure",
 *   created_at: "2026-01-01T00:00:00.000Z",
 *   params: { metrics: ["throughput"], control: { duration: "5m", delay: "0", warmup: "0" } },
 *   results: [{ connector: "prometheus", value: { readings: [], annotations: {} } }],
 * };
 * ```
 */
export interface RequestBody {
  /** The event context, such as `before:adjust` or `after:measure`. */
  event: string;
  /** When the event was dispatched: ISO 8601 in UTC. */
  created_at: string;
  /** The event's validated params. */
  params: unknown;
  /** The on handlers' results, in connector order; after events only. */
  results?: EventResult[] | undefined;
}

/** A request ready to send, the same bytes on every retry. */
export interface SignedRequest {
  /** The event context, such as `after:measure`. */
  event: string;
  /** The delivery id, the same on every retry. */
  delivery: string;
  /** The exact body bytes that were signed. */
  body: Uint8Array<ArrayBuffer>;
  /** The headers to send: ours first, then the configured ones. */
  headers: Record<string, string>;
  /**
   * The headers of one attempt: with the standard scheme, `webhook-timestamp` is the
   * attempt's time and `webhook-signature` signs it, so they are made per attempt.
   */
  headersAt(unixSeconds: number): Promise<Record<string, string>>;
}

const encoder = new TextEncoder();

/**
 * Writes a request body as compact JSON, the keys in the order of the contract. It stays text
 * (in the JS heap) while the delivery waits, and becomes UTF-8 bytes when it is signed.
 *
 * @param body The body.
 * @returns The JSON text.
 * @throws {TypeError} When the body contains a cycle.
 */
export function encodeBody(body: RequestBody): string {
  const ordered: RequestBody = {
    event: body.event,
    created_at: body.created_at,
    params: body.params,
  };
  if (body.results !== undefined) ordered.results = body.results;
  let text: string;
  try {
    // The fast path: the catalogue's free-form fields are already JSON-safe (lib/models.ts).
    text = JSON.stringify(ordered);
  } catch {
    try {
      text = JSON.stringify(ordered, (_key, value) => jsonWritable(value)); // a BigInt in an event of one's own
    } catch (error) {
      const why = /circular|cyclic/i.test((error as Error).message)
        ? "it contains a cycle (an object that contains itself)"
        : (error as Error).message;
      throw new TypeError(`Cannot encode the ${body.event} webhook body as JSON: ${why}`, {
        cause: error,
      });
    }
  }
  return text;
}

/**
 * Signs a body for one webhook and sets the headers of the contract: `X-Servo-Signature` once
 * per delivery, the Standard Webhooks headers once per attempt.
 *
 * @param webhook The webhook.
 * @param event The event context, such as `after:measure`.
 * @param text The body's JSON, shared by every webhook of the dispatch.
 * @param delivery The delivery id; a new UUID when left out.
 * @returns The request.
 */
export async function signRequest(
  webhook: Webhook,
  event: string,
  text: string,
  delivery: string = crypto.randomUUID(),
): Promise<SignedRequest> {
  const body = encoder.encode(text);
  const schemes = webhook.config.signatures;
  const ours: Record<string, string> = { "Content-Type": CONTENT_TYPE };
  if (schemes.includes("servo")) {
    ours["X-Servo-Signature"] = toHex(await webhook.servoKey.sign([body]));
  }
  ours["X-Servo-Event"] = event;
  ours["X-Servo-Delivery"] = delivery;
  ours["User-Agent"] = `servo-webhooks/${VERSION}`;
  const headers = { ...ours, ...webhook.config.headers };
  const standard = schemes.includes("standard") ? webhook.standardKeys : undefined;
  return {
    event,
    delivery,
    body,
    headers,
    headersAt: async (unixSeconds) =>
      standard === undefined ? headers : {
        ...ours,
        "webhook-id": delivery,
        "webhook-timestamp": String(unixSeconds),
        "webhook-signature": await signStandard(standard, delivery, unixSeconds, body),
        ...webhook.config.headers,
      },
  };
}
