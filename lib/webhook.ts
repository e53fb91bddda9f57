// This module is browser compatible.
// A configured webhook made ready to send: durations in milliseconds, its keys imported once,
// its lane of the delivery queue and its circuit breaker.

import { Breaker } from "./breaker.ts";
import type { WebhookConfig } from "./config_types.ts";
import { parseDuration } from "./duration.ts";
import { type Lane, lane } from "./queue.ts";
import type { RetryPolicy } from "./retry.ts";
import { type HmacKey, hmacKey } from "./hmac.ts";
import { standardKeyBytes } from "./standard.ts";

const encoder = new TextEncoder();

/** A webhook ready to send. */
export interface Webhook {
  /** Its name, or its URL without query when it has none: how outcomes name it. */
  readonly label: string;
  /** Its validated configuration. */
  readonly config: WebhookConfig;
  /** The per-attempt time limit, in milliseconds. */
  readonly timeoutMs: number;
  /** How deliveries are retried. */
  readonly retry: RetryPolicy;
  /** Its share of the delivery queue: at most `max_concurrency` deliveries at once. */
  readonly lane: Lane;
  /** Its circuit breaker. */
  readonly breaker: Breaker;
  /** The HMAC-SHA1 key of `X-Servo-Signature` (the first secret), made once. */
  readonly servoKey: HmacKey;
  /** The HMAC-SHA256 keys of `webhook-signature`, one per secret, made once. */
  readonly standardKeys: readonly HmacKey[];
}

/**
 * Names a webhook for outcomes and logs: its name, or its URL's origin and path (never the
 * query, which may carry a token).
 *
 * @param config The webhook's configuration.
 * @returns The label.
 */
export function webhookLabel(config: WebhookConfig): string {
  if (config.name !== undefined) return config.name;
  const url = new URL(config.url);
  return `${url.origin}${url.pathname}`;
}

/**
 * Makes a configured webhook ready to send.
 *
 * @param config The validated configuration.
 * @returns The webhook.
 */
export function prepareWebhook(config: WebhookConfig): Webhook {
  const timeoutMs = parseDuration(config.timeout);
  const retry: RetryPolicy = config.backoff === false
    ? { maxTries: 1, maxTimeMs: Number.POSITIVE_INFINITY, delayMs: 0, maxDelayMs: 0 }
    : {
      maxTries: config.backoff.max_tries,
      maxTimeMs: parseDuration(config.backoff.max_time),
      delayMs: parseDuration(config.backoff.delay),
      maxDelayMs: parseDuration(config.backoff.max_delay),
    };
  const breaker = new Breaker(
    config.circuit_breaker === false ? false : {
      failures: config.circuit_breaker.failures,
      coolDownMs: parseDuration(config.circuit_breaker.cool_down),
      maxCoolDownMs: parseDuration(config.circuit_breaker.max_cool_down),
    },
  );
  return Object.freeze({
    label: webhookLabel(config),
    config,
    timeoutMs,
    retry,
    lane: lane(config.max_concurrency),
    breaker,
    servoKey: hmacKey("SHA-1", encoder.encode(config.secret[0]?.reveal() ?? "")),
    standardKeys: config.secret.map((secret) =>
      hmacKey("SHA-256", standardKeyBytes(secret) ?? encoder.encode(secret.reveal()))
    ),
  });
}
