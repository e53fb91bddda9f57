// What every CLI command gets: its arguments, flags, and how to load the config file.

import { eventRegistry, parseConfig, parseEventContext, type WebhooksConfig } from "../mod.ts";
import { UsageError } from "./output.ts";

/** Parsed flags of a command line. */
export type Flags = Record<string, string | boolean | undefined>;

/** A command's view of the command line. */
export interface Context {
  /** The command's own arguments, after its name. */
  args: string[];
  /** The flags given. */
  flags: Flags;
  /** Whether to print JSON. */
  json: boolean;
  /** Whether stdout is coloured. */
  color: boolean;
}

/** The config file chosen: --config-file, $SERVO_CONFIG_FILE, or servo.yaml. */
export function configPath(flags: Flags): string {
  const given = flags["config-file"];
  if (typeof given === "string") return given;
  return Deno.env.get("SERVO_CONFIG_FILE") || "servo.yaml";
}

/** Reads the config file's text, or fails with a usage error naming it. */
export async function readConfigText(path: string): Promise<string> {
  try {
    return await Deno.readTextFile(path);
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) {
      throw new UsageError(
        `Config file '${path}' does not exist: create one with 'generate --output ${path}', or choose one with --config-file`,
        false,
      );
    }
    throw new UsageError(`Cannot read config file '${path}': ${(error as Error).message}`, false);
  }
}

/** Loads and validates the config file; `${NAME}` values are read from the environment. */
export async function loadConfig(path: string): Promise<WebhooksConfig> {
  return parseConfig(await readConfigText(path), { env: (name) => Deno.env.get(name) });
}

/** A secret from --secret or $SERVO_WEBHOOK_SECRET. */
export function secretFlag(flags: Flags): string | undefined {
  const given = flags.secret;
  if (typeof given === "string" && given !== "") return given;
  return Deno.env.get("SERVO_WEBHOOK_SECRET") || undefined;
}

/** Reads a whole-number flag, or fails naming it. */
export function intFlag(flags: Flags, name: string, min: number, max: number): number | undefined {
  const value = flags[name];
  if (value === undefined) return undefined;
  const n = Number(value);
  if (typeof value !== "string" || !/^\d+$/.test(value) || n < min || n > max) {
    throw new UsageError(`--${name} must be a whole number from ${min} to ${max}`);
  }
  return n;
}

/** Checks that `event` is `before:<event>` or `after:<event>` of a known event. */
export function webhookEvent(event: string): string {
  const context = parseEventContext(event);
  if (context !== undefined && context.preposition !== "on") return event;
  const valid = eventRegistry.names().flatMap((n) => [`before:${n}`, `after:${n}`]);
  throw new UsageError(
    context === undefined
      ? `unknown event '${event}': use one of ${valid.join(", ")}`
      : `'${event}' is an on event, which webhooks cannot use: write before:${context.event} or after:${context.event}`,
    false,
  );
}
