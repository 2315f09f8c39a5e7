// The forward's decryption is the mediator's main cost. It sits behind this interface, with
// the packed text in and plain data out, so a pool of worker threads can take it over
// without touching the rest of the forward path.
import { unpack, type DIDResolver, type Message, type SecretsResolver, type UnpackMetadata, type UnpackPolicy } from '@didcomm-ts/core';

export interface ForwardUnwrapper {
  /** Decrypt the anoncrypt layer(s) of `packed` and return the plaintext and how it was protected. */
  unwrap(packed: string): Promise<{ message: Message; metadata: UnpackMetadata }>;
  close?(): Promise<void>;
}

/** Decrypt on the calling thread. */
export function inlineUnwrapper(o: { resolver: DIDResolver; secrets: SecretsResolver; policy?: UnpackPolicy }): ForwardUnwrapper {
  return { unwrap: (packed) => unpack(packed, { resolver: o.resolver, secrets: o.secrets, ...o.policy }) };
}

/**
 * The key agreement algorithm of a JWE's protected header, read without parsing the whole
 * message: forwards are anoncrypt (ECDH-ES), requests to the mediator authcrypt (ECDH-1PU).
 * A wrong guess on hostile input only sends the message down the slower path.
 */
export function peekAlg(packed: string): string | undefined {
  const m = /"protected"\s*:\s*"([A-Za-z0-9_-]{1,4096})"/.exec(packed);
  if (!m) return undefined;
  try {
    const alg = JSON.parse(Buffer.from(m[1], 'base64url').toString('utf8'))?.alg;
    return typeof alg === 'string' ? alg : undefined;
  } catch {
    return undefined;
  }
}
