// This module is browser compatible.

import * as z from "zod";
import { EventValidationError } from "./errors.ts";
import { fromZodIssues } from "./_issues.ts";

const NAME = /^[A-Za-z_][A-Za-z0-9_.-]{0,127}$/;

/**
 * A zod 4 schema, seen through the Standard Schema interface that every zod schema implements.
 * Only zod schemas are accepted: the JSON Schema of webhook bodies is made from them.
 *
 * @typeParam Input What the schema accepts.
 * @typeParam Output What it produces.
 *
 * @example A zod schema is one
 * ```ts
 * import * as z from "zod";
 * import type { ZodSchema } from "@servo/webhooks";
 *
 * const params: ZodSchema<{ version: string }> = z.object({ version: z.string() });
 * ```
 */
export interface ZodSchema<Input = unknown, Output = Input> {
  /** The Standard Schema properties. */
  readonly "~standard": {
    /** `zod`. */
    readonly vendor: string;
    /** The schema's input and output types. */
    readonly types?: { readonly input: Input; readonly output: Output } | undefined;
  };
}

/**
 * The zod schemas and description that define an event.
 *
 * @typeParam P What the params schema accepts.
 * @typeParam R What the result schema accepts.
 *
 * @example Schemas shared by two events
 * ```ts
 * import * as z from "zod";
 * import { defineEvent, type EventSchemas } from "@servo/webhooks";
 *
 * const schemas: EventSchemas<{ version: string }, null> = {
 *   params: z.object({ version: z.string() }),
 *   result: z.null(),
 * };
 * const started = defineEvent("rollout.started", { ...schemas, description: "A rollout began" });
 * const finished = defineEvent("rollout.finished", { ...schemas, description: "A rollout ended" });
 * ```
 */
export interface EventSchemas<P = unknown, R = unknown> {
  /** The event's params, as an object schema (`z.object({})` for none). */
  params: ZodSchema<P, unknown>;
  /** What each on handler returns (`z.null()` for nothing). */
  result: ZodSchema<R, unknown>;
  /** One line saying what the event is for. */
  description?: string;
}

function asZod(schema: ZodSchema, what: string, name: string): z.ZodType {
  if (schema?.["~standard"]?.vendor !== "zod" || !("safeParse" in schema)) {
    throw new TypeError(`Cannot define event "${name}": ${what} must be a zod 4 schema`);
  }
  return schema as unknown as z.ZodType;
}

/** Parses, turning what a getter or proxy in the value throws into a validation failure. */
function safely(schema: z.ZodType, value: unknown): z.ZodSafeParseResult<unknown> {
  try {
    return schema.safeParse(value);
  } catch (error) {
    const why = error instanceof Error ? error.message : String(error);
    return {
      success: false,
      error: new z.ZodError([{
        code: "custom",
        path: [],
        message: `could not be read: ${why}`,
        input: value,
      }]),
    };
  }
}

/**
 * A named event with typed params and result. Handlers receive params of type `P`, on
 * handlers return `R`, and webhook bodies carry both as JSON.
 *
 * Create one with {@linkcode defineEvent}; the standard ones are in {@linkcode servoEvents}.
 *
 * @typeParam P The params passed to dispatch and to handlers.
 * @typeParam R The value each on handler returns.
 *
 * @example Validating params
 * ```ts
 * import { servoEvents } from "@servo/webhooks";
 *
 * const params = servoEvents.measure.validateParams({ metrics: ["throughput"] });
 * console.log(params.control); // defaults filled in
 * ```
 */
export class EventDefinition<P = unknown, R = unknown> {
  /** The event's name, such as `measure`. */
  readonly name: string;
  /** One line saying what the event is for. */
  readonly description: string;
  #params: z.ZodType;
  #result: z.ZodType;

  /**
   * Creates an event definition. Prefer {@linkcode defineEvent}, which also registers it.
   *
   * @param name The event's name: a letter or `_`, then letters, digits, `_`, `.` or `-`.
   * @param schemas The params and result schemas.
   */
  constructor(name: string, schemas: EventSchemas<P, R>) {
    if (!NAME.test(name)) {
      throw new TypeError(
        `Cannot define event "${name}": a name is a letter or "_" followed by up to 127 letters, digits, "_", "." or "-"`,
      );
    }
    this.name = name;
    this.description = schemas.description ?? "";
    this.#params = asZod(schemas.params, "params", name);
    this.#result = asZod(schemas.result, "result", name);
  }

