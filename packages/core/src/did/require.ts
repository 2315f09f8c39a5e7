import { DIDCommError, ErrorCodes } from '../errors.js';
import type { DIDDocument, DIDResolver } from './types.js';

/** Resolve, turning absence into DID_NOT_FOUND, for callers that cannot go on without the document. */
export async function resolveOrThrow(resolver: DIDResolver, did: string): Promise<DIDDocument> {
  const doc = await resolver.resolve(did);
  if (!doc) throw new DIDCommError(ErrorCodes.DID_NOT_FOUND, `DID not found: ${did.slice(0, 200)}`);
  return doc;
}
