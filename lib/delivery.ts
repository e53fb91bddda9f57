// This module is browser compatible.
// Sends one signed request to one webhook, with timeouts and retries, and says how it ended.

import { formatDuration } from "./duration.ts";
import { CANCEL_CONTENT_TYPE, type SignedRequest } from "./request.ts";
import { parseRetryAfter, retry, type RetryOptions, type RetryResult } from "./retry.ts";
import type { Webhook } from "./webhook.ts";

/**
 * How one delivery ended. Every delivery ends in exactly one outcome.
 *
 * @example Logging deliveries that failed
 * ```ts
 * import { type DeliveryOutcome, WebhooksConnector } from "@servo/webhooks";
 *
 * function log(outcome: DeliveryOutcome): void {
 *   if (!outcome.ok) console.warn(`${outcome.event} to ${outcome.webhook}: ${outcome.error}`);
 * }
 * const webhooks = new WebhooksConnector({ webhooks: [] }, { onDelivery: log });
 * ```
 */
export interface DeliveryOutcome {
  /** The webhook's name, or its URL without query when it has none. */
  webhook: string;
  /** The event context, such as `after:measure`. */
  event: string;
  /** The delivery id, as sent in `X-Servo-Delivery`. */
  delivery: string;
  /** How many requests were made. */
  attempts: number;
  /** The last response's HTTP status, when there was a response. */
  status?: number;
  /** Whether the receiver answered 2xx. */
  ok: boolean;
  /** Why it failed, when it did. Never contains a secret. */
  error?: string;
  /** The reason given by a before webhook that cancelled the event. */
  cancel_reason?: string;
  /** From the first attempt to the end, in milliseconds. */
  duration_ms: number;
}

/** Options of {@linkcode deliver}. */
export interface DeliverOptions {
  /** Whether a cancel response counts (before events). */
  cancellable: boolean;
  /** Aborts the delivery: the request in flight and any wait. */
  signal?: AbortSignal;
  /** Told before each wait between attempts. */
  onRetry?: (info: { attempt: number; waitMs: number; error: string }) => void;
}

/** What one attempt found. */
interface Attempt {
  status?: number;
  ok: boolean;
  error?: string;
  cancelReason?: string;
}

/** The most of a response body read. */
export const MAX_RESPONSE_BYTES = 64 * 1024;
const MAX_REASON_BYTES = 1024;
const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** Reads at most `limit` bytes of a body, then lets go of the rest. */
async function readLimited(
  response: Response,
  limit: number,
): Promise<{ bytes: Uint8Array; truncated: boolean }> {
  if (response.body === null) return { bytes: new Uint8Array(), truncated: false };
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  try {
    while (size < limit) {
      const { done, value } = await reader.read();
      if (done) break;
      chunks.push(value);
      size += value.byteLength;
    }
  } finally {
    if (size >= limit) await reader.cancel().catch(() => {});
    reader.releaseLock();
  }
  const bytes = new Uint8Array(Math.min(size, limit));
  let at = 0;
  for (const chunk of chunks) {
    const part = chunk.subarray(0, bytes.length - at);
    bytes.set(part, at);
    at += part.length;
  }
  return { bytes, truncated: size > limit };
}

/** Cuts text to at most `max` UTF-8 bytes, on a character boundary. */
function capBytes(text: string, max: number): string {
  if (encoder.encode(text).length <= max) return text;
  let out = "";
  let size = 0;
  for (const char of text) {
    const n = encoder.encode(char).length;
    if (size + n > max - 3) break;
    out += char;
    size += n;
  }
  return `${out}…`;
}

function isCancel(response: Response): boolean {
  const type = response.headers.get("content-type") ?? "";
  return type.split(";")[0]?.trim().toLowerCase() === CANCEL_CONTENT_TYPE.toLowerCase();
}

/** The reason in a cancel response; a malformed one still cancels, and says so. */
function cancelReason(body: Uint8Array, truncated: boolean): string {
  if (truncated) {
    return "the webhook cancelled the event with a malformed response: the body is larger than 64 KiB";
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(decoder.decode(body));
  } catch {
    return "the webhook cancelled the event with a malformed response: the body is not JSON";
  }
  const reason = typeof parsed === "object" && parsed !== null && !Array.isArray(parsed)
    ? (parsed as { reason?: unknown }).reason
    : undefined;
  if (typeof reason === "string" && reason.trim() !== "") return capBytes(reason, MAX_REASON_BYTES);
  return 'the webhook cancelled the event with a malformed response: no "reason" string';
}

function snippet(body: Uint8Array): string {
  const text = decoder.decode(body.subarray(0, 512)).replace(/\s+/g, " ").trim();
  return text === "" ? "" : `: ${text.length > 120 ? `${text.slice(0, 120)}…` : text}`;
}

