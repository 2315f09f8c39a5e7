// Wycheproof files run against a crypto backend's primitives, for any backend: each spec names
// the file, the case count INDEX.md lists, and `check(backend)`, which gives the per-case check
// runAll expects. wycheproof-{x25519,signatures,aead,keywrap}.test.mjs run them on the backend
// src/crypto/index.js resolves to (their headers state the policies); unit/crypto/
// web-backend.test.mjs runs them on the web backend. Not a *.test.mjs file.
import assert from 'node:assert/strict';
import { jwkPrivateScalar, jwkToPublicRaw } from '../../dist/keys/jwk.js';
import { attempt, describeError, expectRejected, hex, isZero, loadWycheproof, runAll, toHex } from './wycheproof.mjs';

/** Runs every case of `spec.file` through `backend`. */
export function runCases(t, backend, spec) {
  return runAll(t, spec.file, loadWycheproof(spec.file), spec.count, spec.check(backend));
}

// ---- X25519 agreement: low order (all-zero secret) refused with ERR_INVALID_KEY ----

function checkAgreement(tc, r) {
  // Invalid cases (public keys of another type or curve, malformed JWKs) carry no secret.
  if (tc.result === 'invalid') return { failure: expectRejected(r), outcome: `invalid rejected` };
  if (isZero(tc.shared)) {
    // The vector file must mark every all-zero secret as acceptable + ZeroSharedSecret.
    if (tc.result !== 'acceptable' || !tc.flags.includes('ZeroSharedSecret')) return `all-zero secret not flagged as expected (${tc.result})`;
    return { failure: expectRejected(r, 'ERR_INVALID_KEY'), outcome: 'low order rejected (ERR_INVALID_KEY)' };
  }
  if (!r.ok) return `rejected: ${describeError(r.error)}`;
  if (toHex(r.value) !== tc.shared) return `shared secret ${toHex(r.value)} != ${tc.shared}`;
  return { failure: null, outcome: `${tc.result} agreed` };
}

export const X25519 = {
  file: 'x25519_test.json',
  count: 518,
  check: (backend) => async (group, tc) => {
    assert.equal(group.curve, 'curve25519');
    const priv = await backend.importPrivateKey('X25519', hex(tc.private));
    return checkAgreement(tc, await attempt(async () => backend.ecdh(priv, await backend.importPublicKey('X25519', hex(tc.public)))));
  },
};

export const X25519_JWK = {
  file: 'x25519_jwk_test.json',
  count: 531,
  check: (backend) => async (group, tc) => {
    // The private JWK is well formed in every case; its x must match d (checked on import).
    const priv = await backend.importPrivateKey('X25519', jwkPrivateScalar(tc.private), jwkToPublicRaw(tc.private).raw);
    const r = await attempt(async () => {
      const { curve, raw } = jwkToPublicRaw(tc.public);
      return backend.ecdh(priv, await backend.importPublicKey(curve, raw));
    });
    return checkAgreement(tc, r);
  },
};

// ---- signature verification: valid -> true, invalid -> false, never a throw ----

async function verifyCase(backend, pub, tc) {
  let ok;
  try {
    ok = await backend.verify(pub, hex(tc.msg), hex(tc.sig));
  } catch (e) {
    return `verify threw ${describeError(e)}`;
  }
  if (typeof ok !== 'boolean') return `verify returned ${typeof ok}`;
  const want = tc.result === 'valid';
  if (tc.result !== 'valid' && tc.result !== 'invalid') return `unexpected result ${tc.result}`;
  return ok === want ? { failure: null, outcome: `${tc.result} -> ${ok}` } : `verify returned ${ok}`;
}

/** A check that imports each group's public key once (`readKey(group)` gives curve and bytes). */
function verifyWithGroupKey(backend, curve, readKey) {
  const keys = new Map();
  return async (group, tc) => {
    let pub = keys.get(group);
    if (!pub) keys.set(group, (pub = await backend.importPublicKey(curve, readKey(group))));
    return verifyCase(backend, pub, tc);
  };
}

export const ED25519 = {
  file: 'ed25519_test.json',
  count: 151,
  check: (backend) => verifyWithGroupKey(backend, 'Ed25519', (group) => {
    assert.equal(group.publicKey.curve, 'edwards25519');
    return hex(group.publicKey.pk);
  }),
};

export const ECDSA_P1363 = [
  ['ecdsa_secp256r1_sha256_p1363_test.json', 262, 'secp256r1', 'P-256'],
  ['ecdsa_secp256k1_sha256_p1363_test.json', 252, 'secp256k1', 'secp256k1'],
].map(([file, count, wcurve, curve]) => ({
  file,
  count,
  curve,
  check: (backend) => verifyWithGroupKey(backend, curve, (group) => {
    assert.equal(group.publicKey.curve, wcurve);
    assert.equal(group.sha, 'SHA-256');
    return hex(group.publicKey.uncompressed);
  }),
}));

