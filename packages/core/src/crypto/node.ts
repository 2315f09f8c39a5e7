// Node backend: OpenSSL through node:crypto for everything it has (10-20x faster than pure JS
// for X25519/Ed25519); @noble only for HChaCha20 (XC20P) and point decompression.
import * as nc from 'node:crypto';
import { Worker } from 'node:worker_threads';
import { hchacha } from '@noble/ciphers/chacha.js';
import { DIDCommError, ErrorCodes } from '../errors.js';
import { checkContentSizes } from './content.js';
import { encode as b64u } from '../util/base64url.js';
import { CURVE_INFO, isCurve, type ContentEncAlg, type CryptoBackend, type Curve, type PrivateKey, type PublicKey } from './types.js';

// DER prefix that turns 32 raw bytes into PKCS#8 (RFC 8410).
const PKCS8_PREFIX: Partial<Record<Curve, Buffer>> = {
  X25519: Buffer.from('302e020100300506032b656e04220420', 'hex'),
  Ed25519: Buffer.from('302e020100300506032b657004220420', 'hex'),
};
const EC_NAME: Partial<Record<Curve, string>> = { 'P-256': 'prime256v1', 'P-384': 'secp384r1', 'P-521': 'secp521r1', secp256k1: 'secp256k1' };
const HASH: Partial<Record<Curve, string>> = { 'P-256': 'sha256', 'P-384': 'sha384', 'P-521': 'sha512', secp256k1: 'sha256' };


const invalidKey = (msg: string, cause?: unknown) => new DIDCommError(ErrorCodes.INVALID_KEY, msg, cause === undefined ? undefined : { cause });
const failed = (cause?: unknown) => new DIDCommError(ErrorCodes.DECRYPTION_FAILED, 'decryption failed', cause === undefined ? undefined : { cause });

// JWK import skips OpenSSL 3.0's DER decoder lookup: about 13 us against 88 us for SPKI
// here, and it runs for every epk we unpack. (JWK *export* is what PEERS.md warns about.)
function okpPublicObject(curve: Curve, raw: Uint8Array): nc.KeyObject {
  return nc.createPublicKey({ key: { kty: 'OKP', crv: curve, x: b64u(raw) }, format: 'jwk' });
}

function ecJwk(curve: Curve, raw: Uint8Array, d?: Uint8Array): nc.JsonWebKey {
  const n = CURVE_INFO[curve].size;
  const jwk: nc.JsonWebKey = { kty: 'EC', crv: curve, x: b64u(raw.subarray(1, 1 + n)), y: b64u(raw.subarray(1 + n)) };
  if (d) jwk.d = b64u(d);
  return jwk;
}

function publicObject(key: PublicKey): nc.KeyObject {
  if (key.handle instanceof nc.KeyObject) return key.handle;
  const obj = CURVE_INFO[key.curve].kty === 'OKP' ? okpPublicObject(key.curve, key.raw) : nc.createPublicKey({ key: ecJwk(key.curve, key.raw) as never, format: 'jwk' });
  key.handle = obj;
  return obj;
}

function privateObject(key: PrivateKey): nc.KeyObject {
  if (key.handle instanceof nc.KeyObject) return key.handle;
  if (!key.d) throw invalidKey('private key has neither scalar nor handle');
  const obj =
    CURVE_INFO[key.curve].kty === 'OKP'
      ? nc.createPrivateKey({ key: Buffer.concat([PKCS8_PREFIX[key.curve]!, key.d]), format: 'der', type: 'pkcs8' })
      : nc.createPrivateKey({ key: ecJwk(key.curve, key.publicKey.raw, key.d) as never, format: 'jwk' });
  key.handle = obj;
  return obj;
}

/** Raw public bytes out of a KeyObject through SPKI DER (JWK export was seen to hang; PEERS.md). */
function rawPublic(curve: Curve, obj: nc.KeyObject): Uint8Array {
  const der = obj.export({ format: 'der', type: 'spki' });
  const len = CURVE_INFO[curve].kty === 'OKP' ? 32 : 1 + 2 * CURVE_INFO[curve].size;
  return new Uint8Array(der.subarray(der.length - len));
}

