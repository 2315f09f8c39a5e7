// The crypto floors of the core bench: DIDComm pack and unpack written by hand on node:crypto,
// the least work a correct implementation does for each scenario, so `ours / floor` says how
// much our code spends beyond the cryptography. A floor skips no check a receiver must make:
// JSON and base64url validated before any crypto, the JWE/JWS headers (alg, enc, crit, zip,
// epk without d, skid = apu, apv = SHA-256 of the sorted recipient kids, recipients of one DID,
// no repeated kid), the signer/sender key listed under its relationship and on the alg's
// curve, the all-zero X25519 secret, the CEK length, the message's headers (the same rules as
// validateMessage), its expiry, nesting depth and the layer consistency (signer = authcrypt
// sender = from, the recipient in `to`). What it leaves out is what a receiver may do without:
// the rich metadata, re-wrapped forward detection, compat dialects, from_prior (refused here:
// no scenario carries one). Keys are imported once (a KeyObject per kid, as behind a caching
// resolver), and ECDH-1PU's static agreement is computed once per key pair, as ours does.
// HChaCha20 (XC20P's subkey) is the one step node:crypto lacks; it comes from @noble/ciphers,
// as in ours (a chacha20 keystream block through node:crypto gives the same bytes, 4x slower).
import * as nc from 'node:crypto';
import { hchacha } from '@noble/ciphers/chacha.js';

const PLAIN_TYP = 'application/didcomm-plain+json';
const SIGNED_TYP = 'application/didcomm-signed+json';
const ENC_TYP = 'application/didcomm-encrypted+json';
const FORWARD = 'https://didcomm.org/routing/2.0/forward';
const ANON = 'ECDH-ES+A256KW';
const AUTH = 'ECDH-1PU+A256KW';
const ANON_ENCS = ['A256CBC-HS512', 'A256GCM', 'XC20P'];
const SIGN = { EdDSA: { crv: 'Ed25519' }, ES256: { crv: 'P-256', hash: 'sha256' }, ES256K: { crv: 'secp256k1', hash: 'sha256' } };
const SIGN_ALG_OF = { Ed25519: 'EdDSA', 'P-256': 'ES256', secp256k1: 'ES256K' };
const CURVES = { X25519: { okp: 32 }, 'P-256': { ec: 32 }, 'P-384': { ec: 48 }, 'P-521': { ec: 66 } };
const CONTENT = { 'A256CBC-HS512': { key: 64, iv: 16, tag: 32 }, A256GCM: { key: 32, iv: 12, tag: 16 }, XC20P: { key: 32, iv: 24, tag: 16 } };
const SECP256K1_N = 0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141n;
const KW_IV = Buffer.from('a6a6a6a6a6a6a6a6', 'hex');
const X25519_BASE = nc.createPublicKey({ key: { kty: 'OKP', crv: 'X25519', x: Buffer.concat([Buffer.from([9]), Buffer.alloc(31)]).toString('base64url') }, format: 'jwk' });
const DID_RE = /^did:[a-z0-9]+:[A-Za-z0-9._%:-]*[A-Za-z0-9._%-]$/;
const B64U_RE = /^[A-Za-z0-9_-]*$/;

