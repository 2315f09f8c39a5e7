// Shared fixtures for the pack/unpack unit tests: the didcomm-rust DID docs and secrets, and
// low-level builders (dist/jwe, dist/jws) for envelopes that packEncrypted/packSigned refuse
// to produce, so unpack's own checks can be exercised.
import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { DIDCommError, InMemorySecrets } from '../../../dist/index.js';
import { encryptJwe } from '../../../dist/jwe/encrypt.js';
import { didcommApv } from '../../../dist/jwe/apv.js';
import { signJws } from '../../../dist/jws/sign.js';
import { methodKey, keysFor } from '../../../dist/pack/context.js';
import { secretToPrivateKey } from '../../../dist/secrets/keys.js';
import { findVerificationMethod } from '../../../dist/did/document.js';
import { encode, utf8 } from '../../../dist/util/base64url.js';
import { loadVector, staticResolver } from '../../helpers.mjs';

export const docs = loadVector('didcomm-rust/did_docs.json').docs;
export const secretLists = loadVector('didcomm-rust/secrets.json').secret_lists;
export const secretsOf = (name) => new InMemorySecrets(secretLists[`${name}_SECRETS`]);

export const ALICE = 'did:example:alice';
export const BOB = 'did:example:bob';
export const CHARLIE = 'did:example:charlie';

/** Every usable didcomm-rust document (the *_NO_SECRETS variants share ids, so they are left out). */
export const baseDocs = () => Object.entries(docs).filter(([k]) => !k.includes('NO_SECRETS')).map(([, d]) => structuredClone(d));
export const resolverWith = (...extra) => {
  const all = new Map(baseDocs().map((d) => [d.id, d]));
  for (const d of extra) all.set(d.id, d);
  return staticResolver([...all.values()]);
};
export const resolver = resolverWith();

export const NOW = 1_700_000_000;
export const now = () => NOW;

/** Assert that `promise` rejects with a DIDCommError of exactly `code`. */
export async function rejectsWith(promise, code, what) {
  await assert.rejects(promise, (e) => {
    assert.ok(e instanceof DIDCommError, `${what ?? ''} expected DIDCommError ${code}, got ${e?.stack ?? e}`);
    assert.equal(e.code, code, `${what ?? ''} ${e.message}`);
    return true;
  });
}

/** A plaintext message with the fields unpack would return (typ set). */
export const plain = (fields = {}) => ({ id: 'msg-1', typ: 'application/didcomm-plain+json', type: 'https://example.org/test/1.0/hello', body: { hi: 'there' }, ...fields });

export async function publicKeyOf(kid, res = resolver) {
  const did = kid.split('#')[0];
  const doc = await res.resolve(did);
  const vm = findVerificationMethod(doc, kid);
  if (!vm) throw new Error(`no ${kid}`);
  return methodKey(vm);
}

export async function privateKeyOf(kid, secrets) {
  const s = await secrets.getSecret(kid);
  if (!s) throw new Error(`no secret ${kid}`);
  return secretToPrivateKey(s);
}

/**
 * Encrypt `payload` (object or string) with the low-level JWE code, bypassing every
 * pack-side check. `apv`: 'sorted' (DIDComm), 'unsorted' (kids in the given order), 'none',
 * or bytes. `publicKeys` overrides the key used for a kid (to lie about a kid's curve).
 */
export async function craftJwe(payload, { to, from, fromSecrets, enc = 'A256CBC-HS512', apv = 'sorted', publicKeys = {}, res = resolver }) {
  const recipients = await Promise.all(to.map(async (kid) => ({ kid, key: publicKeys[kid] ?? (await publicKeyOf(kid, res)) })));
  const kids = recipients.map((r) => r.kid);
  const apvBytes = apv === 'sorted' ? await didcommApv(kids) : apv === 'unsorted' ? await sha256Joined(kids) : apv === 'none' ? undefined : apv;
  const sender = from ? { kid: from, key: await privateKeyOf(from, fromSecrets) } : undefined;
  const text = typeof payload === 'string' ? payload : JSON.stringify(payload);
  return encryptJwe(utf8(text), {
    recipients, alg: sender ? 'ECDH-1PU+A256KW' : 'ECDH-ES+A256KW', enc, sender, apv: apvBytes, typ: 'application/didcomm-encrypted+json',
  });
}

async function sha256Joined(kids) {
  const { createHash } = await import('node:crypto');
  return new Uint8Array(createHash('sha256').update(kids.join('.')).digest());
}

