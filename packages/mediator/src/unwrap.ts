// The forward's decryption is the mediator's main cost. It sits behind this interface, with
// the packed text in and plain data out, so a pool of worker threads can take it over
// without touching the rest of the forward path.
import { DIDCommError, ErrorCodes, FORWARD_TYPE, parseForward, unpack, type DIDResolver, type Message, type PackEncryptedOptions, type SecretsResolver, type UnpackMetadata, type UnpackPolicy, type v1 } from '@didcomm-ts/core';

/** What the mediator needs of a forward: its next, and the messages it carries as JSON text. */
export interface ForwardParts {
  next: string;
  /**
   * Absent when a forwarded message is not a JWE (refused once the recipient is known), or
   * when the forward carries more than the cap (see `count`).
   */
  payloads?: string[];
  /** How many messages (attachments) the forward carries. */
  count?: number;
}

export interface ForwardUnwrapper {
  /** Decrypt the anoncrypt layer(s) of `packed` and return the plaintext and how it was protected. */
  unwrap(packed: string): Promise<{ message: Message; metadata: UnpackMetadata }>;
  /**
   * Optional, for unwrappers elsewhere than the calling thread: decrypt and return only the
   * forward's parts (null when the plaintext is no forward), which are cheaper to hand back
   * than the whole message. Same errors as unwrap() followed by forwardParts().
   */
  unwrapForward?(packed: string): Promise<ForwardParts | null>;
  /**
   * Optional, with unwrapForward: the same, but a plaintext that is no forward comes back
   * unpacked again under `requestPolicy` (the mediator's agent's), as the agent's own unpack
   * would have returned it, so the main thread need not decrypt it a second time.
   */
  unwrapForwardOrRequest?(packed: string, key?: string): Promise<ForwardParts | Unpacked>;
  /**
   * Optional, off the calling thread: unpack a request to the mediator itself (authcrypt, a
   * signature) under `requestPolicy`, with the same result and errors as core's unpack, so the
   * main thread only dispatches it (Agent.receiveUnpacked). Requests with one `key` (a
   * connection's) go to one thread, which answers them in the order given unless one waits
   * on a DID resolution.
   */
  unpackRequest?(packed: string, key?: string): Promise<Unpacked>;
  /**
   * Optional, off the calling thread: core's packEncrypted with the mediator's secrets and a
   * resolver of core's (the agent's `pack`), for replies and live deliveries.
   */
  pack?(message: Message, options: PackJob['options']): Promise<{ packed: string }>;
  /**
   * Optional, off the calling thread: open a DIDComm v1 envelope with the mediator's v1 key
   * (core's unpackV1, under the pool's size limit). `key` orders as for unpackRequest.
   */
  unpackV1?(packed: string, key?: string): Promise<V1Unpacked>;
  /** Optional, with pack: hold `did`'s document while its account is live (resolver.ts), until as many unpin calls. */
  pin?(did: string): void;
  unpin?(did: string): void;
  close?(): Promise<void>;
}

/** What pack() packs: packEncrypted's arguments but the resolver and secrets, which the worker has. */
export interface PackJob {
  message: Message;
  options: Omit<PackEncryptedOptions, 'resolver' | 'secrets'>;
}

/** What unpackV1 gives back: core's UnpackV1Result but the plaintext bytes. */
export type V1Unpacked = Omit<v1.UnpackV1Result, 'plaintext'>;

/** What core's unpack returns. */
export interface Unpacked {
  message: Message;
  metadata: UnpackMetadata;
}

/**
 * A forward's next and payloads, checked: the one place both the inline and the worker path
 * use. Past `maxPayloads` attachments only their count comes back, before any is decoded or
 * copied (the caller refuses the forward).
 */
export function forwardParts(message: Message, maxPayloads = Infinity): ForwardParts {
  const count = Array.isArray(message.attachments) ? message.attachments.length : 0;
  if (count > maxPayloads) {
    const next = message.body?.next;
    if (typeof next !== 'string' || !next.startsWith('did:')) throw new DIDCommError(ErrorCodes.MALFORMED, 'forward needs body.next: a DID or DID URL');
    return { next, count };
  }
  const fwd = parseForward(message);
  if (!fwd || typeof fwd.next !== 'string' || !fwd.next.startsWith('did:')) throw new DIDCommError(ErrorCodes.MALFORMED, 'forward needs body.next: a DID or DID URL');
  const jwes = fwd.forwarded.every((p) => p !== null && typeof p === 'object' && typeof (p as { ciphertext?: unknown }).ciphertext === 'string');
  return jwes ? { next: fwd.next, count, payloads: fwd.forwarded.map((p) => JSON.stringify(p)) } : { next: fwd.next, count };
}

/** unwrap() then forwardParts(), or null when the plaintext is no forward. */
export async function unwrapForward(u: ForwardUnwrapper, packed: string, maxPayloads = Infinity): Promise<ForwardParts | null> {
  if (u.unwrapForward) return u.unwrapForward(packed);
  const { message } = await u.unwrap(packed);
  return message.type === FORWARD_TYPE ? forwardParts(message, maxPayloads) : null;
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
