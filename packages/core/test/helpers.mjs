// Shared test helpers: the vectors kept in the repository (vectors/upstream, sources in
// vectors/upstream/SOURCES.md) and loaders. Nothing here reads outside the repository.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';

const here = dirname(fileURLToPath(import.meta.url));
export const VECTORS = join(here, 'vectors', 'upstream');
export const loadVector = (rel) => JSON.parse(readFileSync(join(VECTORS, rel), 'utf8'));

/** A resolver over fixed documents (the vectors' DID docs). */
export function staticResolver(docs) {
  const byId = new Map(docs.map((d) => [d.id, d]));
  return { resolve: async (did) => byId.get(did) ?? null };
}

/** Spec appendix secrets (flat JWKs with kid) as Secret objects. */
export const secretsFromJwks = (jwks) => jwks.map(({ kid, ...jwk }) => ({ id: kid, type: 'JsonWebKey2020', privateKeyJwk: jwk }));

/** A clock inside the vectors' validity window (created 1516269022, expires 1516385931). */
export const VECTOR_NOW = () => 1516269100;

/** didcomm-rust metadata (snake_case) as our camelCase names. */
export function camelMetadata(m) {
  const out = {};
  for (const [k, v] of Object.entries(m)) out[k.replace(/_([a-z])/g, (_, c) => c.toUpperCase())] = v;
  return out;
}
