// This module is browser compatible.

import { type EventRegistry, eventRegistry } from "./event.ts";

/**
 * When a handler or webhook runs relative to the event: `before`, `on` or `after`.
 *
 * @example The preposition of a subscription
 * ```ts
 * import { parseEventContext, type Preposition } from "@servo/webhooks";
 *
 * const preposition: Preposition | undefined = parseEventContext("before:adjust")?.preposition;
 * console.log(preposition); // "before"
 * ```
 */
export type Preposition = "before" | "on" | "after";

/**
 * An event together with a preposition, such as `before:measure`. Its string form is the bare
 * name for `on` (`measure`) and `<preposition>:<name>` otherwise.
 *
 * @example Splitting a subscription
 * ```ts
 * import { type EventContext, parseEventContext } from "@servo/webhooks";
 *
 * const context: EventContext | undefined = parseEventContext("after:measure");
 * console.log(context?.preposition, context?.event, `${context}`); // after measure after:measure
 * ```
 */
export interface EventContext {
  /** `before`, `on` or `after`. */
  readonly preposition: Preposition;
  /** The event's name, such as `measure`. */
  readonly event: string;
  /**
   * The canonical text: `measure` for on, `before:measure` otherwise.
   *
   * @returns The canonical text.
   */
  toString(): string;
}

const PREPOSITIONS: ReadonlySet<string> = new Set(["before", "on", "after"]);

function context(preposition: Preposition, event: string): EventContext {
  const text = preposition === "on" ? event : `${preposition}:${event}`;
  return Object.freeze({ preposition, event, toString: () => text });
}

/**
 * Parses `before:measure`, `on:measure`, `measure` or `after:measure`, the grammar of servox's
 * `EventContext.from_str`. It never throws: anything else gives `undefined`.
 *
 * The whole text may be a registered event name (then the preposition is `on`); otherwise it
 * is split at the first `:`, the prefix must be exactly `before`, `on` or `after` (lower case),
 * and the rest a registered event name (exact, case-sensitive, no trimming).
 *
 * @example Parsing event contexts
 * ```ts
 * import { parseEventContext } from "@servo/webhooks";
 *
 * String(parseEventContext("after:measure")); // "after:measure"
 * String(parseEventContext("on:measure")); // "measure"
 * parseEventContext("BEFORE:adjust"); // undefined
 * ```
 *
 * @param text The text to parse.
 * @param registry The events that exist.
 * @returns The event context, or `undefined`.
 */
export function parseEventContext(
  text: string,
  registry: EventRegistry = eventRegistry,
): EventContext | undefined {
  if (typeof text !== "string") return undefined;
  if (registry.has(text)) return context("on", text);
  const colon = text.indexOf(":");
  if (colon < 0) return undefined;
  const prefix = text.slice(0, colon);
  const name = text.slice(colon + 1);
  if (!PREPOSITIONS.has(prefix) || !registry.has(name)) return undefined;
  return context(prefix as Preposition, name);
}
