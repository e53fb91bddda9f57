// This module is browser compatible.
// Helpers for webhook responders: verify a request (either signature scheme) and cancel an
// event. Web-standard Request/Response only, so they run in Deno, Node, workers and browsers.

import type { SignatureScheme } from "./config_types.ts";
import type { EventDefinition } from "./event.ts";
import { CANCEL_CONTENT_TYPE } from "./request.ts";
import type { EventResult } from "./servo.ts";
import { type SecretLike, verify } from "./signature.ts";
import { fromBase64, SERVO_SIGNATURE } from "./_encoding.ts";
import { importStandardKey, signedContent } from "./standard.ts";

/**
 * Why a request did not verify.
 *
 * @example Why an unsigned request is refused
 * ```ts
 * import { type VerificationFailure, verifyRequest, WebhookVerificationError } from "@servo/webhooks";
 *
 * const request = new Request("https://example.com/hook", { method: "POST", body: "{}" });
 * const reason: VerificationFailure | undefined = await verifyRequest(request, "s3cr3t").then(
 *   () => undefined,
 *   (error) => error instanceof WebhookVerificationError ? error.reason : undefined,
 * );
 * console.log(reason); // "missing_header"
 * ```
 */
export type VerificationFailure =
  | "missing_header"
  | "bad_format"
  | "stale_timestamp"
  | "no_match"
  | "bad_body";

/**
 * Thrown by {@linkcode verifyRequest} when a request is not a genuine webhook. `reason` says
 * what failed; the message says it in words and never contains a secret.
 *
 * @example Answering 401 to a request that does not verify
 * ```ts
 * import { verifyRequest, WebhookVerificationError } from "@servo/webhooks";
 *
 * async function handle(request: Request): Promise<Response> {
 *   try {
 *     await verifyRequest(request, "s3cr3t");
 *   } catch (error) {
 *     if (error instanceof WebhookVerificationError) return new Response(error.message, { status: 401 });
 *     throw error;
 *   }
 *   return new Response(null, { status: 204 });
 * }
 * ```
 */
export class WebhookVerificationError extends Error {
  /** What failed. */
  readonly reason: VerificationFailure;

  /**
   * Creates the error.
   *
   * @param reason What failed.
   * @param message What failed, in words.
   */
  constructor(reason: VerificationFailure, message: string) {
    super(message);
    this.name = "WebhookVerificationError";
    this.reason = reason;
  }
}

/**
 * A verified webhook request's body.
 *
 * @example Counting the readings of an after:measure
 * ```ts
 * import { type Measurement, type MeasureParams, servoEvents, verifyRequest, type WebhookPayload } from "@servo/webhooks";
 *
 * async function readings(request: Request): Promise<number> {
 *   const body: WebhookPayload<MeasureParams, Measurement> = await verifyRequest(request, "s3cr3t", { event: servoEvents.measure });
 *   return (body.results ?? []).reduce((n, { value }) => n + (value.readings?.length ?? 0), 0);
 * }
 * ```
 */
export interface WebhookPayload<P = unknown, R = unknown> {
  /** The event context, such as `after:measure`. */
  event: string;
  /** When the event was dispatched, ISO 8601. */
  created_at: string;
  /** The event's params. */
  params: P;
  /** The on results, for an after event. */
  results?: EventResult<R>[];
}

/**
 * Options of {@linkcode verifyRequest}.
 *
 * @example Fresh, Standard Webhooks-signed adjust requests only
 * ```ts
 * import { type AdjustParams, type Description, servoEvents, verifyRequest, type VerifyRequestOptions } from "@servo/webhooks";
 *
 * const options: VerifyRequestOptions<AdjustParams, Description> = { schemes: ["standard"], tolerance: 60, event: servoEvents.adjust };
 * async function adjustments(request: Request) {
 *   return (await verifyRequest(request, "s3cr3t", options)).params.adjustments;
 * }
 * ```
 */
export interface VerifyRequestOptions<P = unknown, R = unknown> {
  /**
   * How far `webhook-timestamp` may be from now, either way, in seconds.
   *
   * @default {300}
   */
  tolerance?: number;
  /**
   * The schemes accepted. `servo` (X-Servo-Signature) has no timestamp, so it cannot refuse a
   * replayed request; accept only `standard` where that matters.
   *
   * @default {["standard", "servo"]}
   */
  schemes?: SignatureScheme[];
  /**
   * The event expected: the body must be its before or after webhook, and its params and
   * results are validated against its schemas (and typed by it).
   */
  event?: EventDefinition<P, R>;
  /** The current time, in Unix milliseconds; `Date.now()` by default. */
  now?: number;
}

const decoder = new TextDecoder();

function fail(reason: VerificationFailure, message: string): never {
  throw new WebhookVerificationError(reason, message);
}

