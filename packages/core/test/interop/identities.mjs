// Generated identities for interop tests and the bench: DID documents in the shape both
// libraries read (JsonWebKey2020, absolute ids) with their secrets. Keys come from our
// backend; documents follow the spec, so didcomm-node still gets them through its adapter.
import { backend } from '../../dist/crypto/index.js';
import { publicRawToJwk, privateToJwk } from '../../dist/keys/jwk.js';

/** A fresh key as a verification method and its secret. */
export async function makeKey(did, fragment, curve) {
  const pair = await backend.generateKeyPair(curve);
  const id = `${did}#${fragment}`;
  return {
    id,
    curve,
    method: { id, type: 'JsonWebKey2020', controller: did, publicKeyJwk: publicRawToJwk(curve, pair.publicKey.raw) },
    secret: { id, type: 'JsonWebKey2020', privateKeyJwk: privateToJwk(curve, pair.d, pair.publicKey.raw) },
  };
}

const slug = (curve) => curve.toLowerCase().replace(/[^a-z0-9]/g, '');

/**
 * A DID with `agreement` keyAgreement keys and `auth` authentication keys (curve names;
 * a curve may repeat), optionally a DIDCommMessaging service routed through `routingKeys`.
 * Key ids are `<did>#<curve>-<n>`.
 */
export async function makeIdentity(did, { agreement = [], auth = [], routingKeys, uri = 'https://example.com/didcomm' } = {}) {
  const count = {};
  const next = (curve, rel) => {
    const k = `${rel}-${slug(curve)}`;
    count[k] = (count[k] ?? 0) + 1;
    return `${k}-${count[k]}`;
  };
  const ka = await Promise.all(agreement.map((c) => makeKey(did, next(c, 'ka'), c)));
  const au = await Promise.all(auth.map((c) => makeKey(did, next(c, 'auth'), c)));
  const doc = {
    '@context': ['https://www.w3.org/ns/did/v1'],
    id: did,
    verificationMethod: [...ka, ...au].map((k) => k.method),
    keyAgreement: ka.map((k) => k.id),
    authentication: au.map((k) => k.id),
    service: [],
  };
  if (routingKeys) {
    doc.service.push({ id: `${did}#didcomm-1`, type: 'DIDCommMessaging', serviceEndpoint: { uri, accept: ['didcomm/v2'], routingKeys } });
  }
  return { did, doc, secrets: [...ka, ...au].map((k) => k.secret), agreement: ka.map((k) => k.id), auth: au.map((k) => k.id) };
}

/** A resolver over documents, ours: `{ resolve(did) }`. */
export function docResolver(docs) {
  const byId = new Map(docs.map((d) => [d.id, d]));
  return { resolve: async (did) => byId.get(did) ?? null };
}

/** A fresh message: created now, expiring in an hour (didcomm-node has no clock option). */
export function freshMessage({ from, to, type = 'https://example.com/protocols/interop/1.0/ping', body = { text: 'hello interop', n: 42, nested: { ok: true } }, ...extra } = {}) {
  const now = Math.floor(Date.now() / 1000);
  return {
    id: `msg-${crypto.randomUUID()}`,
    typ: 'application/didcomm-plain+json',
    type,
    ...(from ? { from } : {}),
    ...(to ? { to } : {}),
    created_time: now,
    expires_time: now + 3600,
    body,
    ...extra,
  };
}
