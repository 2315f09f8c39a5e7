// Step 2 of DIDComm v1 (issue 13): our v1 envelope against Credo 0.6.3's own
// DidCommEnvelopeService, both ways, Authcrypt and Anoncrypt, with a Credo agent running here
// on our test harness (in-memory storage, libsodium key management). Envelope level only:
// no transport, no mediator.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import sodium from 'libsodium-wrappers';
import { Kms, TypedArrayEncoder } from '@credo-ts/core';
import { DidCommEnvelopeService } from '@credo-ts/didcomm';
import { v1 } from '@didcomm-ts/core';
import { createCredoAgent } from './agent.mjs';

let agent;
let envelopes;
let credoKey; // a PublicJwk with its KMS keyId (the base58 verkey, as Askar named keys)
let ours;

before(async () => {
  agent = await createCredoAgent({ label: 'envelope' });
  envelopes = agent.dependencyManager.resolve(DidCommEnvelopeService);
  await sodium.ready;
  const kp = sodium.crypto_sign_seed_keypair(sodium.randombytes_buf(32));
  const verkey = TypedArrayEncoder.toBase58(kp.publicKey);
  await agent.kms.importKey({
    privateJwk: { kty: 'OKP', crv: 'Ed25519', x: TypedArrayEncoder.toBase64URL(kp.publicKey), d: TypedArrayEncoder.toBase64URL(kp.privateKey.subarray(0, 32)), kid: verkey },
  });
  credoKey = Kms.PublicJwk.fromPublicKey({ kty: 'OKP', crv: 'Ed25519', publicKey: kp.publicKey });
  credoKey.keyId = verkey;
  ours = (await v1.generateV1Key()).key;
});

after(async () => {
  await agent?.shutdown();
});

const ourKeys = (kid) => (kid === ours.verkey ? ours : undefined);
const ourJwk = () => Kms.PublicJwk.fromPublicKey({ kty: 'OKP', crv: 'Ed25519', publicKey: ours.publicKey });
const message = { '@type': 'https://didcomm.org/basicmessage/1.0/message', '@id': 'm-1', content: 'hello from v1', sent_time: new Date().toISOString() };

for (const auth of [true, false]) {
  const alg = auth ? 'Authcrypt' : 'Anoncrypt';

  test(`${alg}: Credo packs, we unpack (content nonce 12 bytes, enc xchacha20poly1305_ietf)`, async () => {
    const env = await envelopes.encryptDidcommV1Message(agent.context, message, [ourJwk()], auth ? credoKey : undefined);
    const header = JSON.parse(Buffer.from(env.protected, 'base64url').toString());
    assert.equal(header.enc, 'xchacha20poly1305_ietf');
    assert.equal(header.alg, alg);
    assert.equal(Buffer.from(env.iv, 'base64url').length, 12, 'Credo writes a 12-byte content nonce');
    const out = await v1.unpackV1(JSON.stringify(env), { keys: ourKeys });
    assert.deepEqual(out.message, message);
    assert.equal(out.alg, alg);
    assert.equal(out.senderKey, auth ? credoKey.keyId : undefined);
  });

  test(`${alg}: we pack, Credo unpacks and names the sender`, async () => {
    const env = await v1.packV1(message, { to: [credoKey.keyId], from: auth ? ours : undefined });
    const out = await envelopes.unpackMessage(agent.context, env);
    assert.deepEqual(out.plaintextMessage, message);
    assert.equal(out.recipientKey.fingerprint, credoKey.fingerprint);
    if (auth) assert.equal(TypedArrayEncoder.toBase58(out.senderKey.publicKey.publicKey), ours.verkey);
    else assert.equal(out.senderKey, undefined);
  });
}

test('Credo forward through a routing key: we open the forward, its payload is for Credo', async () => {
  const mediator = (await v1.generateV1Key()).key;
  const routingJwk = Kms.PublicJwk.fromPublicKey({ kty: 'OKP', crv: 'Ed25519', publicKey: mediator.publicKey });
  const payload = { toJSON: () => message };
  const env = await envelopes.packMessage(agent.context, payload, { recipientKeys: [ourJwk()], routingKeys: [routingJwk], senderKey: credoKey });
  const outer = await v1.unpackV1(env, { keys: (kid) => (kid === mediator.verkey ? mediator : undefined) });
  const fwd = v1.parseV1Message(outer.message);
  assert.equal(fwd['@type'], v1.V1_FORWARD_TYPE);
  const { to, msg } = v1.parseV1Forward(fwd);
  assert.equal(to, ours.verkey);
  const inner = await v1.unpackV1(msg, { keys: ourKeys });
  assert.deepEqual(inner.message, message);
  assert.equal(inner.senderKey, credoKey.keyId);
});

test('a flipped byte in a Credo envelope is DECRYPTION_FAILED here, and ours flipped is refused by Credo', async () => {
  const env = await envelopes.encryptDidcommV1Message(agent.context, message, [ourJwk()], credoKey);
  const ct = Buffer.from(env.ciphertext, 'base64url');
  ct[0] ^= 1;
  await assert.rejects(v1.unpackV1({ ...env, ciphertext: ct.toString('base64url') }, { keys: ourKeys }), (e) => e.code === 'ERR_DECRYPTION_FAILED');
  const mine = await v1.packV1(message, { to: [credoKey.keyId], from: ours });
  const tag = Buffer.from(mine.tag, 'base64url');
  tag[0] ^= 1;
  await assert.rejects(envelopes.unpackMessage(agent.context, { ...mine, tag: tag.toString('base64url') }));
});