// X25519(k, 9) is the public key (RFC 7748 §6.1): one ECDH, about 45 us, where the SPKI DER
// export costs about 100 us in OpenSSL 3.0. This runs for every ephemeral key we pack with.
let x25519Base: nc.KeyObject | undefined;
function x25519Public(priv: nc.KeyObject): Uint8Array {
  x25519Base ??= okpPublicObject('X25519', Uint8Array.of(9, ...new Uint8Array(31)));
  const z = nc.diffieHellman({ privateKey: priv, publicKey: x25519Base });
  return new Uint8Array(z.buffer, z.byteOffset, z.byteLength);
}

function knownCurve(curve: unknown): asserts curve is Curve {
  if (!isCurve(curve)) throw new DIDCommError(ErrorCodes.UNSUPPORTED, `unsupported curve ${String(curve)}`);
}

function expectLength(curve: Curve, raw: Uint8Array) {
  const size = CURVE_INFO[curve].size;
  const ok = CURVE_INFO[curve].kty === 'OKP' ? raw.length === size : raw.length === 1 + 2 * size && raw[0] === 4;
  if (!ok) throw invalidKey(`wrong ${curve} public key length or encoding`);
}

function isAllZero(b: Uint8Array): boolean {
  let acc = 0;
  for (let i = 0; i < b.length; i++) acc |= b[i];
  return acc === 0;
}

function xchachaSubkey(key: Uint8Array, nonce: Uint8Array): { subkey: Buffer; nonce12: Buffer } {
  const k32 = new Uint32Array(8);
  const n32 = new Uint32Array(4);
  const dv = new DataView(key.buffer, key.byteOffset, 32);
  for (let i = 0; i < 8; i++) k32[i] = dv.getUint32(i * 4, true);
  const nv = new DataView(nonce.buffer, nonce.byteOffset, 16);
  for (let i = 0; i < 4; i++) n32[i] = nv.getUint32(i * 4, true);
  const out = new Uint32Array(8);
  hchacha(new Uint32Array([0x61707865, 0x3320646e, 0x79622d32, 0x6b206574]), k32, n32, out);
  const subkey = Buffer.alloc(32);
  for (let i = 0; i < 8; i++) subkey.writeUInt32LE(out[i], i * 4);
  const nonce12 = Buffer.alloc(12);
  nonce12.set(nonce.subarray(16, 24), 4);
  return { subkey, nonce12 };
}

// AES_CBC_HMAC_SHA2 (RFC 7518 §5.2): MAC key first half, ENC key second half, tag = truncated HMAC.
const CBC_HMAC: Partial<Record<ContentEncAlg, { hash: string; cipher: string; half: number }>> = {
  'A128CBC-HS256': { hash: 'sha256', cipher: 'aes-128-cbc', half: 16 },
  'A256CBC-HS512': { hash: 'sha512', cipher: 'aes-256-cbc', half: 32 },
};

function cbcHmacTag(enc: ContentEncAlg, macKey: Uint8Array, aad: Uint8Array, iv: Uint8Array, ciphertext: Uint8Array): Buffer {
  const p = CBC_HMAC[enc]!;
  const al = Buffer.alloc(8);
  al.writeBigUInt64BE(BigInt(aad.length) * 8n);
  return nc.createHmac(p.hash, macKey).update(aad).update(iv).update(ciphertext).update(al).digest().subarray(0, p.half);
}

