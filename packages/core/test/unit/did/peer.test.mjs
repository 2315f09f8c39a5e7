// did:peer: spec examples and peer-did-python vectors resolve exactly; creation round-trips.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadVector } from '../../helpers.mjs';
import { resolvePeerDid, PeerDidStore, createPeer2, createPeer4, peer3FromPeer2, registerPeer1Genesis, createDID, allVerificationMethods, didcommEndpoints } from '../../../dist/did/index.js';
import { encodeService } from '../../../dist/did/methods/peer/service.js';

const spec = loadVector('did-peer/spec_examples.json');
const py = loadVector('did-peer/peer_did_python_vectors.json').values;
const code = (c) => (e) => e?.code === c;

test('numalgo 2 spec example resolves to the spec document exactly, key order included', async () => {
  const doc = await resolvePeerDid(spec.numalgo2.did);
  assert.deepStrictEqual(doc, spec.numalgo2.resolved_doc);
  assert.deepEqual(Object.keys(doc), Object.keys(spec.numalgo2.resolved_doc));
  assert.deepEqual(doc.alsoKnownAs, [spec.numalgo2.resolved_doc.alsoKnownAs[0]]);
});

test('numalgo 2 spec service abbreviation is what we write', () => {
  const ex = spec.numalgo2.service_abbreviation_example;
  const b64 = encodeService(ex.input);
  assert.equal(Buffer.from(b64, 'base64url').toString(), ex.abbreviated_json);
});

test('numalgo 2 reads the un-abbreviated .S variant from the spec text (erratum 16c)', async () => {
  const seg = spec.numalgo2.all_S_segments_in_text[0];
  const did = `did:peer:2.Vz6Mkj3PUd1WjvaDhNZhhhXQdz5UnZXmS7ehtx8bsPpD47kKc.S${seg.b64}`;
  const [ep] = didcommEndpoints(await resolvePeerDid(did));
  assert.deepEqual(ep, { serviceId: `${did}#service`, uri: 'http://example.com/didcomm', accept: ['didcomm/v2'], routingKeys: ['did:example:123456789abcdefghi#key-1'] });
});

test('numalgo 3 derivation matches the spec, and resolves once its numalgo 2 was seen', async () => {
  assert.equal(await peer3FromPeer2(spec.numalgo3.from_numalgo2_did), spec.numalgo3.did);
  assert.equal(await peer3FromPeer2(spec.numalgo2.did), spec.numalgo3.numalgo2_example_alsoKnownAs);
  const store = new PeerDidStore();
  assert.equal(await resolvePeerDid(spec.numalgo3.did, { store }), null);
  await resolvePeerDid(spec.numalgo3.from_numalgo2_did, { store });
  const doc = await resolvePeerDid(spec.numalgo3.did, { store });
  assert.equal(doc.id, spec.numalgo3.did);
  assert.deepEqual(doc.alsoKnownAs, [spec.numalgo3.from_numalgo2_did]);
  assert.ok(doc.verificationMethod.every((vm) => vm.controller === spec.numalgo3.did));
  assert.equal(doc.keyAgreement[0], '#key-1');
});

test('numalgo 4: encoding the spec input gives the spec DIDs; long and short forms resolve exactly', async () => {
  const n4 = spec.numalgo4;
  const { longForm, shortForm } = await createPeer4(n4.input_document);
  assert.equal(longForm, n4.long_form_did);
  assert.equal(shortForm, n4.short_form_did);
  const store = new PeerDidStore();
  assert.equal(await resolvePeerDid(n4.short_form_did, { store }), null, 'short form unknown before the long form is seen');
  assert.deepStrictEqual(await resolvePeerDid(n4.long_form_did, { store }), n4.resolved_long_form_doc);
  assert.deepStrictEqual(await resolvePeerDid(n4.short_form_did, { store }), n4.resolved_short_form_doc);
});