const fail = (why) => {
  throw new Error(`floor: ${why}`);
};
const isObj = (v) => typeof v === 'object' && v !== null && !Array.isArray(v);
const didOf = (url) => {
  const end = url.search(/[/?#]/);
  const did = end < 0 ? url : url.slice(0, end);
  if (!DID_RE.test(did)) fail(`not a DID URL: ${url}`);
  return did;
};
const b64u = (b) => Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('base64url');
/** Strict base64url: the alphabet, and a length base64 can have (Node's decoder skips the rest). */
function unb64u(s, what) {
  if (typeof s !== 'string' || s.length % 4 === 1 || !B64U_RE.test(s)) fail(`${what} is not base64url`);
  return Buffer.from(s, 'base64url');
}
function parse(text, what) {
  let v;
  try {
    v = JSON.parse(text);
  } catch {
    fail(`${what} is not JSON`);
  }
  if (depthOver(v, 64)) fail(`${what} nests too deep`);
  return v;
}
function depthOver(v, left) {
  if (typeof v !== 'object' || v === null) return false;
  if (left === 0) return true;
  for (const c of Array.isArray(v) ? v : Object.values(v)) if (depthOver(c, left - 1)) return true;
  return false;
}
const lenPrefixed = (b) => {
  const out = Buffer.allocUnsafe(4 + b.length);
  out.writeUInt32BE(b.length, 0);
  out.set(b, 4);
  return out;
};

/** The plaintext message rules (the spec's, as validateMessage applies them). */
function checkMessage(m) {
  if (!isObj(m)) fail('message is not an object');
  if (typeof m.id !== 'string' || m.id.length === 0 || m.id.length > 256) fail('id');
  if (typeof m.type !== 'string' || m.type.length === 0) fail('type');
  if (m.typ !== undefined && m.typ !== PLAIN_TYP && `application/${m.typ}` !== PLAIN_TYP) fail('typ');
  if (m.body !== undefined && !isObj(m.body)) fail('body');
  const plainDid = (s) => typeof s === 'string' && !s.includes('#') && didOf(s) !== undefined;
  if (m.from !== undefined && !plainDid(m.from)) fail('from');
  if (m.to !== undefined && (!Array.isArray(m.to) || !m.to.every(plainDid))) fail('to');
  for (const h of ['thid', 'pthid', 'lang']) if (m[h] !== undefined && typeof m[h] !== 'string') fail(h);
  for (const h of ['created_time', 'expires_time']) if (m[h] !== undefined && !(Number.isSafeInteger(m[h]) && m[h] >= 0)) fail(h);
  for (const h of ['please_ack', 'ack']) if (m[h] !== undefined && (!Array.isArray(m[h]) || !m[h].every((x) => typeof x === 'string'))) fail(h);
  if (m.return_route !== undefined && !['none', 'all', 'thread'].includes(m.return_route)) fail('return_route');
  if (m.from_prior !== undefined) fail('from_prior is not implemented by the floor');
  if (m.attachments !== undefined) {
    if (!Array.isArray(m.attachments)) fail('attachments');
    for (const a of m.attachments) {
      if (!isObj(a) || (a.id !== undefined && typeof a.id !== 'string') || !isObj(a.data)) fail('attachment');
      for (const f of ['description', 'filename', 'media_type', 'format']) if (a[f] !== undefined && typeof a[f] !== 'string') fail(`attachment ${f}`);
      const d = a.data;
      if (d.json === undefined && d.base64 === undefined && d.jws === undefined && d.hash === undefined && d.links === undefined) fail('attachment data');
      if (d.base64 !== undefined && (typeof d.base64 !== 'string' || !/^[A-Za-z0-9_\-+/]*={0,2}$/.test(d.base64))) fail('attachment base64');
      if (d.hash !== undefined && typeof d.hash !== 'string') fail('attachment hash');
      if (d.links !== undefined && (!Array.isArray(d.links) || !d.links.every((l) => typeof l === 'string') || typeof d.hash !== 'string')) fail('attachment links');
    }
  }
  return m;
}

/**
 * The floors over a set of DID documents (JsonWebKey2020 methods, absolute ids, as the bench's
 * identities have) -> { pack(message, options), unpack(wire, { secrets }) }, where options
 * are packEncrypted's (to, from, signBy, protectSender, encAlgAnon, forward) and secrets the
 * Secret objects of the party (imported once per array).
 */
export function makeFloors(docs) {
  const keys = new Map(); // kid -> { did, curve, key: KeyObject, rels: Set, raw }
  const dids = new Map(); // did -> { keyAgreement: kids, authentication: kids, routingKeys }
  for (const doc of docs) {
    for (const vm of doc.verificationMethod) {
      const rels = new Set(['keyAgreement', 'authentication'].filter((r) => doc[r].includes(vm.id)));
      keys.set(vm.id, { did: doc.id, curve: vm.publicKeyJwk.crv, key: nc.createPublicKey({ key: vm.publicKeyJwk, format: 'jwk' }), rels });
    }
    const service = doc.service.find((s) => s.type === 'DIDCommMessaging');
    dids.set(doc.id, { keyAgreement: doc.keyAgreement, authentication: doc.authentication, routingKeys: service?.serviceEndpoint.routingKeys ?? [] });
  }
  const imported = new WeakMap();
  const privateKeys = (secrets) => {
    let m = imported.get(secrets);
    if (!m) imported.set(secrets, (m = new Map(secrets.map((s) => [s.id, { curve: s.privateKeyJwk.crv, key: nc.createPrivateKey({ key: s.privateKeyJwk, format: 'jwk' }) }]))));
    return m;
  };
  const statics = new Map();
  const ecdh = (privateKey, publicKey, curve) => {
    const z = nc.diffieHellman({ privateKey, publicKey });
    if (curve === 'X25519' && z.every((b) => b === 0)) fail('all-zero X25519 secret');
    return z;
  };
  const staticZ = (ourKid, our, theirKid, their) => {
    const id = `${ourKid} ${theirKid}`;
    let z = statics.get(id);
    if (!z) statics.set(id, (z = ecdh(our.key, their.key, our.curve)));
    return z;
  };
  const kdf = (z, alg, apu, apv, ccTag) => {
    const h = nc.createHash('sha256').update(Buffer.from([0, 0, 0, 1])).update(z).update(lenPrefixed(Buffer.from(alg))).update(lenPrefixed(apu)).update(lenPrefixed(apv)).update(Buffer.from([0, 0, 1, 0]));
    if (ccTag) h.update(lenPrefixed(ccTag));
    return h.digest();
  };
  const apvOf = (kids) => nc.createHash('sha256').update([...kids].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)).join('.')).digest();

  // ---- content encryption ----
  const xchacha = (key, iv) => {
    const k = new Uint32Array(8);
    const n = new Uint32Array(4);
    for (let i = 0; i < 8; i++) k[i] = key.readUInt32LE(4 * i);
    for (let i = 0; i < 4; i++) n[i] = iv.readUInt32LE(4 * i);
    const out = new Uint32Array(8);
    hchacha(new Uint32Array([0x61707865, 0x3320646e, 0x79622d32, 0x6b206574]), k, n, out);
    return { subkey: Buffer.from(out.buffer), nonce: Buffer.concat([Buffer.alloc(4), iv.subarray(16)]) };
  };
  const cbcTag = (cek, aad, iv, ct) => {
    const al = Buffer.alloc(8);
    al.writeBigUInt64BE(BigInt(aad.length * 8));
    return nc.createHmac('sha512', cek.subarray(0, 32)).update(aad).update(iv).update(ct).update(al).digest().subarray(0, 32);
  };
  function encrypt(enc, cek, iv, plaintext, aad) {
    if (enc === 'A256CBC-HS512') {
      const c = nc.createCipheriv('aes-256-cbc', cek.subarray(32), iv);
      const ct = Buffer.concat([c.update(plaintext), c.final()]);
      return { ct, tag: cbcTag(cek, aad, iv, ct) };
    }
    const { subkey, nonce } = enc === 'XC20P' ? xchacha(cek, iv) : { subkey: cek, nonce: iv };
    const c = nc.createCipheriv(enc === 'XC20P' ? 'chacha20-poly1305' : 'aes-256-gcm', subkey, nonce, { authTagLength: 16 });
    c.setAAD(aad, { plaintextLength: plaintext.length });
    const ct = Buffer.concat([c.update(plaintext), c.final()]);
    return { ct, tag: c.getAuthTag() };
  }
  function decrypt(enc, cek, iv, ct, tag, aad) {
    if (enc === 'A256CBC-HS512') {
      if (!nc.timingSafeEqual(cbcTag(cek, aad, iv, ct), tag)) fail('decryption failed');
      const d = nc.createDecipheriv('aes-256-cbc', cek.subarray(32), iv);
      return Buffer.concat([d.update(ct), d.final()]);
    }
    const { subkey, nonce } = enc === 'XC20P' ? xchacha(cek, iv) : { subkey: cek, nonce: iv };
    const d = nc.createDecipheriv(enc === 'XC20P' ? 'chacha20-poly1305' : 'aes-256-gcm', subkey, nonce, { authTagLength: 16 });
    d.setAAD(aad, { plaintextLength: ct.length });
    d.setAuthTag(tag);
    return Buffer.concat([d.update(ct), d.final()]);
  }

  // ---- JWS ----
  function sign(payloadText, kid, secrets) {
    const signer = privateKeys(secrets).get(kid) ?? fail(`no secret for ${kid}`);
    const alg = SIGN_ALG_OF[signer.curve];
    const prot = Buffer.from(JSON.stringify({ typ: SIGNED_TYP, alg, kid })).toString('base64url');
    const payload = Buffer.from(payloadText).toString('base64url');
    const input = Buffer.from(`${prot}.${payload}`);
    let sig = alg === 'EdDSA' ? nc.sign(null, input, signer.key) : nc.sign(SIGN[alg].hash, input, { key: signer.key, dsaEncoding: 'ieee-p1363' });
    if (alg === 'ES256K') {
      const s = BigInt(`0x${sig.subarray(32).toString('hex')}`);
      if (s > SECP256K1_N >> 1n) sig = Buffer.concat([sig.subarray(0, 32), Buffer.from((SECP256K1_N - s).toString(16).padStart(64, '0'), 'hex')]);
    }
    return { payload, signatures: [{ protected: prot, header: { kid }, signature: sig.toString('base64url') }] };
  }
  function verify(jws) {
    if (typeof jws.payload !== 'string' || !Array.isArray(jws.signatures) || jws.signatures.length !== 1) fail('JWS shape');
    const s = jws.signatures[0];
    if (!isObj(s) || typeof s.protected !== 'string' || (s.header !== undefined && !isObj(s.header))) fail('JWS signature shape');
    const prot = parse(unb64u(s.protected, 'JWS protected').toString('utf8'), 'JWS protected');
    if (!isObj(prot)) fail('JWS protected');
    const header = s.header ?? {};
    for (const n of Object.keys(header)) if (n !== 'kid' && Object.hasOwn(prot, n)) fail(`JWS ${n} in both headers`);
    const spec = Object.hasOwn(SIGN, prot.alg) ? SIGN[prot.alg] : fail('JWS alg');
    if (prot.crit !== undefined || prot.b64 === false) fail('JWS crit/b64');
    const kid = header.kid ?? prot.kid;
    if (typeof kid !== 'string' || (header.kid !== undefined && prot.kid !== undefined && header.kid !== prot.kid)) fail('JWS kid');
    const k = keys.get(kid);
    if (!k || !k.rels.has('authentication')) fail('signer not authorized');
    if (k.curve !== spec.crv) fail('alg does not match the key');
    const sig = unb64u(s.signature, 'JWS signature');
    const payload = unb64u(jws.payload, 'JWS payload');
    const input = Buffer.from(`${s.protected}.${jws.payload}`);
    const ok = spec.hash ? sig.length === 64 && nc.verify(spec.hash, input, { key: k.key, dsaEncoding: 'ieee-p1363' }, sig) : sig.length === 64 && nc.verify(null, input, k.key, sig);
    if (!ok) fail('bad signature');
    return { payload, signerDid: k.did };
  }

  // ---- JWE ----
  const recipientKids = (to) => {
    if (to.includes('#')) return [to];
    const d = dids.get(to) ?? fail(`unknown DID ${to}`);
    const curve = keys.get(d.keyAgreement[0]).curve;
    return d.keyAgreement.filter((kid) => keys.get(kid).curve === curve);
  };
  function encryptJwe(plaintext, to, enc, sender) {
    const kids = recipientKids(to);
    const curve = keys.get(kids[0]).curve;
    const { privateKey, publicKey } = curve === 'X25519' ? nc.generateKeyPairSync('x25519') : nc.generateKeyPairSync('ec', { namedCurve: { 'P-256': 'prime256v1', 'P-384': 'secp384r1', 'P-521': 'secp521r1' }[curve] });
    let epk;
    if (curve === 'X25519') epk = { kty: 'OKP', crv: curve, x: b64u(nc.diffieHellman({ privateKey, publicKey: X25519_BASE })) };
    else {
      const der = publicKey.export({ format: 'der', type: 'spki' });
      const n = CURVES[curve].ec;
      epk = { kty: 'EC', crv: curve, x: b64u(der.subarray(der.length - 2 * n, der.length - n)), y: b64u(der.subarray(der.length - n)) };
    }
    const apv = apvOf(kids);
    const apu = sender ? Buffer.from(sender.kid) : Buffer.alloc(0);
    const header = sender ? { typ: ENC_TYP, alg: AUTH, enc, skid: sender.kid, apu: b64u(apu), apv: b64u(apv), epk } : { typ: ENC_TYP, alg: ANON, enc, apv: b64u(apv), epk };
    const prot = Buffer.from(JSON.stringify(header)).toString('base64url');
    const p = CONTENT[enc];
    const cek = nc.randomBytes(p.key);
    const iv = nc.randomBytes(p.iv);
    const { ct, tag } = encrypt(enc, cek, iv, Buffer.from(plaintext), Buffer.from(prot));
    const recipients = kids.map((kid) => {
      const r = keys.get(kid);
      if (!r.rels.has('keyAgreement')) fail('recipient key not for key agreement');
      let z = ecdh(privateKey, r.key, curve);
      if (sender) z = Buffer.concat([z, staticZ(sender.kid, sender, kid, r)]);
      const w = nc.createCipheriv('id-aes256-wrap', kdf(z, sender ? AUTH : ANON, apu, apv, sender ? tag : undefined), KW_IV);
      return { header: { kid }, encrypted_key: Buffer.concat([w.update(cek), w.final()]).toString('base64url') };
    });
    return { protected: prot, recipients, iv: iv.toString('base64url'), ciphertext: ct.toString('base64url'), tag: tag.toString('base64url') };
  }
  function decryptJwe(jwe, ours) {
    for (const f of ['protected', 'iv', 'ciphertext', 'tag']) if (typeof jwe[f] !== 'string') fail(`JWE ${f}`);
    if (jwe.aad !== undefined || jwe.unprotected !== undefined) fail('JWE aad/unprotected');
    if (!Array.isArray(jwe.recipients) || jwe.recipients.length === 0 || jwe.recipients.length > 100) fail('JWE recipients');
    const h = parse(unb64u(jwe.protected, 'JWE protected').toString('utf8'), 'JWE protected');
    if (!isObj(h)) fail('JWE protected');
    const auth = h.alg === AUTH;
    if (!auth && h.alg !== ANON) fail('JWE alg');
    if (auth ? h.enc !== 'A256CBC-HS512' : !ANON_ENCS.includes(h.enc)) fail('JWE enc');
    if (h.crit !== undefined || h.zip !== undefined) fail('JWE crit/zip');
    const epk = h.epk;
    if (!isObj(epk) || 'd' in epk || !Object.hasOwn(CURVES, epk.crv)) fail('JWE epk');
    const c = CURVES[epk.crv];
    if (c.okp ? epk.kty !== 'OKP' || unb64u(epk.x, 'epk x').length !== 32 : epk.kty !== 'EC' || unb64u(epk.x, 'epk x').length !== c.ec || unb64u(epk.y, 'epk y').length !== c.ec) fail('JWE epk');
    const apv = unb64u(h.apv, 'JWE apv');
    let apu = Buffer.alloc(0);
    if (auth) {
      apu = unb64u(h.apu, 'JWE apu');
      if (typeof h.skid !== 'string' || apu.toString('utf8') !== h.skid) fail('JWE skid/apu');
    } else if (h.skid !== undefined) fail('anoncrypt with skid');
    const kids = new Set();
    let mine;
    for (const r of jwe.recipients) {
      if (!isObj(r) || !isObj(r.header) || typeof r.header.kid !== 'string' || typeof r.encrypted_key !== 'string' || kids.has(r.header.kid)) fail('JWE recipient');
      for (const n of Object.keys(r.header)) if (n !== 'kid' && Object.hasOwn(h, n)) fail('JWE recipient header repeats a parameter');
      kids.add(r.header.kid);
      if (!mine && ours.has(r.header.kid)) mine = r;
    }
    if (!apvOf(kids).equals(apv)) fail('JWE apv');
    const toDid = didOf(jwe.recipients[0].header.kid);
    for (const kid of kids) if (didOf(kid) !== toDid) fail('JWE recipients of several DIDs');
    const p = CONTENT[h.enc];
    const iv = unb64u(jwe.iv, 'JWE iv');
    const tag = unb64u(jwe.tag, 'JWE tag');
    if (iv.length !== p.iv || tag.length !== p.tag) fail('JWE iv/tag length');
    const ct = unb64u(jwe.ciphertext, 'JWE ciphertext');
    const wrapped = unb64u(mine?.encrypted_key ?? fail('not for us'), 'encrypted_key');
    const kid = mine.header.kid;
    const our = ours.get(kid);
    if (our.curve !== epk.crv) fail('curve');
    let z = ecdh(our.key, nc.createPublicKey({ key: epk, format: 'jwk' }), epk.crv);
    let senderDid;
    if (auth) {
      const s = keys.get(h.skid);
      if (!s || !s.rels.has('keyAgreement') || s.curve !== epk.crv) fail('sender key');
      z = Buffer.concat([z, staticZ(kid, our, h.skid, s)]);
      senderDid = s.did;
    }
    const u = nc.createDecipheriv('id-aes256-wrap', kdf(z, h.alg, apu, apv, auth ? tag : undefined), KW_IV);
    let cek;
    try {
      cek = Buffer.concat([u.update(wrapped), u.final()]);
    } catch {
      fail('decryption failed');
    }
    if (cek.length !== p.key) fail('CEK length');
    return { plaintext: decrypt(h.enc, cek, iv, ct, tag, Buffer.from(jwe.protected)), auth, kid, senderDid };
  }

  const withTyp = (m) => (m.typ === undefined ? { ...m, typ: PLAIN_TYP } : m);

  return {
    /** packPlaintext (no options), packSigned ({ signBy }) or packEncrypted's options. */
    pack(message, o = {}, secrets) {
      const m = withTyp(checkMessage(message));
      if (!o.to && !o.signBy) return JSON.stringify(m);
      const fromDid = m.from === undefined ? undefined : didOf(m.from);
      let payload = JSON.stringify(m);
      if (o.signBy) {
        if (fromDid !== didOf(o.signBy)) fail('signer is not from');
        payload = JSON.stringify(sign(payload, o.signBy, secrets));
      }
      if (!o.to) return payload;
      const toDid = didOf(o.to);
      if (m.to !== undefined && !m.to.some((t) => didOf(t) === toDid)) fail('to');
      const anonEnc = (o.encAlgAnon ?? 'A256CBC-HS512').replace(`${ANON}/`, '');
      let jwe;
      if (o.from) {
        if (fromDid !== didOf(o.from)) fail('sender is not from');
        const s = privateKeys(secrets).get(o.from) ?? fail(`no secret for ${o.from}`);
        jwe = encryptJwe(payload, o.to, 'A256CBC-HS512', { kid: o.from, ...s });
        if (o.protectSender) jwe = encryptJwe(JSON.stringify(jwe), o.to, anonEnc);
      } else jwe = encryptJwe(payload, o.to, anonEnc);
      if (o.forward !== false) {
        const routing = dids.get(toDid).routingKeys;
        let next = o.to;
        for (let i = routing.length - 1; i >= 0; i--) {
          const fwd = { ...(m.expires_time !== undefined ? { expires_time: m.expires_time } : {}), id: nc.randomUUID(), type: FORWARD, to: [didOf(routing[i])], body: { next }, attachments: [{ data: { json: jwe } }] };
          jwe = encryptJwe(JSON.stringify(fwd), routing[i], anonEnc);
          next = routing[i];
        }
      }
      return JSON.stringify(jwe);
    },
    /** -> { message }: anoncrypt? authcrypt? signed? plaintext, as unpack reads them. */
    unpack(wire, { secrets = [], now = Math.floor(Date.now() / 1000) } = {}) {
      if (typeof wire === 'string' && wire.length > 16 * 1024 * 1024) fail('too large');
      let v = typeof wire === 'string' ? parse(wire, 'message') : wire;
      const ours = privateKeys(secrets);
      const layers = [];
      let decryptedWith;
      let senderDid;
      let signerDid;
      for (;;) {
        if (isObj(v) && typeof v.ciphertext === 'string') {
          if (layers.includes('signed') || layers.includes('auth')) fail('encryption inside a signature or authcrypt');
          const r = decryptJwe(v, ours);
          if (!r.auth && layers.includes('anon')) fail('anoncrypt in anoncrypt');
          layers.push(r.auth ? 'auth' : 'anon');
          decryptedWith = r.kid;
          if (r.auth) senderDid = r.senderDid;
          v = parse(r.plaintext.toString('utf8'), 'decrypted payload');
        } else if (isObj(v) && typeof v.payload === 'string') {
          if (layers.includes('signed')) fail('signed in signed');
          const r = verify(v);
          layers.push('signed');
          signerDid = r.signerDid;
          v = parse(r.payload.toString('utf8'), 'signed payload');
        } else break;
      }
      const m = checkMessage(v);
      const fromDid = m.from === undefined ? undefined : didOf(m.from);
      if ((senderDid !== undefined && fromDid !== senderDid) || (signerDid !== undefined && fromDid !== signerDid)) fail('layer mismatch');
      if (decryptedWith !== undefined && m.to !== undefined && !m.to.some((t) => didOf(t) === didOf(decryptedWith))) fail('not in to');
      if (m.expires_time !== undefined && m.expires_time < now) fail('expired');
      return { message: m };
    },
    /** A forward's next and the one message it carries (parseForward's checks). */
    parseForward(m) {
      if (m.type !== FORWARD || typeof m.body?.next !== 'string' || m.attachments?.length !== 1 || m.attachments[0].data.json === undefined) fail('not a forward');
      return { next: m.body.next, forwarded: m.attachments[0].data.json };
    },
  };
}
