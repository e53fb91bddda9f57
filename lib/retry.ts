// This module is browser compatible.
// A small retry loop: exponential backoff with full jitter, a cap on attempts and on total
// time, a per-attempt delay override (for Retry-After), and waits that an AbortSignal ends.

/** How a delivery is retried, in milliseconds. */
export interface RetryPolicy {
  /** The most attempts, the first included. */
  maxTries: number;
  /** The most time for all attempts and waits. */
  maxTimeMs: number;
  /** The wait after the first failed attempt, doubled after each. */
  delayMs: number;
  /** The longest wait between attempts. */
  maxDelayMs: number;
}

/** What one attempt says: its value, whether to try again, and how long to wait first. */
export interface AttemptResult<T> {
  /** The attempt's value, kept if it is the last. */
  value: T;
  /** Whether another attempt may succeed. */
  retry: boolean;
  /** How long the other side asked to wait (Retry-After), instead of the backoff. */
  retryAfterMs?: number;
}

/** Why the loop stopped: done, out of attempts, out of time, or aborted. */
export type StopReason = "done" | "max_tries" | "max_time" | "retry_after" | "aborted";

/** The loop's result. */
export interface RetryResult<T> {
  /** The last attempt's value. */
  value: T;
  /** How many attempts were made. */
  attempts: number;
  /** Why it stopped. */
  stop: StopReason;
  /** The wait that would have gone past max_time, when `stop` is `retry_after`. */
  refusedWaitMs?: number;
}

/** Hooks and sources of the retry loop. */
export interface RetryOptions<T> {
  /** Ends waits early; the loop then stops with `aborted`. */
  signal?: AbortSignal;
  /** Called before each wait. */
  onRetry?: (info: { attempt: number; waitMs: number; value: T }) => void;
  /** A number in [0, 1), for jitter. */
  random?: () => number;
}

/**
 * The wait after `failures` failed attempts: full jitter over an exponential ceiling.
 *
 * @param policy The retry policy.
 * @param failures How many attempts have failed, at least 1.
 * @param random A number in [0, 1).
 * @returns Milliseconds to wait.
 */
export function backoffDelay(policy: RetryPolicy, failures: number, random: number): number {
  const ceiling = Math.min(policy.maxDelayMs, policy.delayMs * 2 ** Math.min(failures - 1, 40));
  return random * ceiling;
}

/**
 * Reads a Retry-After header: delay-seconds or an HTTP date.
 *
 * @param value The header's value.
 * @param now The current time, in epoch milliseconds.
 * @returns Milliseconds to wait, or `undefined` when absent or malformed.
 */
export function parseRetryAfter(value: string | null, now: number): number | undefined {
  if (value === null) return undefined;
  const text = value.trim();
  if (/^\d+$/.test(text)) return Number(text) * 1000;
  if (!/[a-z]/i.test(text)) return undefined;
  const date = Date.parse(text);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

/**
 * Waits, unless the signal aborts first.
 *
 * @param ms How long.
 * @param signal Ends the wait early.
 * @returns Whether the full wait passed (false when aborted).
 */
export function sleep(ms: number, signal?: AbortSignal): Promise<boolean> {
  if (signal?.aborted) return Promise.resolve(false);
  return new Promise((resolve) => {
    const done = (full: boolean) => {
      clearTimeout(timer);
      signal?.removeEventListener("abort", onAbort);
      resolve(full);
    };
    const onAbort = () => done(false);
    const timer = setTimeout(() => done(true), ms);
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}

/**
 * Runs attempts until one needs no retry, the attempts or time run out, or the signal aborts.
 * Each attempt is told how much of `maxTimeMs` is left.
 *
 * @param attempt Makes attempt number `n` (from 1) with `budgetMs` left.
 * @param policy The retry policy.
 * @param options Signal, hooks and randomness.
 * @returns The last attempt's value, the number of attempts, and why the loop stopped.
 */
export async function retry<T>(
  attempt: (n: number, budgetMs: number) => Promise<AttemptResult<T>>,
  policy: RetryPolicy,
  options: RetryOptions<T> = {},
): Promise<RetryResult<T>> {
  const start = performance.now();
  const left = () => policy.maxTimeMs - (performance.now() - start);
  const random = options.random ?? Math.random;
  for (let n = 1;; n++) {
    const result = await attempt(n, left());
    if (!result.retry) return { value: result.value, attempts: n, stop: "done" };
    if (n >= policy.maxTries) return { value: result.value, attempts: n, stop: "max_tries" };
    if (options.signal?.aborted) return { value: result.value, attempts: n, stop: "aborted" };
    const asked = result.retryAfterMs;
    const waitMs = asked ?? backoffDelay(policy, n, random());
    if (waitMs >= left()) {
      return asked === undefined
        ? { value: result.value, attempts: n, stop: "max_time" }
        : { value: result.value, attempts: n, stop: "retry_after", refusedWaitMs: asked };
    }
    options.onRetry?.({ attempt: n, waitMs, value: result.value });
    if (!await sleep(waitMs, options.signal)) {
      return { value: result.value, attempts: n, stop: "aborted" };
    }
  }
}
