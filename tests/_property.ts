// Shared by the property-based tests: fixed seeds, odd values, and the ConfigError check.

import assert from "node:assert/strict";
import fc from "fast-check";
import { ConfigError } from "../mod.ts";

export const run = (numRuns: number) => ({ seed: 42, numRuns });
/** Asserts a property of one arbitrary, with a fixed seed. */
export const check = <T>(arb: fc.Arbitrary<T>, numRuns: number, predicate: (value: T) => void) =>
  fc.assert(fc.property(arb, predicate), run(numRuns));

/** Runs fn: its result, or undefined when it threw a ConfigError with issues. */
export function onlyConfigError<T>(fn: () => T): T | undefined {
  try {
    return fn();
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    assert.ok(error.issues.length > 0 && error.issues.every((i) => i.message !== ""), `${error}`);
    return undefined;
  }
}

/** Anything, odd objects included. */
const FLAGS = "BigInt BoxedValues Date Map Set NullPrototype ObjectString SparseArray TypedArray";
export const anything = fc.anything({
  maxDepth: 3,
  stringUnit: "binary",
  ...Object.fromEntries(FLAGS.split(" ").map((flag) => [`with${flag}`, true])),
});

/** Duration texts, good and bad. */
export const durationText = fc.oneof(
  fc.string({ maxLength: 12 }),
  fc.stringMatching(/^(\d{1,4}(\.\d{1,3})?(ns|us|µs|μs|ms|s|mm|m|h|d|w|y|x)?){1,3}$/),
  fc.constantFrom("0", "", "-1s", "1m 30s", "24d", "25d", "0.0000000001s", ".5s", "1.s", "1e3s"),
);
