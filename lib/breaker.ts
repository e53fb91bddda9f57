// This module is browser compatible.
// A circuit breaker per webhook: after `failures` consecutive failed deliveries it opens, and
// deliveries fail fast; after a cool-down one probe goes through (half open): its success
// closes the breaker, its failure opens it again for twice as long, up to a cap. A 410 Gone
// disables the webhook until restart.

import { formatDuration } from "./duration.ts";

/**
 * The state of a webhook's breaker.
 *
 * @example Warning about webhooks that are down
 * ```ts
 * import { type BreakerState, WebhooksConnector } from "@servo/webhooks";
 *
 * const down: BreakerState[] = ["open", "disabled"];
 * const { webhooks } = new WebhooksConnector({ webhooks: [] }).stats();
 * for (const [name, { state }] of Object.entries(webhooks)) {
 *   if (down.includes(state)) console.warn(`webhook ${name} is ${state}`);
 * }
 * ```
 */
export type BreakerState = "closed" | "open" | "half-open" | "disabled";

/** How a breaker trips and recovers, in milliseconds. */
export interface BreakerPolicy {
  /** Consecutive failed deliveries that open it. */
  failures: number;
  /** The first cool-down. */
  coolDownMs: number;
  /** The longest cool-down. */
  maxCoolDownMs: number;
}

/** One webhook's breaker. */
export class Breaker {
  readonly #policy: BreakerPolicy | false;
  #state: BreakerState = "closed";
  #consecutive = 0;
  #coolDownMs: number;
  #openUntil = 0;
  #probing = false;

  /**
   * Creates a closed breaker.
   *
   * @param policy When to open, or `false` for a breaker that only 410 disables.
   */
  constructor(policy: BreakerPolicy | false) {
    this.#policy = policy;
    this.#coolDownMs = policy === false ? 0 : policy.coolDownMs;
  }

  /** The current state. */
  get state(): BreakerState {
    return this.#state;
  }

  /** Failed deliveries in a row. */
  get consecutiveFailures(): number {
    return this.#consecutive;
  }

  /**
   * Asks to send a delivery. In the open state after the cool-down, the first ask becomes the
   * probe.
   *
   * @param now The current time, from `performance.now()`.
   * @returns `undefined` to go ahead, or why the delivery must fail fast.
   */
  admit(now: number): string | undefined {
    if (this.#state === "disabled") {
      return "disabled: the receiver answered 410 Gone; restart to enable the webhook again";
    }
    if (this.#state === "closed") return undefined;
    if (this.#state === "open" && now >= this.#openUntil) {
      this.#state = "half-open";
      this.#probing = false;
    }
    if (this.#state === "half-open" && !this.#probing) {
      this.#probing = true;
      return undefined;
    }
    const wait = Math.max(0, this.#openUntil - now);
    return `circuit open: ${this.#consecutive} deliveries in a row failed; ${
      this.#state === "half-open"
        ? "a probe is under way"
        : `next try in ${formatDuration(Math.ceil(wait))}`
    }`;
  }

  /**
   * Records how a delivery that was let through ended.
   *
   * @param ok Whether it succeeded.
   * @param now The current time, from `performance.now()`.
   * @param gone Whether the receiver answered 410 Gone.
   * @returns The new state, when it changed.
   */
  record(ok: boolean, now: number, gone = false): BreakerState | undefined {
    const before = this.#state;
    if (before === "disabled") return undefined;
    if (gone) {
      this.#state = "disabled";
      return "disabled";
    }
    if (ok) {
      this.#consecutive = 0;
      if (this.#policy !== false) this.#coolDownMs = this.#policy.coolDownMs;
      this.#state = "closed";
      this.#probing = false;
    } else {
      this.#consecutive++;
      const policy = this.#policy;
      if (policy !== false && (before === "half-open" || this.#consecutive >= policy.failures)) {
        if (before === "half-open") {
          this.#coolDownMs = Math.min(this.#coolDownMs * 2, policy.maxCoolDownMs);
        }
        this.#state = "open";
        this.#openUntil = now + this.#coolDownMs;
        this.#probing = false;
      }
    }
    return this.#state === before ? undefined : this.#state;
  }
}
