// This module is browser compatible.
// HMAC for signing requests, as fast as each runtime allows. WebCrypto is the default, and
// stays so where it is fast (browsers, workerd). In Deno and Node a WebCrypto call costs about
// 35 µs whatever the size, while our JS HMAC (lib/_sha.ts) takes 8 µs (SHA-1) or 11 µs
// (SHA-256) for 2 KB: there, bodies under 6 KiB are signed in JS, larger ones by WebCrypto
// (bench/sign_bench.ts has the figures).

import { jsHmac } from "./_sha.ts";

/** A key that signs, made once. */
export interface HmacKey {
  /** Signs the concatenation of the parts. */
  sign(parts: readonly Uint8Array[]): Promise<Uint8Array>;
}

/** Bodies smaller than this are signed in JS where WebCrypto calls are slow. */
export const JS_HMAC_LIMIT = 6 * 1024;

/** Whether WebCrypto is fast for small inputs here: browsers and workerd. */
function webCryptoIsFast(): boolean {
  const agent = (globalThis as { navigator?: { userAgent?: string } }).navigator?.userAgent ?? "";
  return agent === "Cloudflare-Workers" || agent.startsWith("Mozilla/");
}

const preferJs = !webCryptoIsFast();

function concat(parts: readonly Uint8Array[]): Uint8Array<ArrayBuffer> {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}

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
  const js = use === "webcrypto" ? undefined : jsHmac(hash, keyBytes);
  let web: Promise<CryptoKey> | undefined;
  return {
    async sign(parts) {
      const size = parts.reduce((n, p) => n + p.length, 0);
      if (js !== undefined && (use === "js" || (preferJs && size < JS_HMAC_LIMIT))) {
        return js(parts);
      }
      web ??= crypto.subtle.importKey("raw", keyBytes, { name: "HMAC", hash }, false, ["sign"]);
      return new Uint8Array(await crypto.subtle.sign("HMAC", await web, concat(parts)));
    },
  };
}
