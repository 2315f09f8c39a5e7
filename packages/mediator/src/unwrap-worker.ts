// A worker thread of the unwrap pool: holds the mediator's secrets (handed over once, in
// workerData, never logged) and decrypts the anoncrypt layer of forwards sent to it, and the
// requests to the mediator itself (authcrypt, signatures), which the main thread then only
// dispatches; it also packs what the mediator's agent sends (replies, live deliveries). Errors go
// back as their code and message so the main thread rethrows what the inline path would.
import { parentPort, workerData } from 'node:worker_threads';
import { createResolver, DIDCommError, FORWARD_TYPE, InMemorySecrets, packEncrypted, unpack, type Secret, type UnpackPolicy } from '@didcomm-ts/core';
import { deriveV1Key, openV1Envelope } from './v1/identity.js';
import { forwardParts, type PackJob } from './unwrap.js';
import { PinningResolver } from './resolver.js';
import { Mode, type WorkerControl, type WorkerReply, type WorkerRequest } from './unwrap-pool.js';

const { secrets, policy, requestPolicy, resolverCache, maxForwardPayloads, v1Did, pinned } = workerData as {
  secrets: Secret[];
  policy: UnpackPolicy;
  requestPolicy: UnpackPolicy;
  resolverCache?: number;
  maxForwardPayloads?: number;
  v1Did?: string;
  pinned: string[];
};
// One resolver (and its document cache) and one secrets store for both policies: senders'
// DID documents are resolved once per worker, not once per request. Live accounts' documents
// are held while they are live, as on the main thread (resolver.ts).
const resolver = new PinningResolver(createResolver({ cache: { maxEntries: resolverCache ?? 1000 } }));
for (const did of pinned) resolver.pin(did);
const held = new InMemorySecrets(secrets);
const options = { resolver, secrets: held, ...policy };
const requestOptions = { resolver, secrets: held, ...requestPolicy };
const samePolicy = JSON.stringify(policy) === JSON.stringify(requestPolicy);
const port = parentPort!;
// The v1 key, derived once here as on the main thread (the derivation is the one place it comes from).
const v1Key = v1Did !== undefined ? deriveV1Key(secrets, v1Did) : undefined;
// A key that cannot be derived fails each v1 job (the main thread, deriving the same, fails the start), not the worker.
v1Key?.catch(() => undefined);

async function openV1(packed: string) {
  const { plaintext: _, ...out } = await openV1Envelope(packed, await v1Key!, policy.maxBytes);
  return out;
}

async function one(id: number, item: string | PackJob, mode: Mode): Promise<WorkerReply> {
  try {
    if (typeof item !== 'string') return { id, packed: (await packEncrypted(item.message, { ...item.options, resolver, secrets: held })).packed };
    const packed = item;
    if (mode === Mode.V1) return { id, v1: await openV1(packed) };
    if (mode === Mode.Request) return { id, ...(await unpack(packed, requestOptions)) };
    const { message, metadata } = await unpack(packed, options);
    // Over the cap only the count crosses back: no payload is copied for a refused forward.
    if (mode === Mode.Parts) return { id, parts: message.type === FORWARD_TYPE ? forwardParts(message, maxForwardPayloads ?? Infinity) : null };
    if (mode === Mode.PartsOrRequest) {
      if (message.type === FORWARD_TYPE) return { id, parts: forwardParts(message, maxForwardPayloads ?? Infinity) };
      // No forward: the agent takes it, and would have unpacked it under its own policy (a
      // dialect the forward policy reads may be one it refuses).
      if (!samePolicy) return { id, ...(await unpack(packed, requestOptions)) };
    }
    return { id, message, metadata };
  } catch (e) {
    if (e instanceof DIDCommError) return { id, error: { code: e.code, message: e.message } };
    return { id, error: { message: e instanceof Error ? e.message : String(e) } };
  }
}

port.postMessage('ready');

// Requests come in batches (one postMessage per batch) and go back the same way.
port.on('message', (batch: WorkerRequest | WorkerControl) => {
  if ('pin' in batch) return resolver.pin(batch.pin);
  if ('unpin' in batch) return resolver.unpin(batch.unpin);
  void Promise.all(batch.ids.map((id, i) => one(id, batch.items[i], batch.mode[i]))).then(reply);
});

/**
 * One reply that cannot be cloned back (a value nested past what structured clone takes) fails
 * alone: it threw out of postMessage, ended the worker, and every request of its batch (other
 * clients') was refused with it.
 */
function reply(replies: WorkerReply[]): void {
  try {
    port.postMessage(replies);
  } catch {
    for (const r of replies) {
      try {
        port.postMessage([r]);
      } catch {
        port.postMessage([{ id: r.id, error: { message: 'the result could not be passed back to the main thread' } }]);
      }
    }
  }
}
