// The composite resolver: built-in methods, static documents, cache bounds, did-resolver adapters.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadVector } from '../../helpers.mjs';
import { createResolver, CachingResolver, fromResolvable, fromMethodDriver, toResolvable, resolveOrThrow, createDID } from '../../../dist/did/index.js';

const spec = loadVector('did-peer/spec_examples.json');
const docs = loadVector('didcomm-rust/did_docs.json');
const alice = Object.values(docs).find((d) => d && d.id === 'did:example:alice') ?? findDoc(docs, 'did:example:alice');
function findDoc(o, id) {
  if (!o || typeof o !== 'object') return undefined;
  if (o.id === id && o.verificationMethod) return o;
  for (const v of Object.values(o)) {
    const f = findDoc(v, id);
    if (f) return f;
  }
}

test('built-in methods resolve: peer, key, jwk', async () => {
  const r = createResolver();
  for (const m of ['key', 'jwk']) {
    const { did } = await createDID(m);
    assert.equal((await r.resolve(did)).id, did);
  }
  assert.deepStrictEqual(await r.resolve(spec.numalgo2.did), spec.numalgo2.resolved_doc);
});

test('short peer DIDs resolve once their long form went through the same resolver', async () => {
  const r = createResolver();
  assert.equal(await r.resolve(spec.numalgo4.short_form_did), null);
  assert.equal(await r.resolve(spec.numalgo3.numalgo2_example_alsoKnownAs), null);
  await r.resolve(spec.numalgo4.long_form_did);
  await r.resolve(spec.numalgo2.did);
  assert.deepStrictEqual(await r.resolve(spec.numalgo4.short_form_did), spec.numalgo4.resolved_short_form_doc);
  assert.equal((await r.resolve(spec.numalgo3.numalgo2_example_alsoKnownAs)).alsoKnownAs[0], spec.numalgo2.did);
  assert.ok(r.peerStore.size >= 2);
});

test('legacy peer format is a resolver option', async () => {
  const py = loadVector('did-peer/peer_did_python_vectors.json').values;
  const r = createResolver({ peer: { format: 'legacy-multibase' } });
  assert.deepStrictEqual(await r.resolve(py.PEER_DID_NUMALGO_2), py.DID_DOC_NUMALGO_2_MULTIBASE);
});

test('static documents (array or map) resolve first, and are isolated from the caller', async () => {
  assert.ok(alice, 'vector doc');
  const mine = structuredClone(alice);
  const r = createResolver({ static: [mine] });
  const got = await r.resolve('did:example:alice');
  assert.deepStrictEqual(got, alice);
  mine.id = 'changed';
  assert.equal((await r.resolve('did:example:alice')).id, 'did:example:alice');
  assert.throws(() => {
    got.id = 'x';
  }, TypeError);
  const r2 = createResolver({ static: { 'did:example:alice': alice } });
  assert.equal((await r2.resolve('did:example:alice#key-1')).id, 'did:example:alice');
});

test('unknown methods are ERR_UNSUPPORTED; malformed input ERR_MALFORMED', async () => {
  const r = createResolver();
  await assert.rejects(r.resolve('did:nope:123'), (e) => e.code === 'ERR_UNSUPPORTED');
  for (const bad of ['', 'did:', 'nope', 'did:KEY:z6Mk', 42, null]) await assert.rejects(r.resolve(bad), (e) => e.code === 'ERR_MALFORMED', String(bad));
  await assert.rejects(resolveOrThrow(r, spec.numalgo4.short_form_did), (e) => e.code === 'ERR_DID_NOT_FOUND');
});