test('numalgo 4 long form with a tampered document or hash is malformed', async () => {
  const long = spec.numalgo4.long_form_did;
  const i = long.lastIndexOf(':') + 20;
  const tampered = long.slice(0, i) + (long[i] === 'a' ? 'b' : 'a') + long.slice(i + 1);
  await assert.rejects(resolvePeerDid(tampered), code('ERR_MALFORMED'));
  const badHash = long.replace('zQmd8C', 'zQmd9C');
  await assert.rejects(resolvePeerDid(badHash), code('ERR_MALFORMED'));
});

const legacyCases = [
  ['PEER_DID_NUMALGO_0', 'DID_DOC_NUMALGO_O_BASE58', 'legacy-base58'],
  ['PEER_DID_NUMALGO_0', 'DID_DOC_NUMALGO_O_MULTIBASE', 'legacy-multibase'],
  ['PEER_DID_NUMALGO_0', 'DID_DOC_NUMALGO_O_JWK', 'legacy-jwk'],
  ['PEER_DID_NUMALGO_2', 'DID_DOC_NUMALGO_2_BASE58', 'legacy-base58'],
  ['PEER_DID_NUMALGO_2', 'DID_DOC_NUMALGO_2_MULTIBASE', 'legacy-multibase'],
  ['PEER_DID_NUMALGO_2', 'DID_DOC_NUMALGO_2_JWK', 'legacy-jwk'],
  ['PEER_DID_NUMALGO_2_2_SERVICES', 'DID_DOC_NUMALGO_2_MULTIBASE_2_SERVICES', 'legacy-multibase'],
  ['PEER_DID_NUMALGO_2_NO_SERVICES', 'DID_DOC_NUMALGO_2_MULTIBASE_NO_SERVICES', 'legacy-multibase'],
  ['PEER_DID_NUMALGO_2_MINIMAL_SERVICES', 'DID_DOC_NUMALGO_2_MULTIBASE_MINIMAL_SERVICES', 'legacy-multibase'],
];
for (const [didName, docName, format] of legacyCases) {
  test(`peer-did-python ${docName} reproduced exactly with format ${format}`, async () => {
    assert.deepStrictEqual(await resolvePeerDid(py[didName], { format }), py[docName]);
  });
}

test('a legacy numalgo 2 DID resolves in the current format by default, with a readable endpoint', async () => {
  const doc = await resolvePeerDid(py.PEER_DID_NUMALGO_2);
  assert.deepEqual(doc['@context'], ['https://www.w3.org/ns/did/v1', 'https://w3id.org/security/multikey/v1']);
  assert.deepEqual(doc.keyAgreement, ['#key-1']);
  assert.deepEqual(doc.authentication, ['#key-2', '#key-3']);
  assert.equal(doc.service[0].id, '#service');
  const [ep] = didcommEndpoints(doc);
  assert.equal(ep.uri, 'https://example.com/endpoint');
  assert.deepEqual(ep.routingKeys, ['did:example:somemediator#somekey']);
  assert.deepEqual(ep.accept, ['didcomm/v2', 'didcomm/aip2;env=rfc587']);
});

