// This module is browser compatible.

import { validateConfig } from "./config.ts";
import type { WebhookConfig, WebhooksConfig } from "./config_types.ts";
import type { DeliveryOutcome } from "./delivery.ts";
import { parseDuration } from "./duration.ts";
import { ConnectorClosedError, EventCancelledError } from "./errors.ts";
import { type EventDefinition, type EventRegistry, eventRegistry } from "./event.ts";
import { parseEventContext } from "./event_context.ts";
import { Outbox, type WebhooksStats } from "./outbox.ts";
import { encodeBody } from "./request.ts";
import type { AfterEventData, EventResult, Servo } from "./servo.ts";
import { prepareWebhook, type Webhook } from "./webhook.ts";
import type {
  AdHocWebhook,
  CloseOptions,
  TriggerPayload,
  WebhooksConnectorOptions,
} from "./connector_types.ts";
import "./servo_events.ts"; // fills the default registry

/**
 * Sends servo events as signed HTTP webhooks. Attached to a {@linkcode Servo}, it registers a
 * before handler for every `before:` webhook event (the dispatch waits for those webhooks, and
 * a cancel response cancels the event) and an after handler for every `after:` one (the
 * webhooks are delivered in the background; {@linkcode WebhooksConnector.prototype.close}
 * waits for them).
 *
 * @example Attaching webhooks to a servo
 * ```ts no-eval
 * import { parseConfig, Servo, servoEvents, WebhooksConnector } from "@servo/webhooks";
 *
 * const config = parseConfig(await Deno.readTextFile("servo.yaml"));
 * const webhooks = new WebhooksConnector(config, {
 *   onDelivery: (outcome) => console.log(outcome.webhook, outcome.ok, outcome.status),
 * });
 * const servo = new Servo();
 * webhooks.attach(servo);
 * await servo.dispatch(servoEvents.measure, { control: { duration: "1m" } });
 * await webhooks.close({ deadline: "10s" });
 * ```
 */
export class WebhooksConnector {
  /** The connector's name on the servo. */
  readonly name: string;
  /** The validated webhooks. */
  readonly config: WebhooksConfig;
  #registry: EventRegistry;
  #webhooks: Webhook[];
  #options: WebhooksConnectorOptions;
  #outbox: Outbox;
  #closed = false;
  #attached = new WeakSet<Servo>();

  /**
   * Creates the connector. The configuration is validated (again, if it already was).
   *
   * @param config The webhooks, as from {@linkcode parseConfig}.
   * @param options Name, events, and outcome and retry hooks.
   * @throws {ConfigError} When the configuration is invalid.
   */
  constructor(config: WebhooksConfig, options: WebhooksConnectorOptions = {}) {
    this.#registry = options.registry ?? eventRegistry;
    this.config = validateConfig(config, { registry: this.#registry });
    this.name = options.name ?? "webhooks";
    this.#options = options;
    this.#webhooks = this.config.webhooks.map(prepareWebhook);
    const maxPending = options.maxPending ?? 10_000;
    if (!Number.isInteger(maxPending) || maxPending < 1) {
      throw new RangeError(
        `Cannot create the webhooks connector: maxPending must be a whole number above 0`,
      );
    }
    const onRetry = options.onRetry;
    this.#outbox = new Outbox({
      maxPending,
      onOutcome: (outcome) => callback("onDelivery", () => options.onDelivery?.(outcome)),
      ...(onRetry === undefined ? {} : {
        onRetry: (webhook, event, delivery, { attempt, waitMs, error }) =>
          callback("onRetry", () =>
            onRetry({
              webhook: webhook.label,
              event,
              delivery,
              attempt,
              wait_ms: Math.round(waitMs),
              error,
            })),
      }),
      onBreaker: (webhook, state) => {
        if (state === "disabled") {
          console.error(
            `servo-webhooks: webhook "${webhook.label}" answered 410 Gone: it is disabled until restart`,
          );
        } else if (state === "open") {
          console.warn(
            `servo-webhooks: webhook "${webhook.label}" failed ${webhook.breaker.consecutiveFailures} deliveries in a row: its circuit is open`,
          );
        }
      },
    });
  }