// A worker thread makes ephemeral key pairs in batches: generation, and the public key (for
// X25519 the scalar times the base point, RFC 7748 §6.1; for EC curves the SPKI export), so the
// main thread only receives them (KeyObjects cross threads by postMessage). Measured here: a
// pack's main-thread time drops by a third. Each pair is used once and then dropped.
const EPHEMERAL_WORKER = `
const { parentPort } = require('node:worker_threads');
const nc = require('node:crypto');
const base = nc.createPublicKey({ key: Buffer.concat([Buffer.from('302a300506032b656e032100', 'hex'), Buffer.from([9, ...new Array(31).fill(0)])]), format: 'der', type: 'spki' });
const EC = { 'P-256': ['prime256v1', 65], 'P-384': ['secp384r1', 97], 'P-521': ['secp521r1', 133], secp256k1: ['secp256k1', 65] };
parentPort.on('message', ({ curve, n }) => {
  const keys = [];
  for (let i = 0; i < n; i++) {
    if (curve === 'X25519') {
      const { privateKey } = nc.generateKeyPairSync('x25519');
      keys.push({ priv: privateKey, pub: new Uint8Array(nc.diffieHellman({ privateKey, publicKey: base })) });
    } else {
      const [name, len] = EC[curve];
      const { privateKey, publicKey } = nc.generateKeyPairSync('ec', { namedCurve: name });
      const der = publicKey.export({ format: 'der', type: 'spki' });
      keys.push({ priv: privateKey, pub: new Uint8Array(der.subarray(der.length - len)) });
    }
  }
  parentPort.postMessage({ curve, keys });
});`;

class EphemeralPool {
  // A burst (a socket read carrying a few hundred frames, each answered) takes hundreds at once;
  // an empty pool means generating on the calling thread. 1,024 pairs are about 1 MB.
  static readonly SIZE = 1024;
  static readonly BATCH = 128;
  readonly #ready = new Map<Curve, PrivateKey[]>();
  readonly #requested = new Set<Curve>();
  #worker: Worker | undefined;
  #workerFailed = false;

  take(curve: Curve): Promise<PrivateKey> {
    const list = this.#ready.get(curve) ?? [];
    this.#ready.set(curve, list);
    const key = list.pop();
    if (list.length < EphemeralPool.SIZE - EphemeralPool.BATCH) this.#refill(curve);
    return key ? Promise.resolve(key) : generateEphemeral(curve);
  }

  #refill(curve: Curve) {
    if (this.#requested.has(curve) || this.#workerFailed) return;
    try {
      this.#worker ??= this.#startWorker();
      this.#requested.add(curve);
      this.#worker.postMessage({ curve, n: EphemeralPool.BATCH });
    } catch {
      this.#workerFailed = true;
    }
  }

  #startWorker(): Worker {
    const worker = new Worker(EPHEMERAL_WORKER, { eval: true });
    worker.on('message', ({ curve, keys }: { curve: Curve; keys: Array<{ priv: nc.KeyObject; pub: Uint8Array }> }) => {
      this.#requested.delete(curve);
      const list = this.#ready.get(curve)!;
      for (const k of keys) list.push({ curve, publicKey: { curve, raw: k.pub }, handle: k.priv });
      if (list.length < EphemeralPool.SIZE - EphemeralPool.BATCH) this.#refill(curve);
    });
    const fail = () => {
      this.#workerFailed = true;
      this.#worker = undefined;
      this.#requested.clear();
    };
    worker.on('error', fail);
    worker.on('exit', fail);
    // The pool must never keep a process alive (unref after the listeners, which ref it again),
    // and a dead worker only means slower packs.
    worker.unref();
    return worker;
  }
}

/**
 * One ephemeral pair when the pool is empty or has no worker. X25519 here, synchronously: the
 * asynchronous keygen cost the calling thread more (about 60 us a pair, measured) than making
 * the pair (about 45 us), and the public key's ECDH runs here either way.
 */
