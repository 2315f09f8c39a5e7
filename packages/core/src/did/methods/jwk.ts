// did:jwk (https://github.com/quartzjer/did-jwk): the DID is base64url(JSON of a public JWK);
// the document has one verification method `#0`, with relationships chosen by the JWK's `use`.
import { decode, encodeString, fromUtf8 } from '../../util/base64url.js';
import { isObject, parseJson } from '../../util/json.js';
import { jwkToPublicRaw, type PublicJwk } from '../../keys/jwk.js';
import type { DIDDocument } from '../types.js';
import { asMalformed, canAgree, canSign, CONTEXT, malformedDid } from './common.js';

const MSI_RE = /^[A-Za-z0-9_-]{1,4096}$/;
const PRIVATE_MEMBERS = ['d', 'p', 'q', 'dp', 'dq', 'qi', 'k', 'oth'];

/** The did:jwk of a public JWK; private members are refused so a secret never becomes an identifier. */
export function didJwkFromJwk(jwk: PublicJwk | Record<string, unknown>): string {
  if (!isObject(jwk)) throw new TypeError('didJwkFromJwk expects a JWK object');
  if (PRIVATE_MEMBERS.some((m) => m in jwk)) throw new TypeError('didJwkFromJwk was given a private JWK');
  jwkToPublicRaw(jwk);
  return `did:jwk:${encodeString(JSON.stringify(jwk))}`;
}

/** The public JWK a did:jwk carries, validated. */
export function parseDidJwk(did: string): PublicJwk {
  if (typeof did !== 'string' || !did.startsWith('did:jwk:')) throw malformedDid('jwk', 'not a did:jwk');
  const msi = did.slice('did:jwk:'.length);
  if (!MSI_RE.test(msi)) throw malformedDid('jwk', 'the identifier is not base64url');
  const jwk = asMalformed('jwk', 'the identifier is not a base64url JSON JWK', () => parseJson(fromUtf8(decode(msi, 'did:jwk identifier')), 'did:jwk JWK', 8));
  if (!isObject(jwk)) throw malformedDid('jwk', 'the JWK is not a JSON object');
  if (PRIVATE_MEMBERS.some((m) => m in jwk)) throw malformedDid('jwk', 'the JWK contains private key material');
  asMalformed('jwk', 'the JWK is not a supported public key', () => jwkToPublicRaw(jwk));
  return jwk as PublicJwk;
}

/** The DID document of a did:jwk, built from the DID itself (no network); throws ERR_MALFORMED for a bad did:jwk. */
export function resolveDidJwk(did: string): DIDDocument {
  const jwk = parseDidJwk(did);
  const { curve } = jwkToPublicRaw(jwk);
  const id = `${did}#0`;
  const doc: DIDDocument = {
    '@context': [CONTEXT.did, CONTEXT.jws2020],
    id: did,
    verificationMethod: [{ id, type: 'JsonWebKey2020', controller: did, publicKeyJwk: jwk }],
  };
  // The spec decides by `use`; we also leave out what the curve cannot do (X25519 cannot
  // sign, Ed25519 cannot agree), so no relationship advertises an impossible operation.
  const sig = jwk.use !== 'enc' && canSign(curve);
  const enc = jwk.use !== 'sig' && canAgree(curve);
  if (sig) {
    doc.assertionMethod = [id];
    doc.authentication = [id];
    doc.capabilityInvocation = [id];
    doc.capabilityDelegation = [id];
  }
  if (enc) doc.keyAgreement = [id];
  return doc;
}

