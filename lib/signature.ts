// This module is browser compatible.

import { SERVO_SIGNATURE, toHex } from "./_encoding.ts";

const encoder = new TextEncoder();

/**
 * A secret as text, or as a {@linkcode Secret}-like object that reveals it.
 *
 * @example A string, or a Secret
 * ```ts
 * import { Secret, type SecretLike, sign } from "@servo/webhooks";
 *
 * const secrets: SecretLike[] = ["s3cr3t", new Secret("n3w-s3cr3t")];
 * for (const secret of secrets) console.log(await sign(secret, '{"event":"after:measure"}'));
 * ```
 */
export type SecretLike = string | { reveal(): string };

function secretText(secret: SecretLike): string {
  return typeof secret === "string" ? secret : secret.reveal();
}

/**
 * Imports the HMAC-SHA1 key of a secret (its UTF-8 bytes), for signing and verifying. Import
 * a key once and reuse it: importing is the slow part of signing.
 *
 * @example Signing with a key imported once
 * ```ts
 * import { importSigningKey, sign } from "@servo/webhooks";
 *
 * const key = await importSigningKey("s3cr3t");
 * const signature = await sign(key, '{"event":"after:measure"}');
 * ```
 *
 * @param secret The webhook's secret.
 * @returns A WebCrypto HMAC-SHA1 key.
 */
export function importSigningKey(secret: SecretLike): Promise<CryptoKey> {
  return crypto.subtle.importKey(
    "raw",
    encoder.encode(secretText(secret)),
    { name: "HMAC", hash: "SHA-1" },
    false,
    ["sign", "verify"],
  );
}

function bytesOf(body: string | Uint8Array): Uint8Array<ArrayBuffer> {
  return typeof body === "string" ? encoder.encode(body) : new Uint8Array(body);
}

async function keyOf(secret: SecretLike | CryptoKey): Promise<CryptoKey> {
  return typeof secret === "object" && "algorithm" in secret && "type" in secret
    ? secret as CryptoKey
    : await importSigningKey(secret as SecretLike);
}

/**
 * Computes the `X-Servo-Signature` of a body: the lower-case hex HMAC-SHA1 of its bytes, keyed
 * with the secret's UTF-8 bytes (or a key from {@linkcode importSigningKey}).
 *
 * @example Signing a body
 * ```ts
 * import { sign } from "@servo/webhooks";
 *
 * const signature = await sign("s3cr3t", '{"event":"after:measure"}');
 * console.log(signature.length); // 40
 * ```
 *
 * @param secret The secret, or its imported key.
 * @param body The exact body, as text (encoded as UTF-8) or bytes.
 * @returns 40 lower-case hex digits.
 */
export async function sign(
  secret: SecretLike | CryptoKey,
  body: string | Uint8Array,
): Promise<string> {
  const key = await keyOf(secret);
  return toHex(new Uint8Array(await crypto.subtle.sign("HMAC", key, bytesOf(body))));
}

/**
 * Checks an `X-Servo-Signature` against a body, in constant time (WebCrypto's HMAC verify).
 * A missing or malformed signature is simply not valid.
 *
 * @example Verifying a request in a responder
 * ```ts
 * import { verify } from "@servo/webhooks";
 *
 * async function handle(request: Request): Promise<Response> {
 *   const body = new Uint8Array(await request.arrayBuffer());
 *   const ok = await verify("s3cr3t", body, request.headers.get("x-servo-signature"));
 *   return new Response(null, { status: ok ? 204 : 401 });
 * }
 * ```
 *
 * @param secret The secret, or its imported key.
 * @param body The exact bytes received (or text, encoded as UTF-8).
 * @param signature The header's value.
 * @returns Whether the signature is that of the body.
 */
export async function verify(
  secret: SecretLike | CryptoKey,
  body: string | Uint8Array,
  signature: string | null | undefined,
): Promise<boolean> {
  if (typeof signature !== "string" || !SERVO_SIGNATURE.test(signature)) return false;
  const expected = new Uint8Array(20);
  for (let i = 0; i < 20; i++) expected[i] = parseInt(signature.slice(2 * i, 2 * i + 2), 16);
  return await crypto.subtle.verify("HMAC", await keyOf(secret), expected, bytesOf(body));
}
