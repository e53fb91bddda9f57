// This module is browser compatible.
// The shared pieces of config checks: issues, value descriptions, "did you mean", unknown
// keys, whole numbers and durations. Messages never contain a secret or a header value.

import type { ConfigIssue } from "./errors.ts";
import { formatDuration, parseDuration } from "./duration.ts";
import { Secret } from "./secret.ts";

const MAX_DURATION_MS = 24 * 86_400_000; // timers cannot wait longer

export type Issues = ConfigIssue[];

export function isMapping(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value) &&
    !(value instanceof Secret);
}

export function describe(value: unknown): string {
  if (value === null) return "null";
  if (value === undefined) return "missing";
  if (Array.isArray(value)) return "a list";
  if (typeof value === "object") return "a mapping";
  return typeof value === "undefined"
    ? "missing"
    : `${/^[aeiou]/.test(typeof value) ? "an" : "a"} ${typeof value}`;
}

/** Edit distance, for "did you mean" hints. */
function distance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let previous = row[0] as number;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const current = row[j] as number;
      row[j] = Math.min(
        current + 1,
        (row[j - 1] as number) + 1,
        previous + (a[i - 1] === b[j - 1] ? 0 : 1),
      );
      previous = current;
    }
  }
  return row[b.length] as number;
}

export function suggest(word: string, choices: readonly string[]): string {
  const best = choices
    .map((choice) => ({ choice, d: distance(word.toLowerCase(), choice.toLowerCase()) }))
    .filter(({ d }) => d <= 2)
    .sort((a, b) => a.d - b.d)[0];
  return best === undefined ? "" : `; did you mean "${best.choice}"?`;
}

export function unknownKeys(
  value: Record<string, unknown>,
  known: readonly string[],
  path: string,
  issues: Issues,
): void {
  for (const key of Object.keys(value)) {
    if (!known.includes(key)) {
      issues.push({ path: `${path}.${key}`, message: `unknown key${suggest(key, known)}` });
    }
  }
}

/** A duration given as a servo duration string or a number of seconds, canonically written. */
export function duration(
  value: unknown,
  path: string,
  issues: Issues,
  options: { zero: boolean },
): string | undefined {
  let ms: number;
  if (typeof value === "number") {
    if (!Number.isFinite(value) || value < 0) {
      issues.push({
        path,
        message: value < 0
          ? "must be a duration such as 500ms, 5s or 3m, not negative"
          : Number.isNaN(value)
          ? "must be a duration such as 500ms, 5s or 3m, not NaN"
          : `must be at most ${formatDuration(MAX_DURATION_MS)}`,
      });
      return undefined;
    }
    ms = value * 1000;
  } else if (typeof value === "string") {
    try {
      ms = parseDuration(value);
    } catch (error) {
      const why = (error as Error).message.replace(/^Cannot parse duration "[^"]*": /, "");
      issues.push({ path, message: `invalid duration "${value}": ${why}` });
      return undefined;
    }
  } else {
    issues.push({
      path,
      message: `must be a duration such as 500ms, 5s or 3m, not ${describe(value)}`,
    });
    return undefined;
  }
  // Durations are kept to the nanosecond: anything shorter is zero.
  if (Math.round(ms * 1e6) === 0 && !options.zero) {
    issues.push({ path, message: "must be longer than 0" });
    return undefined;
  }
  if (ms > MAX_DURATION_MS) {
    issues.push({ path, message: `must be at most ${formatDuration(MAX_DURATION_MS)}` });
    return undefined;
  }
  return formatDuration(ms);
}

export function durations<K extends string>(
  value: Record<string, unknown>,
  out: Record<K, string>,
  keys: readonly K[],
  path: string,
  issues: Issues,
  zeroOk: readonly K[],
): void {
  for (const key of keys) {
    if (value[key] === undefined || value[key] === null) continue;
    const text = duration(value[key], `${path}.${key}`, issues, { zero: zeroOk.includes(key) });
    if (text !== undefined) out[key] = text;
  }
}

/** Says so when the duration `high` is shorter than the duration `low`. */
export function orderly<K extends string>(
  out: Record<K, string>,
  low: K,
  high: K,
  path: string,
  issues: Issues,
): void {
  if (parseDuration(out[high]) < parseDuration(out[low])) {
    issues.push({
      path: `${path}.${high}`,
      message: `must not be shorter than ${low} (${out[low]})`,
    });
  }
}

/** A whole number in a range, or undefined (with an issue) when it is not one. */
export function wholeNumber(
  value: unknown,
  path: string,
  issues: Issues,
  range: { min: number; max: number },
): number | undefined {
  if (
    typeof value === "number" && Number.isInteger(value) && value >= range.min && value <= range.max
  ) {
    return value;
  }
  issues.push({ path, message: `must be a whole number from ${range.min} to ${range.max}` });
  return undefined;
}
