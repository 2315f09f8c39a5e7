// did:peer:1: the SHA-256 of the "stored variant" of a genesis document (no root id).
// Nothing about the document is in the DID, so it resolves only from a registered genesis.
import { isObject, parseJsonObject } from '../../../util/json.js';
import type { DIDDocument } from '../../types.js';
import { malformedDid } from '../common.js';
import { multihashSha256 } from './hash.js';
import type { PeerDidStore } from './store.js';

const RE = /^did:peer:1zQm[1-9A-HJ-NP-Za-km-z]{44}$/;

export function checkPeer1(did: string): void {
  if (!RE.test(did)) throw malformedDid('peer', 'numalgo 1 must be a base58btc SHA2-256 multihash');
}

/** The DID of a stored-variant genesis document, given as the exact text that was hashed. */
export async function peer1FromGenesis(storedText: string): Promise<{ did: string; stored: DIDDocument }> {
  const stored = parseJsonObject(storedText, 'did:peer:1 genesis document');
  if ('id' in stored) throw malformedDid('peer', 'a numalgo 1 stored document must not contain id');
  return { did: `did:peer:1${await multihashSha256(storedText)}`, stored: stored as DIDDocument };
}

/** The resolved variant: the DID inserted as id, and `#id` controllers made the DID. */
export function resolvedPeer1(did: string, stored: DIDDocument): DIDDocument {
  const fix = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(fix);
    if (!isObject(v)) return v;
    const o: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) o[k] = k === 'controller' && x === '#id' ? did : fix(x);
    return o;
  };
  return { id: did, ...(fix(stored) as object) } as DIDDocument;
}

/** Register a genesis document so its did:peer:1 resolves through `store`; returns the DID. */
export async function registerPeer1Genesis(store: PeerDidStore, storedText: string): Promise<string> {
  const { did, stored } = await peer1FromGenesis(storedText);
  store.set(did, { storedDocument: stored });
  return did;
}
