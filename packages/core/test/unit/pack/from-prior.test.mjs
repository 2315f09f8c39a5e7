// DID rotation (from_prior): pack with packFromPrior, the didcomm-rust JWT vectors and its
// pack-side invalid claim sets (FEATURES 105-111).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { unpack, packEncrypted, packFromPrior, packPlaintext, packSigned, verifyFromPrior, ErrorCodes, InMemorySecrets } from '../../../dist/index.js';
import { loadVector } from '../../helpers.mjs';
import { ALICE, BOB, CHARLIE, now, plain, rejectsWith, resolver, secretLists, secretsOf } from './fixtures.mjs';

const fp = loadVector('didcomm-rust/from_prior.json');
const rotated = new InMemorySecrets(secretLists.CHARLIE_ROTATED_TO_ALICE_SECRETS);
const bob = secretsOf('BOB');
const opts = { resolver, secrets: bob, now };

test('packFromPrior (Charlie rotated to Alice) then authcrypt+sign: unpack shows the issuer kid and claims', async () => {
  const claims = { iss: CHARLIE, sub: ALICE, iat: 1_600_000_000 };
  const { jwt, issuerKid } = await packFromPrior(claims, { resolver, secrets: rotated });
  assert.equal(issuerKid, 'did:example:charlie#key-1');
  const m = plain({ from: ALICE, to: [BOB], from_prior: jwt });
  const { packed } = await packEncrypted(m, { to: BOB, from: ALICE, signBy: ALICE, resolver, secrets: rotated, forward: false });
  const { message, metadata } = await unpack(packed, opts);
  assert.deepEqual(message, m);
  assert.equal(metadata.fromPriorIssuerKid, 'did:example:charlie#key-1');
  assert.deepEqual(metadata.fromPrior, claims);
});

test('packFromPrior with an explicit issuer kid; a kid of another DID or outside authentication is refused', async () => {
  const claims = { iss: CHARLIE, sub: ALICE, iat: 1 };
  assert.equal((await packFromPrior(claims, { issuerKid: 'did:example:charlie#key-1', resolver, secrets: rotated })).issuerKid, 'did:example:charlie#key-1');
  await rejectsWith(packFromPrior(claims, { issuerKid: 'did:example:alice#key-1', resolver, secrets: rotated }), ErrorCodes.FROM_PRIOR_INVALID);
  await rejectsWith(packFromPrior(claims, { issuerKid: 'did:example:charlie#key-x25519-1', resolver, secrets: rotated }), ErrorCodes.KEY_NOT_AUTHORIZED);
  await rejectsWith(packFromPrior(claims, { resolver, secrets: secretsOf('ALICE') }), ErrorCodes.SECRET_NOT_FOUND);
});

test('from_prior vector FROM_PRIOR_JWT_FULL: verifies and unpacks in plaintext and signed messages', async () => {
  const v = fp.valid[0];
  const direct = await verifyFromPrior(v.jwt, resolver);
  assert.equal(direct.issuerKid, v.expected.issuer_kid);
  assert.deepEqual(direct.claims, v.expected.from_prior);
  const m = plain({ from: ALICE, from_prior: v.jwt });
  for (const packed of [await packPlaintext(m), (await packSigned(m, { signBy: ALICE, resolver, secrets: secretsOf('ALICE') })).packed]) {
    const { metadata } = await unpack(packed, opts);
    assert.equal(metadata.fromPriorIssuerKid, v.expected.issuer_kid);
    assert.deepEqual(metadata.fromPrior, v.expected.from_prior);
  }
});

for (const v of fp.invalid) {
  test(`from_prior vector ${v.name} -> FROM_PRIOR_INVALID`, async () => {
    await rejectsWith(verifyFromPrior(v.jwt, resolver), ErrorCodes.FROM_PRIOR_INVALID, 'verify');
    await rejectsWith(unpack(await packPlaintext(plain({ from: ALICE, from_prior: v.jwt })), opts), ErrorCodes.FROM_PRIOR_INVALID, 'unpack');
  });
}

for (const [name, claims] of Object.entries(fp.pack_side_invalid_claims).filter(([k]) => !k.startsWith('_'))) {
  test(`from_prior pack-side ${name} (${claims.why}) -> FROM_PRIOR_INVALID`, async () => {
    const { why, ...c } = claims;
    await rejectsWith(packFromPrior(c, { resolver, secrets: rotated }), ErrorCodes.FROM_PRIOR_INVALID);
  });
}

test('from_prior whose sub is not the message from -> FROM_PRIOR_INVALID', async () => {
  const { jwt } = await packFromPrior({ iss: CHARLIE, sub: ALICE, iat: 1 }, { resolver, secrets: rotated });
  await rejectsWith(unpack(await packPlaintext(plain({ from: BOB, from_prior: jwt })), opts), ErrorCodes.FROM_PRIOR_INVALID);
});

test('from_prior signed by a key outside the issuer authentication -> KEY_NOT_AUTHORIZED', async () => {
  // a JWT whose header names charlie#key-x25519-1 (keyAgreement), built by hand
  const v = fp.valid[0];
  const [, payload, sig] = v.jwt.split('.');
  const header = Buffer.from(JSON.stringify({ typ: 'JWT', alg: 'EdDSA', kid: 'did:example:charlie#key-x25519-1' })).toString('base64url');
  await rejectsWith(verifyFromPrior(`${header}.${payload}.${sig}`, resolver), ErrorCodes.KEY_NOT_AUTHORIZED);
});

test('from_prior with a kid of another DID than iss -> FROM_PRIOR_INVALID', async () => {
  const v = fp.valid[0];
  const [, payload, sig] = v.jwt.split('.');
  const header = Buffer.from(JSON.stringify({ typ: 'JWT', alg: 'EdDSA', kid: 'did:example:alice#key-1' })).toString('base64url');
  await rejectsWith(verifyFromPrior(`${header}.${payload}.${sig}`, resolver), ErrorCodes.FROM_PRIOR_INVALID);
});

test('from_prior ending a relationship (no sub) is accepted in a message without from', async () => {
  const { jwt } = await packFromPrior({ iss: CHARLIE, iat: 5 }, { resolver, secrets: rotated });
  const { metadata } = await unpack(await packPlaintext(plain({ from_prior: jwt })), opts);
  assert.deepEqual(metadata.fromPrior, { iss: CHARLIE, iat: 5 });
});
