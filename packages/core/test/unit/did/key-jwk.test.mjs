// did:key and did:jwk: spec examples, every curve, derived X25519, bad input.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { resolveDidKey, didKeyFromPublicKey, resolveDidJwk, didJwkFromJwk, verificationMethodPublicKey, methodsFor, createDID } from '../../../dist/did/index.js';
import { base58Decode, multikeyToPublicRaw } from '../../../dist/keys/multikey.js';

const ED = 'did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK';
const ED_X = 'z6LSj72tK8brWgZja8NLRwPigth2T9QRiG1uH9oKZuKjdh9p';

test('did:key Ed25519 resolves to the did:key spec example document (v0.7, Ed25519VerificationKey2020)', () => {
  const vm = (id, type, mb) => ({ id: `${ED}#${id}`, type, controller: ED, publicKeyMultibase: mb });
  const k = `${ED}#${ED.slice(8)}`;
  assert.deepStrictEqual(resolveDidKey(ED), {
    '@context': ['https://www.w3.org/ns/did/v1', 'https://w3id.org/security/suites/ed25519-2020/v1', 'https://w3id.org/security/suites/x25519-2020/v1'],
    id: ED,
    verificationMethod: [vm(ED.slice(8), 'Ed25519VerificationKey2020', ED.slice(8))],
    authentication: [k],
    assertionMethod: [k],
    capabilityDelegation: [k],
    capabilityInvocation: [k],
    keyAgreement: [vm(ED_X, 'X25519KeyAgreementKey2020', ED_X)],
  });
});

// w3c-ccg/did-method-key test-vectors/ed25519-x25519.json (seeds 0 and 1): the derived X25519 key.
const ED_X_VECTORS = [
  ['did:key:z6MkiTBz1ymuepAQ4HEHYSF1H8quG5GLVVQR3djdX3mDooWp', 'z6LShs9GGnqk85isEBzzshkuVWrVKsRp24GnDuHk8QWkARMW', '7By6kV2t2d188odEM4ExAve1UithKT6dLva4dwsDT3ak'],
  ['did:key:z6MkjchhfUsD6mmvni8mCdXHw216Xrm9bQe2mBH1P5RDjVJG', 'z6LSrHyXiPBhUbvPUtyUCdf32sniiMGPTAesgHrtEa4FePtr', 'FcoNC5NqP9CePWbhfz95iHaEsCjGkZUioK9Ck7Qiw286'],
];
for (const [did, xmb, xb58] of ED_X_VECTORS) {
  test(`did:key spec vector ${did.slice(8, 20)}: derived keyAgreement id and key`, () => {
    const doc = resolveDidKey(did, { publicKeyFormat: 'Suite2018' });
    const [ka] = methodsFor(doc, 'keyAgreement');
    assert.equal(ka.id, `${did}#${xmb}`);
    assert.equal(ka.type, 'X25519KeyAgreementKey2019');
    assert.equal(ka.publicKeyBase58, xb58);
    assert.deepEqual(verificationMethodPublicKey(ka).raw, base58Decode(xb58));
  });
}