  /**
   * Validates params, filling in defaults.
   *
   * @param value The params to check; `undefined` counts as `{}`.
   * @returns The validated params.
   * @throws {EventValidationError} Naming each bad field.
   */
  validateParams(value: unknown): P {
    const parsed = safely(this.#params, value === undefined ? {} : value);
    if (parsed.success) return parsed.data as P;
    throw new EventValidationError(
      `params of event "${this.name}"`,
      fromZodIssues(parsed.error.issues),
    );
  }

  /**
   * Validates one on handler's result; `undefined` counts as `null`.
   *
   * @param value The result to check.
   * @param connector The connector that returned it, named in the error.
   * @returns The validated result.
   * @throws {EventValidationError} Naming each bad field.
   */
  validateResult(value: unknown, connector?: string): R {
    const parsed = safely(this.#result, value === undefined ? null : value);
    if (parsed.success) return parsed.data as R;
    const from = connector === undefined ? "" : ` from connector "${connector}"`;
    throw new EventValidationError(
      `result${from} of event "${this.name}"`,
      fromZodIssues(parsed.error.issues),
    );
  }

  /**
   * The JSON Schema (draft 2020-12) of the params or of one result, as sent on the wire.
   *
   * @param part `"params"` or `"result"`.
   * @returns A JSON Schema document without `$schema`.
   */
  jsonSchema(part: "params" | "result"): Record<string, unknown> {
    const schema = z.toJSONSchema(part === "params" ? this.#params : this.#result, {
      target: "draft-2020-12",
      io: "output",
      unrepresentable: "any",
    }) as Record<string, unknown>;
    delete schema.$schema;
    return schema;
  }
}

/**
 * The events a servo knows, by name. Config validation and {@linkcode parseEventContext} look
 * names up here. The default registry, {@linkcode eventRegistry}, holds {@linkcode servoEvents}
 * and every event made with {@linkcode defineEvent}.
 *
 * @example A registry of one's own
 * ```ts
 * import { EventRegistry, servoEvents } from "@servo/webhooks";
 *
 * const registry = new EventRegistry([servoEvents.measure, servoEvents.adjust]);
 * registry.has("measure"); // true
 * registry.has("describe"); // false
 * ```
 */
export class EventRegistry {
  #events = new Map<string, EventDefinition>();

  /**
   * Creates a registry.
   *
   * @param events The events to start with.
   */
  constructor(events: Iterable<EventDefinition> = []) {
    for (const event of events) this.register(event);
  }

  /**
   * Adds an event.
   *
   * @param event The event to add.
   * @returns This registry.
   * @throws {TypeError} When another event already has that name.
   */
  register(event: EventDefinition): this {
    const existing = this.#events.get(event.name);
    if (existing !== undefined && existing !== event) {
      throw new TypeError(
        `Cannot register event "${event.name}": another event already has that name`,
      );
    }
    this.#events.set(event.name, event);
    return this;
  }

  /**
   * Looks an event up by name.
   *
   * @param name The exact, case-sensitive name.
   * @returns The event, or `undefined`.
   */
  get(name: string): EventDefinition | undefined {
    return this.#events.get(name);
  }

  /**
   * Tells whether an event of that name is registered.
   *
   * @param name The exact, case-sensitive name.
   * @returns Whether it is known.
   */
  has(name: string): boolean {
    return this.#events.has(name);
  }

  /**
   * Lists the registered events, in registration order.
   *
   * @returns The events.
   */
  list(): EventDefinition[] {
    return [...this.#events.values()];
  }

  /**
   * Lists the registered names, in registration order.
   *
   * @returns The names.
   */
  names(): string[] {
    return [...this.#events.keys()];
  }
}

/**
 * The default registry: {@linkcode servoEvents} and every event made with {@linkcode defineEvent}.
 *
 * @example Checking an event name
 * ```ts
 * import { eventRegistry } from "@servo/webhooks";
 *
 * console.log(eventRegistry.has("measure"), eventRegistry.has("mesure")); // true false
 * console.log(eventRegistry.names()); // ["attach", "detach", ..., "promote"]
 * ```
 */
export const eventRegistry: EventRegistry = new EventRegistry();

/**
 * Options of {@linkcode defineEvent}.
 *
 * @example Keeping an event out of the default registry
 * ```ts
 * import * as z from "zod";
 * import { defineEvent, type DefineEventOptions, EventRegistry, eventRegistry } from "@servo/webhooks";
 *
 * const options: DefineEventOptions = { registry: new EventRegistry() };
 * defineEvent("scaled", { params: z.object({ replicas: z.number() }), result: z.null() }, options);
 * console.log(options.registry?.has("scaled"), eventRegistry.has("scaled")); // true false
 * ```
 */
export interface DefineEventOptions {
  /**
   * Where to register the event.
   *
   * @default {eventRegistry}
   */
  registry?: EventRegistry;
}

/**
 * Defines an event with zod schemas for its params and result, and registers it so that
 * webhooks can subscribe to `before:<name>` and `after:<name>`.
 *
 * @example A connector's own event
 * ```ts
 * import * as z from "zod";
 * import { defineEvent, Servo } from "@servo/webhooks";
 *
 * const deployed = defineEvent("deployed", {
 *   params: z.object({ version: z.string() }),
 *   result: z.object({ replicas: z.number().int() }),
 *   description: "A new version was rolled out",
 * });
 *
 * const servo = new Servo();
 * servo.addConnector("k8s").on(deployed, () => ({ replicas: 3 }));
 * const results = await servo.dispatch(deployed, { version: "1.2.0" });
 * console.log(results); // [{ connector: "k8s", value: { replicas: 3 } }]
 * ```
 *
 * @typeParam P What the params schema accepts.
 * @typeParam R What the result schema accepts.
 * @param name The event's name, unique in the registry.
 * @param schemas The params and result schemas, and a description.
 * @param options Where to register it.
 * @returns The event definition.
 * @throws {TypeError} When the name is malformed or already taken.
 */
export function defineEvent<P, R>(
  name: string,
  schemas: EventSchemas<P, R>,
  options: DefineEventOptions = {},
): EventDefinition<P, R> {
  const event = new EventDefinition<P, R>(name, schemas);
  (options.registry ?? eventRegistry).register(event as EventDefinition);
  return event;
}