  /** How many deliveries have not ended yet. */
  get pending(): number {
    return this.#outbox.pending;
  }

  /**
   * Registers the webhooks' handlers on a servo, as a connector named {@linkcode name}.
   *
   * @param servo The servo.
   * @returns This connector.
   * @throws {TypeError} When already attached there, or an event is unknown to the servo.
   */
  attach(servo: Servo): this {
    if (this.#attached.has(servo)) {
      throw new TypeError(`Cannot attach connector "${this.name}": it is already attached`);
    }
    const byContext = new Map<string, Webhook[]>();
    for (const webhook of this.#webhooks) {
      for (const event of webhook.config.events) {
        byContext.set(event, [...(byContext.get(event) ?? []), webhook]);
      }
    }
    const plan: [string, "before" | "after", EventDefinition, Webhook[]][] = [];
    for (const [text, webhooks] of byContext) {
      const context = parseEventContext(text, servo.registry);
      const definition = context && servo.registry.get(context.event);
      if (context === undefined || definition === undefined) {
        throw new TypeError(`Cannot attach webhooks: the servo does not know the event "${text}"`);
      }
      plan.push([text, context.preposition as "before" | "after", definition, webhooks]);
    }
    const connector = servo.addConnector(this.name);
    this.#attached.add(servo);
    for (const [text, preposition, definition, webhooks] of plan) {
      if (preposition === "before") {
        connector.before(definition, (params) => this.#before(text, webhooks, params));
      } else {
        connector.after(definition, (data) => this.#after(text, webhooks, data));
      }
    }
    return this;
  }

  async #before(event: string, webhooks: Webhook[], params: unknown): Promise<void> {
    this.#ensureOpen();
    const body = encodeBody({ event, created_at: new Date().toISOString(), params });
    const outcomes = await Promise.all(
      webhooks.map((w) => this.#outbox.send(w, event, body, { cancellable: true, queued: false })),
    );
    outcomes.forEach((outcome, i) => {
      const webhook = webhooks[i] as Webhook;
      if (outcome.cancel_reason !== undefined) {
        throw new EventCancelledError(outcome.cancel_reason, {
          webhook: outcome.webhook,
          connector: this.name,
        });
      }
      if (!outcome.ok && webhook.config.failure_policy === "cancel") {
        throw new EventCancelledError(
          `webhook "${outcome.webhook}" could not be delivered (failure_policy: cancel): ${outcome.error}`,
          { webhook: outcome.webhook, connector: this.name },
        );
      }
    });
  }

  #after(event: string, webhooks: Webhook[], data: AfterEventData): void {
    this.#ensureOpen();
    let body: string;
    try {
      body = encodeBody({
        event,
        created_at: new Date().toISOString(),
        params: data.params,
        results: data.results,
      });
    } catch (error) {
      // The on handlers have run: the event stands, and each delivery ends saying why not.
      for (const webhook of webhooks) this.#outbox.refuse(webhook, event, (error as Error).message);
      return;
    }
    for (const webhook of webhooks) {
      void this.#outbox.send(webhook, event, body, { cancellable: false, queued: true });
    }
  }

  #ensureOpen(): void {
    if (this.#closed) throw new ConnectorClosedError(this.name);
  }

  /**
   * Sends one event's webhook now and waits for the outcomes: to every webhook subscribed to
   * the event, to the one named, or to an ad-hoc URL. The payload is checked against the
   * event's schemas. A before webhook's cancel shows as `cancel_reason` in its outcome.
   *
   * @example Triggering an after:measure webhook
   * ```ts no-eval
   * import { WebhooksConnector } from "@servo/webhooks";
   *
   * const outcomes = await new WebhooksConnector({ webhooks: [] }).trigger("after:measure", {
   *   params: { metrics: ["throughput"] },
   *   results: [{ connector: "prometheus", value: { readings: [] } }],
   * }, { url: "http://localhost:8080/hook", secret: "s3cr3t", backoff: false });
   * ```
   *
   * @param event `before:<event>` or `after:<event>`.
   * @param payload The params, and the results of an after event.
   * @param target A webhook's name, or an ad-hoc webhook; all subscribed webhooks when absent.
   * @returns One outcome per webhook.
   * @throws {TypeError} When the event or the named webhook is unknown.
   * @throws {EventValidationError} When the payload does not match the event.
   * @throws {ConnectorClosedError} After close.
   */
  async trigger(
    event: string,
    payload: TriggerPayload = {},
    target?: string | AdHocWebhook,
  ): Promise<DeliveryOutcome[]> {
    this.#ensureOpen();
    const context = parseEventContext(event, this.#registry);
    const definition = context && this.#registry.get(context.event);
    if (context === undefined || definition === undefined || context.preposition === "on") {
      throw new TypeError(
        `Cannot trigger "${event}": expected before:<event> or after:<event>, with an event among ${
          this.#registry.names().join(", ")
        }`,
      );
    }
    const params = definition.validateParams(payload.params);
    let results: EventResult[] | undefined;
    if (context.preposition === "after") {
      results = (payload.results ?? []).map(({ connector, value }) => ({
        connector: String(connector),
        value: definition.validateResult(value, String(connector)),
      }));
    }
    const webhooks = this.#targets(event, target);
    const body = encodeBody({
      event,
      created_at: new Date().toISOString(),
      params,
      ...{ results },
    });
    return await Promise.all(
      webhooks.map((webhook) =>
        this.#outbox.send(webhook, event, body, {
          cancellable: context.preposition === "before",
          queued: context.preposition === "after",
        })
      ),
    );
  }

