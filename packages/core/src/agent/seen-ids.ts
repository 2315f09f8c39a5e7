/**
 * Replay detection: message ids seen recently, bounded in memory, in a shape that no sender can
 * use to make us forget another sender's ids (spec: ids are unique per sender).
 *
 * - An authenticated sender (authcrypt or a signature) has a bucket of its own, holding its last
 *   `idsPerSender` ids: only its own messages push its ids out.
 * - Messages whose sender is only claimed or absent share one separate bucket, so a flood of
 *   anonymous messages never evicts what authenticated senders sent.
 * - All buckets together hold at most `maxEntries` ids; beyond that the sender silent the
 *   longest loses its oldest ids first. A sender has to be authenticated to take a share, and the
 *   maximum message age (Agent `replay.maxMessageAgeSeconds`) refuses what was evicted once old.
 */
export interface SeenIdsOptions {
  /** Ids remembered per authenticated sender (default 1000). */
  idsPerSender?: number;
  /** Ids remembered for senders that are not authenticated, all together (default 10 000). */
  unauthenticatedIds?: number;
  /** Ids remembered in all (default 200 000). */
  maxEntries?: number;
  /** How long an id is remembered (default 24 h). */
  ttlMs?: number;
}

const UNAUTHENTICATED = '\u0000unauthenticated';

/** Message ids seen recently, per sender, bounded (see SeenIdsOptions); the agent's replay memory, and the mediator's for DIDComm v1. */
export class SeenIds {
  /** Sender -> (id -> when seen), both in insertion order: the first sender is the one silent longest. */
  readonly #buckets = new Map<string, Map<string, number>>();
  #total = 0;
  readonly idsPerSender: number;
  readonly unauthenticatedIds: number;
  readonly maxEntries: number;
  readonly ttlMs: number;

  constructor(o: SeenIdsOptions = {}) {
    this.idsPerSender = o.idsPerSender ?? 1000;
    this.unauthenticatedIds = o.unauthenticatedIds ?? 10_000;
    this.maxEntries = Math.max(o.maxEntries ?? 200_000, this.idsPerSender, this.unauthenticatedIds);
    this.ttlMs = o.ttlMs ?? 24 * 3600_000;
  }

  /**
   * Records `id` for `sender` (a DID proven by the message; undefined when none is) and returns
   * false when it was already there and still fresh.
   */
  add(sender: string | undefined, id: string, now = Date.now()): boolean {
    const key = sender ?? UNAUTHENTICATED;
    const cap = sender === undefined ? this.unauthenticatedIds : this.idsPerSender;
    const normalized = id.toLowerCase();
    let bucket = this.#buckets.get(key);
    if (bucket) {
      const at = bucket.get(normalized);
      if (at !== undefined && now - at < this.ttlMs) return false;
      if (at !== undefined) {
        bucket.delete(normalized);
        this.#total--;
      }
      // Most recently active last.
      this.#buckets.delete(key);
      this.#buckets.set(key, bucket);
    } else this.#buckets.set(key, (bucket = new Map()));
    bucket.set(normalized, now);
    this.#total++;
    while (bucket.size > cap) this.#dropOldest(key, bucket);
    while (this.#total > this.maxEntries) {
      const [k, b] = this.#buckets.entries().next().value as [string, Map<string, number>];
      this.#dropOldest(k, b);
    }
    return true;
  }

  /** Ids held in all (for tests and metrics). */
  get size(): number {
    return this.#total;
  }

  #dropOldest(key: string, bucket: Map<string, number>): void {
    const oldest = bucket.keys().next().value;
    if (oldest !== undefined) {
      bucket.delete(oldest);
      this.#total--;
    }
    if (bucket.size === 0) this.#buckets.delete(key);
  }
}
