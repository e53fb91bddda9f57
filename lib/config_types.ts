// This module is browser compatible.

import type { EventRegistry } from "./event.ts";
import type { Secret } from "./secret.ts";

/** What a before webhook that cannot be delivered does to its event. */
export type FailurePolicy = "ignore" | "cancel";

/** Retries of one webhook delivery: exponential backoff with full jitter. */
export interface BackoffConfig {
  /** The most attempts, the first included; `12` by default. */
  max_tries: number;
  /** The most time for all attempts and waits, as a servo duration; `3m` by default. */
  max_time: string;
  /** The wait after the first attempt, doubled after each; `1s` by default. */
  delay: string;
  /** The longest wait between attempts; `1m` by default. */
  max_delay: string;
}

/** When a webhook's circuit breaker opens, and how long it stays open. */
export interface CircuitBreakerConfig {
  /** Consecutive failed deliveries that open it; `5` by default. */
  failures: number;
  /** How long it stays open before one probe delivery; `30s` by default. */
  cool_down: string;
  /** The cool-down doubles after each failed probe, up to this; `10m` by default. */
  max_cool_down: string;
}

/** One webhook, validated, with defaults filled in and durations written canonically. */
export interface WebhookConfig {
  /** A name, unique among the webhooks. */
  name?: string;
  /** What the webhook is for. */
  description?: string;
  /** The events it is sent for, each `before:<event>` or `after:<event>`. */
  events: string[];
  /** Where it is POSTed: an http or https URL without user or password. */
  url: string;
  /** The key of its HMAC signatures. */
  secret: Secret;
  /** Extra request headers, by name. */
  headers: Record<string, string>;
  /** Retries, or `false` for a single attempt. */
  backoff: BackoffConfig | false;
  /** The time limit of one attempt, response body included; `10s` by default. */
  timeout: string;
  /** `ignore` (the default) lets the event go on when a before webhook fails; `cancel` cancels it. */
  failure_policy: FailurePolicy;
  /** The most after-event deliveries of this webhook in flight at once; `16` by default. */
  max_concurrency: number;
  /** The circuit breaker, or `false` for none (a 410 Gone still disables the webhook). */
  circuit_breaker: CircuitBreakerConfig | false;
}

/** A validated webhooks configuration: the `webhooks:` list of a servo config file. */
export interface WebhooksConfig {
  /** The webhooks, in file order. */
  webhooks: WebhookConfig[];
}

/** Options of {@linkcode parseConfig} and {@linkcode validateConfig}. */
export interface ConfigOptions {
  /**
   * The events webhooks may subscribe to.
   *
   * @default {eventRegistry}
   */
  registry?: EventRegistry;
  /**
   * Reads environment variables, for secrets and header values written as `${NAME}`.
   * Without it such values are an error.
   */
  env?: (name: string) => string | undefined;
}

/** The defaults of a webhook's `backoff`. */
export const DEFAULT_BACKOFF: Readonly<BackoffConfig> = Object.freeze({
  max_tries: 12,
  max_time: "3m",
  delay: "1s",
  max_delay: "1m",
});
/** The defaults of a webhook's `circuit_breaker`. */
export const DEFAULT_CIRCUIT_BREAKER: Readonly<CircuitBreakerConfig> = Object.freeze({
  failures: 5,
  cool_down: "30s",
  max_cool_down: "10m",
});
/** The default `max_concurrency` of a webhook. */
export const DEFAULT_MAX_CONCURRENCY = 16;
/** The default per-attempt `timeout` of a webhook. */
export const DEFAULT_TIMEOUT = "10s";
