// Shared by the config tests: one-field-a-line webhooks, and the ConfigError they throw.

import assert from "node:assert/strict";
import { ConfigError, type ConfigOptions, parseConfig, validateConfig } from "../mod.ts";

/** One webhook: each field on its own line, so field k is at line k + 2, column 5. */
export function hook(...fields: string[]): string {
  return `webhooks:\n  - ${fields.join("\n    ")}`;
}
export const EVENTS = "events: after:measure";
export const URL_ = "url: https://example.com/hook";
export const SECRET = "secret: s3cr3t";
/** A valid webhook (lines 2 to 4) followed by `more` fields from line 5 on. */
export const valid = (...more: string[]) => hook(EVENTS, URL_, SECRET, ...more);

/** `[path, message, line?, column?]` */
export type Expected = [string, string, number?, number?];
export interface Bad {
  what: string;
  input: unknown; // a string is YAML for parseConfig(); anything else goes to validateConfig()
  issues: Expected[];
  options?: ConfigOptions;
}

export const RESERVED = "is set by servo-webhooks and cannot be configured";
export const UNITS = "use ns, us, ms, s, m, h, d, w, mm or y";
export const TRIES = "must be a whole number from 1 to 100";

export function expected(issues: Expected[]) {
  return issues.map(([path, message, line, column]) =>
    line === undefined ? { path, message } : { path, message, line, column }
  );
}

/** Runs the case and returns its ConfigError. */
export function failure(input: unknown, options?: ConfigOptions): ConfigError {
  try {
    if (typeof input === "string") parseConfig(input, options);
    else validateConfig(input, options);
  } catch (error) {
    assert.ok(error instanceof ConfigError, `not a ConfigError: ${error}`);
    return error;
  }
  assert.fail("no ConfigError");
}
