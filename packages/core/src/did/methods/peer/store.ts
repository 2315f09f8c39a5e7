// Short peer DIDs (numalgo 1, 3 and 4 short form) cannot be resolved from themselves: a
// resolver must have seen the long form (or the genesis document) first. This is that memory.
import type { DIDDocument } from '../../types.js';

export interface PeerDidStoreOptions {
  /** Most DIDs remembered; the least recently used are forgotten first (default 10 000). */
  maxEntries?: number;
}

/** What a short peer DID stands for: the long-form DID, or a numalgo 1 stored document. */
export type PeerDidEntry = { longForm: string } | { storedDocument: DIDDocument };

/**
 * Remembers what short peer DIDs (did:peer:3, short did:peer:4, did:peer:1) stand for, so they resolve once their long form or
 * genesis document has been seen. Bounded (default 10 000 entries; the least recently set go first).
 */
export class PeerDidStore {
  readonly #entries = new Map<string, PeerDidEntry>();
  readonly #max: number;
  constructor(options: PeerDidStoreOptions = {}) {
    const max = options.maxEntries ?? 10_000;
    if (!Number.isInteger(max) || max < 1) throw new TypeError('maxEntries must be a positive integer');
    this.#max = max;
  }
  set(shortDid: string, entry: PeerDidEntry): void {
    this.#entries.delete(shortDid);
    this.#entries.set(shortDid, entry);
    while (this.#entries.size > this.#max) this.#entries.delete(this.#entries.keys().next().value as string);
  }
  get(shortDid: string): PeerDidEntry | undefined {
    const e = this.#entries.get(shortDid);
    if (e) {
      this.#entries.delete(shortDid);
      this.#entries.set(shortDid, e);
    }
    return e;
  }
  has(shortDid: string): boolean {
    return this.#entries.has(shortDid);
  }
  delete(shortDid: string): boolean {
    return this.#entries.delete(shortDid);
  }
  get size(): number {
    return this.#entries.size;
  }
}
