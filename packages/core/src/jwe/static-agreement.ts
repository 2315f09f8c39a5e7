// ECDH-1PU's static-static agreement (Zs) depends only on the two long-term keys, so it is
// computed once per pair of key objects, not once per message: authcrypt between two parties
// then costs one X25519 agreement instead of two. Key objects come from per-Secret and
// per-verification-method caches; the entries go when either key object is collected.
import { backend } from '../crypto/index.js';
import type { PrivateKey, PublicKey } from '../crypto/types.js';

const agreements = new WeakMap<PrivateKey, WeakMap<PublicKey, Promise<Uint8Array>>>();

export function staticAgreement(priv: PrivateKey, pub: PublicKey): Promise<Uint8Array> {
  let byPublic = agreements.get(priv);
  if (!byPublic) agreements.set(priv, (byPublic = new WeakMap()));
  let z = byPublic.get(pub);
  if (!z) {
    const computing = backend.ecdh(priv, pub);
    byPublic.set(pub, computing);
    // A failure is not remembered: the caller sees it, the next call tries again.
    computing.catch(() => byPublic.delete(pub));
    z = computing;
  }
  return z;
}
