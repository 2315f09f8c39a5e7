// The composite resolver: static documents first, then the method's resolver, behind a cache.
import { DIDCommError, ErrorCodes } from '../errors.js';
import { CachingResolver, deepFreeze, type CacheOptions } from './cache.js';
import { fromMethodDriver, fromResolvable, type DIDMethodDriverLike, type ResolvableLike } from './did-resolver.js';
import { resolveDidJwk } from './methods/jwk.js';
import { resolveDidKey, type DidKeyOptions } from './methods/key.js';
import { resolvePeerDid, PeerDidStore, type PeerDocFormat } from './methods/peer/index.js';
import { resolveDidWeb, type DidWebOptions, type FetchLike } from './methods/web.js';
import type { DIDDocument, DIDResolver } from './types.js';
import { parseDidUrl } from './url.js';

/** Options of createResolver: extra methods, a fallback, did:web's fetch and limits, did:peer's store, the cache. */
export interface ResolverOptions {
  /**
   * Extra methods, by method name: a did-resolver driver (a value of a `getResolver()`
   * registry, e.g. `getResolver().ethr`), a did-resolver `Resolvable`, or our DIDResolver.
   * A spread registry works too: `methods: { ...ethrGetResolver(config) }`. These replace
   * the built-in method of the same name.
   */
  methods?: Record<string, DIDMethodDriverLike | ResolvableLike | DIDResolver> | ResolvableLike;
  /** A did-resolver `Resolvable` asked for every method we do not handle ourselves. */
  fallback?: ResolvableLike | DIDResolver;
  /** The fetch did:web uses (default globalThis.fetch). */
  fetch?: FetchLike;
  /** did:web deadline and size cap. */
  web?: Omit<DidWebOptions, 'fetch'>;
  /** did:peer: document format and the store that lets short forms resolve. */
  peer?: { format?: PeerDocFormat; store?: PeerDidStore };
  /** did:key document options. */
  key?: DidKeyOptions;
  /** Cache bounds, or false for none. */
  cache?: CacheOptions | false;
  /** Documents that resolve as given, before any method (tests, vectors, pinned peers). */
  static?: DIDDocument[] | Record<string, DIDDocument>;
}

/** The resolver createResolver returns: a DIDResolver that can also pin documents and drop cached ones. */
export interface CompositeResolver extends DIDResolver {
  /** Add or replace a static document. */
  add(doc: DIDDocument): void;
  /** Forget cached documents (one DID, or all). */
  invalidate(did?: string): void;
  /** The did:peer store, so callers can see which short forms are known. */
  readonly peerStore: PeerDidStore;
}

const METHOD_RE = /^[a-z0-9]+$/;

/** A resolver for did:peer, did:key, did:jwk and did:web, plus any added methods, with a cache. */
export function createResolver(options: ResolverOptions = {}): CompositeResolver {
  const peerStore = options.peer?.store ?? new PeerDidStore();
  const statics = new Map<string, DIDDocument>();
  const addStatic = (doc: DIDDocument) => {
    if (!doc || typeof doc !== 'object' || typeof doc.id !== 'string') throw new TypeError('a static document needs a string id');
    statics.set(doc.id, deepFreeze(structuredClone(doc)));
  };
  const st = options.static;
  if (Array.isArray(st)) st.forEach(addStatic);
  else if (st) for (const [did, doc] of Object.entries(st)) addStatic({ ...doc, id: doc.id ?? did });

  const methods = new Map<string, DIDResolver>([
    ['peer', { resolve: (did) => resolvePeerDid(did, { format: options.peer?.format, store: peerStore }) }],
    ['key', { resolve: async (did) => resolveDidKey(did, options.key) }],
    ['jwk', { resolve: async (did) => resolveDidJwk(did) }],
    ['web', { resolve: (did) => resolveDidWeb(did, { ...options.web, fetch: options.fetch }) }],
  ]);
  let self: DIDResolver;
  // A did-resolver `Resolver` instance given as `methods` serves every method it knows.
  const methodsIsResolvable = typeof (options.methods as ResolvableLike | undefined)?.resolve === 'function';
  for (const [name, m] of methodsIsResolvable ? [] : Object.entries(options.methods ?? {})) {
    if (!METHOD_RE.test(name)) throw new TypeError(`bad DID method name ${JSON.stringify(name)}`);
    methods.set(name, typeof m === 'function' ? fromMethodDriver(m, () => self) : fromResolvable(m));
  }
  const fallbackSource = options.fallback ?? (methodsIsResolvable ? (options.methods as ResolvableLike) : undefined);
  const fallback = fallbackSource ? fromResolvable(fallbackSource) : undefined;

  const uncached: DIDResolver = {
    async resolve(did) {
      const m = methods.get(did.split(':')[1]);
      if (m) return m.resolve(did);
      if (fallback) return fallback.resolve(did);
      throw new DIDCommError(ErrorCodes.UNSUPPORTED, `no resolver for DID method ${did.split(':')[1]}`);
    },
  };
  const cached = options.cache === false ? undefined : new CachingResolver(uncached, options.cache);
  const inner = cached ?? uncached;

  self = {
    async resolve(didOrUrl: string) {
      if (typeof didOrUrl !== 'string') throw new DIDCommError(ErrorCodes.MALFORMED, 'a DID must be a string');
      // A DID URL resolves to the document of its DID.
      const { did } = parseDidUrl(didOrUrl);
      return statics.get(did) ?? inner.resolve(did);
    },
  };
  return {
    resolve: (did) => self.resolve(did),
    add: addStatic,
    invalidate: (did) => cached?.invalidate(did),
    peerStore,
  };
}
