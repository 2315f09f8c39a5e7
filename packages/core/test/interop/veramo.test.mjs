// Interop with Veramo 7 (@veramo/did-comm 7.0.1 on did-jwt 8), issue 13: every envelope both
// ways, with the compat 'veramo' policy and without it. What Veramo emits, measured here: JWEs
// without apv; anoncrypt ECDH-ES+A256KW; authcrypt ECDH-1PU+A256KW from draft 3 (skid, no apu,
// no tag in the KDF); A256GCM by default, A256CBC-HS512 or XC20P on request; flattened JWS with
// the kid in the protected header. Without the policy we refuse its JWEs with the codes we
// always did; with it we read them, and what we write for it (draft-3 authcrypt) it decrypts.
// Both sides resolve the same did:peer:2 documents; the Veramo agent holds bob and a relay.
import { before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Agent, createDID, createMediatedDID, createResolver, ErrorCodes, FORWARD_TYPE, InMemorySecrets, packEncrypted, packPlaintext, packSigned, unpack } from '../../dist/index.js';
import { freshMessage } from './identities.mjs';
import { CapturingTransport, importIdentity, veramoAgent } from './veramo-agent.mjs';

const ENCS = ['A256CBC-HS512', 'A256GCM', 'XC20P'];
const resolver = createResolver();
const header = (packed) => {
  const v = JSON.parse(packed);
  return JSON.parse(Buffer.from(v.protected ?? v.signatures[0].protected, 'base64url').toString());
};
const kidsOf = (p, rel) => p.didDocument[rel].map((k) => (typeof k === 'string' ? k : k.id)).map((id) => (id.startsWith('#') ? `${p.did}${id}` : id));

let alice; // ours
let ourRelay; // ours: a mediator Veramo forwards through
let bob; // Veramo's
let vRelay; // Veramo's: a mediator we forward through
let bobRouted; // Veramo's DID reached through vRelay
let aliceRouted; // our DID reached through ourRelay
let veramo;
let capture;
const oursFor = (p) => ({ resolver, secrets: new InMemorySecrets(p.secrets) });

before(async () => {
  [alice, ourRelay, bob, vRelay] = await Promise.all([createDID('peer'), createDID('peer'), createDID('peer'), createDID('peer')]);
  bobRouted = await createMediatedDID({ uri: 'https://relay.example/didcomm', routingKeys: [kidsOf(vRelay, 'keyAgreement')[0]] });
  aliceRouted = await createMediatedDID({ uri: 'https://our-relay.example/didcomm', routingKeys: [kidsOf(ourRelay, 'keyAgreement')[0]] });
  capture = new CapturingTransport();
  veramo = veramoAgent(resolver, { transports: [capture] });
  for (const p of [bob, vRelay, bobRouted]) await importIdentity(veramo, p);
});

const veramoUnpack = (packed) => veramo.unpackDIDCommMessage({ message: packed });
const veramoPack = (message, packing, options) => veramo.packDIDCommMessage({ message, packing, ...(options ? { options } : {}) }).then((r) => r.message);
/** Veramo's unpack fails with a plain Error whose message says it could not decrypt. */
const veramoCannotDecrypt = (packed) => assert.rejects(veramoUnpack(packed), /unable to decrypt DIDComm message/);

