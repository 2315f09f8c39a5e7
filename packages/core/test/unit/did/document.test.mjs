// DID URL dereferencing over real vector documents: absolute and relative ids, references
// from relationships, embedded methods, controller not assumed to be the DID.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadVector } from '../../helpers.mjs';
import { findVerificationMethod, methodsFor, relationshipIds, isAuthorized, allVerificationMethods, parseDidUrl, absoluteId, resolvePeerDid } from '../../../dist/did/index.js';

const spec = loadVector('spec/did_docs.json');
const alice = spec.alice;
const alice20 = spec['v2.0_variants'].alice;
const peer = loadVector('did-peer/spec_examples.json').numalgo2;

test('relative ids (#key-1) of a did:peer:2 become absolute DID URLs', async () => {
  const doc = await resolvePeerDid(peer.did);
  assert.deepEqual(relationshipIds(doc, 'authentication'), [`${peer.did}#key-1`]);
  assert.equal(findVerificationMethod(doc, '#key-2').id, `${peer.did}#key-2`);
  assert.equal(findVerificationMethod(doc, `${peer.did}#key-2`).publicKeyMultibase, 'z6LSg8zQom395jKLrGiBNruB9MM6V8PWuf2FpEy4uRFiqQBR');
  assert.ok(isAuthorized(doc, 'keyAgreement', '#key-2'));
  assert.ok(!isAuthorized(doc, 'keyAgreement', '#key-1'), 'an authentication key is not a key-agreement key');
});

test('spec Alice: keyAgreement and authentication entries reference methods by absolute id', () => {
  assert.ok(alice, 'vector present');
  const ka = methodsFor(alice, 'keyAgreement');
  assert.ok(ka.length >= 3);
  assert.ok(ka.every((vm) => vm.id.startsWith('did:example:alice#') && vm.type));
  const auth = methodsFor(alice, 'authentication');
  assert.ok(auth.every((vm) => relationshipIds(alice, 'authentication').includes(vm.id)));
  assert.equal(findVerificationMethod(alice, '#nope'), undefined);
  assert.equal(findVerificationMethod(alice, 'did:example:alice#key-x25519-1').publicKeyJwk.crv, 'X25519');
});

test('spec v2.0 Alice (controller = key id) reads the same keys', () => {
  const ids = (d) => methodsFor(d, 'keyAgreement').map((vm) => vm.id);
  assert.deepEqual(ids(alice20), ids(alice));
  const vm = methodsFor(alice20, 'keyAgreement')[0];
  assert.notEqual(vm.controller, alice20.id);
});

test('controller is not assumed to be the DID (v2.0 docs say controller = key id)', () => {
  const did = 'did:example:c';
  const doc = {
    id: did,
    verificationMethod: [{ id: '#k1', type: 'JsonWebKey2020', controller: 'did:example:someone-else', publicKeyJwk: { kty: 'OKP', crv: 'X25519', x: '3p7bfXt9wbTTW2HC7OQ1Nz-DQ8hbeGdNrfx-FG-IK08' } }],
    keyAgreement: ['#k1', { id: `${did}#k2`, type: 'JsonWebKey2020', controller: `${did}#k2`, publicKeyJwk: { kty: 'OKP', crv: 'X25519', x: 'hSDwCYkwp1R0i33ctD73Wg2_Og0mOBr066SpjqqbTmo' } }, '#missing'],
  };
  const ka = methodsFor(doc, 'keyAgreement');
  assert.deepEqual(ka.map((v) => v.id), [`${did}#k1`, `${did}#k2`], 'embedded and referenced; a dangling reference is skipped');
  assert.equal(ka[0].controller, 'did:example:someone-else');
  assert.equal(allVerificationMethods(doc).length, 2);
});

test('DID URL parsing and absolute ids', () => {
  assert.deepEqual(parseDidUrl('did:example:a/p?q=1#f'), { did: 'did:example:a', path: '/p', query: 'q=1', fragment: 'f' });
  assert.equal(absoluteId('did:example:a', '#x'), 'did:example:a#x');
  assert.equal(absoluteId('did:example:a', 'did:example:b#x'), 'did:example:b#x');
  assert.throws(() => parseDidUrl('#x'), (e) => e.code === 'ERR_MALFORMED');
});

test('a document that is not frozen is scanned, a frozen one indexed: the same methods and authorizations', async () => {
  const deepFreeze = (v) => {
    if (v && typeof v === 'object') {
      Object.values(v).forEach(deepFreeze);
      Object.freeze(v);
    }
    return v;
  };
  const docs = [alice, alice20, await resolvePeerDid(peer.did)].map((d) => structuredClone(d));
  for (const doc of docs) {
    const frozen = deepFreeze(structuredClone(doc));
    assert.ok(!Object.isFrozen(doc) && Object.isFrozen(frozen));
    const ids = allVerificationMethods(frozen).map((vm) => vm.id);
    const relative = ids.map((id) => id.slice(id.indexOf('#')));
    for (const id of [...ids, ...relative, '#nope', `${doc.id}#nope`]) {
      assert.deepEqual(findVerificationMethod(doc, id), findVerificationMethod(frozen, id), id);
      for (const rel of ['authentication', 'keyAgreement', 'assertionMethod', 'capabilityInvocation', 'capabilityDelegation']) {
        assert.equal(isAuthorized(doc, rel, id), isAuthorized(frozen, rel, id), `${rel} ${id}`);
      }
    }
    assert.ok(ids.some((id) => isAuthorized(doc, 'keyAgreement', id)), 'the documents authorize something');
  }
});
