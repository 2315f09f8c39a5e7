// Unit tests of the low-level JOSE layer over the crypto backend (src/jwe, src/jws, src/keys):
// round trips on every curve and algorithm we implement, and the checks added after the
// vector suites found them missing (JWK use/key_ops/alg; the sender kid in decryptJwe).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { backend, CONTENT_ENC } from '../../../dist/crypto/index.js';
import { DIDCommError } from '../../../dist/errors.js';
import { encryptJwe } from '../../../dist/jwe/encrypt.js';
import { decryptJwe } from '../../../dist/jwe/decrypt.js';
import { parseJwe } from '../../../dist/jwe/parse.js';
import { didcommApv } from '../../../dist/jwe/apv.js';
import { KEY_AGREEMENT, CBC_HMAC_ENC } from '../../../dist/jwe/algorithms.js';
import { signJws, signCompact } from '../../../dist/jws/sign.js';
import { parseJws } from '../../../dist/jws/parse.js';
import { parseCompact, verifyCompact, verifySignature } from '../../../dist/jws/verify.js';
import { jwkToPublicRaw, publicKeyToJwk } from '../../../dist/keys/jwk.js';

const code = (c) => (e) => e instanceof DIDCommError && e.code === c;
const utf8 = (s) => new TextEncoder().encode(s);
const AGREEMENT_CURVES = ['X25519', 'P-256', 'P-384', 'P-521', 'secp256k1'];

test('encryptJwe/decryptJwe: every alg x enc x curve, two recipients, each decrypts', async () => {
  const msg = utf8('{"id":"1","type":"t","body":{}}');
  let n = 0;
  for (const curve of AGREEMENT_CURVES) {
    const bob = [await backend.generateKeyPair(curve), await backend.generateKeyPair(curve)];
    const alice = await backend.generateKeyPair(curve);
    const recipients = bob.map((k, i) => ({ kid: `did:example:bob#key-${i}`, key: k.publicKey }));
    for (const alg of Object.keys(KEY_AGREEMENT)) {
      const oneP = KEY_AGREEMENT[alg].mode === '1PU';
      for (const enc of Object.keys(CONTENT_ENC)) {
        if (oneP && !CBC_HMAC_ENC.includes(enc)) continue;
        const sender = oneP ? { kid: 'did:example:alice#key-1', key: alice } : undefined;
        const jwe = await encryptJwe(msg, { recipients, alg, enc, sender, apv: await didcommApv(recipients.map((r) => r.kid)) });
        const parsed = parseJwe(JSON.parse(JSON.stringify(jwe)));
        for (let i = 0; i < 2; i++) {
          const s = oneP ? { kid: sender.kid, key: alice.publicKey } : undefined;
          assert.deepEqual(await decryptJwe(parsed, { kid: recipients[i].kid, key: bob[i] }, s), msg, `${curve} ${alg} ${enc}`);
        }
        if (oneP) {
          const mallory = await backend.generateKeyPair(curve);
          await assert.rejects(decryptJwe(parsed, { kid: recipients[0].kid, key: bob[0] }, { kid: sender.kid, key: mallory.publicKey }), code('ERR_DECRYPTION_FAILED'));
          await assert.rejects(decryptJwe(parsed, { kid: recipients[0].kid, key: bob[0] }, { kid: 'did:example:mallory#key-1', key: alice.publicKey }), code('ERR_DECRYPTION_FAILED'));
          await assert.rejects(decryptJwe(parsed, { kid: recipients[0].kid, key: bob[0] }), code('ERR_DECRYPTION_FAILED'));
        } else {
          await assert.rejects(decryptJwe(parsed, { kid: recipients[0].kid, key: bob[0] }, alice.publicKey), code('ERR_DECRYPTION_FAILED'));
        }
        await assert.rejects(decryptJwe(parsed, { kid: recipients[0].kid, key: bob[1] }, oneP ? { kid: sender.kid, key: alice.publicKey } : undefined), code('ERR_DECRYPTION_FAILED'));
        await assert.rejects(decryptJwe(parsed, { kid: 'did:example:carol#key-1', key: bob[0] }, oneP ? { kid: sender.kid, key: alice.publicKey } : undefined), code('ERR_DECRYPTION_FAILED'));
        n++;
      }
    }
  }
  assert.equal(n, AGREEMENT_CURVES.length * (3 * 5 + 3 * 2));
});