describe('ours -> Veramo', () => {
  test('plaintext and signed: read, no policy needed', async () => {
    const m = freshMessage({ from: alice.did, to: [bob.did] });
    const plain = await veramoUnpack(await packPlaintext(m));
    assert.deepEqual(plain.message, m);
    assert.equal(plain.metaData.packing, 'none');
    const signed = await packSigned(m, { signBy: alice.did, ...oursFor(alice) });
    const got = await veramoUnpack(signed.packed);
    assert.deepEqual(got.message, m);
    assert.equal(got.metaData.packing, 'jws');
  });

  for (const enc of ENCS) {
    test(`anoncrypt ${enc}: read with and without the policy (it tolerates apv)`, async () => {
      for (const compat of [undefined, 'veramo']) {
        const m = freshMessage({ to: [bob.did] });
        const { packed } = await packEncrypted(m, { to: bob.did, encAlgAnon: enc, compat, ...oursFor(alice) });
        assert.ok(header(packed).apv, 'we keep apv under compat');
        const got = await veramoUnpack(packed);
        assert.deepEqual(got.message, m);
        assert.equal(got.metaData.packing, 'anoncrypt');
      }
    });
  }

  for (const enc of ENCS) {
    test(`authcrypt ${enc}: Veramo decrypts it under compat (draft 3: skid, no apu, no tag in the KDF)`, async () => {
      const m = freshMessage({ from: alice.did, to: [bob.did] });
      const { packed, metadata } = await packEncrypted(m, { to: bob.did, from: alice.did, encAlgAuth: enc, compat: 'veramo', ...oursFor(alice) });
      const h = header(packed);
      assert.equal(h.alg, 'ECDH-1PU+A256KW');
      assert.equal(h.skid, metadata.fromKid);
      assert.equal(h.apu, undefined);
      const got = await veramoUnpack(packed);
      assert.deepEqual(got.message, m);
      assert.equal(got.metaData.packing, 'authcrypt');
      // The draft-3 JWE reads back under the policy only.
      const ours = await unpack(packed, { ...oursFor(bob), compat: 'veramo' });
      assert.deepEqual(ours.message, m);
      assert.equal(ours.metadata.encryptedFromKid, metadata.fromKid);
      assert.equal(ours.metadata.compat, 'veramo');
      await assert.rejects(unpack(packed, oursFor(bob)), { code: enc === 'A256CBC-HS512' ? ErrorCodes.MALFORMED : ErrorCodes.UNSUPPORTED });
    });
  }

  test('authcrypt without the policy: draft 4 (tag in the KDF), which Veramo cannot decrypt; GCM/XC20P refused as before', async () => {
    const m = freshMessage({ from: alice.did, to: [bob.did] });
    const { packed } = await packEncrypted(m, { to: bob.did, from: alice.did, ...oursFor(alice) });
    assert.ok(header(packed).apu);
    await veramoCannotDecrypt(packed);
    await assert.rejects(packEncrypted(m, { to: bob.did, from: alice.did, encAlgAuth: 'A256GCM', ...oursFor(alice) }), { code: ErrorCodes.UNSUPPORTED });
    await assert.rejects(packEncrypted(m, { to: bob.did, from: alice.did, compat: 'Veramo', ...oursFor(alice) }), TypeError);
  });

  test('forward through a Veramo relay: Veramo unwraps it, the authcrypt inside decrypts under compat only', async () => {
    for (const compat of ['veramo', undefined]) {
      const m = freshMessage({ from: alice.did, to: [bobRouted.did] });
      const { packed, metadata } = await packEncrypted(m, { to: bobRouted.did, from: alice.did, compat, ...oursFor(alice) });
      assert.equal(metadata.forwarded, true);
      const fwd = await veramoUnpack(packed);
      assert.equal(fwd.metaData.packing, 'anoncrypt');
      assert.equal(fwd.message.type, FORWARD_TYPE);
      assert.equal(fwd.message.body.next, bobRouted.did);
      const inner = JSON.stringify(fwd.message.attachments[0].data.json);
      if (compat) {
        const got = await veramoUnpack(inner);
        assert.deepEqual(got.message, m);
        assert.equal(got.metaData.packing, 'authcrypt');
      } else {
        await veramoCannotDecrypt(inner);
      }
    }
  });
});

