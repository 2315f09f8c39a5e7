// ECDH-1PU's static-static agreement (Zs) depends only on the two long-term keys, so it is
// computed once per pair of key objects, not once per message: authcrypt between two parties
// then costs one X25519 agreement instead of two. Key objects come from per-Secret and
// per-verification-method caches; the agreements go when the public key object is collected.
import { backend } from '../crypto/index.js';
import type { PrivateKey, PublicKey } from '../crypto/types.js';

// Kept on the public key object (our private keys are few), not in a WeakMap keyed by it: every
// WeakMap entry is an ephemeron that a full GC must resolve in its pause, and a mediator with
// 10,000 live accounts (or a process simulating their wallets) holds one per account.
const AGREEMENTS = Symbol('static agreements');
type WithAgreements = PublicKey & { [AGREEMENTS]?: Map<PrivateKey, Promise<Uint8Array>> };

export function staticAgreement(priv: PrivateKey, pub: PublicKey): Promise<Uint8Array> {
  const holder = pub as WithAgreements;
  const byPrivate = (holder[AGREEMENTS] ??= new Map());
  let z = byPrivate.get(priv);
  if (!z) {
    const computing = backend.ecdh(priv, pub);
    byPrivate.set(priv, computing);
    // A failure is not remembered: the caller sees it, the next call tries again.
    computing.catch(() => byPrivate.delete(priv));
    z = computing;
  }
  return z;
}
