// This module is browser compatible.

import { EventCancelledError } from "./errors.ts";
import { type EventDefinition, type EventRegistry, eventRegistry } from "./event.ts";
import "./servo_events.ts"; // fills the default registry

/**
 * One on handler's result: the connector that returned it and the validated value.
 *
 * @example The results of a dispatch
 * ```ts
 * import { type EventResult, type Metric, Servo, servoEvents } from "@servo/webhooks";
 *
 * const servo = new Servo();
 * servo.addConnector("prometheus").on(servoEvents.metrics, () => [{ name: "throughput", unit: "rpm" }]);
 * const results: EventResult<Metric[]>[] = await servo.dispatch(servoEvents.metrics);
 * console.log(results); // [{ connector: "prometheus", value: [{ name: "throughput", unit: "rpm" }] }]
 * ```
 */
export interface EventResult<R = unknown> {
  /** The connector's name. */
  connector: string;
  /** What its handler returned, validated against the event's result schema. */
  value: R;
}

/**
 * What after handlers receive: the event's params and every on handler's result.
 *
 * @example Logging what a measure returned
 * ```ts
 * import { type AfterEventData, type Measurement, type MeasureParams, Servo, servoEvents } from "@servo/webhooks";
 *
 * function log({ params, results }: AfterEventData<MeasureParams, Measurement>): void {
 *   console.log(params.metrics, results.map((result) => result.connector));
 * }
 * new Servo().addConnector("audit").after(servoEvents.measure, log);
 * ```
 */
export interface AfterEventData<P = unknown, R = unknown> {
  /** The validated params of the dispatch. */
  params: P;
  /** The on handlers' results, in connector order. */
  results: EventResult<R>[];
}

/**
 * What every handler receives besides its data.
 *
 * @example Tracing which connector runs
 * ```ts
 * import { type HandlerContext, Servo, servoEvents } from "@servo/webhooks";
 *
 * function trace(_params: unknown, { event, connector }: HandlerContext): void {
 *   console.log(`${connector}: before ${event}`);
 * }
 * new Servo().addConnector("audit").before(servoEvents.adjust, trace);
 * ```
 */
export interface HandlerContext {
  /** The event's name, such as `measure`. */
  event: string;
  /** The name of the connector the handler belongs to. */
  connector: string;
}

/**
 * Runs before an event; throwing {@linkcode EventCancelledError} cancels it.
 *
 * @example Refusing more than ten replicas
 * ```ts
 * import { type AdjustParams, type BeforeHandler, EventCancelledError, Servo, servoEvents } from "@servo/webhooks";
 *
 * const guard: BeforeHandler<AdjustParams> = ({ adjustments }) => {
 *   const big = adjustments.find((a) => a.setting_name === "replicas" && Number(a.value) > 10);
 *   if (big) throw new EventCancelledError(`at most 10 replicas, not ${big.value}`);
 * };
 * new Servo().addConnector("guard").before(servoEvents.adjust, guard);
 * ```
 */
export type BeforeHandler<P> = (params: P, context: HandlerContext) => void | Promise<void>;
/**
 * Runs the event; its return value is the connector's result.
 *
 * @example A measure handler
 * ```ts
 * import { type Measurement, type MeasureParams, type OnHandler, Servo, servoEvents } from "@servo/webhooks";
 *
 * const measure: OnHandler<MeasureParams, Measurement> = ({ metrics }) => ({
 *   readings: (metrics ?? ["throughput"]).map((name) => ({ metric: { name }, time: new Date().toISOString(), value: 0 })),
 * });
 * new Servo().addConnector("prometheus").on(servoEvents.measure, measure);
 * ```
 */
export type OnHandler<P, R> = (
  params: P,
  context: HandlerContext,
) => Returned<R> | Promise<Returned<R>>;

/**
 * What an on handler may return: for an event whose result may be `null`, nothing too.
 *
 * @example A handler of an event without a result
 * ```ts
 * import { type Returned, Servo, servoEvents } from "@servo/webhooks";
 *
 * const onStartup = (): Returned<null> => console.log("starting");
 * new Servo().addConnector("log").on(servoEvents.startup, onStartup);
 * ```
 */
export type Returned<R> = null extends R ? R | undefined | void : R;
/**
 * Runs after an event, with its params and results.
 *
 * @example Logging adjustments
 * ```ts
 * import { type AdjustParams, type AfterHandler, type Description, Servo, servoEvents } from "@servo/webhooks";
 *
 * const log: AfterHandler<AdjustParams, Description> = ({ params, results }, { connector }) => {
 *   console.log(`${connector}: ${params.adjustments.length} changes, ${results.length} results`);
 * };
 * new Servo().addConnector("audit").after(servoEvents.adjust, log);
 * ```
 */