test('parseJwe: ECDH-1PU with a non-MAC enc, crit, zip and an epk with d are refused before any crypto', async () => {
  const bob = await backend.generateKeyPair('X25519');
  const jwe = await encryptJwe(utf8('x'), { recipients: [{ kid: 'k', key: bob.publicKey }], alg: 'ECDH-ES+A256KW', enc: 'A256GCM' });
  const withHeader = (patch) => {
    const h = JSON.parse(Buffer.from(jwe.protected, 'base64url').toString());
    return { ...jwe, protected: Buffer.from(JSON.stringify({ ...h, ...patch })).toString('base64url') };
  };
  assert.throws(() => parseJwe(withHeader({ alg: 'ECDH-1PU+A256KW', skid: 'a', apu: Buffer.from('a').toString('base64url') })), code('ERR_UNSUPPORTED'));
  assert.throws(() => parseJwe(withHeader({ crit: ['exp'] })), code('ERR_UNSUPPORTED'));
  assert.throws(() => parseJwe(withHeader({ zip: 'DEF' })), code('ERR_UNSUPPORTED'));
  assert.throws(() => parseJwe(withHeader({ alg: 'ECDH-ES' })), code('ERR_UNSUPPORTED'));
  assert.throws(() => parseJwe(withHeader({ epk: { ...publicKeyToJwk(bob.publicKey), d: 'AAAA' } })), code('ERR_MALFORMED'));
  assert.throws(() => parseJwe(withHeader({ skid: 'did:example:alice#key-1' })), code('ERR_MALFORMED'));
});

test('signJws/signCompact verify on every signing curve; alg/curve confusion is refused', async () => {
  const curves = ['Ed25519', 'P-256', 'P-384', 'P-521', 'secp256k1'];
  const keys = Object.fromEntries(await Promise.all(curves.map(async (c) => [c, await backend.generateKeyPair(c)])));
  for (const c of curves) {
    const jws = parseJws(JSON.parse(JSON.stringify(await signJws(utf8('hello'), { kid: `k-${c}`, key: keys[c] }, 'application/didcomm-signed+json'))));
    assert.equal(jws.signatures[0].kid, `k-${c}`);
    await verifySignature(jws, jws.signatures[0], keys[c].publicKey);
    const compact = parseCompact(await signCompact({ typ: 'JWT' }, utf8('{}'), keys[c]));
    await verifyCompact(compact, keys[c].publicKey);
    for (const o of curves.filter((x) => x !== c)) {
      await assert.rejects(verifySignature(jws, jws.signatures[0], keys[o].publicKey), code('ERR_SIGNATURE_INVALID'));
      await assert.rejects(verifyCompact(compact, keys[o].publicKey), code('ERR_SIGNATURE_INVALID'));
    }
  }
});

test('jwkToPublicRaw with a usage honours use, key_ops and alg when the JWK has them (regression)', async () => {
  // Found by Wycheproof json_web_signature tcId 354/356 and json_web_key tcId 19-21.
  const { publicKey } = await backend.generateKeyPair('P-256');
  const jwk = publicKeyToJwk(publicKey);
  const sig = { use: 'sig', ops: ['verify'], alg: 'ES256' };
  assert.deepEqual(jwkToPublicRaw(jwk, sig).raw, publicKey.raw);
  assert.deepEqual(jwkToPublicRaw({ ...jwk, use: 'sig', key_ops: ['sign', 'verify'], alg: 'ES256' }, sig).raw, publicKey.raw);
  assert.throws(() => jwkToPublicRaw({ ...jwk, use: 'enc' }, sig), code('ERR_KEY_NOT_AUTHORIZED'));
  assert.throws(() => jwkToPublicRaw({ ...jwk, key_ops: ['encrypt'] }, sig), code('ERR_KEY_NOT_AUTHORIZED'));
  assert.throws(() => jwkToPublicRaw({ ...jwk, key_ops: 'verify' }, sig), code('ERR_KEY_NOT_AUTHORIZED'));
  assert.throws(() => jwkToPublicRaw({ ...jwk, alg: 'ES384' }, sig), code('ERR_KEY_NOT_AUTHORIZED'));
  // Without a usage the reader stays as it was: shape only.
  assert.deepEqual(jwkToPublicRaw({ ...jwk, use: 'enc', alg: 'ES384' }).raw, publicKey.raw);
});