function generateEphemeral(curve: Curve): Promise<PrivateKey> {
  if (curve === 'X25519') {
    try {
      const { privateKey } = nc.generateKeyPairSync('x25519');
      return Promise.resolve({ curve, publicKey: { curve, raw: x25519Public(privateKey) }, handle: privateKey });
    } catch (e) {
      return Promise.reject(e);
    }
  }
  const rawLength = 1 + 2 * CURVE_INFO[curve].size;
  return new Promise((resolve, reject) => {
    if (!EC_NAME[curve]) return reject(new DIDCommError(ErrorCodes.UNSUPPORTED, `${curve} has no key agreement`));
    // Node types the callback's private key as string when only the public encoding is set; it is a KeyObject.
    const cb = (err: Error | null, spki: Buffer, privateKey: nc.KeyObject) => {
      if (err) return reject(err);
      resolve({ curve, publicKey: { curve, raw: new Uint8Array(spki.subarray(spki.length - rawLength)) }, handle: privateKey });
    };
    nc.generateKeyPair('ec', { namedCurve: EC_NAME[curve]!, publicKeyEncoding: { type: 'spki', format: 'der' }, privateKeyEncoding: undefined as never }, cb as never);
  });
}
const ephemeralPool = new EphemeralPool();

// CEKs and IVs come from a buffer filled 8 KiB at a time: one OpenSSL call instead of two per
// message. Every byte is handed out once; `slice` copies so callers never share memory.
let randomPool = new Uint8Array(0);
let randomOffset = 0;
function randomBytes(n: number): Uint8Array {
  if (n > 1024) return new Uint8Array(nc.randomBytes(n));
  if (randomOffset + n > randomPool.length) {
    randomPool = nc.randomFillSync(new Uint8Array(8192));
    randomOffset = 0;
  }
  const out = randomPool.slice(randomOffset, randomOffset + n);
  randomPool.fill(0, randomOffset, randomOffset + n);
  randomOffset += n;
  return out;
}

const oneShotHash = (nc as { hash?: (alg: string, data: Uint8Array, encoding: 'buffer') => Buffer }).hash;

const AES_KW_IV = Buffer.from('a6a6a6a6a6a6a6a6', 'hex');
const KW_CIPHER: Record<number, string> = { 16: 'id-aes128-wrap', 24: 'id-aes192-wrap', 32: 'id-aes256-wrap' };