test('numalgo 0 current format is the did:key expansion with the derived X25519 key', async () => {
  const did = spec.numalgo0_equivalence.did_peer;
  const doc = await resolvePeerDid(did);
  const mb = did.slice('did:peer:0'.length);
  assert.equal(doc.id, did);
  assert.deepEqual(doc.authentication, [`#${mb}`]);
  assert.equal(doc.verificationMethod.length, 2);
  assert.equal(doc.keyAgreement.length, 1);
  assert.match(doc.keyAgreement[0], /^#z6LS/);
});

test('createPeer2 writes the current service encoding (s is an object, never a string)', async () => {
  const { did } = await createDID('peer', { services: [{ uri: 'https://a.example/didcomm', routingKeys: ['did:example:m#k'] }, { uri: 'wss://b.example' }] });
  const segs = did.split('.').filter((s) => s.startsWith('S'));
  assert.equal(segs.length, 2);
  const first = JSON.parse(Buffer.from(segs[0].slice(1), 'base64url').toString());
  assert.deepEqual(first, { t: 'dm', s: { uri: 'https://a.example/didcomm', a: ['didcomm/v2'], r: ['did:example:m#k'] } });
  const doc = await resolvePeerDid(did);
  assert.deepEqual(doc.service.map((s) => s.id), ['#service', '#service-1']);
  assert.deepEqual(didcommEndpoints(doc).map((e) => e.uri), ['https://a.example/didcomm', 'wss://b.example']);
});

test('createPeer2 keeps key order: #key-N follows the DID', async () => {
  const raw = (n) => ({ curve: 'X25519', raw: new Uint8Array(32).fill(n) });
  const did = createPeer2([{ purpose: 'E', ...raw(9) }, { purpose: 'E', ...raw(7) }]);
  const doc = await resolvePeerDid(did);
  assert.deepEqual(doc.keyAgreement, ['#key-1', '#key-2']);
  assert.ok(allVerificationMethods(doc)[0].id.endsWith('#key-1'));
});

test('numalgo 1 resolves only from a registered genesis document', async () => {
  const store = new PeerDidStore();
  const genesis = JSON.stringify({ '@context': ['https://www.w3.org/ns/did/v1'], verificationMethod: [{ id: '#k1', type: 'Multikey', controller: '#id', publicKeyMultibase: 'z6MkqRYqQiSgvZQdnBytw86Qbs2ZWUkGv22od935YF4s8M7V' }], authentication: ['#k1'] });
  const did = await registerPeer1Genesis(store, genesis);
  assert.match(did, /^did:peer:1zQm/);
  const doc = await resolvePeerDid(did, { store });
  assert.equal(doc.id, did);
  assert.equal(doc.verificationMethod[0].controller, did);
  assert.equal(await resolvePeerDid(did, { store: new PeerDidStore() }), null);
  await assert.rejects(registerPeer1Genesis(store, JSON.stringify({ id: 'did:x:y' })), code('ERR_MALFORMED'));
});

test('the peer store is bounded', async () => {
  const store = new PeerDidStore({ maxEntries: 2 });
  for (let i = 0; i < 4; i++) store.set(`did:peer:3zQm${i}`, { longForm: 'x' });
  assert.equal(store.size, 2);
  assert.ok(!store.has('did:peer:3zQm0') && store.has('did:peer:3zQm3'));
});

const malformed = [
  'did:peer:',
  'did:peer:9z6Mk',
  'did:peer:0',
  'did:peer:0z6Mk',
  'did:peer:0zzzz0OIl',
  'did:peer:2',
  'did:peer:2.',
  'did:peer:2.X' + 'z6MkqRYqQiSgvZQdnBytw86Qbs2ZWUkGv22od935YF4s8M7V',
  'did:peer:2.Vz6MkqRYqQiSgvZQdnBytw86Qbs2ZWUkGv22od935YF4s8M',
  'did:peer:2.Vz6MkqRYqQiSgvZQdnBytw86Qbs2ZWUkGv22od935YF4s8M7V.S',
  'did:peer:2.Vz6MkqRYqQiSgvZQdnBytw86Qbs2ZWUkGv22od935YF4s8M7V.Snotjson',
  'did:peer:2.Vz6MkqRYqQiSgvZQdnBytw86Qbs2ZWUkGv22od935YF4s8M7V.S' + Buffer.from('"a string"').toString('base64url'),
  'did:peer:3zQmS19jtYDvGtKVrJhQnRFp',
  'did:peer:4zQmd8CpeFPci817KDsbSAKWcXAE2mjvCQSasRewvbSF54Bd:',
  'did:peer:4zQmd8CpeFPci817KDsbSAKWcXAE2mjvCQSasRewvbSF54Bd:zzz',
  'did:peer:4zQm',
];
for (const did of malformed) {
  test(`malformed ${did.slice(0, 60)} is ERR_MALFORMED or unsupported, never a crash`, async () => {
    await assert.rejects(resolvePeerDid(did, { store: new PeerDidStore() }), (e) => ['ERR_MALFORMED', 'ERR_UNSUPPORTED', 'ERR_INVALID_KEY'].includes(e?.code));
  });
}