export type AfterHandler<P, R> = (
  data: AfterEventData<P, R>,
  context: HandlerContext,
) => void | Promise<void>;

type AnyHandler = (data: never, context: HandlerContext) => unknown;
type Kind = "before" | "on" | "after";

/** Reads a connector's handlers; set by the class below so that they stay private to lib/. */
let handlersOf: (connector: Connector, event: string, kind: Kind) => readonly AnyHandler[];

/**
 * A named set of handlers on one servo, made by {@linkcode Servo.prototype.addConnector}.
 * Handlers of one connector for one event run one after another, in registration order.
 *
 * @example Registering handlers
 * ```ts
 * import { Servo, servoEvents } from "@servo/webhooks";
 *
 * const servo = new Servo();
 * servo.addConnector("audit")
 *   .before(servoEvents.adjust, (params) => console.log("adjusting", params.adjustments))
 *   .after(servoEvents.adjust, ({ results }) => console.log("adjusted by", results.length));
 * ```
 */
export class Connector {
  /** The connector's name, unique on its servo. */
  readonly name: string;
  #resolve: (event: EventDefinition | string) => EventDefinition;
  #handlers = new Map<string, Map<Kind, AnyHandler[]>>();

  /**
   * Made by {@linkcode Servo.prototype.addConnector}; not meant to be called directly.
   *
   * @param name The connector's name.
   * @param resolve Looks events up by name.
   */
  constructor(name: string, resolve: (event: EventDefinition | string) => EventDefinition) {
    this.name = name;
    this.#resolve = resolve;
  }

  #add(kind: Kind, event: EventDefinition | string, handler: AnyHandler): this {
    if (typeof handler !== "function") {
      throw new TypeError(`Cannot add ${kind} handler to connector "${this.name}": not a function`);
    }
    const name = this.#resolve(event).name;
    const byKind = this.#handlers.get(name) ?? new Map<Kind, AnyHandler[]>();
    this.#handlers.set(name, byKind);
    byKind.set(kind, [...(byKind.get(kind) ?? []), handler]);
    return this;
  }

  /**
   * Adds a handler that runs before the event, with its params. Throwing
   * {@linkcode EventCancelledError} cancels the event.
   *
   * @param event The event or its name.
   * @param handler The handler.
   * @returns This connector.
   */
  before<P, R>(event: EventDefinition<P, R> | string, handler: NoInfer<BeforeHandler<P>>): this {
    return this.#add("before", event as EventDefinition, handler as AnyHandler);
  }

  /**
   * Adds a handler that runs the event; what it returns is this connector's result.
   *
   * @param event The event or its name.
   * @param handler The handler.
   * @returns This connector.
   */
  on<P, R>(
    event: EventDefinition<P, R> | string,
    handler: NoInfer<OnHandler<P, R>>,
  ): this {
    return this.#add("on", event as EventDefinition, handler as AnyHandler);
  }

  /**
   * Adds a handler that runs after the event, with its params and results.
   *
   * @param event The event or its name.
   * @param handler The handler.
   * @returns This connector.
   */
  after<P, R>(
    event: EventDefinition<P, R> | string,
    handler: NoInfer<AfterHandler<P, R>>,
  ): this {
    return this.#add("after", event as EventDefinition, handler as AnyHandler);
  }

  static {
    handlersOf = (connector, event, kind) => connector.#handlers.get(event)?.get(kind) ?? [];
  }
}

/**
 * Options of {@linkcode Servo}.
 *
 * @example A servo that knows only some events
 * ```ts
 * import { EventRegistry, Servo, servoEvents, type ServoOptions } from "@servo/webhooks";
 *
 * const options: ServoOptions = { registry: new EventRegistry([servoEvents.measure, servoEvents.adjust]) };
 * const servo = new Servo(options);
 * servo.addConnector("k8s").on("adjust", () => ({})); // on("describe", ...) would throw
 * ```
 */
export interface ServoOptions {
  /**
   * The events this servo knows, for names given as strings.
   *
   * @default {eventRegistry}
   */
  registry?: EventRegistry;
}

/**
 * An event bus in the manner of the Opsani servo. Connectors register before, on and after
 * handlers; {@linkcode Servo.prototype.dispatch} validates the params, runs the before
 * handlers (any may cancel), then the on handlers (their validated results, in connector
 * order, are the dispatch's result), then the after handlers.
 *
 * Handlers belong to the servo instance they were added to: two servos share nothing.
 *
 * @example A servo with one connector
 * ```ts
 * import { Servo, servoEvents } from "@servo/webhooks";
 *
 * const servo = new Servo();
 * servo.addConnector("static").on(servoEvents.metrics, () => [{ name: "throughput", unit: "rpm" }]);
 * const results = await servo.dispatch(servoEvents.metrics);
 * console.log(results[0]?.value); // [{ name: "throughput", unit: "rpm" }]
 * ```
 */
