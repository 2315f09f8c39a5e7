// DIDComm v1 envelopes (Aries RFC 0019), checked against an independent implementation: the
// envelope built and opened here with libsodium-wrappers (crypto_box_easy, crypto_box_seal,
// crypto_aead_chacha20poly1305_ietf, libsodium's Ed25519 -> X25519 conversion), the way
// indy-sdk, ACA-Py and Credo do, both ways against ours; then tampering, wrong keys, limits,
// malformed input and low-order keys, each with its stable code.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import sodium from 'libsodium-wrappers';
import { v1, DIDCommError } from '../../../dist/index.js';
import * as nacl from '../../../dist/crypto/nacl.js';
import { base58Encode, base58Decode } from '../../../dist/keys/multikey.js';

before(async () => {
  await sodium.ready;
});

const b64u = (b) => Buffer.from(b).toString('base64url');
const unb64 = (s) => new Uint8Array(Buffer.from(s, 'base64'));
const enc = new TextEncoder();
const code = (c) => (e) => e instanceof DIDCommError && e.code === c;

/** A libsodium key pair from an Ed25519 seed, converted as libsodium does. */
function sodiumKey(seed) {
  const kp = sodium.crypto_sign_seed_keypair(seed);
  return {
    seed,
    verkey: base58Encode(kp.publicKey),
    edPublic: kp.publicKey,
    xPublic: sodium.crypto_sign_ed25519_pk_to_curve25519(kp.publicKey),
    xSecret: sodium.crypto_sign_ed25519_sk_to_curve25519(kp.privateKey),
  };
}

/** The RFC 0019 pack, written against libsodium alone (as indy-sdk's pack_message). */
function sodiumPack(message, recipients, sender) {
  const cek = sodium.crypto_aead_chacha20poly1305_ietf_keygen();
  const recips = recipients.map((r) => {
    if (!sender) return { encrypted_key: b64u(sodium.crypto_box_seal(cek, r.xPublic)), header: { kid: r.verkey } };
    const iv = sodium.randombytes_buf(24);
    return {
      encrypted_key: b64u(sodium.crypto_box_easy(cek, iv, r.xPublic, sender.xSecret)),
      header: { kid: r.verkey, sender: b64u(sodium.crypto_box_seal(enc.encode(sender.verkey), r.xPublic)), iv: b64u(iv) },
    };
  });
  const prot = b64u(enc.encode(JSON.stringify({ enc: 'xchacha20poly1305_ietf', typ: 'JWM/1.0', alg: sender ? 'Authcrypt' : 'Anoncrypt', recipients: recips })));
  const iv = sodium.randombytes_buf(12);
  const { ciphertext, mac } = sodium.crypto_aead_chacha20poly1305_ietf_encrypt_detached(enc.encode(JSON.stringify(message)), prot, null, iv, cek);
  return { protected: prot, iv: b64u(iv), ciphertext: b64u(ciphertext), tag: b64u(mac) };
}

/** The RFC 0019 unpack against libsodium alone. */
function sodiumUnpack(envelope, me) {
  const header = JSON.parse(Buffer.from(envelope.protected, 'base64url').toString());
  assert.equal(header.enc, 'xchacha20poly1305_ietf');
  const r = header.recipients.find((x) => x.header.kid === me.verkey);
  let cek;
  let sender;
  if (header.alg === 'Authcrypt') {
    sender = sodium.to_string(sodium.crypto_box_seal_open(unb64(r.header.sender), me.xPublic, me.xSecret));
    const senderX = sodium.crypto_sign_ed25519_pk_to_curve25519(base58Decode(sender));
    cek = sodium.crypto_box_open_easy(unb64(r.encrypted_key), unb64(r.header.iv), senderX, me.xSecret);
  } else {
    cek = sodium.crypto_box_seal_open(unb64(r.encrypted_key), me.xPublic, me.xSecret);
  }
  assert.equal(unb64(envelope.iv).length, 12, 'content nonce is 12 bytes (ChaCha20-Poly1305 IETF)');
  const pt = sodium.crypto_aead_chacha20poly1305_ietf_decrypt_detached(null, unb64(envelope.ciphertext), unb64(envelope.tag), envelope.protected, unb64(envelope.iv), cek);
  return { message: JSON.parse(sodium.to_string(pt)), sender, alg: header.alg };
}