// w3c-ccg/did-method-key test-vectors/nist-curves.json and secp256k1.json.
const EC_VECTORS = [
  ['did:key:zDnaerx9CtbPJ1q36T5Ln5wYt3MQYeGRG5ehnPAmxcf5mDZpv', 'P-256', 'igrFmi0whuihKnj9R3Om1SoMph72wUGeFaBbzG2vzns', 'efsX5b10x8yjyrj4ny3pGfLcY7Xby1KzgqOdqnsrJIM'],
  ['did:key:z82Lm1MpAkeJcix9K8TMiLd5NMAhnwkjjCBeWHXyu3U4oT2MVJJKXkcVBgjGhnLBn2Kaau9', 'P-384', 'lInTxl8fjLKp_UCrxI0WDklahi-7-_6JbtiHjiRvMvhedhKVdHBfi2HCY8t_QJyc', 'y6N1IC-2mXxHreETBW7K3mBcw0qGr3CWHCs-yl09yCQRLcyfGv7XhqAngHOu51Zv'],
  ['did:key:z2J9gaYxrKVpdoG9A4gRnmpnRCcxU6agDtFVVBVdn1JedouoZN7SzcyREXXzWgt3gGiwpoHq7K68X4m32D8HgzG8wv3sY5j7', 'P-521', 'ASUHPMyichQ0QbHZ9ofNx_l4y7luncn5feKLo3OpJ2nSbZoC7mffolj5uy7s6KSKXFmnNWxGJ42IOrjZ47qqwqyS', 'AW9ziIC4ZQQVSNmLlp59yYKrjRY0_VqO-GOIYQ9tYpPraBKUloEId6cI_vynCzlZWZtWpgOM3HPhYEgawQ703RjC'],
];
for (const [did, crv, x, y] of EC_VECTORS) {
  test(`did:key spec vector ${crv}: JWK x/y, one key for signing and agreement`, () => {
    const doc = resolveDidKey(did, { publicKeyFormat: 'JsonWebKey2020' });
    const vm = doc.verificationMethod[0];
    assert.deepEqual(vm.publicKeyJwk, { kty: 'EC', crv, x, y });
    assert.equal(vm.id, `${did}#${did.slice(8)}`);
    for (const rel of ['authentication', 'assertionMethod', 'keyAgreement', 'capabilityInvocation', 'capabilityDelegation']) assert.deepEqual(doc[rel], [vm.id], rel);
    // the default format is Multikey for EC keys, with the same key
    const def = resolveDidKey(did).verificationMethod[0];
    assert.equal(def.type, 'Multikey');
    assert.deepEqual(verificationMethodPublicKey(def).raw, verificationMethodPublicKey(vm).raw);
  });
}

test('did:key secp256k1 spec vector: compressed base58 key matches', () => {
  const did = 'did:key:zQ3shokFTS3brHcDQrn82RUDfCZESWL1ZdCEJwekUDPQiYBme';
  const compressed = base58Decode('23o6Sau8NxxzXcgSc3PLcNxrzrZpbLeBn1izfv3jbKhuv');
  const { curve, raw } = verificationMethodPublicKey(resolveDidKey(did).verificationMethod[0]);
  assert.equal(curve, 'secp256k1');
  assert.deepEqual(raw.subarray(1, 33), compressed.subarray(1));
  assert.equal(didKeyFromPublicKey(curve, raw), did);
});

test('did:key X25519 has keyAgreement only', () => {
  const doc = resolveDidKey(`did:key:${ED_X}`);
  assert.equal(doc.authentication, undefined);
  assert.deepEqual(doc.keyAgreement, [`did:key:${ED_X}#${ED_X}`]);
  assert.deepEqual(verificationMethodPublicKey(doc.verificationMethod[0]).raw, multikeyToPublicRaw(ED_X).raw);
});

test('did:key derivation can be turned off', () => {
  assert.equal(resolveDidKey(ED, { enableEncryptionKeyDerivation: false }).keyAgreement, undefined);
});

for (const bad of ['did:key:', 'did:key:abc', 'did:key:z', 'did:key:z6Mk', 'did:key:zQ3shokFTS3brHcDQrn82RUDfCZESWL1ZdCEJwekUDPQiYBmX', 'did:key:z0OIl', 'did:jwk:x', 'did:key:z' + '1'.repeat(500)]) {
  test(`malformed did:key ${bad.slice(0, 40)} is a typed error`, () => {
    assert.throws(() => resolveDidKey(bad), (e) => ['ERR_MALFORMED', 'ERR_INVALID_KEY', 'ERR_UNSUPPORTED'].includes(e?.code));
  });
}