export class Servo {
  /** The events this servo knows. */
  readonly registry: EventRegistry;
  #connectors: Connector[] = [];

  /**
   * Creates a servo with no connectors.
   *
   * @param options The events it knows.
   */
  constructor(options: ServoOptions = {}) {
    this.registry = options.registry ?? eventRegistry;
  }

  /** The connectors' names, in the order they were added. */
  get connectors(): string[] {
    return this.#connectors.map((c) => c.name);
  }

  /**
   * Adds a connector, to which handlers are then added. Connectors run in the order they
   * were added, and results come back in that order.
   *
   * @param name The connector's name, unique on this servo.
   * @returns The new connector.
   * @throws {TypeError} When the name is empty or taken.
   */
  addConnector(name: string): Connector {
    if (typeof name !== "string" || name === "") {
      throw new TypeError("Cannot add connector: a connector needs a non-empty name");
    }
    if (this.#connectors.some((c) => c.name === name)) {
      throw new TypeError(
        `Cannot add connector "${name}": this servo already has one by that name`,
      );
    }
    const connector = new Connector(name, (event) => this.#resolve(event));
    this.#connectors.push(connector);
    return connector;
  }

  #resolve(event: EventDefinition | string): EventDefinition {
    if (typeof event !== "string") return event;
    const found = this.registry.get(event);
    if (found !== undefined) return found;
    throw new TypeError(
      `Unknown event "${event}": known events are ${this.registry.names().join(", ")}`,
    );
  }

  /**
   * Dispatches an event: validates the params, runs the before handlers concurrently (if one
   * throws {@linkcode EventCancelledError}, nothing else runs and the dispatch rejects with
   * it), then the on handlers concurrently across connectors, validating each result, then the
   * after handlers with the params and results.
   *
   * @typeParam P The event's params.
   * @typeParam R The event's result.
   * @param event The event or its name.
   * @param params The params; may be left out when the event takes none.
   * @returns The on handlers' results, in connector order.
   * @throws {EventValidationError} When the params or a result do not match the event.
   * @throws {EventCancelledError} When a before handler cancelled the event.
   */
  async dispatch<P, R>(
    event: EventDefinition<P, R> | string,
    params?: P,
  ): Promise<EventResult<R>[]> {
    const definition = this.#resolve(event as EventDefinition) as EventDefinition<P, R>;
    const name = definition.name;
    const valid = definition.validateParams(params);
    const connectors = [...this.#connectors];

    await this.#runBefore(name, connectors, valid);

    const perConnector = await Promise.all(connectors.map(async (connector) => {
      const results: EventResult<R>[] = [];
      for (const handler of handlersOf(connector, name, "on")) {
        const value = await call("on", handler, valid, { event: name, connector: connector.name });
        results.push({
          connector: connector.name,
          value: definition.validateResult(value, connector.name),
        });
      }
      return results;
    }));
    const results = perConnector.flat();

    await Promise.all(connectors.map(async (connector) => {
      for (const handler of handlersOf(connector, name, "after")) {
        await call("after", handler, { params: valid, results }, {
          event: name,
          connector: connector.name,
        });
      }
    }));
    return results;
  }

  async #runBefore(name: string, connectors: Connector[], params: unknown): Promise<void> {
    const settled = await Promise.allSettled(connectors.map(async (connector) => {
      for (const handler of handlersOf(connector, name, "before")) {
        try {
          await (handler as (p: unknown, c: HandlerContext) => unknown)(params, {
            event: name,
            connector: connector.name,
          });
        } catch (error) {
          if (error instanceof EventCancelledError) {
            error.connector ??= connector.name;
            error.event ??= name;
          }
          throw error;
        }
      }
    }));
    const errors = settled.flatMap((s) => (s.status === "rejected" ? [s.reason as unknown] : []));
    const cancel = errors.find((e) => e instanceof EventCancelledError);
    if (cancel !== undefined) throw cancel;
    if (errors.length > 0) throw errors[0];
  }
}

/** Runs an on or after handler; a cancel from one is a programming error, as in servox. */
async function call(
  kind: "on" | "after",
  handler: AnyHandler,
  data: unknown,
  context: HandlerContext,
): Promise<unknown> {
  try {
    return await (handler as (d: unknown, c: HandlerContext) => unknown)(data, context);
  } catch (error) {
    if (error instanceof EventCancelledError) {
      throw new TypeError(`Cannot cancel an event from an ${kind} handler`, { cause: error });
    }
    throw error;
  }
}
