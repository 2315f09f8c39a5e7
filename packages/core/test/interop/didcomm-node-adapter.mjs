// didcomm-node 0.4.1 (didcomm-rust in WASM) as a peer: its view of our DID documents, its
// resolver and secrets shapes, and pack/unpack wrappers that always free WASM messages.
// Test code only: what we emit never changes to suit it; didcomm-node 0.4.1 reads older
// document shapes (2020 suite types, its own service spelling), so they are converted here.
import didcommNode from 'didcomm-node';

export const { Message } = didcommNode;

/** Our enc names (alg/enc) to didcomm-node's enum spellings, and back. */
export const THEIR_ENC_ANON = { 'A256CBC-HS512': 'A256cbcHs512EcdhEsA256kw', A256GCM: 'A256gcmEcdhEsA256kw', XC20P: 'Xc20pEcdhEsA256kw' };
export const THEIR_ENC_AUTH = { 'A256CBC-HS512': 'A256cbcHs512Ecdh1puA256kw' };
export const OUR_ENC_FROM_THEIRS = {
  A256cbcHs512EcdhEsA256kw: 'ECDH-ES+A256KW/A256CBC-HS512',
  A256gcmEcdhEsA256kw: 'ECDH-ES+A256KW/A256GCM',
  Xc20pEcdhEsA256kw: 'ECDH-ES+A256KW/XC20P',
  A256cbcHs512Ecdh1puA256kw: 'ECDH-1PU+A256KW/A256CBC-HS512',
};

const MULTIKEY_AS = { X25519: 'X25519KeyAgreementKey2020', Ed25519: 'Ed25519VerificationKey2020' };
const multikeyCurve = (mb) => (typeof mb === 'string' && mb.startsWith('z6LS') ? 'X25519' : 'Ed25519');

const absolute = (did, id) => (id.startsWith('#') ? `${did}${id}` : id);

/**
 * didcomm-node's view of a DID document: absolute ids, every method in verificationMethod
 * with relationships as id strings, Multikey renamed to the 2020 suite types (same bytes),
 * and service endpoints with the `routingKeys` spelling it reads. Every array present.
 */
export function toDidcommNodeDoc(doc) {
  const did = doc.id;
  const methods = new Map();
  const addMethod = (vm) => {
    const id = absolute(did, vm.id);
    if (methods.has(id)) return;
    const out = { ...vm, id, controller: vm.controller ?? did };
    if (vm.type === 'Multikey') out.type = MULTIKEY_AS[multikeyCurve(vm.publicKeyMultibase)];
    methods.set(id, out);
  };
  for (const vm of doc.verificationMethod ?? []) addMethod(vm);
  const rel = (name) =>
    (doc[name] ?? []).map((e) => {
      if (typeof e === 'string') return absolute(did, e);
      addMethod(e);
      return absolute(did, e.id);
    });
  const keyAgreement = rel('keyAgreement');
  const authentication = rel('authentication');
  const service = (doc.service ?? []).map((s) => {
    const ep = s.serviceEndpoint;
    if (!ep || typeof ep !== 'object' || Array.isArray(ep)) return { ...s, id: absolute(did, s.id) };
    const routingKeys = ep.routingKeys ?? ep.routing_keys ?? [];
    const { routing_keys: _legacy, ...rest } = ep;
    return { ...s, id: absolute(did, s.id), serviceEndpoint: { ...rest, routingKeys } };
  });
  return { id: did, keyAgreement, authentication, verificationMethod: [...methods.values()], service };
}

/** didcomm-node's DIDResolver over our documents (converted once). */
export function theirResolver(docs) {
  const byId = new Map(docs.map((d) => [d.id, toDidcommNodeDoc(d)]));
  return { resolve: async (did) => byId.get(did) ?? null };
}

/** didcomm-node's SecretsResolver over Secret objects. */
export function theirSecrets(secrets) {
  const byId = new Map(secrets.map((s) => [s.id, s]));
  return {
    get_secret: async (kid) => byId.get(kid) ?? null,
    find_secrets: async (kids) => kids.filter((k) => byId.has(k)),
  };
}

/** Run `fn` on a new didcomm-node Message built from `plain`; always free it. */
export async function withMessage(plain, fn) {
  const msg = new Message(plain);
  try {
    return await fn(msg);
  } finally {
    msg.free();
  }
}

export const theirPackPlaintext = (plain, resolver) => withMessage(plain, (m) => m.pack_plaintext(resolver));

/** -> { packed, metadata } */
export async function theirPackSigned(plain, signBy, resolver, secrets) {
  const [packed, metadata] = await withMessage(plain, (m) => m.pack_signed(signBy, resolver, secrets));
  return { packed, metadata };
}

/**
 * didcomm-node's pack_encrypted with our option names:
 * { to, from?, signBy?, protectSender?, encAlgAnon?, forward?, forwardHeaders?, messagingService? } -> { packed, metadata }
 */
export async function theirPackEncrypted(plain, o, resolver, secrets) {
  const options = {
    protect_sender: o.protectSender ?? false,
    forward: o.forward ?? true,
    ...(o.encAlgAnon ? { enc_alg_anon: THEIR_ENC_ANON[o.encAlgAnon] ?? o.encAlgAnon } : {}),
    ...(o.encAlgAuth ? { enc_alg_auth: THEIR_ENC_AUTH[o.encAlgAuth] ?? o.encAlgAuth } : {}),
    ...(o.forwardHeaders ? { forward_headers: o.forwardHeaders } : {}),
    ...(o.messagingService ? { messaging_service: o.messagingService } : {}),
  };
  const [packed, metadata] = await withMessage(plain, (m) => m.pack_encrypted(o.to, o.from ?? null, o.signBy ?? null, resolver, secrets, options));
  return { packed, metadata };
}

/**
 * didcomm-node's unpack; the WASM message is read as a plain object and freed.
 * With `parseForward`, also runs try_parse_forward on it (null when it is not a forward).
 * -> { message, metadata, forward? }
 */
export async function theirUnpack(packed, resolver, secrets, options = {}, { parseForward = false } = {}) {
  const [msg, metadata] = await Message.unpack(packed, resolver, secrets, options);
  try {
    const message = msg.as_value();
    if (!parseForward) return { message, metadata };
    const forward = msg.try_parse_forward() ?? null;
    return { message, metadata, forward };
  } finally {
    msg.free();
  }
}
