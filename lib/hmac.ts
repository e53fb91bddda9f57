// This module is browser compatible.
// HMAC for signing requests, as fast as each runtime allows. WebCrypto is the default, and
// stays so where it is fast (browsers, workerd). In Deno and Node a WebCrypto call costs about
// 35 µs whatever the size, while a pure-JS HMAC (@noble/hashes, audited) takes 10 µs (SHA-1)
// or 14 µs (SHA-256) for 2 KB: there, bodies under 6 KiB are signed in JS, larger ones by
// WebCrypto (bench/sign_bench.ts has the figures).

import { hmac } from "@noble/hashes/hmac.js";
import { sha1 } from "@noble/hashes/legacy.js";
import { sha256 } from "@noble/hashes/sha2.js";

/** A key that signs, imported once. */
export interface HmacKey {
  /** Signs the bytes. */
  sign(data: Uint8Array): Promise<Uint8Array>;
}

/** Bodies smaller than this are signed in JS where WebCrypto calls are slow. */
export const JS_HMAC_LIMIT = 6 * 1024;

/** Whether WebCrypto is fast for small inputs here: browsers and workerd. */
function webCryptoIsFast(): boolean {
  const agent = (globalThis as { navigator?: { userAgent?: string } }).navigator?.userAgent ?? "";
  return agent === "Cloudflare-Workers" || agent.startsWith("Mozilla/");
}

const preferJs = !webCryptoIsFast();

/**
 * Makes an HMAC key from raw key bytes.
 *
 * @param hash `SHA-1` or `SHA-256`.
 * @param keyBytes The key.
 * @param use `auto` (by runtime and size), or always `js` or `webcrypto` (for tests).
 * @returns The key.
 */
export function hmacKey(
  hash: "SHA-1" | "SHA-256",
  keyBytes: Uint8Array<ArrayBuffer>,
  use: "auto" | "js" | "webcrypto" = "auto",
): HmacKey {
  const js = hmac.create(hash === "SHA-1" ? sha1 : sha256, keyBytes);
  let web: Promise<CryptoKey> | undefined;
  return {
    async sign(data) {
      const inJs = use === "js" || (use === "auto" && preferJs && data.length < JS_HMAC_LIMIT);
      if (inJs) return js.clone().update(data).digest();
      web ??= crypto.subtle.importKey("raw", keyBytes, { name: "HMAC", hash }, false, ["sign"]);
      return new Uint8Array(
        await crypto.subtle.sign("HMAC", await web, data as Uint8Array<ArrayBuffer>),
      );
    },
  };
}