async function standardMatches(
  secrets: readonly SecretLike[],
  headers: Headers,
  body: Uint8Array,
  options: VerifyRequestOptions<unknown, unknown>,
): Promise<boolean> {
  const id = headers.get("webhook-id");
  const timestamp = headers.get("webhook-timestamp");
  const signature = headers.get("webhook-signature") ?? "";
  if (id === null || timestamp === null) {
    fail("missing_header", "webhook-signature needs webhook-id and webhook-timestamp headers");
  }
  if (!/^\d{1,12}$/.test(timestamp)) fail("bad_format", "webhook-timestamp is not Unix seconds");
  const now = Math.floor((options.now ?? Date.now()) / 1000);
  const tolerance = options.tolerance ?? 300;
  const skew = now - Number(timestamp);
  if (Math.abs(skew) > tolerance) {
    fail(
      "stale_timestamp",
      `webhook-timestamp is ${Math.abs(skew)}s ${
        skew > 0 ? "old" : "in the future"
      }, more than the ${tolerance}s allowed`,
    );
  }
  const candidates = signature.split(" ").flatMap((entry) => {
    const [version, value] = entry.split(",", 2);
    const bytes = version === "v1" && value !== undefined ? fromBase64(value) : undefined;
    return bytes === undefined || bytes.length !== 32 ? [] : [bytes];
  });
  if (candidates.length === 0) {
    fail("bad_format", 'webhook-signature has no "v1,<base64>" signature');
  }
  const content = signedContent(id, timestamp, body);
  for (const secret of secrets) {
    const key = await importStandardKey(secret).catch(() => undefined);
    if (key === undefined) continue;
    for (const candidate of candidates) {
      if (await crypto.subtle.verify("HMAC", key, candidate, content)) return true;
    }
  }
  return false;
}

async function servoMatches(
  secrets: readonly SecretLike[],
  signature: string,
  body: Uint8Array<ArrayBuffer>,
): Promise<boolean> {
  if (!SERVO_SIGNATURE.test(signature)) {
    fail("bad_format", "X-Servo-Signature is not 40 hex digits");
  }
  for (const secret of secrets) {
    if (await verify(secret, body, signature)) return true;
  }
  return false;
}

/**
 * Verifies a webhook request and returns its parsed body. It reads the raw body once, checks
 * the Standard Webhooks signature (`webhook-signature`, with a timestamp tolerance both ways)
 * when present, otherwise `X-Servo-Signature`, against each secret (for rotation), in constant
 * time. With `options.event`, the body must be that event's and is validated against it.
 *
 * @example A Deno.serve responder
 * ```ts no-eval
 * import { cancel, servoEvents, verifyRequest } from "@servo/webhooks";
 *
 * Deno.serve(async (request) => {
 *   const body = await verifyRequest(request, Deno.env.get("WEBHOOK_SECRET")!);
 *   if (body.event === "before:adjust") return cancel("adjustments are frozen");
 *   return new Response(null, { status: 204 });
 * });
 * ```
 *
 * @typeParam P The event's params.
 * @typeParam R The event's result.
 * @param request The request; its body is consumed.
 * @param secrets The secret, or the secrets while rotating.
 * @param options Tolerance, accepted schemes, the expected event.
 * @returns The parsed body.
 * @throws {WebhookVerificationError} Saying what failed.
 */
export async function verifyRequest<P = unknown, R = unknown>(
  request: Request,
  secrets: SecretLike | readonly SecretLike[],
  options: VerifyRequestOptions<P, R> = {},
): Promise<WebhookPayload<P, R>> {
  const keys: readonly SecretLike[] = Array.isArray(secrets) ? secrets : [secrets as SecretLike];
  const schemes = options.schemes ?? ["standard", "servo"];
  const body = new Uint8Array(await request.arrayBuffer());
  const headers = request.headers;
  const servo = headers.get("x-servo-signature");
  let ok: boolean;
  if (schemes.includes("standard") && headers.has("webhook-signature")) {
    ok = await standardMatches(keys, headers, body, options as VerifyRequestOptions);
  } else if (schemes.includes("servo") && servo !== null) {
    ok = await servoMatches(keys, servo, body);
  } else {
    fail(
      "missing_header",
      `no ${
        schemes.map((s) => (s === "servo" ? "X-Servo-Signature" : "webhook-signature")).join(" or ")
      } header`,
    );
  }
  if (!ok) fail("no_match", "no signature matched: wrong secret, or the body was changed");
  return parsePayload(body, options);
}

function parsePayload<P, R>(
  body: Uint8Array,
  options: VerifyRequestOptions<P, R>,
): WebhookPayload<P, R> {
  let payload: unknown;
  try {
    payload = JSON.parse(decoder.decode(body));
  } catch {
    fail("bad_body", "the body is not JSON");
  }
  const p = payload as Partial<WebhookPayload<P, R>> | null;
  if (
    typeof p !== "object" || p === null || typeof p.event !== "string" ||
    typeof p.created_at !== "string"
  ) {
    fail("bad_body", "the body is not a webhook request: it needs event and created_at");
  }
  const event = options.event;
  if (event === undefined) return p as WebhookPayload<P, R>;
  if (p.event !== `before:${event.name}` && p.event !== `after:${event.name}`) {
    fail("bad_body", `the body is a ${p.event} webhook, not one of event "${event.name}"`);
  }
  try {
    const params = event.validateParams(p.params);
    const results = p.results?.map((r) => ({
      connector: r.connector,
      value: event.validateResult(r.value, r.connector),
    }));
    return { ...p, params, ...(results === undefined ? {} : { results }) } as WebhookPayload<P, R>;
  } catch (error) {
    fail("bad_body", (error as Error).message);
  }
}

/**
 * The response that cancels a before event: 200, the CancelEventError content type, and
 * `{"reason": …}`.
 *
 * @example Cancelling adjustments outside a window
 * ```ts
 * import { cancel } from "@servo/webhooks";
 *
 * const hour = new Date().getUTCHours();
 * const response = hour < 3 ? new Response(null, { status: 204 }) : cancel("adjustments run from 00:00 to 03:00 UTC");
 * ```
 *
 * @param reason Why; kept up to 1 KiB by the servo.
 * @returns The response.
 */
export function cancel(reason: string): Response {
  return new Response(JSON.stringify({ reason }), {
    status: 200,
    headers: { "content-type": CANCEL_CONTENT_TYPE },
  });
}