describe('Veramo -> ours', () => {
  test('plaintext and flattened JWS: read, no policy needed', async () => {
    const m = freshMessage({ from: bob.did, to: [alice.did] });
    const plain = await unpack(await veramoPack(m, 'none'), oursFor(alice));
    assert.deepEqual(plain.message, m);
    const jws = await veramoPack(m, 'jws');
    assert.equal(JSON.parse(jws).signatures, undefined, 'Veramo signs in the flattened serialization');
    const got = await unpack(jws, oursFor(alice));
    assert.deepEqual(got.message, m);
    assert.equal(got.metadata.nonRepudiation, true);
    assert.equal(got.metadata.signFrom, kidsOf(bob, 'authentication')[0]);
    assert.equal(got.metadata.compat, undefined);
  });

  for (const enc of ENCS) {
    test(`anoncrypt ${enc}: no apv; read under compat, ERR_MALFORMED without`, async () => {
      const m = freshMessage({ to: [alice.did] });
      const packed = await veramoPack(m, 'anoncrypt', { enc });
      const h = header(packed);
      assert.equal(h.apv, undefined);
      assert.equal(h.alg, 'ECDH-ES+A256KW');
      await assert.rejects(unpack(packed, oursFor(alice)), { code: ErrorCodes.MALFORMED, message: /no apv/ });
      const got = await unpack(packed, { ...oursFor(alice), compat: 'veramo' });
      assert.deepEqual(got.message, m);
      assert.equal(got.metadata.encAlgAnon, `ECDH-ES+A256KW/${enc}`);
      assert.equal(got.metadata.anonymousSender, true);
      assert.equal(got.metadata.compat, 'veramo');
    });
  }

  for (const enc of [undefined, ...ENCS]) {
    const name = enc ?? 'default (A256GCM)';
    test(`authcrypt ${name}: draft 3; read under compat, refused with today's code without`, async () => {
      const m = freshMessage({ from: bob.did, to: [alice.did] });
      const packed = await veramoPack(m, 'authcrypt', enc ? { enc } : undefined);
      const h = header(packed);
      assert.equal(h.alg, 'ECDH-1PU+A256KW');
      assert.equal(h.enc, enc ?? 'A256GCM');
      assert.equal(h.apu, undefined);
      assert.equal(h.apv, undefined);
      // Today's refusals: "skid present, but no apu" for CBC-HMAC; the encryption itself otherwise.
      const code = h.enc === 'A256CBC-HS512' ? ErrorCodes.MALFORMED : ErrorCodes.UNSUPPORTED;
      await assert.rejects(unpack(packed, oursFor(alice)), { code });
      await assert.rejects(unpack(packed, { ...oursFor(alice), allowMissingApv: true }), { code });
      const got = await unpack(packed, { ...oursFor(alice), compat: 'veramo' });
      assert.deepEqual(got.message, m);
      assert.equal(got.metadata.authenticated, true);
      assert.equal(got.metadata.anonymousSender, false);
      assert.equal(got.metadata.encryptedFromKid, h.skid);
      assert.equal(got.metadata.encryptedFromKid, kidsOf(bob, 'keyAgreement')[0]);
      assert.equal(got.metadata.encAlgAuth, `ECDH-1PU+A256KW/${h.enc}`);
      assert.equal(got.metadata.compat, 'veramo');
    });
  }

  for (const packing of ['anoncrypt', 'authcrypt']) {
    test(`${packing} with Veramo's XC20PKW key wrapping (on request): read under compat, ERR_UNSUPPORTED without`, async () => {
      for (const enc of ENCS) {
        const m = freshMessage({ ...(packing === 'authcrypt' ? { from: bob.did } : {}), to: [alice.did] });
        const packed = await veramoPack(m, packing, { enc, alg: packing === 'authcrypt' ? 'ECDH-1PU+XC20PKW' : 'ECDH-ES+XC20PKW' });
        const alg = header(packed).alg;
        assert.equal(alg, packing === 'authcrypt' ? 'ECDH-1PU+XC20PKW' : 'ECDH-ES+XC20PKW');
        assert.ok(JSON.parse(packed).recipients[0].header.tag, 'the wrapped key has its own iv and tag');
        await assert.rejects(unpack(packed, oursFor(alice)), { code: ErrorCodes.UNSUPPORTED, message: /is not supported/ });
        const got = await unpack(packed, { ...oursFor(alice), compat: 'veramo' });
        assert.deepEqual(got.message, m);
        assert.equal(packing === 'authcrypt' ? got.metadata.encAlgAuth : got.metadata.encAlgAnon, `${alg}/${enc}`);
        assert.equal(got.metadata.compat, 'veramo');
        // The wrapped key is authenticated: a flipped bit of its tag fails like any decryption.
        const bad = JSON.parse(packed);
        const tag = Buffer.from(bad.recipients[0].header.tag, 'base64url');
        tag[0] ^= 1;
        bad.recipients[0].header.tag = tag.toString('base64url');
        await assert.rejects(unpack(bad, { ...oursFor(alice), compat: 'veramo' }), { code: ErrorCodes.DECRYPTION_FAILED });
      }
    });
  }

  test('authcrypt under compat still authenticates: another skid, an added apu, or a changed byte fail', async () => {
    const m = freshMessage({ from: bob.did, to: [alice.did] });
    const packed = JSON.parse(await veramoPack(m, 'authcrypt', { enc: 'A256CBC-HS512' }));
    const withHeader = (edit) => {
      const h = header(JSON.stringify(packed));
      edit(h);
      return { ...packed, protected: Buffer.from(JSON.stringify(h)).toString('base64url') };
    };
    const policy = { ...oursFor(alice), compat: 'veramo' };
    // Claim another sender (one whose key we can resolve): the KDF's static part differs.
    await assert.rejects(unpack(withHeader((h) => (h.skid = kidsOf(vRelay, 'keyAgreement')[0])), policy), { code: ErrorCodes.DECRYPTION_FAILED });
    // Add an apu that names the true sender: then it is draft 4, whose KDF takes the tag.
    await assert.rejects(unpack(withHeader((h) => (h.apu = Buffer.from(h.skid).toString('base64url'))), policy), { code: ErrorCodes.DECRYPTION_FAILED });
    const ct = Buffer.from(packed.ciphertext, 'base64url');
    ct[0] ^= 1;
    await assert.rejects(unpack({ ...packed, ciphertext: ct.toString('base64url') }, policy), { code: ErrorCodes.DECRYPTION_FAILED });
    assert.deepEqual((await unpack(packed, policy)).message, m);
  });

  test('forward from Veramo (no apv) through our relay: unwrapped under compat, ERR_MALFORMED without; the inner authcrypt reads under compat', async () => {
    capture.sent.length = 0;
    const m = freshMessage({ from: bob.did, to: [aliceRouted.did] });
    const inner = await veramoPack(m, 'authcrypt');
    await veramo.sendDIDCommMessage({ packedMessage: { message: inner }, recipientDidUrl: aliceRouted.did, messageId: m.id });
    assert.equal(capture.sent.length, 1);
    const { service, message: wire } = capture.sent[0];
    assert.equal(service.serviceEndpoint.uri, 'https://our-relay.example/didcomm');
    assert.equal(header(wire).apv, undefined);
    await assert.rejects(unpack(wire, oursFor(ourRelay)), { code: ErrorCodes.MALFORMED, message: /no apv/ });
    const fwd = await unpack(wire, { ...oursFor(ourRelay), compat: 'veramo' });
    assert.equal(fwd.message.type, FORWARD_TYPE);
    assert.equal(fwd.message.body.next, aliceRouted.did);
    assert.equal(fwd.metadata.compat, 'veramo');
    const payload = fwd.message.attachments[0].data.json;
    await assert.rejects(unpack(payload, oursFor(aliceRouted)), { code: ErrorCodes.UNSUPPORTED });
    const got = await unpack(payload, { ...oursFor(aliceRouted), compat: 'veramo' });
    assert.deepEqual(got.message, m);
    assert.equal(got.metadata.encryptedFromKid, kidsOf(bob, 'keyAgreement')[0]);
  });
});

