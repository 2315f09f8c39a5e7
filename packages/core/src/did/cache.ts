// A bounded TTL cache of resolved documents, with concurrent lookups of one DID shared.
import type { DIDDocument, DIDResolver } from './types.js';

/** Bounds of a CachingResolver. */
export interface CacheOptions {
  /** How long a document stays fresh (default 5 minutes). 0 disables caching. */
  ttlMs?: number;
  /** Most documents kept; the least recently used go first (default 1000). */
  maxEntries?: number;
  /** Clock, for tests. */
  now?: () => number;
}

/**
 * A DIDResolver that keeps resolved documents (deep-frozen, shared) for a while, bounded in number, and
 * shares concurrent lookups of one DID. Absence (null) is not cached.
 */
export class CachingResolver implements DIDResolver {
  readonly #inner: DIDResolver;
  readonly #ttl: number;
  readonly #max: number;
  readonly #now: () => number;
  readonly #entries = new Map<string, { doc: DIDDocument; expires: number }>();
  readonly #inflight = new Map<string, Promise<DIDDocument | null>>();

  constructor(inner: DIDResolver, options: CacheOptions = {}) {
    this.#inner = inner;
    this.#ttl = options.ttlMs ?? 5 * 60_000;
    this.#max = options.maxEntries ?? 1000;
    if (!(this.#ttl >= 0)) throw new TypeError('ttlMs must be >= 0');
    if (!Number.isInteger(this.#max) || this.#max < 0) throw new TypeError('maxEntries must be a non-negative integer');
    this.#now = options.now ?? Date.now;
  }

  async resolve(did: string): Promise<DIDDocument | null> {
    const hit = this.#entries.get(did);
    if (hit) {
      this.#entries.delete(did);
      if (hit.expires > this.#now()) {
        this.#entries.set(did, hit);
        return hit.doc;
      }
    }
    let p = this.#inflight.get(did);
    if (!p) {
      p = this.#load(did);
      this.#inflight.set(did, p);
    }
    return p;
  }

  async #load(did: string): Promise<DIDDocument | null> {
    try {
      const doc = await this.#inner.resolve(did);
      // Absence and failures are not cached: a DID published a moment later must resolve.
      if (doc && this.#ttl > 0 && this.#max > 0) {
        const frozen = deepFreeze(doc);
        this.#entries.set(did, { doc: frozen, expires: this.#now() + this.#ttl });
        while (this.#entries.size > this.#max) this.#entries.delete(this.#entries.keys().next().value as string);
        return frozen;
      }
      return doc;
    } finally {
      this.#inflight.delete(did);
    }
  }

  /** Forget one DID, or everything. */
  invalidate(did?: string): void {
    if (did === undefined) this.#entries.clear();
    else this.#entries.delete(did);
  }

  get size(): number {
    return this.#entries.size;
  }
}

/** Shared documents are frozen so one caller cannot change what the next one reads. */
export function deepFreeze<T>(v: T): T {
  if (v && typeof v === 'object' && !Object.isFrozen(v)) {
    Object.freeze(v);
    for (const x of Object.values(v as object)) deepFreeze(x);
  }
  return v;
}
