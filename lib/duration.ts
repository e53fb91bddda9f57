// This module is browser compatible.

/** Milliseconds per unit of the servo duration format. */
const UNITS: Readonly<Record<string, number>> = {
  ns: 1e-6,
  us: 1e-3,
  "µs": 1e-3, // U+00B5
  "μs": 1e-3, // U+03BC
  ms: 1,
  s: 1_000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
  w: 604_800_000,
  mm: 2_592_000_000, // a month of 30 days
  y: 31_536_000_000, // a year of 365 days
};

const PART = /(\d+(?:\.\d+)?|\.\d+)(ns|us|µs|μs|ms|s|mm|m|h|d|w|y)/y;

/**
 * Parses a servo duration such as `500ms`, `5s`, `3m` or `1h30m` into milliseconds.
 *
 * Units are `ns`, `us` (or `µs`), `ms`, `s`, `m`, `h`, `d`, `w`, `mm` (30 days) and `y`
 * (365 days), lower case, written one after another without spaces. `0` alone is zero.
 * Unlike servox, text between parts and signs are errors, not skipped.
 *
 * @example Parsing durations
 * ```ts
 * import { parseDuration } from "@servo/webhooks";
 *
 * parseDuration("1h30m"); // 5400000
 * parseDuration("250ms"); // 250
 * ```
 *
 * @param text The duration.
 * @returns The duration in milliseconds.
 * @throws {SyntaxError} When the text is not a servo duration.
 */
export function parseDuration(text: string): number {
  if (text === "0") return 0;
  if (text === "") throw new SyntaxError(`Cannot parse duration "": value is empty`);
  if (text.startsWith("-")) {
    throw new SyntaxError(`Cannot parse duration "${text}": durations cannot be negative`);
  }
  let total = 0;
  PART.lastIndex = 0;
  while (PART.lastIndex < text.length) {
    const at = PART.lastIndex;
    const match = PART.exec(text);
    if (match === null) {
      throw new SyntaxError(`Cannot parse duration "${text}": ${problem(text, at)}`);
    }
    total += Number(match[1]) * (UNITS[match[2] as string] as number);
  }
  if (!Number.isFinite(total)) throw new SyntaxError(`Cannot parse duration "${text}": too large`);
  return total;
}

const NUMBER_THEN_REST = /(\d+(?:\.\d+)?|\.\d+)([^\d.]*)/y;

/** Says what is wrong at `at`, where no number-and-unit part matches. */
function problem(text: string, at: number): string {
  NUMBER_THEN_REST.lastIndex = at;
  const part = NUMBER_THEN_REST.exec(text);
  if (part === null) {
    return at === 0
      ? "expected a number and a unit, as 500ms, 5s, 3m or 1h30m"
      : `unexpected "${text.slice(at)}"`;
  }
  return part[2] === ""
    ? `missing unit after "${part[1]}": use ns, us, ms, s, m, h, d, w, mm or y`
    : `unknown unit "${part[2]}": use ns, us, ms, s, m, h, d, w, mm or y`;
}

/** Python's `{:g}`: six significant digits, no trailing zeros. */
function general(value: number): string {
  return String(Number(value.toPrecision(6)));
}

/**
 * Formats milliseconds as a servo duration, the way servox does: below one second as `ms`,
 * `us` and `ns` parts (`1ms500us`), otherwise as `y`, `mm`, `d`, `h` and `m` parts followed by
 * seconds with six significant digits (`1m0.5s`, `3d3m0.5s`). Zero is `0`.
 *
 * @example Formatting durations
 * ```ts
 * import { formatDuration } from "@servo/webhooks";
 *
 * formatDuration(5_400_000); // "1h30m"
 * formatDuration(1.5); // "1ms500us"
 * ```
 *
 * @param ms The duration in milliseconds.
 * @returns The duration in the servo format.
 */
export function formatDuration(ms: number): string {
  const sign = ms < 0 ? "-" : "";
  // Whole nanoseconds, to keep float noise out of the parts.
  let ns = Math.round(Math.abs(ms) * 1e6);
  if (ns === 0) return "0";
  if (ns < 1e9) {
    const parts: string[] = [];
    for (const [unit, size] of [["ms", 1e6], ["us", 1e3], ["ns", 1]] as const) {
      const n = Math.floor(ns / size);
      if (n > 0) parts.push(`${n}${unit}`);
      ns -= n * size;
    }
    return sign + parts.join("");
  }
  // From here on, whole microseconds, as servox's timedelta holds them.
  let us = Math.round(ns / 1e3);
  for (;;) {
    let rest = us;
    let out = "";
    for (const unit of ["y", "mm", "d", "h", "m"] as const) {
      const size = (UNITS[unit] as number) * 1e3;
      const n = Math.floor(rest / size);
      if (n > 0) out += `${n}${unit}`;
      rest -= n * size;
    }
    const seconds = general(rest / 1e6);
    // Six significant digits can round 59.9999995s up to 60: carry it into the minutes.
    if (Number(seconds) >= 60) {
      us += 60e6 - rest;
      continue;
    }
    if (rest > 0) out += `${seconds}s`;
    return sign + out;
  }
}
