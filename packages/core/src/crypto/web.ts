// Browser backend (the package's `browser` condition): WebCrypto for everything it has;
// @noble, loaded on demand, only where it has nothing: XChaCha20-Poly1305, secp256k1, AES-192
// key wrap (Chromium refuses 192-bit AES keys), and X25519/Ed25519 on engines without them.
// Mirrors node.ts: the same inputs give the same outputs and the same error codes (and
// UNSUPPORTED for an unknown curve, where node.ts fails with a TypeError). No Node built-in.
import { DIDCommError, ErrorCodes } from '../errors.js';
import { checkContentSizes } from './content.js';
import { decode as b64uDecode } from '../util/base64url.js';
import { concat, constantTimeEqual } from '../util/bytes.js';
import { CURVE_INFO, type ContentEncAlg, type CryptoBackend, type Curve, type PrivateKey, type PublicKey } from './types.js';

type Bytes = Uint8Array<ArrayBuffer>;
// WebCrypto's typings want ArrayBuffer-backed views; ours never sit on a SharedArrayBuffer.
const bs = (u: Uint8Array): Bytes => u as Bytes;
const subtle = (): SubtleCrypto => globalThis.crypto.subtle;

// @noble is loaded on first use: a code-splitting bundler then keeps it out of a page's first
// load (secp256k1 keys, XC20P, A192KW and engines without X25519/Ed25519 are the rarer cases).
function lazy<T>(load: () => Promise<T>): () => Promise<T> {
  let p: Promise<T> | undefined;
  return () => (p ??= load());
}
const k1 = /* @__PURE__ */ lazy(() => import('./noble/secp256k1.js'));
const curve25519 = /* @__PURE__ */ lazy(() => import('./noble/curve25519.js'));
const xchacha = /* @__PURE__ */ lazy(() => import('./noble/xchacha.js').then((m) => m.xchacha20poly1305));
const aeskw = /* @__PURE__ */ lazy(() => import('./noble/aeskw.js').then((m) => m.aeskw));

const invalidKey = (msg: string, cause?: unknown) => new DIDCommError(ErrorCodes.INVALID_KEY, msg, cause === undefined ? undefined : { cause });
const failed = (cause?: unknown) => new DIDCommError(ErrorCodes.DECRYPTION_FAILED, 'decryption failed', cause === undefined ? undefined : { cause });
const unsupported = (msg: string) => new DIDCommError(ErrorCodes.UNSUPPORTED, msg);

function info(curve: Curve) {
  const i = Object.prototype.hasOwnProperty.call(CURVE_INFO, curve) ? CURVE_INFO[curve] : undefined;
  if (!i) throw unsupported(`curve ${String(curve)} is not supported`);
  return i;
}

const hex = (h: string): Bytes => Uint8Array.from(h.match(/../g)!, (x) => parseInt(x, 16));

// The NIST curves WebCrypto names, with the hash its ECDSA uses per curve (RFC 7518 §3.4),
// the curve OID for PKCS#8 and the group order (to refuse scalars outside [1, n-1] the same
// way on every engine).
const NIST: Partial<Record<Curve, { hash: string; oid: string; n: bigint }>> = {
  'P-256': { hash: 'SHA-256', oid: '06082a8648ce3d030107', n: 0xffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551n },
  'P-384': { hash: 'SHA-384', oid: '06052b81040022', n: 0xffffffffffffffffffffffffffffffffffffffffffffffffc7634d81f4372ddf581a0db248b0a77aecec196accc52973n },
  'P-521': {
    hash: 'SHA-512',
    oid: '06052b81040023',
    n: 0x01fffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffa51868783bf2f966b7fcc0148f709a5d03bb5c9b8899c47aebb6fb71e91386409n,
  },
};
// RFC 8410 PKCS#8 prefixes for 32-byte OKP scalars.
const OKP_PKCS8_PREFIX = { X25519: '302e020100300506032b656e04220420', Ed25519: '302e020100300506032b657004220420' };

/** DER TLV with short or long length (the PKCS#8 we build stays under 256 bytes). */
function der(tag: number, ...parts: Uint8Array[]): Bytes {
  const body = concat(...parts);
  const len = body.length < 128 ? Uint8Array.of(body.length) : Uint8Array.of(0x81, body.length);
  return bs(concat(Uint8Array.of(tag), len, body));
}

/** PKCS#8 of an EC scalar without the optional public key; WebCrypto computes it. */
const ecPkcs8 = (curve: Curve, d: Uint8Array): Bytes =>
  der(0x30, hex('020100'), der(0x30, hex('06072a8648ce3d0201'), hex(NIST[curve]!.oid)), der(0x04, der(0x30, hex('020101'), der(0x04, d))));

