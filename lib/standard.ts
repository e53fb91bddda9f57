// This module is browser compatible.
// Standard Webhooks signatures (standardwebhooks.com): `webhook-signature: v1,<base64>` where
// the signature is HMAC-SHA256 of "<webhook-id>.<webhook-timestamp>.<body>". A secret that
// starts with `whsec_` is base64 after the prefix; any other secret is its UTF-8 bytes.

import { fromBase64, toBase64 } from "./_encoding.ts";
import type { HmacKey } from "./hmac.ts";
import type { SecretLike } from "./signature.ts";

const encoder = new TextEncoder();
const PREFIX = "whsec_";

/**
 * The key bytes of a secret under the Standard Webhooks rule.
 *
 * @param secret The secret.
 * @returns Its key bytes, or `undefined` for a `whsec_` secret that is not base64.
 */
export function standardKeyBytes(secret: SecretLike): Uint8Array<ArrayBuffer> | undefined {
  const text = typeof secret === "string" ? secret : secret.reveal();
  if (!text.startsWith(PREFIX)) return encoder.encode(text);
  const bytes = fromBase64(text.slice(PREFIX.length));
  return bytes === undefined || bytes.length === 0 ? undefined : bytes;
}

/**
 * Imports a secret's HMAC-SHA256 key under the Standard Webhooks rule.
 *
 * @param secret The secret.
 * @returns The key.
 * @throws {TypeError} For a `whsec_` secret that is not base64.
 */
export function importStandardKey(secret: SecretLike): Promise<CryptoKey> {
  const bytes = standardKeyBytes(secret);
  if (bytes === undefined) {
    return Promise.reject(new TypeError("Cannot use the secret: after whsec_ it must be base64"));
  }
  return crypto.subtle.importKey("raw", bytes, { name: "HMAC", hash: "SHA-256" }, false, [
    "sign",
    "verify",
  ]);
}

/**
 * The bytes a Standard Webhooks signature covers: `<id>.<timestamp>.<body>`.
 *
 * @param id The `webhook-id`.
 * @param timestamp The `webhook-timestamp`, in Unix seconds.
 * @param body The exact body.
 * @returns The signed content.
 */
export function signedContent(
  id: string,
  timestamp: number | string,
  body: Uint8Array,
): Uint8Array<ArrayBuffer> {
  const head = encoder.encode(`${id}.${timestamp}.`);
  const out = new Uint8Array(head.length + body.length);
  out.set(head);
  out.set(body, head.length);
  return out;
}

/**
 * Signs for the `webhook-signature` header: one `v1,<base64>` per key, space-separated.
 *
 * @param keys The HMAC-SHA256 keys, one per secret.
 * @param id The `webhook-id`.
 * @param timestamp The `webhook-timestamp`, in Unix seconds.
 * @param body The exact body.
 * @returns The header's value.
 */
export async function signStandard(
  keys: readonly HmacKey[],
  id: string,
  timestamp: number,
  body: Uint8Array,
): Promise<string> {
  const parts = [encoder.encode(`${id}.${timestamp}.`), body];
  let out = "";
  for (const key of keys) out += `${out === "" ? "" : " "}v1,${toBase64(await key.sign(parts))}`;
  return out;
}