const seed = () => new Uint8Array(sodium.randombytes_buf(32));
async function pair() {
  const s = seed();
  return { ours: await v1.v1KeyFromSeed(s), sodium: sodiumKey(s) };
}
const resolver = (...keys) => (kid) => keys.find((k) => k.verkey === kid);
const msg = { '@type': 'https://didcomm.org/basicmessage/1.0/message', '@id': 'a1', content: 'héllo', sent_time: '2026-12-07T10:00:00Z' };

test('keys: our Ed25519 -> X25519 conversion (public and secret) is libsodium\'s', async () => {
  for (let i = 0; i < 20; i++) {
    const { ours, sodium: s } = await pair();
    assert.equal(ours.verkey, s.verkey);
    assert.deepEqual(new Uint8Array(ours.x25519.publicKey.raw), new Uint8Array(s.xPublic));
    assert.deepEqual(new Uint8Array(v1.verkeyToPublicKey(v1.verkeyToDidKey(s.verkey))), new Uint8Array(s.edPublic));
  }
});

test('primitives: crypto_box_beforenm, crypto_box_easy/open, crypto_box_seal/open and ChaCha20-Poly1305 IETF agree with libsodium', async () => {
  const a = sodium.crypto_box_keypair();
  const b = sodium.crypto_box_keypair();
  const aKey = await nacl.x25519PrivateKey(a.privateKey);
  const bKey = await nacl.x25519PrivateKey(b.privateKey);
  assert.deepEqual(await nacl.boxKey(aKey, b.publicKey), sodium.crypto_box_beforenm(b.publicKey, a.privateKey));
  const nonce = sodium.randombytes_buf(24);
  const m = sodium.randombytes_buf(100);
  const boxed = await nacl.box(m, nonce, b.publicKey, aKey);
  assert.deepEqual(boxed, sodium.crypto_box_easy(m, nonce, b.publicKey, a.privateKey));
  assert.deepEqual(await nacl.boxOpen(boxed, nonce, a.publicKey, bKey), m);
  const sealed = await nacl.seal(m, b.publicKey);
  assert.deepEqual(sodium.crypto_box_seal_open(sealed, b.publicKey, b.privateKey), m);
  assert.deepEqual(await nacl.sealOpen(sodium.crypto_box_seal(m, b.publicKey), bKey), m);
  const key = sodium.randombytes_buf(32);
  const iv = sodium.randombytes_buf(12);
  const aad = enc.encode('aad');
  const { ciphertext, tag } = nacl.chachaIetfEncrypt(key, iv, m, aad);
  const ref = sodium.crypto_aead_chacha20poly1305_ietf_encrypt_detached(m, aad, null, iv, key);
  assert.deepEqual(ciphertext, ref.ciphertext);
  assert.deepEqual(tag, ref.mac);
  assert.deepEqual(nacl.chachaIetfDecrypt(key, iv, ciphertext, tag, aad), m);
  // The @noble path (browsers) and the native one (Node) agree, both ways, and both refuse a flipped tag.
  const noble = nacl.nobleChacha.encrypt(key, iv, m, aad);
  assert.deepEqual(noble.ciphertext, ref.ciphertext);
  assert.deepEqual(noble.tag, ref.mac);
  assert.deepEqual(nacl.nobleChacha.decrypt(key, iv, ciphertext, tag, aad), m);
  const bad = Uint8Array.from(tag);
  bad[0] ^= 1;
  assert.throws(() => nacl.nobleChacha.decrypt(key, iv, ciphertext, bad, aad), (e) => e.code === 'ERR_DECRYPTION_FAILED');
  assert.throws(() => nacl.chachaIetfDecrypt(key, iv, ciphertext, bad, aad), (e) => e.code === 'ERR_DECRYPTION_FAILED');
});

