import { DIDCommError, ErrorCodes } from '../errors.js';
import { backend, ed25519SecretToX25519 } from '../crypto/index.js';
import type { Curve, PrivateKey } from '../crypto/types.js';
import { jwkPrivateScalar, jwkToPublicRaw } from '../keys/jwk.js';
import { base58Decode, multikeyToPrivate } from '../keys/multikey.js';
import type { Secret } from './types.js';

const cache = new WeakMap<Secret, Promise<PrivateKey>>();

/** The private key a Secret holds, imported once per Secret object. */
export function secretToPrivateKey(secret: Secret): Promise<PrivateKey> {
  let p = cache.get(secret);
  if (!p) {
    p = importSecret(secret);
    cache.set(secret, p);
    p.catch(() => cache.delete(secret));
  }
  return p;
}

async function importSecret(secret: Secret): Promise<PrivateKey> {
  if (secret.privateKeyJwk) {
    const jwk = secret.privateKeyJwk as Record<string, unknown>;
    const { curve, raw } = jwkToPublicRaw(jwk);
    return backend.importPrivateKey(curve, jwkPrivateScalar(jwk), raw);
  }
  if (typeof secret.privateKeyMultibase === 'string') {
    const { curve, d } = multikeyToPrivate(secret.privateKeyMultibase);
    return backend.importPrivateKey(curve, d);
  }
  if (typeof secret.privateKeyBase58 === 'string') {
    const curve: Curve | undefined = /X25519/.test(secret.type) ? 'X25519' : /Ed25519/.test(secret.type) ? 'Ed25519' : undefined;
    if (!curve) throw new DIDCommError(ErrorCodes.UNSUPPORTED, `secret type ${secret.type} with privateKeyBase58 is not supported`);
    const bytes = base58Decode(secret.privateKeyBase58, 'privateKeyBase58');
    // Ed25519 secrets in base58 are often the 64-byte seed||public form.
    return backend.importPrivateKey(curve, bytes.length === 64 ? bytes.subarray(0, 32) : bytes);
  }
  throw new DIDCommError(ErrorCodes.UNSUPPORTED, `secret ${secret.id} has no key material we can read`);
}

export { ed25519SecretToX25519 };
