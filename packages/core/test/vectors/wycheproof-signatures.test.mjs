// Wycheproof signature verification against backend.verify: Ed25519 (EdDSA) and ECDSA with
// the IEEE P1363 r||s encoding JWS uses (ES256 on P-256, ES256K on secp256k1).
// valid -> true; invalid -> false. verify must never throw, whatever the signature bytes.
// Neither file has 'acceptable' cases. Note that Wycheproof (and RFC 7518) accept high-s ECDSA
// signatures as valid: ES256K in JOSE does not require low-s, so neither do we.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { backend } from '../../dist/crypto/index.js';
import { describeError, hex, loadWycheproof, runAll } from './wycheproof.mjs';

async function verifyCase(pub, tc) {
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

test('wycheproof ed25519_test.json: EdDSA verify', async (t) => {
  const file = loadWycheproof('ed25519_test.json');
  const keys = new Map();
  await runAll(t, 'ed25519_test.json', file, 151, async (group, tc) => {
    assert.equal(group.publicKey.curve, 'edwards25519');
    let pub = keys.get(group);
    if (!pub) keys.set(group, (pub = await backend.importPublicKey('Ed25519', hex(group.publicKey.pk))));
    return verifyCase(pub, tc);
  });
});

const ECDSA = [
  ['ecdsa_secp256r1_sha256_p1363_test.json', 262, 'secp256r1', 'P-256'],
  ['ecdsa_secp256k1_sha256_p1363_test.json', 252, 'secp256k1', 'secp256k1'],
];

for (const [name, count, wcurve, curve] of ECDSA) {
  test(`wycheproof ${name}: ${curve} ECDSA (P1363) verify`, async (t) => {
    const file = loadWycheproof(name);
    const keys = new Map();
    await runAll(t, name, file, count, async (group, tc) => {
      assert.equal(group.publicKey.curve, wcurve);
      assert.equal(group.sha, 'SHA-256');
      let pub = keys.get(group);
      if (!pub) keys.set(group, (pub = await backend.importPublicKey(curve, hex(group.publicKey.uncompressed))));
      return verifyCase(pub, tc);
    });
  });
}