  #targets(event: string, target: string | AdHocWebhook | undefined): Webhook[] {
    if (target === undefined) {
      return this.#webhooks.filter((w) => w.config.events.includes(event));
    }
    if (typeof target === "string") {
      const found = this.#webhooks.find((w) => w.config.name === target);
      if (found !== undefined) return [found];
      const names = this.#webhooks.flatMap((
        w,
      ) => (w.config.name === undefined ? [] : [w.config.name]));
      throw new TypeError(
        `Cannot trigger webhook "${target}": no webhook has that name${
          names.length === 0 ? "" : ` (known: ${names.join(", ")})`
        }`,
      );
    }
    const adHoc = validateConfig({ webhooks: [{ ...target, events: [event] }] }, {
      registry: this.#registry,
    });
    return [prepareWebhook(adHoc.webhooks[0] as WebhookConfig)];
  }

  /**
   * Counters of the deliveries so far, and the state of each webhook's circuit breaker.
   *
   * @example Watching the queue
   * ```ts
   * import { WebhooksConnector } from "@servo/webhooks";
   *
   * const webhooks = new WebhooksConnector({ webhooks: [] });
   * const { accepted, delivered, failed, dropped, pending } = webhooks.stats();
   * ```
   *
   * @returns A snapshot.
   */
  stats(): WebhooksStats {
    return this.#outbox.stats(this.#webhooks);
  }

  /**
   * Stops taking new deliveries and waits for the pending ones. With a deadline, what is still
   * pending then is aborted, each delivery ending with an outcome that says so. Dispatching
   * an event this connector subscribes to, or triggering, is refused afterwards.
   *
   * @param options The deadline.
   * @returns When every delivery has ended.
   */
  async close(options: CloseOptions = {}): Promise<void> {
    this.#closed = true;
    const { deadline } = options;
    await this.#outbox.drain(
      deadline === undefined
        ? undefined
        : typeof deadline === "number"
        ? deadline
        : parseDuration(deadline),
    );
  }
}

/** Runs a user callback; what it throws is logged, never thrown into a delivery. */
function callback(name: string, fn: () => void): void {
  try {
    fn();
  } catch (error) {
    console.error(`servo-webhooks: the ${name} callback threw: ${error}`);
  }
}