for (const alg of ['Authcrypt', 'Anoncrypt']) {
  test(`${alg}: ours -> libsodium, to two recipients, each opens it`, async () => {
    const [alice, bob, carol] = [await pair(), await pair(), await pair()];
    const env = await v1.packV1(msg, { to: [bob.ours.verkey, v1.verkeyToDidKey(carol.ours.verkey)], from: alg === 'Authcrypt' ? alice.ours : undefined });
    for (const r of [bob, carol]) {
      const out = sodiumUnpack(env, r.sodium);
      assert.deepEqual(out.message, msg);
      assert.equal(out.alg, alg);
      assert.equal(out.sender, alg === 'Authcrypt' ? alice.ours.verkey : undefined);
    }
    const header = JSON.parse(Buffer.from(env.protected, 'base64url').toString());
    assert.equal(header.enc, 'xchacha20poly1305_ietf');
    assert.equal(header.typ, 'JWM/1.0');
  });

  test(`${alg}: libsodium -> ours, sender and recipient reported`, async () => {
    const [alice, bob, carol] = [await pair(), await pair(), await pair()];
    const env = sodiumPack(msg, [carol.sodium, bob.sodium], alg === 'Authcrypt' ? alice.sodium : undefined);
    const out = await v1.unpackV1(JSON.stringify(env), { keys: resolver(bob.ours) });
    assert.deepEqual(out.message, msg);
    assert.equal(out.alg, alg);
    assert.equal(out.recipientKey, bob.ours.verkey);
    assert.equal(out.senderKey, alg === 'Authcrypt' ? alice.ours.verkey : undefined);
    // Plain padded base64, as older agents wrote, reads the same.
    const b64 = (s) => Buffer.from(s, 'base64url').toString('base64');
    const padded = { ...env, iv: b64(env.iv), tag: b64(env.tag), ciphertext: b64(env.ciphertext) };
    assert.deepEqual((await v1.unpackV1(padded, { keys: resolver(carol.ours) })).message, msg);
  });
}

test('tampering: any flipped field of an envelope meant for us is DECRYPTION_FAILED, the same for all', async () => {
  const [alice, bob] = [await pair(), await pair()];
  const env = await v1.packV1(msg, { to: [bob.ours.verkey], from: alice.ours });
  const keys = resolver(bob.ours);
  const flip = (s) => {
    const b = Buffer.from(s, 'base64url');
    b[b.length >> 1] ^= 1;
    return b.toString('base64url');
  };
  const header = JSON.parse(Buffer.from(env.protected, 'base64url').toString());
  const withRecipient = (change) => {
    const h = structuredClone(header);
    change(h.recipients[0]);
    return { ...env, protected: Buffer.from(JSON.stringify(h)).toString('base64url') };
  };
  const cases = {
    ciphertext: { ...env, ciphertext: flip(env.ciphertext) },
    tag: { ...env, tag: flip(env.tag) },
    iv: { ...env, iv: flip(env.iv) },
    'protected (the AAD)': { ...env, protected: Buffer.from(JSON.stringify({ ...header, typ: 'JWM/1.1' })).toString('base64url') },
    encrypted_key: withRecipient((r) => (r.encrypted_key = flip(r.encrypted_key))),
    'recipient iv': withRecipient((r) => (r.header.iv = flip(r.header.iv))),
    sender: withRecipient((r) => (r.header.sender = flip(r.header.sender))),
    'short recipient iv': withRecipient((r) => (r.header.iv = b64u(new Uint8Array(12)))),
  };
  for (const [name, bad] of Object.entries(cases)) {
    await assert.rejects(v1.unpackV1(bad, { keys }), (e) => {
      assert.equal(e.code, 'ERR_DECRYPTION_FAILED', name);
      assert.equal(e.message, 'decryption failed', name);
      return true;
    });
  }
  assert.deepEqual((await v1.unpackV1(env, { keys })).message, msg, 'the untouched envelope still opens');
});