test('cache: TTL expiry, size bound, shared in-flight lookups, no caching of absence or failure', async () => {
  let now = 0;
  let calls = 0;
  let answer = { id: 'did:ex:1' };
  const inner = {
    async resolve(did) {
      calls++;
      await new Promise((r) => setTimeout(r, 5));
      if (did === 'did:ex:missing') return null;
      if (did === 'did:ex:fail') throw new Error('down');
      return { ...answer, id: did };
    },
  };
  const c = new CachingResolver(inner, { ttlMs: 1000, maxEntries: 2, now: () => now });
  const [a, b] = await Promise.all([c.resolve('did:ex:1'), c.resolve('did:ex:1')]);
  assert.equal(calls, 1, 'concurrent lookups share one call');
  assert.equal(a, b);
  await c.resolve('did:ex:1');
  assert.equal(calls, 1, 'fresh hit');
  now = 1001;
  await c.resolve('did:ex:1');
  assert.equal(calls, 2, 'expired entry reloads');
  await c.resolve('did:ex:2');
  await c.resolve('did:ex:3');
  assert.equal(c.size, 2, 'bounded');
  await c.resolve('did:ex:1');
  assert.equal(calls, 5, 'least recently used was evicted');
  await c.resolve('did:ex:missing');
  await c.resolve('did:ex:missing');
  assert.equal(calls, 7, 'null is not cached');
  await assert.rejects(c.resolve('did:ex:fail'));
  await assert.rejects(c.resolve('did:ex:fail'));
  assert.equal(calls, 9, 'failures are not cached');
  c.invalidate();
  assert.equal(c.size, 0);
});

test('createResolver cache options: ttlMs 0 and cache:false disable caching', async () => {
  let calls = 0;
  const counting = { resolve: async (did) => (calls++, { id: did }) };
  for (const cache of [{ ttlMs: 0 }, false]) {
    calls = 0;
    const r = createResolver({ methods: { ex: counting }, cache });
    await r.resolve('did:ex:a');
    await r.resolve('did:ex:a');
    assert.equal(calls, 2);
  }
  calls = 0;
  const r = createResolver({ methods: { ex: counting }, cache: { ttlMs: 60_000 } });
  await r.resolve('did:ex:a');
  await r.resolve('did:ex:a');
  assert.equal(calls, 1);
  r.invalidate('did:ex:a');
  await r.resolve('did:ex:a');
  assert.equal(calls, 2);
});

// Fake did-resolver pieces with the real library's shapes (DIDResolutionResult, ParsedDID, Resolvable).
const result = (didDocument, error, extra = {}) => ({ didResolutionMetadata: error ? { error } : { contentType: 'application/did+json' }, didDocument, didDocumentMetadata: extra });

test('did-resolver method driver (getResolver() registry value) plugs in, with ParsedDID and a Resolvable', async () => {
  let seen;
  const registry = {
    ex: async (did, parsed, resolver, options) => {
      seen = { did, parsed, options };
      if (parsed.id === 'alias') return resolver.resolve('did:ex:target').then((r) => ({ ...r, didDocument: { ...r.didDocument, id: did } }));
      if (parsed.id === 'gone') return result(null, 'notFound');
      if (parsed.id === 'bad') return result(null, 'invalidDid');
      if (parsed.id === 'weird') return result(null, 'methodNotSupported');
      if (parsed.id === 'throws') throw new Error('network down');
      if (parsed.id === 'deactivated') return result({ id: did }, undefined, { deactivated: true });
      if (parsed.id === 'other') return result({ id: 'did:ex:someone-else' });
      return result({ id: did, service: [] });
    },
  };
  const r = createResolver({ methods: { ...registry } });
  assert.deepEqual(await r.resolve('did:ex:target#frag'), { id: 'did:ex:target', service: [] });
  assert.deepEqual(seen.parsed, { did: 'did:ex:target', didUrl: 'did:ex:target', method: 'ex', id: 'target' });
  assert.equal((await r.resolve('did:ex:alias')).id, 'did:ex:alias', 'driver resolved another DID through us');
  assert.equal(await r.resolve('did:ex:gone'), null);
  assert.equal(await r.resolve('did:ex:deactivated'), null);
  await assert.rejects(r.resolve('did:ex:bad'), (e) => e.code === 'ERR_MALFORMED');
  await assert.rejects(r.resolve('did:ex:weird'), (e) => e.code === 'ERR_RESOLUTION_FAILED');
  await assert.rejects(r.resolve('did:ex:throws'), (e) => e.code === 'ERR_RESOLUTION_FAILED' && e.cause?.message === 'network down');
  await assert.rejects(r.resolve('did:ex:other'), (e) => e.code === 'ERR_RESOLUTION_FAILED');
});

