// did:peer:4: a long form carrying the whole input document and a short form that is its hash.
import { base58btcDecode, base58btcEncode, varintDecode, varintEncode } from '../../../keys/multikey.js';
import { fromUtf8, utf8 } from '../../../util/base64url.js';
import { concat } from '../../../util/bytes.js';
import { isObject, parseJson, type JsonObject } from '../../../util/json.js';
import type { DIDDocument } from '../../types.js';
import { asMalformed, malformedDid } from '../common.js';
import { multihashSha256 } from './hash.js';

const JSON_CODEC = 0x0200;
const LONG_RE = /^did:peer:4(zQm[1-9A-HJ-NP-Za-km-z]{44}):(z[1-9A-HJ-NP-Za-km-z]+)$/;
const SHORT_RE = /^did:peer:4zQm[1-9A-HJ-NP-Za-km-z]{44}$/;
const RELATIONSHIPS = ['authentication', 'assertionMethod', 'keyAgreement', 'capabilityInvocation', 'capabilityDelegation'];

export const isPeer4Short = (did: string): boolean => SHORT_RE.test(did);

/** Encode an input document (no root id, relative references) to its long and short DIDs. */
export async function createPeer4(input: JsonObject): Promise<{ longForm: string; shortForm: string }> {
  if (!isObject(input)) throw new TypeError('the did:peer:4 input document must be an object');
  if ('id' in input) throw new TypeError('the did:peer:4 input document must not have an id');
  const encoded = base58btcEncode(concat(varintEncode(JSON_CODEC), utf8(JSON.stringify(input))));
  const hash = await multihashSha256(encoded);
  return { longForm: `did:peer:4${hash}:${encoded}`, shortForm: `did:peer:4${hash}` };
}

/** Decode and hash-check a long form; returns the input document and the short form. */
export async function parsePeer4Long(did: string): Promise<{ input: JsonObject; shortForm: string }> {
  const m = LONG_RE.exec(did);
  if (!m) throw malformedDid('peer', 'numalgo 4 long form must be did:peer:4<hash>:<document>');
  const [, hash, encoded] = m;
  if ((await multihashSha256(encoded)) !== hash) throw malformedDid('peer', 'numalgo 4 hash does not match its document');
  const input = asMalformed('peer', 'numalgo 4 document is not multicodec JSON', () => {
    const bytes = base58btcDecode(encoded, 'did:peer:4 document');
    const { value, length } = varintDecode(bytes);
    if (value !== JSON_CODEC) throw malformedDid('peer', 'numalgo 4 document is not tagged as JSON');
    return parseJson(fromUtf8(bytes.subarray(length)), 'did:peer:4 document', 32);
  });
  if (!isObject(input)) throw malformedDid('peer', 'numalgo 4 document is not a JSON object');
  if ('id' in input) throw malformedDid('peer', 'numalgo 4 document must not contain id');
  return { input, shortForm: `did:peer:4${hash}` };
}

/** The spec's "contextualize": id, alsoKnownAs += other form, controller defaults to the DID. */
export function contextualizePeer4(input: JsonObject, did: string, otherForm: string): DIDDocument {
  const withController = (vm: unknown) => (isObject(vm) && vm.controller === undefined ? { ...vm, controller: did } : vm);
  const doc: JsonObject = { ...input };
  if (Array.isArray(doc.verificationMethod)) doc.verificationMethod = doc.verificationMethod.map(withController);
  for (const r of RELATIONSHIPS) if (Array.isArray(doc[r])) doc[r] = (doc[r] as unknown[]).map(withController);
  const aka = Array.isArray(input.alsoKnownAs) ? input.alsoKnownAs.filter((x) => x !== otherForm) : [];
  doc.alsoKnownAs = [...aka, otherForm];
  doc.id = did;
  return doc as DIDDocument;
}