export const backend: CryptoBackend = {
  name: 'node',
  randomBytes,
  chacha20Poly1305: {
    encrypt(key, nonce, plaintext, aad) {
      const c = nc.createCipheriv('chacha20-poly1305', key, nonce, { authTagLength: 16 });
      c.setAAD(aad, { plaintextLength: plaintext.length });
      const ciphertext = Buffer.concat([c.update(plaintext), c.final()]);
      return { ciphertext: new Uint8Array(ciphertext.buffer, ciphertext.byteOffset, ciphertext.byteLength), tag: new Uint8Array(c.getAuthTag()) };
    },
    decrypt(key, nonce, ciphertext, tag, aad) {
      try {
        const d = nc.createDecipheriv('chacha20-poly1305', key, nonce, { authTagLength: 16 });
        d.setAAD(aad, { plaintextLength: ciphertext.length });
        d.setAuthTag(tag);
        const out = Buffer.concat([d.update(ciphertext), d.final()]);
        return new Uint8Array(out.buffer, out.byteOffset, out.byteLength);
      } catch (e) {
        throw failed(e);
      }
    },
  },
  async sha256(data) {
    // One-shot where Node has it (20.12+): a third less than a Hash object per KDF.
    const d = oneShotHash ? oneShotHash('sha256', data, 'buffer') : nc.createHash('sha256').update(data).digest();
    return new Uint8Array(d.buffer, d.byteOffset, d.byteLength);
  },
  async generateKeyPair(curve, options) {
    knownCurve(curve);
    if (options?.ephemeral) return ephemeralPool.take(curve);
    const { privateKey, publicKey } =
      CURVE_INFO[curve].kty === 'OKP'
        ? nc.generateKeyPairSync(curve.toLowerCase() as 'x25519')
        : nc.generateKeyPairSync('ec', { namedCurve: EC_NAME[curve]! });
    const pub: PublicKey = { curve, raw: curve === 'X25519' ? x25519Public(privateKey) : rawPublic(curve, publicKey), handle: publicKey };
    if (options?.ephemeral) return { curve, publicKey: pub, handle: privateKey };
    let d: Uint8Array;
    if (CURVE_INFO[curve].kty === 'OKP') {
      const der = privateKey.export({ format: 'der', type: 'pkcs8' });
      d = new Uint8Array(der.subarray(der.length - 32));
    } else {
      const jwk = privateKey.export({ format: 'jwk' });
      d = new Uint8Array(Buffer.from(jwk.d!, 'base64url'));
    }
    return { curve, d, publicKey: pub, handle: privateKey };
  },
  async importPrivateKey(curve, d, publicRaw) {
    knownCurve(curve);
    const size = CURVE_INFO[curve].size;
    if (d.length !== size) throw invalidKey(`wrong ${curve} private key length`);
    let obj: nc.KeyObject;
    try {
      if (CURVE_INFO[curve].kty === 'OKP') {
        obj = nc.createPrivateKey({ key: Buffer.concat([PKCS8_PREFIX[curve]!, d]), format: 'der', type: 'pkcs8' });
      } else {
        const pubFromD = nc.createECDH(EC_NAME[curve]!);
        pubFromD.setPrivateKey(d);
        const raw = new Uint8Array(pubFromD.getPublicKey());
        obj = nc.createPrivateKey({ key: ecJwk(curve, raw, d) as never, format: 'jwk' });
      }
    } catch (e) {
      throw invalidKey(`invalid ${curve} private key`, e);
    }
    const derived = rawPublic(curve, nc.createPublicKey(obj));
    if (publicRaw && Buffer.compare(Buffer.from(derived), Buffer.from(publicRaw)) !== 0) throw invalidKey('private key does not match its public key');
    return { curve, d, publicKey: { curve, raw: derived }, handle: obj };
  },
  async importPublicKey(curve, raw) {
    knownCurve(curve);
    expectLength(curve, raw);
    const key: PublicKey = { curve, raw };
    try {
      publicObject(key);
    } catch (e) {
      throw invalidKey(`not a valid ${curve} public key`, e);
    }
    return key;
  },
  async ecdh(priv, pub) {
    if (priv.curve !== pub.curve || !CURVE_INFO[priv.curve].agreement) throw invalidKey(`cannot agree ${priv.curve} with ${pub.curve}`);
    let z: Buffer;
    try {
      z = nc.diffieHellman({ privateKey: privateObject(priv), publicKey: publicObject(pub) });
    } catch (e) {
      throw invalidKey('key agreement failed', e);
    }
    // Only X25519 has low-order points (all-zero output). On the prime-order EC curves an
    // all-zero secret is the legitimate x = 0 coordinate (Wycheproof ecdh EdgeCaseSharedSecret).
    if (CURVE_INFO[priv.curve].kty === 'OKP' && isAllZero(z)) throw invalidKey('key agreement gave the all-zero secret (low-order point)');
    return new Uint8Array(z.buffer, z.byteOffset, z.byteLength);
  },
  async sign(priv, data) {
    const alg = CURVE_INFO[priv.curve].signAlg;
    if (!alg) throw new DIDCommError(ErrorCodes.UNSUPPORTED, `${priv.curve} keys cannot sign`);
    const key = privateObject(priv);
    if (alg === 'EdDSA') return new Uint8Array(nc.sign(null, data, key));
    return new Uint8Array(nc.sign(HASH[priv.curve]!, data, { key, dsaEncoding: 'ieee-p1363' }));
  },
  async verify(pub, data, signature) {
    const alg = CURVE_INFO[pub.curve].signAlg;
    if (!alg) return false;
    try {
      const key = publicObject(pub);
      if (alg === 'EdDSA') return signature.length === 64 && nc.verify(null, data, key, signature);
      if (signature.length !== 2 * CURVE_INFO[pub.curve].size) return false;
      return nc.verify(HASH[pub.curve]!, data, { key, dsaEncoding: 'ieee-p1363' }, signature);
    } catch {
      return false;
    }
  },
  async aesKeyWrap(kek, key) {
    if (!KW_CIPHER[kek.length] || key.length % 8 !== 0 || key.length < 16) throw new TypeError('AES-KW needs a 16/24/32-byte KEK and a key of 8n bytes (n >= 2)');
    const c = nc.createCipheriv(KW_CIPHER[kek.length], kek, AES_KW_IV);
    return new Uint8Array(Buffer.concat([c.update(key), c.final()]));
  },
  async aesKeyUnwrap(kek, wrapped) {
    if (!KW_CIPHER[kek.length] || wrapped.length % 8 !== 0 || wrapped.length < 24) throw failed(new Error('wrapped key has a wrong length'));
    try {
      const d = nc.createDecipheriv(KW_CIPHER[kek.length], kek, AES_KW_IV);
      return new Uint8Array(Buffer.concat([d.update(wrapped), d.final()]));
    } catch (e) {
      throw failed(e);
    }
  },
  async encrypt(enc, key, iv, plaintext, aad) {
    checkContentSizes(enc, key, iv);
    const cbc = CBC_HMAC[enc];
    if (cbc) {
      const c = nc.createCipheriv(cbc.cipher, key.subarray(cbc.half), iv);
      const ciphertext = Buffer.concat([c.update(plaintext), c.final()]);
      return { ciphertext: new Uint8Array(ciphertext), tag: new Uint8Array(cbcHmacTag(enc, key.subarray(0, cbc.half), aad, iv, ciphertext)) };
    }
    let cipher: nc.CipherGCM | nc.CipherChaCha20Poly1305;
    if (enc === 'A256GCM' || enc === 'A128GCM') cipher = nc.createCipheriv(enc === 'A256GCM' ? 'aes-256-gcm' : 'aes-128-gcm', key, iv, { authTagLength: 16 });
    else {
      const { subkey, nonce12 } = xchachaSubkey(key, iv);
      cipher = nc.createCipheriv('chacha20-poly1305', subkey, nonce12, { authTagLength: 16 });
    }
    cipher.setAAD(aad, { plaintextLength: plaintext.length });
    const ciphertext = Buffer.concat([cipher.update(plaintext), cipher.final()]);
    return { ciphertext: new Uint8Array(ciphertext), tag: new Uint8Array(cipher.getAuthTag()) };
  },
  async decrypt(enc, key, iv, ciphertext, tag, aad) {
    checkContentSizes(enc, key, iv, tag);
    try {
      const cbc = CBC_HMAC[enc];
      if (cbc) {
        const expected = cbcHmacTag(enc, key.subarray(0, cbc.half), aad, iv, ciphertext);
        if (!nc.timingSafeEqual(expected, tag)) throw new Error('tag mismatch');
        const d = nc.createDecipheriv(cbc.cipher, key.subarray(cbc.half), iv);
        return new Uint8Array(Buffer.concat([d.update(ciphertext), d.final()]));
      }
      let decipher: nc.DecipherGCM | nc.DecipherChaCha20Poly1305;
      if (enc === 'A256GCM' || enc === 'A128GCM') decipher = nc.createDecipheriv(enc === 'A256GCM' ? 'aes-256-gcm' : 'aes-128-gcm', key, iv, { authTagLength: 16 });
      else {
        const { subkey, nonce12 } = xchachaSubkey(key, iv);
        decipher = nc.createDecipheriv('chacha20-poly1305', subkey, nonce12, { authTagLength: 16 });
      }
      decipher.setAAD(aad, { plaintextLength: ciphertext.length });
      decipher.setAuthTag(tag);
      return new Uint8Array(Buffer.concat([decipher.update(ciphertext), decipher.final()]));
    } catch (e) {
      throw failed(e);
    }
  },
};

