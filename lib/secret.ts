// This module is browser compatible.

const MASK = "***";

/**
 * A secret string that does not print itself. `String(secret)`, `JSON.stringify(secret)` and
 * the inspectors of Deno and Node all show `***`; only {@linkcode Secret.prototype.reveal} gives
 * the value.
 *
 * @example Keeping a secret out of logs
 * ```ts
 * import { Secret } from "@servo/webhooks";
 *
 * const secret = new Secret("s3cr3t");
 * console.log(`${secret}`, JSON.stringify({ secret })); // *** {"secret":"***"}
 * secret.reveal(); // "s3cr3t"
 * ```
 */
export class Secret {
  #value: string;

  /**
   * Wraps a secret value.
   *
   * @param value The secret, as text.
   */
  constructor(value: string) {
    this.#value = value;
  }

  /**
   * Returns the secret value. Call it only where the value is used, never to print it.
   *
   * @returns The secret value.
   */
  reveal(): string {
    return this.#value;
  }

  /**
   * Returns `***`.
   *
   * @returns `***`
   */
  toString(): string {
    return MASK;
  }

  /**
   * Returns `***`, so the secret never reaches JSON.
   *
   * @returns `***`
   */
  toJSON(): string {
    return MASK;
  }

  /**
   * Returns `***` for Deno's inspector.
   *
   * @returns `***`
   */
  [Symbol.for("Deno.customInspect")](): string {
    return MASK;
  }

  /**
   * Returns `***` for Node's inspector.
   *
   * @returns `***`
   */
  [Symbol.for("nodejs.util.inspect.custom")](): string {
    return MASK;
  }
}