/** CryptoKeys made for a key object, cached on its `handle` (one per use: a P-256 key may both agree and sign). */
class WebKeys {
  agree?: CryptoKey;
  sign?: CryptoKey;
  /** The scalar of an ephemeral key the noble code paths use (it has no `d`). */
  secret?: Uint8Array;
}
function keysOf(key: PublicKey | PrivateKey): WebKeys {
  if (key.handle instanceof WebKeys) return key.handle;
  const k = new WebKeys();
  key.handle = k;
  return k;
}

type Use = 'agree' | 'sign';
function algorithm(curve: Curve, use: Use): AlgorithmIdentifier | EcKeyImportParams {
  if (curve === 'X25519' || curve === 'Ed25519') return { name: curve };
  return { name: use === 'agree' ? 'ECDH' : 'ECDSA', namedCurve: curve };
}
function usages(use: Use, priv: boolean): KeyUsage[] {
  if (!priv) return use === 'sign' ? ['verify'] : [];
  return use === 'sign' ? ['sign'] : ['deriveBits'];
}

async function publicCryptoKey(key: PublicKey, use: Use): Promise<CryptoKey> {
  const cache = keysOf(key);
  return (cache[use] ??= await subtle().importKey('raw', bs(key.raw), algorithm(key.curve, use), true, usages(use, false)));
}

async function privateCryptoKey(key: PrivateKey, use: Use): Promise<CryptoKey> {
  const cache = keysOf(key);
  if (cache[use]) return cache[use];
  if (!key.d) throw invalidKey('private key has neither scalar nor handle');
  const pkcs8 = key.curve === 'X25519' || key.curve === 'Ed25519' ? bs(concat(hex(OKP_PKCS8_PREFIX[key.curve]), key.d)) : ecPkcs8(key.curve, key.d);
  return (cache[use] = await subtle().importKey('pkcs8', pkcs8, algorithm(key.curve, use), false, usages(use, true)));
}

function secretOf(key: PrivateKey): Uint8Array {
  const s = key.d ?? (key.handle instanceof WebKeys ? key.handle.secret : undefined);
  if (!s) throw invalidKey('private key has neither scalar nor handle');
  return s;
}

function expectLength(curve: Curve, raw: Uint8Array) {
  const { kty, size } = info(curve);
  const ok = kty === 'OKP' ? raw.length === size : raw.length === 1 + 2 * size && raw[0] === 4;
  if (!ok) throw invalidKey(`wrong ${curve} public key length or encoding`);
}

function isAllZero(b: Uint8Array): boolean {
  let acc = 0;
  for (let i = 0; i < b.length; i++) acc |= b[i];
  return acc === 0;
}

const toBigInt = (b: Uint8Array): bigint => (b.length ? BigInt('0x' + Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('')) : 0n);

/** Left-pads a JWK coordinate to the curve size (producers must, RFC 7518 §6.2.1.2; be lenient). */
function fixed(b64: string | undefined, size: number): Uint8Array {
  const b = b64uDecode(b64 ?? '', 'JWK member');
  if (b.length >= size) return b.subarray(b.length - size);
  const out = new Uint8Array(size);
  out.set(b, size - b.length);
  return out;
}

const BASE_POINT_X25519 = (() => {
  const u = new Uint8Array(32);
  u[0] = 9;
  return u;
})();
// RFC 8032 §7.1 TEST 1 public key: a known-good Ed25519 key to probe support with.
const PROBE_ED25519 = 'd75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a';

export interface WebBackendOptions {
  /**
   * Use WebCrypto's X25519/Ed25519 when the engine has them (default: detect). `false`
   * forces the @noble code paths (tests use it to cover engines without them).
   */
  native25519?: boolean;
}

