// This module is browser compatible.

import type { EventRegistry } from "./event.ts";
import type { Secret } from "./secret.ts";

/**
 * A signature scheme: `servo` is `X-Servo-Signature`, `standard` is Standard Webhooks.
 *
 * @example Accepting only Standard Webhooks signatures
 * ```ts
 * import { type SignatureScheme, verifyRequest } from "@servo/webhooks";
 *
 * const schemes: SignatureScheme[] = ["standard"];
 * const verified = (request: Request) => verifyRequest(request, "s3cr3t", { schemes });
 * ```
 */
export type SignatureScheme = "servo" | "standard";

/**
 * What a before webhook that cannot be delivered does to its event.
 *
 * @example No adjustment without approval
 * ```ts
 * import { type FailurePolicy, validateConfig } from "@servo/webhooks";
 *
 * const failure_policy: FailurePolicy = "cancel";
 * const config = validateConfig({
 *   webhooks: [{ events: "before:adjust", url: "https://example.com/approve", secret: "s3cr3t", failure_policy }],
 * });
 * ```
 */
export type FailurePolicy = "ignore" | "cancel";

/**
 * Retries of one webhook delivery: exponential backoff with full jitter.
 *
 * @example Giving up sooner than by default
 * ```ts
 * import { type BackoffConfig, validateConfig } from "@servo/webhooks";
 *
 * const backoff: BackoffConfig = { max_tries: 3, max_time: "30s", delay: "2s", max_delay: "10s" };
 * const config = validateConfig({
 *   webhooks: [{ events: "after:measure", url: "https://example.com/hook", secret: "s3cr3t", backoff }],
 * });
 * ```
 */
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

/**
 * When a webhook's circuit breaker opens, and how long it stays open.
 *
 * @example A more patient breaker
 * ```ts
 * import { type CircuitBreakerConfig, validateConfig } from "@servo/webhooks";
 *
 * const circuit_breaker: CircuitBreakerConfig = { failures: 10, cool_down: "1m", max_cool_down: "30m" };
 * const config = validateConfig({
 *   webhooks: [{ events: "after:measure", url: "https://example.com/hook", secret: "s3cr3t", circuit_breaker }],
 * });
 * ```
 */
export interface CircuitBreakerConfig {
  /** Consecutive failed deliveries that open it; `5` by default. */
  failures: number;
  /** How long it stays open before one probe delivery; `30s` by default. */
  cool_down: string;
  /** The cool-down doubles after each failed probe, up to this; `10m` by default. */
  max_cool_down: string;
}

/**
 * One webhook, validated, with defaults filled in and durations written canonically.
 *
 * @example Listing what each webhook is sent for
 * ```ts
 * import { parseConfig, type WebhookConfig } from "@servo/webhooks";
 *
 * const { webhooks } = parseConfig("webhooks:\n  - events: after:measure\n    url: https://example.com/hook\n    secret: s3cr3t\n");
 * const summary = (webhook: WebhookConfig) => `${webhook.name ?? webhook.url}: ${webhook.events.join(", ")}`;
 * console.log(webhooks.map(summary)); // ["https://example.com/hook: after:measure"]
 * ```
 */
export interface WebhookConfig {
  /** A name, unique among the webhooks. */
  name?: string;
  /** What the webhook is for. */
  description?: string;
  /** The events it is sent for, each `before:<event>` or `after:<event>`. */
  events: string[];
  /** Where it is POSTed: an http or https URL without user or password. */
  url: string;
  /**
   * The keys of its HMAC signatures: one, or several while rotating. The first signs
   * `X-Servo-Signature`; each signs its own `v1,` entry of `webhook-signature`.
   */
  secret: Secret[];
  /** The signatures sent: `servo` (X-Servo-Signature), `standard` (webhook-*), by default both. */
  signatures: SignatureScheme[];
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

/**
 * A validated webhooks configuration: the `webhooks:` list of a servo config file.
 *
 * @example Loading a configuration
 * ```ts
 * import { parseConfig, type WebhooksConfig } from "@servo/webhooks";
 *
 * const config: WebhooksConfig = parseConfig(`
 * webhooks:
 *   - events: [before:adjust, after:adjust]
 *     url: https://hooks.example.com/audit
 *     secret: s3cr3t
 * `);
 * ```
 */
export interface WebhooksConfig {
  /** The webhooks, in file order. */
  webhooks: WebhookConfig[];
}

/**
 * Options of {@linkcode parseConfig} and {@linkcode validateConfig}.
 *
 * @example Reading ${NAME} secrets from a secret store
 * ```ts
 * import { type ConfigOptions, parseConfig } from "@servo/webhooks";
 *
 * const store = new Map([["WEBHOOK_SECRET", "s3cr3t"]]);
 * const options: ConfigOptions = { env: (name) => store.get(name) };
 * const config = parseConfig("webhooks:\n  - events: after:measure\n    url: https://example.com/hook\n    secret: ${WEBHOOK_SECRET}\n", options);
 * ```
 */
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

/**
 * The defaults of a webhook's `backoff`.
 *
 * @example Retrying for twice as long
 * ```ts
 * import { DEFAULT_BACKOFF, validateConfig } from "@servo/webhooks";
 *
 * const backoff = { ...DEFAULT_BACKOFF, max_tries: 24, max_time: "6m" };
 * const config = validateConfig({
 *   webhooks: [{ events: "after:measure", url: "https://example.com/hook", secret: "s3cr3t", backoff }],
 * });
 * ```
 */
export const DEFAULT_BACKOFF: Readonly<BackoffConfig> = Object.freeze({
  max_tries: 12,
  max_time: "3m",
  delay: "1s",
  max_delay: "1m",
});
/**
 * The defaults of a webhook's `circuit_breaker`.
 *
 * @example Opening after more failures
 * ```ts
 * import { DEFAULT_CIRCUIT_BREAKER, validateConfig } from "@servo/webhooks";
 *
 * const circuit_breaker = { ...DEFAULT_CIRCUIT_BREAKER, failures: 20 };
 * const config = validateConfig({
 *   webhooks: [{ events: "after:measure", url: "https://example.com/hook", secret: "s3cr3t", circuit_breaker }],
 * });
 * ```
 */
export const DEFAULT_CIRCUIT_BREAKER: Readonly<CircuitBreakerConfig> = Object.freeze({
  failures: 5,
  cool_down: "30s",
  max_cool_down: "10m",
});
/**
 * The default `max_concurrency` of a webhook.
 *
 * @example The default, filled in
 * ```ts
 * import { DEFAULT_MAX_CONCURRENCY, validateConfig } from "@servo/webhooks";
 *
 * const { webhooks } = validateConfig({
 *   webhooks: [{ events: "after:measure", url: "https://example.com/hook", secret: "s3cr3t" }],
 * });
 * console.log(webhooks[0]?.max_concurrency === DEFAULT_MAX_CONCURRENCY); // true
 * ```
 */
export const DEFAULT_MAX_CONCURRENCY = 16;
/**
 * The default per-attempt `timeout` of a webhook.
 *
 * @example Giving a slow receiver three times the default
 * ```ts
 * import { DEFAULT_TIMEOUT, formatDuration, parseDuration, validateConfig } from "@servo/webhooks";
 *
 * const timeout = formatDuration(parseDuration(DEFAULT_TIMEOUT) * 3); // "30s"
 * const config = validateConfig({
 *   webhooks: [{ events: "after:measure", url: "https://example.com/hook", secret: "s3cr3t", timeout }],
 * });
 * ```
 */
export const DEFAULT_TIMEOUT = "10s";
