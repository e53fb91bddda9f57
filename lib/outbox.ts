// This module is browser compatible.
// Where deliveries wait and run: the bounded queue, the circuit breakers, the counters, and
// the one outcome every accepted delivery ends in.

import type { BreakerState } from "./breaker.ts";
import { deliver, type DeliveryOutcome } from "./delivery.ts";
import { DeliveryQueue } from "./queue.ts";
import { signRequest } from "./request.ts";
import type { Webhook } from "./webhook.ts";

/**
 * Counters of a webhooks connector, from {@linkcode WebhooksConnector.prototype.stats}.
 *
 * @example Reporting the queue
 * ```ts
 * import { WebhooksConnector, type WebhooksStats } from "@servo/webhooks";
 *
 * const webhooks = new WebhooksConnector({ webhooks: [] });
 * const stats: WebhooksStats = webhooks.stats();
 * console.log(`${stats.pending} pending, ${stats.failed} failed, ${stats.dropped} dropped`);
 * ```
 */
export interface WebhooksStats {
  /** Deliveries accepted: each ends as delivered, failed or dropped. */
  accepted: number;
  /** Deliveries that ended with a 2xx (a cancel included). */
  delivered: number;
  /** Deliveries that ended without one: errors, timeouts, open circuits, aborts. */
  failed: number;
  /** Deliveries refused at once because `maxPending` deliveries were pending. */
  dropped: number;
  /** Attempts beyond each delivery's first. */
  retried: number;
  /** Deliveries being sent now. */
  in_flight: number;
  /** Deliveries queued or being sent. */
  pending: number;
  /** Each webhook's circuit breaker, by webhook name. */
  webhooks: Record<string, { state: BreakerState; consecutive_failures: number }>;
}

/** What the outbox is told and asks. */
export interface OutboxOptions {
  /** The most deliveries queued and in flight. */
  maxPending: number;
  /** Receives every outcome. */
  onOutcome: (outcome: DeliveryOutcome) => void;
  /** Told before each wait between attempts. */
  onRetry?: (webhook: Webhook, event: string, delivery: string, info: RetryWait) => void;
  /** Told when a webhook's breaker changes state. */
  onBreaker: (webhook: Webhook, state: BreakerState) => void;
}

/** A wait between two attempts. */
export interface RetryWait {
  /** The attempt that failed. */
  attempt: number;
  /** How long the wait is, in milliseconds. */
  waitMs: number;
  /** Why the attempt failed. */
  error: string;
}

/** Sends deliveries through the queue and the breakers, and counts them. */
export class Outbox {
  readonly #queue: DeliveryQueue;
  readonly #options: OutboxOptions;
  readonly #abort = new AbortController();
  readonly #counts = { accepted: 0, delivered: 0, failed: 0, dropped: 0, retried: 0 };
  readonly #maxPending: number;

  /**
   * Creates an outbox.
   *
   * @param options Its limit and hooks.
   */
  constructor(options: OutboxOptions) {
    this.#options = options;
    this.#maxPending = options.maxPending;
    this.#queue = new DeliveryQueue(options.maxPending);
  }

