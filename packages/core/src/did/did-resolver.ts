// Adapter for the DIF did-resolver ecosystem (decentralized-identity/did-resolver):
// any `Resolvable`, or any method driver from a `getResolver()` registry, becomes a method
// here. Typed structurally, so did-resolver is not a dependency of this package.
import { DIDCommError, ErrorCodes } from '../errors.js';
import { isObject } from '../util/json.js';
import { parseDidUrl } from './url.js';
import type { DIDDocument, DIDResolver } from './types.js';

/** did-resolver's DIDResolutionResult, as much of it as we read. */
export interface DIDResolutionResultLike {
  didResolutionMetadata?: { error?: string; message?: string; [k: string]: unknown };
  didDocument?: DIDDocument | Record<string, unknown> | null;
  didDocumentMetadata?: { deactivated?: boolean; [k: string]: unknown };
}

/** did-resolver's `Resolvable` (e.g. `new Resolver({...getResolver()})`). */
export interface ResolvableLike {
  resolve(didUrl: string, options?: Record<string, unknown>): Promise<DIDResolutionResultLike>;
}

/** did-resolver's ParsedDID, passed to method drivers. */
export interface ParsedDIDLike {
  did: string;
  didUrl: string;
  method: string;
  id: string;
  path?: string;
  fragment?: string;
  query?: string;
  params?: Record<string, string>;
}

/** A did-resolver method driver: one value of the registry that `getResolver()` returns. */
export type DIDMethodDriverLike = (did: string, parsed: ParsedDIDLike, resolver: ResolvableLike, options: Record<string, unknown>) => Promise<DIDResolutionResultLike>;

/** Map a DIDResolutionResult to our contract: a document, null for absence, typed errors otherwise. */
export function fromResolutionResult(did: string, result: unknown): DIDDocument | null {
  if (!isObject(result)) throw new DIDCommError(ErrorCodes.RESOLUTION_FAILED, `resolver returned no result for ${did}`);
  const meta = isObject(result.didResolutionMetadata) ? result.didResolutionMetadata : {};
  const error = typeof meta.error === 'string' ? meta.error : undefined;
  const detail = typeof meta.message === 'string' ? `: ${meta.message}` : '';
  if (error === 'notFound') return null;
  if (error === 'invalidDid') throw new DIDCommError(ErrorCodes.MALFORMED, `invalid DID ${did}${detail}`);
  if (error === 'unsupportedDidMethod') throw new DIDCommError(ErrorCodes.UNSUPPORTED, `unsupported DID method for ${did}${detail}`);
  if (error !== undefined) throw new DIDCommError(ErrorCodes.RESOLUTION_FAILED, `resolving ${did} failed (${error})${detail}`);
  const docMeta = isObject(result.didDocumentMetadata) ? result.didDocumentMetadata : {};
  // A deactivated DID must not be used to encrypt to or to verify with.
  if (docMeta.deactivated === true) return null;
  const doc = result.didDocument;
  if (doc === null || doc === undefined) return null;
  if (!isObject(doc) || typeof doc.id !== 'string') throw new DIDCommError(ErrorCodes.RESOLUTION_FAILED, `resolver returned a document without id for ${did}`);
  if (doc.id !== did) throw new DIDCommError(ErrorCodes.RESOLUTION_FAILED, `resolver returned the document of ${doc.id.slice(0, 120)} for ${did}`);
  return doc as DIDDocument;
}

/**
 * A DIDResolver over a did-resolver `Resolvable`, or over anything with resolve(): a result
 * shaped like a DIDResolutionResult is unwrapped, a bare document or null is taken as is.
 */
export function fromResolvable(resolvable: ResolvableLike | DIDResolver): DIDResolver {
  if (!resolvable || typeof resolvable.resolve !== 'function') throw new TypeError('fromResolvable expects an object with resolve()');
  return {
    async resolve(did) {
      let result: unknown;
      try {
        result = await resolvable.resolve(did, { accept: 'application/did+json' } as never);
      } catch (e) {
        if (e instanceof DIDCommError) throw e;
        throw new DIDCommError(ErrorCodes.RESOLUTION_FAILED, `resolving ${did} failed`, { cause: e });
      }
      if (result === null || result === undefined) return null;
      if (isObject(result) && ('didResolutionMetadata' in result || 'didDocument' in result || 'didDocumentMetadata' in result)) return fromResolutionResult(did, result);
      return fromResolutionResult(did, { didDocument: result });
    },
  };
}

/**
 * A DIDResolver over one did-resolver method driver. `self` is what the driver may call
 * to resolve other DIDs (did-resolver passes its Resolver); give it our composite resolver.
 */
export function fromMethodDriver(driver: DIDMethodDriverLike, self: () => DIDResolver): DIDResolver {
  if (typeof driver !== 'function') throw new TypeError('fromMethodDriver expects a function');
  const asResolvable: ResolvableLike = { resolve: (didUrl) => toResolvable(self()).resolve(didUrl) };
  return {
    async resolve(did) {
      const p = parseDidUrl(did);
      const method = p.did.split(':')[1];
      const parsed: ParsedDIDLike = { did: p.did, didUrl: did, method, id: p.did.slice(`did:${method}:`.length) };
      let result: unknown;
      try {
        result = await driver(p.did, parsed, asResolvable, {});
      } catch (e) {
        throw new DIDCommError(ErrorCodes.RESOLUTION_FAILED, `resolving ${did} failed`, { cause: e });
      }
      return fromResolutionResult(p.did, result);
    },
  };
}

/** The other direction: our resolver as a did-resolver `Resolvable`, for libraries that want one. */
export function toResolvable(resolver: DIDResolver): ResolvableLike {
  return {
    async resolve(didUrl) {
      const base = { didDocumentMetadata: {} };
      let did: string;
      try {
        did = parseDidUrl(didUrl).did;
      } catch {
        return { ...base, didResolutionMetadata: { error: 'invalidDid' }, didDocument: null };
      }
      try {
        const doc = await resolver.resolve(did);
        return doc ? { ...base, didResolutionMetadata: { contentType: 'application/did+json' }, didDocument: doc } : { ...base, didResolutionMetadata: { error: 'notFound' }, didDocument: null };
      } catch (e) {
        const code = e instanceof DIDCommError ? e.code : undefined;
        const error = code === ErrorCodes.MALFORMED ? 'invalidDid' : code === ErrorCodes.UNSUPPORTED ? 'unsupportedDidMethod' : 'internalError';
        return { ...base, didResolutionMetadata: { error, message: e instanceof Error ? e.message : String(e) }, didDocument: null };
      }
    },
  };
}
