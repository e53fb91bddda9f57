// This module is browser compatible.

import { type EventRegistry, eventRegistry } from "./event.ts";
import { parseEventContext } from "./event_context.ts";
import { CONTENT_TYPE } from "./request.ts";
import "./servo_events.ts"; // fills the default registry

/**
 * A JSON Schema document.
 *
 * @example The schema of before:adjust requests
 * ```ts
 * import { type JsonSchema, requestSchema } from "@servo/webhooks";
 *
 * const schema: JsonSchema = requestSchema("before:adjust");
 * console.log(schema.required); // ["event", "created_at", "params"]
 * ```
 */
export type JsonSchema = Record<string, unknown>;

/**
 * The JSON Schema (draft 2020-12) of a webhook request body, such as that of `after:measure`,
 * made from the same zod schemas that validate the event's params and results.
 *
 * @example The schema of after:measure requests
 * ```ts
 * import { requestSchema } from "@servo/webhooks";
 *
 * const schema = requestSchema("after:measure");
 * console.log(Object.keys(schema.properties as object)); // ["event", "created_at", "params", "results"]
 * ```
 *
 * @param event `before:<event>` or `after:<event>`.
 * @param registry The events that exist.
 * @returns The schema.
 * @throws {TypeError} When the event is unknown or not a before or after event.
 */
export function requestSchema(event: string, registry: EventRegistry = eventRegistry): JsonSchema {
  const context = parseEventContext(event, registry);
  const definition = context && registry.get(context.event);
  if (context === undefined || definition === undefined || context.preposition === "on") {
    throw new TypeError(
      `Cannot make the schema of "${event}": expected before:<event> or after:<event>, with an event among ${
        registry.names().join(", ")
      }`,
    );
  }
  const properties: JsonSchema = {
    event: { const: event },
    created_at: { type: "string", format: "date-time" },
    params: definition.jsonSchema("params"),
  };
  const required = ["event", "created_at", "params"];
  if (context.preposition === "after") {
    properties.results = {
      type: "array",
      items: {
        type: "object",
        properties: { connector: { type: "string" }, value: definition.jsonSchema("result") },
        required: ["connector", "value"],
        additionalProperties: false,
      },
    };
    required.push("results");
  }
  return {
    $schema: "https://json-schema.org/draft/2020-12/schema",
    title: `${event} webhook request`,
    description:
      `The body of ${
        /^after/.test(event) ? "an" : "a"
      } ${event} webhook request (Content-Type: ${CONTENT_TYPE})` +
      (definition.description === "" ? "" : `. ${definition.name}: ${definition.description}`),
    type: "object",
    properties,
    required,
    additionalProperties: false,
  };
}
