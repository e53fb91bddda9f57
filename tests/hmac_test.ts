// The HMACs that sign requests (lib/hmac.ts, lib/_sha.ts) against node:crypto: every message
// length across the block edges, keys shorter and longer than a block, messages in parts, and
// the JS and WebCrypto paths alike.

import assert from "node:assert/strict";
import { createHmac } from "node:crypto";
import { hmacKey } from "../lib/hmac.ts";
import { jsHmac } from "../lib/_sha.ts";

const HASHES = [["SHA-1", "sha1"], ["SHA-256", "sha256"]] as const;
const hex = (bytes: Uint8Array) =>
  Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
const bytes = (length: number, seed: number) =>
  new Uint8Array(length).map((_, i) => (i * 31 + seed) % 256);

Deno.test("jsHmac() equals node:crypto for every length to 300 bytes, keys of 0 to 130 bytes", () => {
  for (const [name, node] of HASHES) {
    for (const keyLength of [0, 1, 20, 32, 63, 64, 65, 130]) {
      const key = bytes(keyLength, keyLength);
      const sign = jsHmac(name, key);
      for (let length = 0; length <= 300; length++) {
        const data = bytes(length, 7);
        const expected = createHmac(node, key).update(data).digest("hex");
        assert.equal(hex(sign([data])), expected, `${name}, key ${keyLength}, ${length} bytes`);
        // The same message in three parts, cut anywhere.
        const a = Math.floor(length / 3);
        const b = Math.floor((2 * length) / 3) + 1;
        const parts = [data.subarray(0, a), data.subarray(a, b), data.subarray(b)];
        assert.equal(
          hex(sign(parts)),
          expected,
          `${name}, key ${keyLength}, ${length} bytes in parts`,
        );
      }
    }
  }
});

Deno.test("jsHmac() equals node:crypto for large messages", () => {
  for (const [name, node] of HASHES) {
    const key = bytes(25, 1);
    for (const length of [4095, 4096, 65_536, 1_000_003]) {
      const data = bytes(length, 3);
      assert.equal(
        hex(jsHmac(name, key)([data])),
        createHmac(node, key).update(data).digest("hex"),
      );
    }
  }
});

Deno.test("hmacKey() signs alike in JS and in WebCrypto, on both sides of the 6 KiB limit", async () => {
  const key = new TextEncoder().encode("a key");
  for (const size of [0, 1, 63, 64, 65, 2048, 6 * 1024 - 1, 6 * 1024, 70_000]) {
    const data = bytes(size, 5);
    for (const [name, node] of HASHES) {
      const expected = createHmac(node, key).update(data).digest("hex");
      for (const use of ["js", "webcrypto", "auto"] as const) {
        const head = data.subarray(0, size >> 1);
        const tail = data.subarray(size >> 1);
        assert.equal(
          hex(await hmacKey(name, key, use).sign([head, tail])),
          expected,
          `${name} ${use} ${size}`,
        );
      }
    }
  }
});