// ---- AEAD: valid -> exact ct and tag, msg back; invalid and non-JWA parameters refused ----

async function aeadCase(backend, enc, tc, { supported = true, paramsOk = true } = {}) {
  const key = hex(tc.key);
  const iv = hex(tc.iv);
  const aad = hex(tc.aad);
  const dec = await attempt(() => backend.decrypt(enc, key, iv, hex(tc.ct), hex(tc.tag), aad));
  if (!supported) return { failure: expectRejected(dec, 'ERR_UNSUPPORTED'), outcome: `${tc.result}, unsupported ${enc}: refused` };
  if (!paramsOk) {
    const encr = await attempt(() => backend.encrypt(enc, key, iv, hex(tc.msg), aad));
    if (encr.ok) return 'encrypt accepted an IV/nonce size JWA does not allow';
    return { failure: expectRejected(dec, 'ERR_DECRYPTION_FAILED'), outcome: `${tc.result}, non-JWA IV size: refused` };
  }
  if (tc.result === 'invalid') return { failure: expectRejected(dec, 'ERR_DECRYPTION_FAILED'), outcome: 'invalid rejected' };
  if (tc.result !== 'valid') return `unexpected result ${tc.result}`;
  if (!dec.ok) return `decrypt failed: ${describeError(dec.error)}`;
  if (toHex(dec.value) !== tc.msg) return 'decrypt gave the wrong plaintext';
  const encr = await attempt(() => backend.encrypt(enc, key, iv, hex(tc.msg), aad));
  if (!encr.ok) return `encrypt failed: ${describeError(encr.error)}`;
  if (toHex(encr.value.ciphertext) !== tc.ct || toHex(encr.value.tag) !== tc.tag) return 'encrypt gave a different ciphertext or tag';
  return { failure: null, outcome: 'valid encrypt+decrypt' };
}

export const AES_GCM = {
  file: 'aes_gcm_test.json',
  count: 316,
  check: (backend) => async (group, tc) => {
    if (group.tagSize !== 128) return `unexpected tag size ${group.tagSize}`;
    const enc = { 128: 'A128GCM', 192: 'A192GCM', 256: 'A256GCM' }[group.keySize];
    return aeadCase(backend, enc, tc, { supported: group.keySize !== 192, paramsOk: group.ivSize === 96 });
  },
};

export const A256CBC_HS512 = {
  file: 'a256cbc_hs512_test.json',
  count: 94,
  check: (backend) => async (group, tc) => {
    // Layout: key = MAC_KEY || ENC_KEY (64 bytes), iv 16 bytes, ct = AES-CBC output, tag =
    // the first 32 bytes of HMAC-SHA-512 (kept separate from ct in this file).
    if (group.keySize !== 512 || group.ivSize !== 128 || group.tagSize !== 256) return 'unexpected group parameters';
    return aeadCase(backend, 'A256CBC-HS512', tc);
  },
};

export const XCHACHA20_POLY1305 = {
  file: 'xchacha20_poly1305_test.json',
  count: 315,
  check: (backend) => async (group, tc) => {
    if (group.keySize !== 256 || group.tagSize !== 128) return 'unexpected group parameters';
    return aeadCase(backend, 'XC20P', tc, { paramsOk: group.ivSize === 192 });
  },
};

// ---- AES key wrap (RFC 3394): valid round trips exactly; the rest unwraps to ERR_DECRYPTION_FAILED ----

export const AES_WRAP = {
  file: 'aes_wrap_test.json',
  count: 165,
  check: (backend) => async (group, tc) => {
    const kek = hex(tc.key);
    if (kek.length * 8 !== group.keySize) return 'key size differs from the group';
    const wrap = await attempt(() => backend.aesKeyWrap(kek, hex(tc.msg)));
    const unwrap = await attempt(() => backend.aesKeyUnwrap(kek, hex(tc.ct)));
    if (tc.result === 'valid') {
      if (!wrap.ok) return `wrap failed: ${describeError(wrap.error)}`;
      if (toHex(wrap.value) !== tc.ct) return 'wrap gave a different ciphertext';
      if (!unwrap.ok) return `unwrap failed: ${describeError(unwrap.error)}`;
      if (toHex(unwrap.value) !== tc.msg) return 'unwrap gave a different key';
      return { failure: null, outcome: `valid A${group.keySize}KW` };
    }
    const u = expectRejected(unwrap, 'ERR_DECRYPTION_FAILED');
    if (u) return `unwrap: ${u}`;
    if (wrap.ok && toHex(wrap.value) === tc.ct) return 'wrap reproduced the invalid ciphertext';
    if (!wrap.ok && !(wrap.error instanceof TypeError)) return `wrap refused with ${describeError(wrap.error)}, expected TypeError`;
    const msgBytes = tc.msg.length / 2;
    if (!wrap.ok && msgBytes >= 16 && msgBytes % 8 === 0) return 'wrap refused a well-sized key';
    return { failure: null, outcome: `${tc.result} rejected` };
  },
};