test('a did-resolver Resolvable instance works as `methods`, as `fallback`, or per method', async () => {
  const resolvable = {
    async resolve(didUrl) {
      return didUrl.startsWith('did:ethr:') ? result({ id: didUrl }) : result(null, 'unsupportedDidMethod');
    },
  };
  for (const r of [createResolver({ methods: resolvable }), createResolver({ fallback: resolvable }), createResolver({ methods: { ethr: resolvable } })]) {
    assert.equal((await r.resolve('did:ethr:0xabc')).id, 'did:ethr:0xabc');
  }
  await assert.rejects(createResolver({ fallback: resolvable }).resolve('did:sov:1'), (e) => e.code === 'ERR_UNSUPPORTED');
  // built-ins still win over the fallback
  const { did } = await createDID('key');
  assert.equal((await createResolver({ fallback: resolvable }).resolve(did)).id, did);
});

test('toResolvable exposes our resolver to did-resolver users', async () => {
  const res = toResolvable(createResolver());
  const ok = await res.resolve(spec.numalgo2.did);
  assert.equal(ok.didDocument.id, spec.numalgo2.did);
  assert.equal((await res.resolve('not a did')).didResolutionMetadata.error, 'invalidDid');
  assert.equal((await res.resolve(spec.numalgo4.short_form_did)).didResolutionMetadata.error, 'notFound');
  assert.equal((await res.resolve('did:zzz:1')).didResolutionMetadata.error, 'unsupportedDidMethod');
  // round trip: wrap it back
  assert.equal((await fromResolvable(res).resolve(spec.numalgo2.did)).id, spec.numalgo2.did);
  assert.throws(() => fromMethodDriver('nope', () => null), TypeError);
});

test('CachingResolver: a document used since it was cached outlives one that was not (second chance), and the bound holds', async () => {
  const loads = [];
  const inner = { resolve: async (did) => (loads.push(did), { id: did }) };
  const c = new CachingResolver(inner, { maxEntries: 2 });
  await c.resolve('did:ex:1');
  await c.resolve('did:ex:2');
  await c.resolve('did:ex:1'); // 1 used, 2 not
  await c.resolve('did:ex:3'); // over the bound: 2 goes, not the older 1
  assert.equal(c.size, 2);
  await c.resolve('did:ex:1');
  assert.deepEqual(loads, ['did:ex:1', 'did:ex:2', 'did:ex:3'], '1 was still cached');
  await c.resolve('did:ex:2');
  assert.deepEqual(loads.slice(3), ['did:ex:2'], '2 had been evicted');
  // Every entry used, then many new ones: the size never passes the bound, each pass ends.
  const big = new CachingResolver(inner, { maxEntries: 50 });
  for (let i = 0; i < 50; i++) await big.resolve(`did:ex:b${i}`);
  for (let i = 0; i < 50; i++) await big.resolve(`did:ex:b${i}`);
  for (let i = 0; i < 500; i++) {
    await big.resolve(`did:ex:n${i}`);
    assert.ok(big.size <= 50);
  }
  assert.equal(big.size, 50);
});

test('a cached did:peer:2 document: each method is indexed once with an absolute id, and its key is imported once', async () => {
  const { keysFor, methodKey } = await import('../../../dist/pack/context.js');
  const r = createResolver();
  const { did } = await createDID('peer');
  const first = await keysFor(r, did, 'keyAgreement');
  const again = await keysFor(r, did, 'keyAgreement');
  assert.ok(first.keys.length > 0);
  assert.ok(first.keys[0].kid.startsWith(`${did}#`), 'absolute id');
  assert.equal(first.doc, again.doc, 'the cached document');
  assert.equal(first.keys[0].key, again.keys[0].key, 'the same imported key object (the per-method cache hit)');
  const vm = (await r.resolve(did)).keyAgreement;
  assert.ok(Object.isFrozen(first.doc));
  assert.ok(Array.isArray(vm));
  // A method object that is not a copy of the index (a caller's own) is cached all the same.
  const own = { id: `${did}#own`, type: 'Multikey', controller: did, publicKeyMultibase: 'z6LSbysY2xFMRpGMhb7tFTLMpeuPRaqaWM1yECx2AtzE3KCc' };
  assert.equal(await methodKey(own), await methodKey(own));
});