/** What failed, from the error or its cause, without the URL (its query may hold a token). */
function networkError(error: unknown): string {
  const cause = (error as { cause?: unknown })?.cause;
  const text = cause instanceof Error
    ? cause.message
    : error instanceof Error
    ? error.message
    : String(error);
  return text
    // Deno: "error sending request for url (URL): …" or "… from LOCAL for URL (REMOTE): …"
    .replace(
      /^error sending request (?:for url \(.*?\)|from \S+ for \S+ \(.*?\)): /,
      "error sending request: ",
    )
    // Anywhere else, a URL keeps its origin and path but never its query or fragment.
    .replace(/(https?:\/\/[^\s?#]*)[?#][^\s)]*/g, "$1");
}

function describeStatus(response: Response): string {
  return `HTTP ${response.status}${response.statusText === "" ? "" : ` ${response.statusText}`}`;
}

async function attemptOnce(
  webhook: Webhook,
  request: SignedRequest,
  timeoutMs: number,
  options: DeliverOptions,
): Promise<{ attempt: Attempt; retry: boolean; retryAfterMs?: number }> {
  const controller = new AbortController();
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    controller.abort(new DOMException("The webhook timed out", "TimeoutError"));
  }, timeoutMs);
  const onAbort = () => controller.abort(options.signal?.reason);
  options.signal?.addEventListener("abort", onAbort, { once: true });
  try {
    const headers = await request.headersAt(Math.floor(Date.now() / 1000));
    const response = await fetch(webhook.config.url, {
      method: "POST",
      headers,
      body: request.body,
      redirect: "manual",
      signal: controller.signal,
    });
    const { bytes: body, truncated } = await readLimited(response, MAX_RESPONSE_BYTES);
    const status = response.status;
    if (response.type === "opaqueredirect" || (status >= 300 && status < 400)) {
      const location = response.headers.get("location");
      return {
        attempt: {
          status,
          ok: false,
          error: `${describeStatus(response)}: redirects are not followed${
            location === null ? "" : ` (Location: ${location})`
          }`,
        },
        retry: false,
      };
    }
    if (status >= 200 && status < 300) {
      const attempt: Attempt = { status, ok: true };
      if (options.cancellable && isCancel(response)) {
        attempt.cancelReason = cancelReason(body, truncated);
      }
      return { attempt, retry: false };
    }
    const retryable = status === 408 || status === 429 || status >= 500;
    const result = {
      attempt: { status, ok: false, error: `${describeStatus(response)}${snippet(body)}` },
      retry: retryable,
    };
    const after = parseRetryAfter(response.headers.get("retry-after"), Date.now());
    return retryable && after !== undefined ? { ...result, retryAfterMs: after } : result;
  } catch (error) {
    if (timedOut) {
      return {
        attempt: { ok: false, error: `timed out after ${formatDuration(timeoutMs)}` },
        retry: true,
      };
    }
    if (options.signal?.aborted) return { attempt: { ok: false, error: ABORTED }, retry: false };
    return {
      attempt: { ok: false, error: `network error: ${networkError(error)}` },
      retry: true,
    };
  } finally {
    clearTimeout(timer);
    options.signal?.removeEventListener("abort", onAbort);
  }
}

const ABORTED = "aborted: the connector was closed before the delivery ended";

/**
 * Delivers a signed request to a webhook: POSTs it, retrying network errors, timeouts, 408,
 * 429 and 5xx with backoff (honouring Retry-After within `max_time`), never following a
 * redirect, and reads at most 64 KiB of each response within the attempt's timeout.
 *
 * @param webhook The webhook.
 * @param request The signed request.
 * @param options Whether a cancel counts, an abort signal and a retry hook.
 * @returns How the delivery ended. It never rejects.
 */
export async function deliver(
  webhook: Webhook,
  request: SignedRequest,
  options: DeliverOptions,
): Promise<DeliveryOutcome> {
  const start = performance.now();
  const retryOptions: RetryOptions<Attempt> = {};
  if (options.signal !== undefined) retryOptions.signal = options.signal;
  const onRetry = options.onRetry;
  if (onRetry !== undefined) {
    retryOptions.onRetry = ({ attempt, waitMs, value }) =>
      onRetry({ attempt, waitMs, error: value.error ?? "" });
  }
  const result = await retry<Attempt>(
    async (_n, budgetMs) => {
      if (options.signal?.aborted) return { value: { ok: false, error: ABORTED }, retry: false };
      const timeoutMs = Math.max(1, Math.floor(Math.min(webhook.timeoutMs, budgetMs)));
      const r = await attemptOnce(webhook, request, timeoutMs, options);
      return r.retryAfterMs === undefined
        ? { value: r.attempt, retry: r.retry }
        : { value: r.attempt, retry: r.retry, retryAfterMs: r.retryAfterMs };
    },
    webhook.retry,
    retryOptions,
  );
  const last = result.value;
  const outcome: DeliveryOutcome = {
    webhook: webhook.label,
    event: request.event,
    delivery: request.delivery,
    attempts: result.attempts,
    ok: last.ok,
    duration_ms: Math.round((performance.now() - start) * 100) / 100,
  };
  if (last.status !== undefined) outcome.status = last.status;
  if (last.cancelReason !== undefined) outcome.cancel_reason = last.cancelReason;
  if (!last.ok) outcome.error = failure(last.error ?? "failed", result, webhook.retry.maxTries);
  return outcome;
}

/** The outcome's error: the last attempt's, and why no further attempt was made. */
function failure(last: string, result: RetryResult<Attempt>, maxTries: number): string {
  switch (result.stop) {
    case "retry_after":
      return `${last} (Retry-After ${
        formatDuration(result.refusedWaitMs ?? 0)
      } is beyond max_time)`;
    case "aborted":
      return last === ABORTED ? last : `${ABORTED} (last attempt: ${last})`;
    case "max_tries":
      return maxTries > 1 ? `${last} (gave up after ${result.attempts} attempts)` : last;
    case "max_time":
      return `${last} (gave up: max_time reached)`;
    default:
      return last;
  }
}
