// Bad input never crashes the resolver: random and mutated DIDs of every method give a
// document, null, or a typed DIDCommError, never another exception.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadVector } from '../../helpers.mjs';
import { createResolver } from '../../../dist/did/index.js';
import { DIDCommError } from '../../../dist/errors.js';

const spec = loadVector('did-peer/spec_examples.json');
const py = loadVector('did-peer/peer_did_python_vectors.json').values;
const seeds = [
  spec.numalgo2.did, spec.numalgo4.long_form_did, spec.numalgo4.short_form_did, spec.numalgo3.did, py.PEER_DID_NUMALGO_0, py.PEER_DID_NUMALGO_2_2_SERVICES,
  'did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK', 'did:key:zDnaerx9CtbPJ1q36T5Ln5wYt3MQYeGRG5ehnPAmxcf5mDZpv',
  'did:jwk:eyJjcnYiOiJQLTI1NiIsImt0eSI6IkVDIiwieCI6ImFjYklRaXVNczNpOF91c3pFakoydHBUdFJNNEVVM3l6OTFQSDZDZEgyVjAiLCJ5IjoiX0tjeUxqOXZXTXB0bm1LdG00NkdxRHo4d2Y3NEk1TEtncmwyR3pIM25TRSJ9',
  'did:web:example.com%3A8443:user:alice',
];

// A small deterministic PRNG, so a failure reproduces.
let state = 0x9e3779b9;
const rnd = () => ((state = (state * 1664525 + 1013904223) >>> 0) / 2 ** 32);
const pick = (s) => s[Math.floor(rnd() * s.length)];
const ALPHABET = 'abcdefzQm0123456789ABCDEFXYZ.:%#?/_-=+ \u00e9\u0000{}"[]eyJ';

function mutate(s) {
  const chars = [...s];
  const n = 1 + Math.floor(rnd() * 4);
  for (let i = 0; i < n; i++) {
    const at = Math.floor(rnd() * chars.length);
    const op = rnd();
    if (op < 0.4) chars[at] = pick(ALPHABET);
    else if (op < 0.7) chars.splice(at, 1);
    else chars.splice(at, 0, pick(ALPHABET));
  }
  if (rnd() < 0.1) return chars.slice(0, Math.floor(rnd() * chars.length)).join('');
  return chars.join('');
}

function randomDid() {
  const prefix = pick(['did:peer:0', 'did:peer:1', 'did:peer:2.', 'did:peer:3', 'did:peer:4', 'did:key:z', 'did:jwk:', 'did:web:', 'did:', '']);
  let s = prefix;
  const len = Math.floor(rnd() * 120);
  for (let i = 0; i < len; i++) s += pick(ALPHABET);
  return s;
}

const resolver = createResolver({ cache: false, fetch: async () => new Response('{}', { status: 404 }) });

async function check(input) {
  try {
    const doc = await resolver.resolve(input);
    assert.ok(doc === null || typeof doc.id === 'string', `bad result for ${JSON.stringify(input)}`);
  } catch (e) {
    assert.ok(e instanceof DIDCommError, `untyped ${e?.name}: ${e?.message} for ${JSON.stringify(input).slice(0, 200)}`);
    assert.match(e.code, /^ERR_/);
  }
}

test('2000 mutated vector DIDs: document, null, or DIDCommError', async () => {
  for (let i = 0; i < 2000; i++) await check(mutate(pick(seeds)));
});

test('2000 random strings with method prefixes: document, null, or DIDCommError', async () => {
  for (let i = 0; i < 2000; i++) await check(randomDid());
});

test('non-string and oversized inputs are typed errors', async () => {
  for (const v of [undefined, null, 1, {}, [], 'did:peer:2.' + 'Vz6Mk'.repeat(3000), 'did:key:z' + '1'.repeat(9000)]) {
    await assert.rejects(resolver.resolve(v), (e) => e instanceof DIDCommError);
  }
});
