// A worker thread of the unwrap pool: holds the mediator's secrets (handed over once, in
// workerData, never logged) and decrypts the anoncrypt layer of forwards sent to it. Errors go
// back as their code and message so the main thread rethrows what the inline path would.
import { parentPort, workerData } from 'node:worker_threads';
import { createResolver, DIDCommError, FORWARD_TYPE, InMemorySecrets, unpack, type Secret, type UnpackPolicy } from '@didcomm-ts/core';
import { forwardParts } from './unwrap.js';
import type { WorkerReply, WorkerRequest } from './unwrap-pool.js';

const { secrets, policy, maxForwardPayloads } = workerData as { secrets: Secret[]; policy: UnpackPolicy; maxForwardPayloads?: number };
const options = { resolver: createResolver(), secrets: new InMemorySecrets(secrets), ...policy };
const port = parentPort!;

async function one(id: number, packed: string, partsOnly: boolean): Promise<WorkerReply> {
  try {
    const { message, metadata } = await unpack(packed, options);
    // Over the cap only the count crosses back: no payload is copied for a refused forward.
    if (partsOnly) return { id, parts: message.type === FORWARD_TYPE ? forwardParts(message, maxForwardPayloads ?? Infinity) : null };
    return { id, message, metadata };
  } catch (e) {
    if (e instanceof DIDCommError) return { id, error: { code: e.code, message: e.message } };
    return { id, error: { message: e instanceof Error ? e.message : String(e) } };
  }
}

port.postMessage('ready');

// Requests come in batches (one postMessage per batch) and go back the same way.
port.on('message', (batch: WorkerRequest) => {
  void Promise.all(batch.ids.map((id, i) => one(id, batch.packed[i], batch.partsOnly[i] === 1))).then((replies) => port.postMessage(replies));
});