/** A WebCrypto backend; `backend` below is the default one. */
export function createWebBackend(options: WebBackendOptions = {}): CryptoBackend {
  // Feature detection, done once on first use (never at import time).
  const probes: Partial<Record<'X25519' | 'Ed25519', Promise<boolean>>> = {};
  const native = (curve: 'X25519' | 'Ed25519'): Promise<boolean> => {
    if (options.native25519 === false) return Promise.resolve(false);
    return (probes[curve] ??= subtle()
      .importKey('raw', curve === 'X25519' ? bs(BASE_POINT_X25519) : hex(PROBE_ED25519), { name: curve }, true, curve === 'X25519' ? [] : ['verify'])
      .then(
        () => true,
        () => false,
      ));
  };
  const isOkp = (c: Curve): c is 'X25519' | 'Ed25519' => c === 'X25519' || c === 'Ed25519';
  /** True when this curve's operations go through @noble rather than WebCrypto. */
  const viaNoble = async (c: Curve) => c === 'secp256k1' || (isOkp(c) && !(await native(c)));

  let basePoint: Promise<CryptoKey> | undefined;

  /** The public key of a scalar, through the engine that will use it. */
  async function publicFromScalar(curve: Curve, d: Uint8Array, noble: boolean): Promise<Uint8Array> {
    if (curve === 'secp256k1') return (await k1()).getPublicKey(d, false);
    if (curve === 'X25519') {
      if (noble) return (await curve25519()).x25519.getPublicKey(d);
      // X25519(d, 9) is the public key: no export of the private key needed.
      basePoint ??= subtle().importKey('raw', bs(BASE_POINT_X25519), { name: 'X25519' }, true, []);
      const priv = await subtle().importKey('pkcs8', bs(concat(hex(OKP_PKCS8_PREFIX.X25519), d)), { name: 'X25519' }, false, ['deriveBits']);
      return new Uint8Array(await subtle().deriveBits({ name: 'X25519', public: await basePoint } as EcdhKeyDeriveParams, priv, 256));
    }
    if (curve === 'Ed25519') {
      if (noble) return (await curve25519()).getPublicKeyAsync(d);
      const priv = await subtle().importKey('pkcs8', bs(concat(hex(OKP_PKCS8_PREFIX.Ed25519), d)), { name: 'Ed25519' }, true, ['sign']);
      const jwk = await subtle().exportKey('jwk', priv);
      return fixed(jwk.x, 32);
    }
    const size = CURVE_INFO[curve].size;
    const scalar = toBigInt(d);
    if (scalar === 0n || scalar >= NIST[curve]!.n) throw new Error('scalar out of range');
    const priv = await subtle().importKey('pkcs8', ecPkcs8(curve, d), algorithm(curve, 'agree'), true, ['deriveBits']);
    const jwk = await subtle().exportKey('jwk', priv);
    return concat(Uint8Array.of(4), fixed(jwk.x, size), fixed(jwk.y, size));
  }

  async function generate(curve: Curve, ephemeral: boolean): Promise<PrivateKey> {
    const { kty, size } = info(curve);
    if (await viaNoble(curve)) {
      // @noble/ed25519's random secret serves X25519 too: any 32 bytes are an X25519 scalar.
      const d = (curve === 'secp256k1' ? await k1() : await curve25519()).utils.randomSecretKey();
      const publicKey: PublicKey = { curve, raw: await publicFromScalar(curve, d, true) };
      if (!ephemeral) return { curve, d, publicKey };
      const handle = new WebKeys();
      handle.secret = d;
      return { curve, publicKey, handle };
    }
    const use: Use = curve === 'Ed25519' ? 'sign' : 'agree';
    // A pair's public half keeps only the public usages asked for: 'verify' must be named.
    const pairUsages: KeyUsage[] = use === 'sign' ? ['sign', 'verify'] : ['deriveBits'];
    const pair = (await subtle().generateKey(algorithm(curve, use) as EcKeyGenParams, !ephemeral, pairUsages)) as CryptoKeyPair;
    const raw = new Uint8Array(await subtle().exportKey('raw', pair.publicKey));
    const pubHandle = new WebKeys();
    pubHandle[use] = pair.publicKey;
    const handle = new WebKeys();
    handle[use] = pair.privateKey;
    const publicKey: PublicKey = { curve, raw, handle: pubHandle };
    if (ephemeral) return { curve, publicKey, handle };
    let d: Uint8Array;
    if (kty === 'OKP') {
      const p8 = new Uint8Array(await subtle().exportKey('pkcs8', pair.privateKey));
      d = p8.subarray(p8.length - 32);
    } else {
      d = fixed((await subtle().exportKey('jwk', pair.privateKey)).d, size);
    }
    return { curve, d, publicKey, handle };
  }

  // AES_CBC_HMAC_SHA2 (RFC 7518 §5.2): MAC key first half, ENC key second half, tag = truncated HMAC.
  const CBC_HMAC: Partial<Record<ContentEncAlg, { hash: string; half: number }>> = {
    'A128CBC-HS256': { hash: 'SHA-256', half: 16 },
    'A256CBC-HS512': { hash: 'SHA-512', half: 32 },
  };

  async function cbcHmacTag(enc: ContentEncAlg, macKey: Uint8Array, aad: Uint8Array, iv: Uint8Array, ciphertext: Uint8Array): Promise<Uint8Array> {
    const p = CBC_HMAC[enc]!;
    const al = new Uint8Array(8);
    new DataView(al.buffer).setBigUint64(0, BigInt(aad.length) * 8n);
    const k = await subtle().importKey('raw', bs(macKey), { name: 'HMAC', hash: p.hash }, false, ['sign']);
    return new Uint8Array(await subtle().sign('HMAC', k, bs(concat(aad, iv, ciphertext, al)))).subarray(0, p.half);
  }

  const aesKey = (key: Uint8Array, name: string, use: KeyUsage[]) => subtle().importKey('raw', bs(key), name, false, use);

  // Any-length raw bytes ride through wrapKey/unwrapKey as an extractable HMAC key.
  const CARRIER: HmacImportParams = { name: 'HMAC', hash: 'SHA-256' };

  return {
    name: 'web',
    randomBytes(n) {
      const out = new Uint8Array(n);
      // getRandomValues fills at most 65536 bytes a call.
      for (let o = 0; o < n; o += 65536) globalThis.crypto.getRandomValues(out.subarray(o, Math.min(n, o + 65536)));
      return out;
    },
    async sha256(data) {
      return new Uint8Array(await subtle().digest('SHA-256', bs(data)));
    },
    generateKeyPair: (curve, options) => generate(curve, options?.ephemeral === true),
    async importPrivateKey(curve, d, publicRaw) {
      const { size } = info(curve);
      if (d.length !== size) throw invalidKey(`wrong ${curve} private key length`);
      const noble = await viaNoble(curve);
      let derived: Uint8Array;
      try {
        derived = await publicFromScalar(curve, d, noble);
      } catch (e) {
        throw invalidKey(`invalid ${curve} private key`, e);
      }
      if (publicRaw && !constantTimeEqual(derived, publicRaw)) throw invalidKey('private key does not match its public key');
      return { curve, d, publicKey: { curve, raw: derived } };
    },
    async importPublicKey(curve, raw) {
      expectLength(curve, raw);
      const key: PublicKey = { curve, raw };
      try {
        if (curve === 'secp256k1') (await k1()).Point.fromBytes(raw).assertValidity();
        else if (!(await viaNoble(curve))) await publicCryptoKey(key, CURVE_INFO[curve].agreement ? 'agree' : 'sign');
      } catch (e) {
        throw invalidKey(`not a valid ${curve} public key`, e);
      }
      return key;
    },
    async ecdh(priv, pub) {
      if (priv.curve !== pub.curve || !info(priv.curve).agreement) throw invalidKey(`cannot agree ${priv.curve} with ${pub.curve}`);
      const curve = priv.curve;
      let z: Uint8Array;
      try {
        if (curve === 'secp256k1') z = (await k1()).getSharedSecret(secretOf(priv), pub.raw, true).subarray(1);
        else if (await viaNoble(curve)) z = (await curve25519()).x25519.getSharedSecret(secretOf(priv), pub.raw);
        else {
          const bits = 8 * (curve === 'X25519' ? 32 : CURVE_INFO[curve].size);
          const params = { name: curve === 'X25519' ? 'X25519' : 'ECDH', public: await publicCryptoKey(pub, 'agree') } as EcdhKeyDeriveParams;
          z = new Uint8Array(await subtle().deriveBits(params, await privateCryptoKey(priv, 'agree'), bits));
        }
      } catch (e) {
        throw invalidKey('key agreement failed', e);
      }
      // Only X25519 has low-order points (all-zero output). On the prime-order EC curves an
      // all-zero secret is the legitimate x = 0 coordinate (Wycheproof ecdh EdgeCaseSharedSecret).
      if (curve === 'X25519' && isAllZero(z)) throw invalidKey('key agreement gave the all-zero secret (low-order point)');
      return z;
    },
    async sign(priv, data) {
      const alg = info(priv.curve).signAlg;
      if (!alg) throw unsupported(`${priv.curve} keys cannot sign`);
      // JOSE ES256K signs SHA-256(data) and writes r || s (RFC 8812 §3.2); noble prehashes by default.
      if (priv.curve === 'secp256k1') return (await k1()).signAsync(data, secretOf(priv), { prehash: true, format: 'compact' });
      if (await viaNoble(priv.curve)) return (await curve25519()).signAsync(data, secretOf(priv));
      const key = await privateCryptoKey(priv, 'sign');
      const params = alg === 'EdDSA' ? { name: 'Ed25519' } : { name: 'ECDSA', hash: NIST[priv.curve]!.hash };
      return new Uint8Array(await subtle().sign(params, key, bs(data)));
    },
    async verify(pub, data, signature) {
      const inf = Object.prototype.hasOwnProperty.call(CURVE_INFO, pub.curve) ? CURVE_INFO[pub.curve] : undefined;
      const alg = inf?.signAlg;
      if (!inf || !alg) return false;
      try {
        if (alg === 'EdDSA') {
          if (signature.length !== 64) return false;
          // zip215: false is RFC 8032's strict decoding, what OpenSSL and BoringSSL do.
          if (await viaNoble(pub.curve)) return await (await curve25519()).verifyAsync(signature, data, pub.raw, { zip215: false });
          return await subtle().verify('Ed25519', await publicCryptoKey(pub, 'sign'), bs(signature), bs(data));
        }
        if (signature.length !== 2 * inf.size) return false;
        // JOSE does not require low-s (Wycheproof marks high-s valid), so neither do we.
        if (pub.curve === 'secp256k1') return await (await k1()).verifyAsync(signature, data, pub.raw, { prehash: true, lowS: false, format: 'compact' });
        return await subtle().verify({ name: 'ECDSA', hash: NIST[pub.curve]!.hash }, await publicCryptoKey(pub, 'sign'), bs(signature), bs(data));
      } catch {
        return false;
      }
    },
    async aesKeyWrap(kek, key) {
      if (![16, 24, 32].includes(kek.length) || key.length % 8 !== 0 || key.length < 16) throw new TypeError('AES-KW needs a 16/24/32-byte KEK and a key of 8n bytes (n >= 2)');
      if (kek.length === 24) return (await aeskw())(kek).encrypt(key);
      const carrier = await subtle().importKey('raw', bs(key), CARRIER, true, ['sign']);
      return new Uint8Array(await subtle().wrapKey('raw', carrier, await aesKey(kek, 'AES-KW', ['wrapKey']), 'AES-KW'));
    },
    async aesKeyUnwrap(kek, wrapped) {
      if (![16, 24, 32].includes(kek.length) || wrapped.length % 8 !== 0 || wrapped.length < 24) throw failed(new Error('wrapped key has a wrong length'));
      try {
        if (kek.length === 24) return (await aeskw())(kek).decrypt(wrapped);
        const k = await subtle().unwrapKey('raw', bs(wrapped), await aesKey(kek, 'AES-KW', ['unwrapKey']), 'AES-KW', CARRIER, true, ['sign']);
        return new Uint8Array(await subtle().exportKey('raw', k));
      } catch (e) {
        throw failed(e);
      }
    },
    async encrypt(enc, key, iv, plaintext, aad) {
      checkContentSizes(enc, key, iv);
      const cbc = CBC_HMAC[enc];
      if (cbc) {
        const k = await aesKey(key.subarray(cbc.half), 'AES-CBC', ['encrypt']);
        const ciphertext = new Uint8Array(await subtle().encrypt({ name: 'AES-CBC', iv: bs(iv) }, k, bs(plaintext)));
        return { ciphertext, tag: await cbcHmacTag(enc, key.subarray(0, cbc.half), aad, iv, ciphertext) };
      }
      const sealed =
        enc === 'XC20P'
          ? (await xchacha())(key, iv, aad).encrypt(plaintext)
          : new Uint8Array(await subtle().encrypt({ name: 'AES-GCM', iv: bs(iv), additionalData: bs(aad), tagLength: 128 }, await aesKey(key, 'AES-GCM', ['encrypt']), bs(plaintext)));
      return { ciphertext: sealed.slice(0, sealed.length - 16), tag: sealed.slice(sealed.length - 16) };
    },
    async decrypt(enc, key, iv, ciphertext, tag, aad) {
      checkContentSizes(enc, key, iv, tag);
      try {
        const cbc = CBC_HMAC[enc];
        if (cbc) {
          const expected = await cbcHmacTag(enc, key.subarray(0, cbc.half), aad, iv, ciphertext);
          if (!constantTimeEqual(expected, tag)) throw new Error('tag mismatch');
          const k = await aesKey(key.subarray(cbc.half), 'AES-CBC', ['decrypt']);
          return new Uint8Array(await subtle().decrypt({ name: 'AES-CBC', iv: bs(iv) }, k, bs(ciphertext)));
        }
        if (enc === 'XC20P') return (await xchacha())(key, iv, aad).decrypt(concat(ciphertext, tag));
        const k = await aesKey(key, 'AES-GCM', ['decrypt']);
        return new Uint8Array(await subtle().decrypt({ name: 'AES-GCM', iv: bs(iv), additionalData: bs(aad), tagLength: 128 }, k, bs(concat(ciphertext, tag))));
      } catch (e) {
        throw failed(e);
      }
    },
  };
}

export const backend: CryptoBackend = /* @__PURE__ */ createWebBackend();
