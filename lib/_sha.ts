// This module is browser compatible.
// SHA-1 and SHA-256 HMACs in plain JS, for small bodies where a WebCrypto call costs more than
// the hashing (lib/hmac.ts). No allocation per block: the message schedule is reused, and each
// key's padded inner and outer states are computed once. Checked against node:crypto for every
// length from 0 to 300 bytes and around each block edge (tests/hmac_test.ts).

/** A hash: its initial state, block compression, and digest size in 32-bit words. */
interface Hash {
  readonly init: Int32Array;
  readonly words: number;
  compress(state: Int32Array, block: Uint8Array, at: number): void;
}

const W1 = new Int32Array(80);
const SHA1: Hash = {
  init: Int32Array.of(0x67452301, 0xefcdab89 | 0, 0x98badcfe | 0, 0x10325476, 0xc3d2e1f0 | 0),
  words: 5,
  compress(s, b, at) {
    const w = W1;
    for (let i = 0; i < 16; i++, at += 4) {
      w[i] = (b[at]! << 24) | (b[at + 1]! << 16) | (b[at + 2]! << 8) | b[at + 3]!;
    }
    for (let i = 16; i < 80; i++) {
      const x = w[i - 3]! ^ w[i - 8]! ^ w[i - 14]! ^ w[i - 16]!;
      w[i] = (x << 1) | (x >>> 31);
    }
    let a = s[0]!, bb = s[1]!, c = s[2]!, d = s[3]!, e = s[4]!;
    for (let i = 0; i < 80; i++) {
      let f: number, k: number;
      if (i < 20) (f = (bb & c) | (~bb & d)), (k = 0x5a827999);
      else if (i < 40) (f = bb ^ c ^ d), (k = 0x6ed9eba1);
      else if (i < 60) (f = (bb & c) | (bb & d) | (c & d)), (k = 0x8f1bbcdc | 0);
      else (f = bb ^ c ^ d), (k = 0xca62c1d6 | 0);
      const t = (((a << 5) | (a >>> 27)) + f + e + k + w[i]!) | 0;
      e = d;
      d = c;
      c = (bb << 30) | (bb >>> 2);
      bb = a;
      a = t;
    }
    s[0] = (s[0]! + a) | 0;
    s[1] = (s[1]! + bb) | 0;
    s[2] = (s[2]! + c) | 0;
    s[3] = (s[3]! + d) | 0;
    s[4] = (s[4]! + e) | 0;
  },
};

const K256 = Int32Array.from([
  0x428a2f98,
  0x71374491,
  0xb5c0fbcf,
  0xe9b5dba5,
  0x3956c25b,
  0x59f111f1,
  0x923f82a4,
  0xab1c5ed5,
  0xd807aa98,
  0x12835b01,
  0x243185be,
  0x550c7dc3,
  0x72be5d74,
  0x80deb1fe,
  0x9bdc06a7,
  0xc19bf174,
  0xe49b69c1,
  0xefbe4786,
  0x0fc19dc6,
  0x240ca1cc,
  0x2de92c6f,
  0x4a7484aa,
  0x5cb0a9dc,
  0x76f988da,
  0x983e5152,
  0xa831c66d,
  0xb00327c8,
  0xbf597fc7,
  0xc6e00bf3,
  0xd5a79147,
  0x06ca6351,
  0x14292967,
  0x27b70a85,
  0x2e1b2138,
  0x4d2c6dfc,
  0x53380d13,
  0x650a7354,
  0x766a0abb,
  0x81c2c92e,
  0x92722c85,
  0xa2bfe8a1,
  0xa81a664b,
  0xc24b8b70,
  0xc76c51a3,
  0xd192e819,
  0xd6990624,
  0xf40e3585,
  0x106aa070,
  0x19a4c116,
  0x1e376c08,
  0x2748774c,
  0x34b0bcb5,
  0x391c0cb3,
  0x4ed8aa4a,
  0x5b9cca4f,
  0x682e6ff3,
  0x748f82ee,
  0x78a5636f,
  0x84c87814,
  0x8cc70208,
  0x90befffa,
  0xa4506ceb,
  0xbef9a3f7,
  0xc67178f2,
]);
const W256 = new Int32Array(64);
const SHA256: Hash = {
  init: Int32Array.from([
    0x6a09e667,
    0xbb67ae85,
    0x3c6ef372,
    0xa54ff53a,
    0x510e527f,
    0x9b05688c,
    0x1f83d9ab,
    0x5be0cd19,
  ]),
  words: 8,
  compress(s, b, at) {
    const w = W256;
    for (let i = 0; i < 16; i++, at += 4) {
      w[i] = (b[at]! << 24) | (b[at + 1]! << 16) | (b[at + 2]! << 8) | b[at + 3]!;
    }
    for (let i = 16; i < 64; i++) {
      const x = w[i - 15]!, y = w[i - 2]!;
      const s0 = ((x >>> 7) | (x << 25)) ^ ((x >>> 18) | (x << 14)) ^ (x >>> 3);
      const s1 = ((y >>> 17) | (y << 15)) ^ ((y >>> 19) | (y << 13)) ^ (y >>> 10);
      w[i] = (w[i - 16]! + s0 + w[i - 7]! + s1) | 0;
    }
    let a = s[0]!, bb = s[1]!, c = s[2]!, d = s[3]!, e = s[4]!, f = s[5]!, g = s[6]!, h = s[7]!;
    for (let i = 0; i < 64; i++) {
      const S1 = ((e >>> 6) | (e << 26)) ^ ((e >>> 11) | (e << 21)) ^ ((e >>> 25) | (e << 7));
      const t1 = (h + S1 + ((e & f) ^ (~e & g)) + K256[i]! + w[i]!) | 0;
      const S0 = ((a >>> 2) | (a << 30)) ^ ((a >>> 13) | (a << 19)) ^ ((a >>> 22) | (a << 10));
      const t2 = (S0 + ((a & bb) ^ (a & c) ^ (bb & c))) | 0;
      h = g;
      g = f;
      f = e;
      e = (d + t1) | 0;
      d = c;
      c = bb;
      bb = a;
      a = (t1 + t2) | 0;
    }
    s[0] = (s[0]! + a) | 0;
    s[1] = (s[1]! + bb) | 0;
    s[2] = (s[2]! + c) | 0;
    s[3] = (s[3]! + d) | 0;
    s[4] = (s[4]! + e) | 0;
    s[5] = (s[5]! + f) | 0;
    s[6] = (s[6]! + g) | 0;
    s[7] = (s[7]! + h) | 0;
  },
};

