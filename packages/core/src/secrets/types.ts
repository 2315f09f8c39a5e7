import type { PrivateJwk } from '../keys/jwk.js';

/** A private key held for a DID URL, in the shape of the spec's and didcomm-rust's vectors. */
export interface Secret {
  id: string;
  type: string;
  privateKeyJwk?: PrivateJwk | Record<string, unknown>;
  privateKeyMultibase?: string;
  privateKeyBase58?: string;
  [k: string]: unknown;
}

/**
 * Where pack and unpack find private keys, by key id (a DID URL). Implement it over any key store; InMemorySecrets and
 * FileSecretsStore are two.
 */
export interface SecretsResolver {
  /** The secret for this key id, or null when we do not hold it. */
  getSecret(kid: string): Promise<Secret | null>;
  /** The subset of `kids` we hold secrets for, in the given order. */
  findSecrets(kids: string[]): Promise<string[]>;
}
