// This module is browser compatible.
// What JSON cannot write, made writable, one value at a time.

/**
 * A BigInt as its decimal string, an Error as `{name, message}`, anything else as it is.
 *
 * @param value The value.
 * @returns A value JSON can write (or the value itself).
 */
export function jsonWritable(value: unknown): unknown {
  if (typeof value === "bigint" || value instanceof BigInt) return value.toString();
  if (value instanceof Error) return { name: value.name, message: value.message };
  return value;
}
