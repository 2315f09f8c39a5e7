/**
 * Message ids seen recently, per sender, bounded in size and age: replayed ids are refused
 * (spec: ids are unique per sender) without keeping every id forever.
 */
export class SeenIds {
  readonly #seen = new Map<string, number>();
  constructor(readonly maxEntries = 100_000, readonly ttlMs = 24 * 3600_000) {}

  /** Records the id; false when it was already there (and still fresh). */
  add(sender: string, id: string, now = Date.now()): boolean {
    const key = `${sender}\u0000${id.toLowerCase()}`;
    const at = this.#seen.get(key);
    if (at !== undefined && now - at < this.ttlMs) return false;
    this.#seen.delete(key);
    this.#seen.set(key, now);
    if (this.#seen.size > this.maxEntries) {
      const oldest = this.#seen.keys().next().value;
      if (oldest !== undefined) this.#seen.delete(oldest);
    }
    return true;
  }
}