describe('our Agent and a Veramo agent', () => {
  test('receive with unpackPolicy { compat }, send with { compat }: a round trip of authcrypt messages', async () => {
    const carol = await createDID('peer', { services: [{ uri: 'https://veramo.example/didcomm' }] }); // Veramo's, with an endpoint
    await importIdentity(veramo, carol);
    const wire = [];
    const transport = { schemes: ['https'], send: async (uri, packed) => void wire.push({ uri, packed }) };
    const agent = new Agent({ did: alice.did, secrets: new InMemorySecrets(alice.secrets), resolver, transports: [transport], unpackPolicy: { compat: 'veramo' } });
    const seen = [];
    agent.on('https://example.com/protocols/interop/1.0/ping', (ctx) => void seen.push({ id: ctx.message.id, sender: ctx.sender }));
    try {
      const m = freshMessage({ from: carol.did, to: [alice.did] });
      await agent.receive(await veramoPack(m, 'authcrypt'));
      assert.deepEqual(seen, [{ id: m.id, sender: carol.did }]);
      const reply = freshMessage({ from: alice.did, to: [carol.did] });
      await agent.send(reply, { compat: 'veramo' });
      assert.equal(wire.length, 1);
      assert.equal(wire[0].uri, 'https://veramo.example/didcomm');
      const got = await veramoUnpack(wire[0].packed);
      assert.deepEqual(got.message, reply);
      assert.equal(got.metaData.packing, 'authcrypt');
      // Without the option the agent writes draft 4, which Veramo cannot read.
      await agent.send(freshMessage({ from: alice.did, to: [carol.did] }));
      await veramoCannotDecrypt(wire[1].packed);
    } finally {
      await agent.stop();
    }
  });
});

describe('the policy itself', () => {
  test('an unknown compat value is caller misuse (TypeError), not a silent strict mode', async () => {
    const m = freshMessage({ from: bob.did, to: [alice.did] });
    const packed = await veramoPack(m, 'anoncrypt');
    await assert.rejects(unpack(packed, { ...oursFor(alice), compat: 'veramo7' }), TypeError);
  });

  test('strict messages read the same under compat (it only adds the dialect)', async () => {
    const m = freshMessage({ from: alice.did, to: [bob.did] });
    for (const from of [undefined, alice.did]) {
      const { packed } = await packEncrypted(m, { to: bob.did, from, ...oursFor(alice) });
      const strict = await unpack(packed, oursFor(bob));
      const lax = await unpack(packed, { ...oursFor(bob), compat: 'veramo' });
      assert.deepEqual(lax, strict);
      assert.equal(lax.metadata.compat, undefined);
    }
  });
});