  /**
   * Sends one delivery. Queued ones wait for room in the webhook's lane and are dropped at
   * once when the queue is full; the others (before webhooks) start now.
   *
   * @param webhook The webhook.
   * @param event The event context.
   * @param body The encoded body.
   * @param options Whether a cancel counts, and whether to queue.
   * @returns The outcome; it never rejects.
   */
  send(
    webhook: Webhook,
    event: string,
    body: string,
    options: { cancellable: boolean; queued: boolean },
  ): Promise<DeliveryOutcome> {
    this.#counts.accepted++;
    const delivery = crypto.randomUUID();
    const job = () => this.#run(webhook, event, body, delivery, options.cancellable);
    if (!options.queued) return this.#queue.run(job);
    let settle!: (outcome: DeliveryOutcome) => void;
    const done = new Promise<DeliveryOutcome>((resolve) => (settle = resolve));
    const taken = this.#queue.offer(webhook.lane, () => job().then(settle));
    if (!taken) {
      const error = `dropped: the queue is full (${this.#maxPending} deliveries pending)`;
      settle(this.#end(unsent(webhook, event, delivery, error), true));
    }
    return done;
  }

  /**
   * Ends a delivery that cannot be sent at all (its body could not be encoded), with an
   * outcome that says why.
   *
   * @param webhook The webhook.
   * @param event The event context.
   * @param error Why.
   * @returns The outcome.
   */
  refuse(webhook: Webhook, event: string, error: string): DeliveryOutcome {
    this.#counts.accepted++;
    return this.#end(unsent(webhook, event, crypto.randomUUID(), error));
  }

  async #run(
    webhook: Webhook,
    event: string,
    body: string,
    delivery: string,
    cancellable: boolean,
  ): Promise<DeliveryOutcome> {
    const started = performance.now();
    const fail = (error: string) => unsent(webhook, event, delivery, error, started);
    if (this.#abort.signal.aborted) {
      return this.#end(fail("aborted: the connector was closed before the delivery was sent"));
    }
    const refused = webhook.breaker.admit(started);
    if (refused !== undefined) return this.#end(fail(refused));
    let outcome: DeliveryOutcome;
    try {
      const request = await signRequest(webhook, event, body, delivery);
      const onRetry = this.#options.onRetry;
      outcome = await deliver(webhook, request, {
        cancellable,
        signal: this.#abort.signal,
        ...(onRetry === undefined
          ? {}
          : { onRetry: (info) => onRetry(webhook, event, delivery, info) }),
      });
    } catch (error) {
      // Not expected (deliver() never rejects), but a delivery must still end in an outcome.
      outcome = fail(
        `could not be sent: ${error instanceof Error ? error.message : String(error)}`,
      );
    }
    const aborted = this.#abort.signal.aborted;
    const changed = aborted
      ? undefined
      : webhook.breaker.record(outcome.ok, performance.now(), outcome.status === 410);
    if (changed !== undefined) this.#options.onBreaker(webhook, changed);
    return this.#end(outcome);
  }

  #end(outcome: DeliveryOutcome, dropped = false): DeliveryOutcome {
    const counts = this.#counts;
    if (outcome.ok) counts.delivered++;
    else if (dropped) counts.dropped++;
    else counts.failed++;
    if (outcome.attempts > 1) counts.retried += outcome.attempts - 1;
    this.#options.onOutcome(outcome);
    return outcome;
  }

  /**
   * The counters now.
   *
   * @param webhooks The webhooks, for their breakers.
   * @returns A snapshot.
   */
  stats(webhooks: readonly Webhook[]): WebhooksStats {
    return {
      ...this.#counts,
      in_flight: this.#queue.running,
      pending: this.#queue.pending,
      webhooks: Object.fromEntries(webhooks.map((w) => [w.label, {
        state: w.breaker.state,
        consecutive_failures: w.breaker.consecutiveFailures,
      }])),
    };
  }

  /** Deliveries queued or in flight. */
  get pending(): number {
    return this.#queue.pending;
  }

  /**
   * Waits for every delivery; after `deadlineMs`, aborts what is left.
   *
   * @param deadlineMs How long to wait before aborting, or `undefined` to wait for all.
   * @returns When every delivery has ended.
   */
  async drain(deadlineMs?: number): Promise<void> {
    const timer = deadlineMs === undefined
      ? undefined
      : setTimeout(() => this.#abort.abort(), deadlineMs);
    try {
      await this.#queue.drained();
    } finally {
      clearTimeout(timer);
    }
  }
}

/** The outcome of a delivery that ended before any attempt, saying why. */
function unsent(
  webhook: Webhook,
  event: string,
  delivery: string,
  error: string,
  started?: number,
): DeliveryOutcome {
  const ms = started === undefined ? 0 : Math.round((performance.now() - started) * 100) / 100;
  return {
    webhook: webhook.label,
    event,
    delivery,
    attempts: 0,
    ok: false,
    error,
    duration_ms: ms,
  };
}