const BLOCK = new Uint8Array(64); // a partial block, gathered across parts
const STATE = new Int32Array(8);

/**
 * Hashes `parts` (as one message) from `from`, a state that has already taken `before` bytes.
 * Writes the digest into `out`.
 */
function run(
  hash: Hash,
  from: Int32Array,
  before: number,
  parts: readonly Uint8Array[],
  out: Uint8Array,
): void {
  const state = STATE;
  state.set(from);
  let filled = 0;
  let length = before;
  for (const part of parts) {
    let at = 0;
    length += part.length;
    if (filled > 0) {
      const take = Math.min(64 - filled, part.length);
      BLOCK.set(part.subarray(0, take), filled);
      filled += take;
      at = take;
      if (filled < 64) continue;
      hash.compress(state, BLOCK, 0);
      filled = 0;
    }
    for (; at + 64 <= part.length; at += 64) hash.compress(state, part, at);
    if (at < part.length) {
      BLOCK.set(part.subarray(at), 0);
      filled = part.length - at;
    }
  }
  // Padding: 0x80, zeros, and the length in bits as 64-bit big-endian.
  BLOCK[filled++] = 0x80;
  if (filled > 56) {
    BLOCK.fill(0, filled);
    hash.compress(state, BLOCK, 0);
    filled = 0;
  }
  BLOCK.fill(0, filled, 56);
  const bits = length * 8;
  const high = Math.floor(bits / 0x100000000);
  for (let i = 0; i < 4; i++) {
    BLOCK[56 + i] = (high >>> (24 - 8 * i)) & 0xff;
    BLOCK[60 + i] = (bits >>> (24 - 8 * i)) & 0xff;
  }
  hash.compress(state, BLOCK, 0);
  for (let i = 0; i < hash.words; i++) {
    const v = state[i]!;
    out[4 * i] = v >>> 24;
    out[4 * i + 1] = (v >>> 16) & 0xff;
    out[4 * i + 2] = (v >>> 8) & 0xff;
    out[4 * i + 3] = v & 0xff;
  }
}

/**
 * Makes an HMAC function for a key: it signs the concatenation of the parts it is given.
 *
 * @param name `SHA-1` or `SHA-256`.
 * @param key The key bytes.
 * @returns The signing function.
 */
export function jsHmac(
  name: "SHA-1" | "SHA-256",
  key: Uint8Array,
): (parts: readonly Uint8Array[]) => Uint8Array {
  const hash = name === "SHA-1" ? SHA1 : SHA256;
  const size = hash.words * 4;
  let k = key;
  if (k.length > 64) {
    const digest = new Uint8Array(size);
    run(hash, hash.init, 0, [k], digest);
    k = digest;
  }
  const pad = new Uint8Array(64);
  const inner = Int32Array.from(hash.init);
  const outer = Int32Array.from(hash.init);
  for (let i = 0; i < 64; i++) pad[i] = (k[i] ?? 0) ^ 0x36;
  hash.compress(inner, pad, 0);
  for (let i = 0; i < 64; i++) pad[i] = (k[i] ?? 0) ^ 0x5c;
  hash.compress(outer, pad, 0);
  return (parts) => {
    const digest = new Uint8Array(size);
    run(hash, inner, 64, parts, digest);
    run(hash, outer, 64, [digest], digest);
    return digest;
  };
}