/** Sign `payload` as a general JWS with the key of `keyKid` held in `secrets`, naming `kid` (default keyKid). */
export async function craftJws(payload, { keyKid, secrets, kid = keyKid }) {
  const key = await privateKeyOf(keyKid, secrets);
  return signJws(utf8(typeof payload === 'string' ? payload : JSON.stringify(payload)), { kid, key }, 'application/didcomm-signed+json');
}

/** Replace fields of a JWE's protected header (this breaks the AAD, as an attacker would). */
export function withProtected(jwe, patch) {
  const header = JSON.parse(Buffer.from(jwe.protected, 'base64url').toString('utf8'));
  return { ...jwe, protected: encode(utf8(JSON.stringify({ ...header, ...patch }))) };
}
export const protectedOf = (jwe) => JSON.parse(Buffer.from(jwe.protected, 'base64url').toString('utf8'));

/** A DID doc with fresh X25519 keyAgreement keys under the given fragments, and its secrets. */
export function freshX25519Doc(did, fragments) {
  const vms = [];
  const secrets = [];
  for (const f of fragments) {
    const { publicKey, privateKey } = generateKeyPairSync('x25519');
    const pub = publicKey.export({ format: 'jwk' });
    const priv = privateKey.export({ format: 'jwk' });
    vms.push({ id: `${did}#${f}`, type: 'JsonWebKey2020', controller: did, publicKeyJwk: pub });
    secrets.push({ id: `${did}#${f}`, type: 'JsonWebKey2020', privateKeyJwk: priv });
  }
  return { doc: { id: did, verificationMethod: vms, keyAgreement: vms.map((v) => v.id), authentication: [], service: [] }, secrets: new InMemorySecrets(secrets) };
}

export { keysFor };

/**
 * encryptJwe with a protected header of our choosing (`patch(header)` returns the header to
 * send), built from the same primitives, so that skid/apu variants are well-formed and
 * authentic: the AAD and the ECDH-1PU KDF use exactly the header and apu sent.
 */
export async function craftJweWithHeader(payload, { to, from, fromSecrets, enc = 'A256CBC-HS512', patch, kdfApu, res = resolver }) {
  const { backend } = await import('../../../dist/crypto/index.js');
  const { CONTENT_ENC } = await import('../../../dist/crypto/types.js');
  const { concatKdf } = await import('../../../dist/jwe/kdf.js');
  const { publicKeyToJwk } = await import('../../../dist/keys/jwk.js');
  const recipients = await Promise.all(to.map(async (kid) => ({ kid, key: await publicKeyOf(kid, res) })));
  const sender = from ? { kid: from, key: await privateKeyOf(from, fromSecrets) } : undefined;
  const alg = sender ? 'ECDH-1PU+A256KW' : 'ECDH-ES+A256KW';
  const eph = await backend.generateKeyPair(recipients[0].key.curve, { ephemeral: true });
  const apv = await didcommApv(to);
  const base = { typ: 'application/didcomm-encrypted+json', alg, enc, ...(sender ? { skid: sender.kid, apu: encode(utf8(sender.kid)) } : {}), apv: encode(apv), epk: publicKeyToJwk(eph.publicKey) };
  const header = patch ? patch(base) : base;
  const protectedB64 = encode(utf8(JSON.stringify(header)));
  const p = CONTENT_ENC[enc];
  const cek = backend.randomBytes(p.keyLength);
  const iv = backend.randomBytes(p.ivLength);
  const text = typeof payload === 'string' ? payload : JSON.stringify(payload);
  const { ciphertext, tag } = await backend.encrypt(enc, cek, iv, utf8(text), utf8(protectedB64));
  const apu = kdfApu ?? (typeof header.apu === 'string' ? Buffer.from(header.apu, 'base64url') : new Uint8Array(0));
  const out = [];
  for (const r of recipients) {
    const ze = await backend.ecdh(eph, r.key);
    const z = sender ? Buffer.concat([ze, await backend.ecdh(sender.key, r.key)]) : ze;
    const kek = await concatKdf(new Uint8Array(z), alg, new Uint8Array(apu), apv, 32, sender ? tag : undefined);
    out.push({ header: { kid: r.kid }, encrypted_key: encode(await backend.aesKeyWrap(kek, cek)) });
  }
  return { protected: protectedB64, recipients: out, iv: encode(iv), ciphertext: encode(ciphertext), tag: encode(tag) };
}