test('wrong keys: none of ours is SECRET_NOT_FOUND; the right kid with another secret is DECRYPTION_FAILED', async () => {
  const [alice, bob, eve] = [await pair(), await pair(), await pair()];
  for (const from of [alice.ours, undefined]) {
    const env = await v1.packV1(msg, { to: [bob.ours.verkey], from });
    await assert.rejects(v1.unpackV1(env, { keys: resolver(eve.ours) }), code('ERR_SECRET_NOT_FOUND'));
    await assert.rejects(v1.unpackV1(env, { keys: () => eve.ours }), code('ERR_DECRYPTION_FAILED'));
  }
});

test('a sender claiming a forged verkey cannot authcrypt: the CEK box fails against the claimed key', async () => {
  const [alice, bob, mallory] = [await pair(), await pair(), await pair()];
  // Mallory boxes the CEK with her key but seals Alice's verkey as the sender.
  const env = sodiumPack(msg, [bob.sodium], { ...mallory.sodium, verkey: alice.sodium.verkey });
  await assert.rejects(v1.unpackV1(env, { keys: resolver(bob.ours) }), code('ERR_DECRYPTION_FAILED'));
});

test('low-order keys: packing to one is INVALID_KEY; a sender verkey of low order is DECRYPTION_FAILED', async () => {
  // The Ed25519 point y = -1 (order 2) maps to X25519 u = 0; y = 1 (the identity) has no u.
  const yMinus1 = new Uint8Array(32).fill(0xff);
  yMinus1[0] = 0xec;
  yMinus1[31] = 0x7f;
  const identity = new Uint8Array(32);
  identity[0] = 1;
  const alice = await pair();
  for (const pub of [yMinus1, identity]) {
    for (const from of [alice.ours, undefined]) await assert.rejects(v1.packV1(msg, { to: [base58Encode(pub)], from }), code('ERR_INVALID_KEY'));
  }
  const bob = await pair();
  const env = sodiumPack(msg, [bob.sodium], alice.sodium);
  const h = JSON.parse(Buffer.from(env.protected, 'base64url').toString());
  for (const pub of [yMinus1, identity]) {
    h.recipients[0].header.sender = b64u(sodium.crypto_box_seal(base58Encode(pub), bob.sodium.xPublic));
    const bad = { ...env, protected: Buffer.from(JSON.stringify(h)).toString('base64url') };
    await assert.rejects(v1.unpackV1(bad, { keys: resolver(bob.ours) }), code('ERR_DECRYPTION_FAILED'));
  }
  // A sealed box whose ephemeral key is of low order.
  const sealed = new Uint8Array(80);
  await assert.rejects(nacl.sealOpen(sealed, bob.ours.x25519), code('ERR_DECRYPTION_FAILED'));
});

