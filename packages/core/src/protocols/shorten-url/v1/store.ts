/** One shortened URL as the url-shortener keeps it. */
export interface ShortUrlEntry {
  id: string;
  url: string;
  shortenedUrl: string;
  /** Epoch seconds; undefined means until invalidated. */
  expiresTime?: number;
  /** The DID allowed to invalidate it (the requester). */
  owner?: string;
}

/** Where a url-shortener keeps its URLs. A database adapter implements the same four calls. */
export interface ShortUrlStore {
  put(entry: ShortUrlEntry): Promise<void>;
  /** The live entry for `id` (expired ones are gone). */
  get(id: string, now?: number): Promise<ShortUrlEntry | undefined>;
  delete(id: string): Promise<boolean>;
  has(id: string): Promise<boolean>;
  /** A live entry `owner` already has for `url`, so asking twice does not make two (optional). */
  find?(owner: string, url: string): Promise<ShortUrlEntry | undefined>;
}

/** In memory, bounded; expired entries are dropped when read or when space is needed. */
export class InMemoryShortUrlStore implements ShortUrlStore {
  readonly #entries = new Map<string, ShortUrlEntry>();
  constructor(readonly maxEntries = 10_000) {}
  async put(entry: ShortUrlEntry): Promise<void> {
    if (this.#entries.size >= this.maxEntries) {
      const now = Date.now() / 1000;
      for (const [k, e] of this.#entries) if (e.expiresTime !== undefined && e.expiresTime <= now) this.#entries.delete(k);
      if (this.#entries.size >= this.maxEntries) this.#entries.delete(this.#entries.keys().next().value!);
    }
    this.#entries.set(entry.id, { ...entry });
  }
  async get(id: string, now = Date.now() / 1000): Promise<ShortUrlEntry | undefined> {
    const e = this.#entries.get(id);
    if (e && e.expiresTime !== undefined && e.expiresTime <= now) {
      // The protocol: the shortener MUST invalidate after expires_time.
      this.#entries.delete(id);
      return undefined;
    }
    return e ? { ...e } : undefined;
  }
  async delete(id: string): Promise<boolean> {
    return this.#entries.delete(id);
  }
  async has(id: string): Promise<boolean> {
    return (await this.get(id)) !== undefined;
  }
  async find(owner: string, url: string): Promise<ShortUrlEntry | undefined> {
    for (const e of [...this.#entries.values()]) {
      const live = e.owner === owner && e.url === url ? await this.get(e.id) : undefined;
      if (live) return live;
    }
    return undefined;
  }
}
