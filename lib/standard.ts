// This module is browser compatible.
// Standard Webhooks signatures (standardwebhooks.com): `webhook-signature: v1,<base64>` where
// the signature is HMAC-SHA256 of "<webhook-id>.<webhook-timestamp>.<body>". A secret that
// starts with `whsec_` is base64 after the prefix; any other secret is its UTF-8 bytes.

import type { SecretLike } from "./signature.ts";

const encoder = new TextEncoder();
const PREFIX = "whsec_";

/**
 * Writes bytes as standard base64, with padding.
 *
 * @param bytes The bytes.
 * @returns The base64 text.
 */
export function toBase64(bytes: Uint8Array): string {
  let binary = "";
  for (let i = 0; i < bytes.length; i += 0x8000) {
    binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  }
  return btoa(binary);
}

/**
 * Reads standard base64 (padding optional).
 *
 * @param text The base64 text.
 * @returns The bytes, or `undefined` when the text is not base64.
 */
export function fromBase64(text: string): Uint8Array<ArrayBuffer> | undefined {
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(text) || text.replace(/=+$/, "").length % 4 === 1) {
    return undefined;
  }
  try {
    const binary = atob(text);
    const bytes = new Uint8Array(binary.length);
    for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
    return bytes;
  } catch {
    return undefined;
  }
}

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
  keys: readonly CryptoKey[],
  id: string,
  timestamp: number,
  body: Uint8Array,
): Promise<string> {
  const content = signedContent(id, timestamp, body);
  const signatures = await Promise.all(
    keys.map(async (key) =>
      `v1,${toBase64(new Uint8Array(await crypto.subtle.sign("HMAC", key, content)))}`
    ),
  );
  return signatures.join(" ");
}
