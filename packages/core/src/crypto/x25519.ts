// X25519 (RFC 7748 §5) for engines whose WebCrypto lacks it; loaded on demand by web.ts
// through noble/curve25519.ts. @noble/ed25519 has no X25519 and @noble/curves' costs about
// 10 kB gzip in a browser bundle; the ladder is twenty lines of BigInt, checked against
// RFC 7748's and Wycheproof's vectors (test/unit/crypto, test/vectors, with native25519:
// false). Like @noble's BigInt code it cannot promise constant time: JavaScript engines give
// no such guarantee for BigInt arithmetic. Browsers with WebCrypto X25519 never run it.

const P = (1n << 255n) - 19n;
const A24 = 121665n;
const mod = (x: bigint) => ((x % P) + P) % P;

function modPow(b: bigint, e: bigint): bigint {
  let r = 1n;
  for (b = mod(b); e > 0n; e >>= 1n, b = (b * b) % P) if (e & 1n) r = (r * b) % P;
  return r;
}

/** Little-endian bytes to a number. */
const fromLE = (b: Uint8Array): bigint => b.reduceRight((acc, x) => (acc << 8n) | BigInt(x), 0n);

function toLE(n: bigint): Uint8Array {
  const out = new Uint8Array(32);
  for (let i = 0; i < 32; i++, n >>= 8n) out[i] = Number(n & 0xffn);
  return out;
}

function check(b: Uint8Array, what: string) {
  if (!(b instanceof Uint8Array) || b.length !== 32) throw new Error(`X25519 ${what} must be 32 bytes`);
}

/** X25519(k, u): the scalar clamped and the u-coordinate's top bit masked (RFC 7748 §5). */
function scalarMult(k: Uint8Array, u: Uint8Array): Uint8Array {
  check(k, 'scalar');
  check(u, 'u-coordinate');
  const kc = Uint8Array.from(k);
  kc[0] &= 248;
  kc[31] &= 127;
  kc[31] |= 64;
  const uc = Uint8Array.from(u);
  uc[31] &= 127;
  const scalar = fromLE(kc);
  const x1 = mod(fromLE(uc));
  let [x2, z2, x3, z3] = [1n, 0n, x1, 1n];
  let swap = 0n;
  for (let t = 254n; t >= 0n; t--) {
    const kt = (scalar >> t) & 1n;
    if (swap ^ kt) [x2, x3, z2, z3] = [x3, x2, z3, z2];
    swap = kt;
    const a = x2 + z2;
    const aa = (a * a) % P;
    const b = x2 - z2;
    const bb = (b * b) % P;
    const e = aa - bb;
    const c = x3 + z3;
    const d = x3 - z3;
    const da = (d * a) % P;
    const cb = (c * b) % P;
    x3 = mod((da + cb) ** 2n);
    z3 = mod(x1 * mod((da - cb) ** 2n));
    x2 = mod(aa * bb);
    z2 = mod(e * (aa + A24 * e));
  }
  if (swap) [x2, z2] = [x3, z3];
  return toLE(mod(x2 * modPow(z2, P - 2n)));
}

export const x25519 = {
  getPublicKey: (secret: Uint8Array): Uint8Array => scalarMult(secret, toLE(9n)),
  /** The shared secret, all-zero for a low-order point (the caller refuses it). */
  getSharedSecret: (secret: Uint8Array, publicKey: Uint8Array): Uint8Array => scalarMult(secret, publicKey),
};
