// did:peer:3: the SHA-256 multihash of a did:peer:2 without its "did:peer:2" prefix.
// Resolvable only after its did:peer:2 has been seen.
import { malformedDid } from '../common.js';
import { multihashSha256 } from './hash.js';

const RE = /^did:peer:3zQm[1-9A-HJ-NP-Za-km-z]{44}$/;

/** The did:peer:3 short form of a did:peer:2 (SHA-256 multihash of its method-specific id). */
export async function peer3FromPeer2(peer2: string): Promise<string> {
  if (!peer2.startsWith('did:peer:2')) throw new TypeError('not a did:peer:2');
  return `did:peer:3${await multihashSha256(peer2.slice('did:peer:2'.length))}`;
}

export function checkPeer3(did: string): void {
  if (!RE.test(did)) throw malformedDid('peer', 'numalgo 3 must be a base58btc SHA2-256 multihash');
}
