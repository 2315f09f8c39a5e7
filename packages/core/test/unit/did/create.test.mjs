// createDID round trips: resolve the new DID, and every secret matches the document's key
// under the document's absolute id (what pack/unpack look up).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createDID, createResolver, methodsFor, allVerificationMethods, verificationMethodPublicKey, didcommEndpoints } from '../../../dist/did/index.js';
import { keyPairFromSecret, InMemorySecrets } from '../../../dist/secrets/index.js';
import { secretToPrivateKey } from '../../../dist/secrets/keys.js';
import { backend } from '../../../dist/crypto/index.js';

const CURVES = ['Ed25519', 'P-256', 'P-384', 'P-521', 'secp256k1'];

async function checkRoundTrip(created, { sign = true, agree = true } = {}) {
  const resolver = createResolver();
  const doc = await resolver.resolve(created.did);
  assert.deepStrictEqual(doc, created.didDocument, 'createDID returns the resolved document');
  const byId = new Map(allVerificationMethods(doc).map((vm) => [vm.id, vm]));
  const secrets = created.secrets.filter((s) => s.id.startsWith(created.did + '#'));
  assert.ok(secrets.length > 0);
  for (const s of secrets) {
    assert.equal(s.type, 'JsonWebKey2020');
    assert.ok(s.privateKeyJwk.d, 'private JWK');
    const vm = byId.get(s.id);
    assert.ok(vm, `secret ${s.id} names a verification method`);
    const kp = await keyPairFromSecret(s);
    assert.deepEqual(verificationMethodPublicKey(vm).raw, (await secretToPrivateKey(s)).publicKey.raw, `${s.id} public key matches`);
    assert.equal(kp.curve, verificationMethodPublicKey(vm).curve);
  }
  const store = new InMemorySecrets(created.secrets);
  const auth = methodsFor(doc, 'authentication').map((vm) => vm.id);
  const ka = methodsFor(doc, 'keyAgreement').map((vm) => vm.id);
  if (sign) {
    const [kid] = await store.findSecrets(auth);
    assert.ok(kid, 'an authentication key we hold');
    const priv = await secretToPrivateKey(await store.getSecret(kid));
    const msg = new TextEncoder().encode('hello');
    assert.ok(await backend.verify(verificationMethodPublicKey(byId.get(kid)), msg, await backend.sign(priv, msg)));
  } else assert.deepEqual(auth, []);
  if (agree) {
    const [kid] = await store.findSecrets(ka);
    assert.ok(kid, 'a key-agreement key we hold');
    const priv = await secretToPrivateKey(await store.getSecret(kid));
    const eph = await backend.generateKeyPair(priv.curve);
    const pub = { curve: priv.curve, raw: verificationMethodPublicKey(byId.get(kid)).raw };
    assert.deepEqual(await backend.ecdh(priv, eph.publicKey), await backend.ecdh(eph, pub), 'ECDH agrees both ways');
  } else assert.deepEqual(ka, []);
  return doc;
}

test('createDID("peer") defaults to numalgo 2 with Ed25519 authentication and X25519 key agreement', async () => {
  const created = await createDID('peer');
  assert.match(created.did, /^did:peer:2\.Vz6Mk[^.]+\.Ez6LS[^.]+$/);
  const doc = await checkRoundTrip(created);
  assert.deepEqual(created.secrets.map((s) => s.id), [`${created.did}#key-1`, `${created.did}#key-2`]);
  assert.deepEqual(doc.authentication, ['#key-1']);
  assert.deepEqual(doc.keyAgreement, ['#key-2']);
});

for (const curve of ['P-256', 'P-384', 'P-521', 'secp256k1']) {
  test(`createDID("peer", {curve: ${curve}})`, async () => checkRoundTrip(await createDID('peer', { curve })));
}

test('createDID("peer") with services advertises them', async () => {
  const created = await createDID('peer', { services: [{ uri: 'https://mediator.example/didcomm', routingKeys: ['did:example:mediator#key-1'] }] });
  const [ep] = didcommEndpoints(await checkRoundTrip(created));
  assert.deepEqual(ep, { serviceId: `${created.did}#service`, uri: 'https://mediator.example/didcomm', accept: ['didcomm/v2'], routingKeys: ['did:example:mediator#key-1'] });
});

