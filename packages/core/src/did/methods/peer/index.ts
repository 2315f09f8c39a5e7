// did:peer resolution for every numalgo: 0, 2 and long-form 4 resolve from the DID itself;
// 1, 3 and short-form 4 resolve from what the store has seen.
import type { DIDDocument } from '../../types.js';
import { malformedDid } from '../common.js';
import { PEER_FORMATS, type PeerDocFormat } from './format.js';
import { resolvePeer0 } from './numalgo0.js';
import { checkPeer1, resolvedPeer1 } from './numalgo1.js';
import { parsePeer2, resolvePeer2Current, resolvePeer2Legacy } from './numalgo2.js';
import { checkPeer3, peer3FromPeer2 } from './numalgo3.js';
import { contextualizePeer4, isPeer4Short, parsePeer4Long } from './numalgo4.js';
import { PeerDidStore } from './store.js';

/** Options of resolvePeerDid. */
export interface PeerResolveOptions {
  /** Document format (default 'current'); see PeerDocFormat. */
  format?: PeerDocFormat;
  /** Remembers long forms so short forms resolve; one per resolver by default. */
  store?: PeerDidStore;
}

/** Resolve a did:peer; null when it is a short form the store has not seen. */
export async function resolvePeerDid(did: string, options: PeerResolveOptions = {}): Promise<DIDDocument | null> {
  const format = options.format ?? 'current';
  if (!PEER_FORMATS.includes(format)) throw new TypeError(`unknown did:peer format ${String(format)}`);
  const store = options.store;
  if (typeof did !== 'string' || !did.startsWith('did:peer:')) throw malformedDid('peer', 'not a did:peer');
  switch (did.charAt('did:peer:'.length)) {
    case '0':
      return resolvePeer0(did, format);
    case '1': {
      checkPeer1(did);
      const e = store?.get(did);
      return e && 'storedDocument' in e ? resolvedPeer1(did, e.storedDocument) : null;
    }
    case '2': {
      const parsed = parsePeer2(did);
      if (format !== 'current') return resolvePeer2Legacy(did, parsed, format);
      const peer3 = await peer3FromPeer2(did);
      store?.set(peer3, { longForm: did });
      return resolvePeer2Current(did, parsed, peer3);
    }
    case '3': {
      checkPeer3(did);
      const e = store?.get(did);
      if (!e || !('longForm' in e)) return null;
      const long = await resolvePeerDid(e.longForm, { format, store });
      return long && shortenPeer2Doc(long, did);
    }
    case '4': {
      if (isPeer4Short(did)) {
        const e = store?.get(did);
        if (!e || !('longForm' in e)) return null;
        const { input } = await parsePeer4Long(e.longForm);
        return contextualizePeer4(input, did, e.longForm);
      }
      const { input, shortForm } = await parsePeer4Long(did);
      store?.set(shortForm, { longForm: did });
      return contextualizePeer4(input, did, shortForm);
    }
    default:
      throw malformedDid('peer', 'unknown numalgo');
  }
}

/** A did:peer:3 document: its numalgo 2 document re-rooted at the short DID. */
function shortenPeer2Doc(long: DIDDocument, short: string): DIDDocument {
  const text = JSON.stringify(long);
  // Every occurrence of the long DID (id, controllers) becomes the short one; ids are relative.
  const doc = JSON.parse(text.split(JSON.stringify(long.id).slice(1, -1)).join(short)) as DIDDocument;
  doc.alsoKnownAs = [long.id];
  return doc;
}

export { PeerDidStore };
export type { PeerDocFormat };
