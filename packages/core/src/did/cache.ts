// A bounded TTL cache of resolved documents, with concurrent lookups of one DID shared.
import type { DIDDocument, DIDResolver } from './types.js';

/** Bounds of a CachingResolver. */
export interface CacheOptions {
  /** How long a document stays fresh (default 5 minutes). 0 disables caching. */
  ttlMs?: number;
  /** Most documents kept; the least recently used go first (second chance: an entry used since it was stored or last passed over stays for one more round; default 1000). */
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
  /**
   * Insertion order is eviction order. A hit only marks its entry used (second chance, the
   * CLOCK approximation of least recently used) instead of moving it to the end: a delete and a
   * set on every hit cost 5% of a wallet's CPU with 20,000 documents cached, and hits are the
   * common case. Eviction gives each used entry at the front one more round.
   */
  readonly #entries = new Map<string, { doc: DIDDocument; expires: number; used: boolean }>();
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
      if (hit.expires > this.#now()) {
        hit.used = true;
        return hit.doc;
      }
      this.#entries.delete(did);
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
        this.#entries.set(did, { doc: frozen, expires: this.#now() + this.#ttl, used: false });
        if (this.#entries.size > this.#max) this.#evict();
        return frozen;
      }
      return doc;
    } finally {
      this.#inflight.delete(did);
    }
  }

  /**
   * Down to the bound, from the front: an entry used since it got there goes to the back once
   * (its mark cleared), an unused one goes. One iterator for the whole pass (a fresh
   * keys().next() per eviction would walk the deleted slots at the front again each time);
   * entries moved to the back come round again only after every other, so it ends.
   */
  #evict(): void {
    for (const [did, e] of this.#entries) {
      if (this.#entries.size <= this.#max) return;
      this.#entries.delete(did);
      if (e.used) {
        e.used = false;
        this.#entries.set(did, e);
      }
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