test('limits and malformed input: codes before any crypto', async () => {
  const [alice, bob] = [await pair(), await pair()];
  const keys = resolver(bob.ours);
  const many = await Promise.all(Array.from({ length: 4 }, () => pair()));
  await assert.rejects(v1.packV1(msg, { to: many.map((p) => p.ours.verkey), maxRecipients: 3 }), code('ERR_LIMIT_EXCEEDED'));
  const env = await v1.packV1(msg, { to: many.map((p) => p.ours.verkey) });
  await assert.rejects(v1.unpackV1(env, { keys: resolver(many[0].ours), maxRecipients: 3 }), code('ERR_LIMIT_EXCEEDED'));
  const text = JSON.stringify(env);
  await assert.rejects(v1.unpackV1(text, { keys, maxBytes: text.length - 1 }), code('ERR_LIMIT_EXCEEDED'));
  const good = await v1.packV1(msg, { to: [bob.ours.verkey], from: alice.ours });
  const header = JSON.parse(Buffer.from(good.protected, 'base64url').toString());
  const withHeader = (h) => ({ ...good, protected: Buffer.from(JSON.stringify(h)).toString('base64url') });
  const malformedCases = [
    'not json',
    '[]',
    { ...good, tag: undefined },
    { ...good, protected: '***' },
    { ...good, protected: Buffer.from('not json').toString('base64url') },
    withHeader({ ...header, recipients: [] }),
    withHeader({ ...header, recipients: [{ header: { kid: bob.ours.verkey } }] }),
    withHeader({ ...header, recipients: [{ encrypted_key: 'AA', header: { kid: bob.ours.verkey } }] }), // Authcrypt without sender/iv
    withHeader({ ...header, alg: 'Anoncrypt' }), // Anoncrypt with sender/iv
  ];
  for (const bad of malformedCases) await assert.rejects(v1.unpackV1(bad, { keys }), code('ERR_MALFORMED'), JSON.stringify(bad).slice(0, 80));
  await assert.rejects(v1.unpackV1(withHeader({ ...header, alg: 'ECDH-1PU' }), { keys }), code('ERR_UNSUPPORTED'));
  await assert.rejects(v1.unpackV1(withHeader({ ...header, enc: 'A256GCM' }), { keys }), code('ERR_UNSUPPORTED'));
  // A plaintext that is not a JSON object.
  const notObject = sodiumPack([1, 2], [bob.sodium]);
  await assert.rejects(v1.unpackV1(notObject, { keys }), code('ERR_MALFORMED'));
  // Nesting: v2's limit (64 levels) for the envelope, its header and the message; 64 levels pass.
  const nested = (n) => JSON.parse('['.repeat(n) + ']'.repeat(n));
  assert.equal((await v1.unpackV1(await v1.packV1({ ...msg, deep: nested(63) }, { to: [bob.ours.verkey], from: alice.ours }), { keys })).message.deep.length, 1);
  const deepText = `${JSON.stringify(msg).slice(0, -1)},"deep":${'['.repeat(200_000)}${']'.repeat(200_000)}}`;
  await assert.rejects(v1.unpackV1(await v1.packV1(deepText, { to: [bob.ours.verkey], from: alice.ours }), { keys }), code('ERR_LIMIT_EXCEEDED'));
  await assert.rejects(v1.unpackV1(JSON.stringify({ ...good, extra: nested(100) }), { keys }), code('ERR_LIMIT_EXCEEDED'));
  await assert.rejects(v1.unpackV1(withHeader({ ...header, extra: nested(100) }), { keys }), code('ERR_LIMIT_EXCEEDED'));
  for (const bad of ['', 'did:key:z6LSbysY2xFMRpGMhb7tFTLMpeuPRaqaWM1yECx2AtzE3KCc', 'abc', 'did:web:example.com']) assert.throws(() => v1.verkeyToPublicKey(bad), (e) => e instanceof DIDCommError);
  await assert.rejects(v1.packV1(msg, { to: [] }), TypeError);
});

test('forward: wrapV1Forward nests anoncrypt forwards a mediator opens one at a time', async () => {
  const [alice, bob, mediator] = [await pair(), await pair(), await pair()];
  const inner = await v1.packV1(msg, { to: [bob.ours.verkey], from: alice.ours });
  const wrapped = await v1.wrapV1Forward(inner, bob.ours.verkey, [mediator.ours.verkey]);
  const outer = await v1.unpackV1(wrapped, { keys: resolver(mediator.ours) });
  assert.equal(outer.alg, 'Anoncrypt');
  const fwd = v1.parseV1Message(outer.message);
  assert.equal(fwd['@type'], v1.V1_FORWARD_TYPE);
  const { to, msg: payload } = v1.parseV1Forward(fwd);
  assert.equal(to, bob.ours.verkey);
  assert.deepEqual((await v1.unpackV1(payload, { keys: resolver(bob.ours) })).message, msg);
  assert.equal(v1.normalizeV1Type('did:sov:BzCbsNYhMrjHiqZDTUASHg;spec/routing/1.0/forward'), v1.V1_FORWARD_TYPE);
});
