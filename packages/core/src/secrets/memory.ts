import type { Secret, SecretsResolver } from './types.js';

/** Secrets held in memory. Lookups by exact key id. */
export class InMemorySecrets implements SecretsResolver {
  readonly #secrets = new Map<string, Secret>();
  constructor(secrets: Iterable<Secret> = []) {
    for (const s of secrets) this.add(s);
  }
  add(...secrets: Secret[]): this {
    for (const s of secrets) this.#secrets.set(s.id, s);
    return this;
  }
  remove(kid: string): boolean {
    return this.#secrets.delete(kid);
  }
  list(): Secret[] {
    return [...this.#secrets.values()];
  }
  async getSecret(kid: string): Promise<Secret | null> {
    return this.#secrets.get(kid) ?? null;
  }
  async findSecrets(kids: string[]): Promise<string[]> {
    return kids.filter((k) => this.#secrets.has(k));
  }
}