// did:jwk spec examples (quartzjer/did-jwk spec.md): P-256 with every relationship, X25519 "use":"enc".
const JWK_P256 = 'did:jwk:eyJjcnYiOiJQLTI1NiIsImt0eSI6IkVDIiwieCI6ImFjYklRaXVNczNpOF91c3pFakoydHBUdFJNNEVVM3l6OTFQSDZDZEgyVjAiLCJ5IjoiX0tjeUxqOXZXTXB0bm1LdG00NkdxRHo4d2Y3NEk1TEtncmwyR3pIM25TRSJ9';
const JWK_X25519 = 'did:jwk:eyJrdHkiOiJPS1AiLCJjcnYiOiJYMjU1MTkiLCJ1c2UiOiJlbmMiLCJ4IjoiM3A3YmZYdDl3YlRUVzJIQzdPUTFOei1EUThoYmVHZE5yZngtRkctSUswOCJ9';

test('did:jwk P-256 spec example', () => {
  const id = `${JWK_P256}#0`;
  assert.deepStrictEqual(resolveDidJwk(JWK_P256), {
    '@context': ['https://www.w3.org/ns/did/v1', 'https://w3id.org/security/suites/jws-2020/v1'],
    id: JWK_P256,
    verificationMethod: [{ id, type: 'JsonWebKey2020', controller: JWK_P256, publicKeyJwk: { crv: 'P-256', kty: 'EC', x: 'acbIQiuMs3i8_uszEjJ2tpTtRM4EU3yz91PH6CdH2V0', y: '_KcyLj9vWMptnmKtm46GqDz8wf74I5LKgrl2GzH3nSE' } }],
    assertionMethod: [id],
    authentication: [id],
    capabilityInvocation: [id],
    capabilityDelegation: [id],
    keyAgreement: [id],
  });
});

test('did:jwk X25519 "use":"enc" spec example has keyAgreement only', () => {
  const doc = resolveDidJwk(JWK_X25519);
  assert.deepEqual(doc.keyAgreement, [`${JWK_X25519}#0`]);
  assert.equal(doc.authentication, undefined);
  assert.equal(doc.verificationMethod[0].publicKeyJwk.x, '3p7bfXt9wbTTW2HC7OQ1Nz-DQ8hbeGdNrfx-FG-IK08');
});

test('did:jwk round trip from a JWK, and refuses a private JWK', async () => {
  const { secrets } = await createDID('jwk', { curve: 'P-384' });
  const { d, ...pub } = secrets[0].privateKeyJwk;
  assert.ok(d);
  const did = didJwkFromJwk(pub);
  assert.deepEqual(resolveDidJwk(did).verificationMethod[0].publicKeyJwk, pub);
  assert.throws(() => didJwkFromJwk(secrets[0].privateKeyJwk), TypeError);
  const privateDid = 'did:jwk:' + Buffer.from(JSON.stringify(secrets[0].privateKeyJwk)).toString('base64url');
  assert.throws(() => resolveDidJwk(privateDid), (e) => e.code === 'ERR_MALFORMED');
});

const enc = (o) => 'did:jwk:' + Buffer.from(typeof o === 'string' ? o : JSON.stringify(o)).toString('base64url');
for (const [name, bad] of [
  ['not base64url', 'did:jwk:@@@'],
  ['not JSON', enc('{{')],
  ['array', enc([1])],
  ['unknown curve', enc({ kty: 'EC', crv: 'P-192', x: 'AA', y: 'AA' })],
  ['short x', enc({ kty: 'OKP', crv: 'Ed25519', x: 'AAAA' })],
  ['kty mismatch', enc({ kty: 'EC', crv: 'Ed25519', x: 'owBhCbktDjkfS6PdQddT0D3yjSitaSysP3YimJ_YgmA' })],
  ['deep nesting', enc('['.repeat(100) + ']'.repeat(100))],
  ['empty', 'did:jwk:'],
]) {
  test(`malformed did:jwk (${name}) is a typed error`, () => {
    assert.throws(() => resolveDidJwk(bad), (e) => ['ERR_MALFORMED', 'ERR_INVALID_KEY', 'ERR_UNSUPPORTED', 'ERR_LIMIT_EXCEEDED'].includes(e?.code));
  });
}