test('createDID("peer", {numalgo: 0}) holds the Ed25519 key and its derived X25519 key', async () => {
  const created = await createDID('peer', { numalgo: 0 });
  assert.match(created.did, /^did:peer:0z6Mk/);
  await checkRoundTrip(created);
  assert.equal(created.secrets.length, 2);
  assert.deepEqual(created.secrets.map((s) => s.privateKeyJwk.crv), ['Ed25519', 'X25519']);
});

test('createDID("peer", {numalgo: 4}) gives long and short forms; secrets for both', async () => {
  const created = await createDID('peer', { numalgo: 4, services: [{ uri: 'https://x.example' }] });
  assert.match(created.did, /^did:peer:4zQm[^:]+:z/);
  assert.ok(created.did.startsWith(created.shortDid + ':'));
  await checkRoundTrip(created);
  const resolver = createResolver();
  await resolver.resolve(created.did);
  const short = await resolver.resolve(created.shortDid);
  const store = new InMemorySecrets(created.secrets);
  const ka = methodsFor(short, 'keyAgreement').map((vm) => vm.id);
  assert.deepEqual(await store.findSecrets(ka), [`${created.shortDid}#key-2`]);
});

test('createDID("key") Ed25519: the X25519 secret has the id the did:key document gives its derived key', async () => {
  const created = await createDID('key');
  await checkRoundTrip(created);
  const [ed, x] = created.secrets;
  assert.equal(ed.id, `${created.did}#${created.did.slice(8)}`);
  assert.match(x.id, new RegExp(`^${created.did}#z6LS`));
  assert.equal(x.privateKeyJwk.crv, 'X25519');
});

for (const curve of ['P-256', 'P-384', 'P-521', 'secp256k1']) {
  test(`createDID("key", {curve: ${curve}}) one key signs and agrees`, async () => {
    const created = await createDID('key', { curve });
    await checkRoundTrip(created);
    assert.equal(created.secrets.length, 1);
  });
}

test('createDID("key", {curve: X25519}) agrees only', async () => checkRoundTrip(await createDID('key', { curve: 'X25519' }), { sign: false }));

test('createDID("jwk") defaults to P-256, one key for both uses', async () => {
  const created = await createDID('jwk');
  assert.equal(created.secrets[0].privateKeyJwk.crv, 'P-256');
  assert.equal(created.secrets[0].id, `${created.did}#0`);
  await checkRoundTrip(created);
});

for (const curve of CURVES.concat('X25519')) {
  test(`createDID("jwk", {curve: ${curve}})`, async () =>
    checkRoundTrip(await createDID('jwk', { curve }), { sign: curve !== 'X25519', agree: curve !== 'Ed25519' }));
}

test('Multikey secrets on request', async () => {
  const created = await createDID('peer', { secretType: 'Multikey' });
  assert.ok(created.secrets.every((s) => s.type === 'Multikey' && /^z/.test(s.privateKeyMultibase)));
  const priv = await secretToPrivateKey(created.secrets[0]);
  assert.equal(priv.curve, 'Ed25519');
});

test('createDID rejects bad options with typed errors', async () => {
  await assert.rejects(createDID('key', { curve: 'P-192' }), (e) => e.code === 'ERR_UNSUPPORTED');
  await assert.rejects(createDID('web'), (e) => e.code === 'ERR_UNSUPPORTED');
  await assert.rejects(createDID('peer', { numalgo: 3 }), (e) => e.code === 'ERR_UNSUPPORTED');
  await assert.rejects(createDID('key', { services: [{ uri: 'https://x' }] }), TypeError);
  await assert.rejects(createDID('peer', { services: [{ uri: '' }] }), TypeError);
  await assert.rejects(createDID('peer', { numalgo: 0, services: [{ uri: 'https://x' }] }), TypeError);
});

test('every createDID gives a fresh key', async () => {
  const a = await createDID('peer');
  const b = await createDID('peer');
  assert.notEqual(a.did, b.did);
});
