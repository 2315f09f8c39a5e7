// Shared test helpers: paths to ../shared vectors and loaders.
import { readFileSync, existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { dirname, join, resolve } from 'node:path';

const here = dirname(fileURLToPath(import.meta.url));
/** The shared folder beside the repository (CI lays it at ../shared). */
export const SHARED = [resolve(here, '../../../../shared'), resolve(here, '../../../shared')].find((p) => existsSync(join(p, 'spec'))) ??
  (() => { throw new Error('../shared/spec not found beside the repository'); })();
export const VECTORS = join(SHARED, 'spec', 'vectors');
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
