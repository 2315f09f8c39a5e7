// The forward's decryption, the unpack of requests to the mediator (authcrypt) and the packing
// of its answers and live deliveries, on a pool of worker threads, so every core does crypto
// while the main thread keeps HTTP, WebSocket and SQLite. Each worker gets the mediator's secrets once at
// start. Requests that arrive in the same turn of the event loop go to a worker in one message (batched), to
// the worker with the fewest in flight.
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { DIDCommError, type ErrorCode, type Message, type Secret, type UnpackMetadata, type UnpackPolicy } from '@didcomm-ts/core';
import type { ForwardParts, ForwardUnwrapper, PackJob, Unpacked, V1Unpacked } from './unwrap.js';

/** What a worker does with one packed message. */
export const Mode = {
  /** unwrap(): the whole message, under `policy`. */
  Unwrap: 0,
  /** unwrapForward(): the forward's parts only, or null. */
  Parts: 1,
  /** unpackRequest(): the whole message, under `requestPolicy`. */
  Request: 2,
  /** unwrapForwardOrRequest(): the forward's parts, or else the message under `requestPolicy`. */
  PartsOrRequest: 3,
  /** pack(): packEncrypted, the item a PackJob. */
  Pack: 4,
  /** unpackV1(): a DIDComm v1 envelope, opened with the v1 key. */
  V1: 5,
} as const;
export type Mode = (typeof Mode)[keyof typeof Mode];

export interface WorkerRequest {
  ids: number[];
  /** The packed text, or for Mode.Pack what to pack. */
  items: (string | PackJob)[];
  mode: Mode[];
}
/** Besides batches: hold or let go of a live account's document (resolver.ts). */
export type WorkerControl = { pin: string } | { unpin: string };
export type WorkerReply =
  | { id: number; message: Message; metadata: UnpackMetadata }
  | { id: number; parts: ForwardParts | null }
  | { id: number; packed: string }
  | { id: number; v1: V1Unpacked }
  | { id: number; error: { code?: string; message: string } };

export interface WorkerPoolOptions {
  /** The mediator's key agreement secrets. */
  secrets: Secret[];
  policy?: UnpackPolicy;
  /**
   * Unpack requests to the mediator too (unpackRequest, unwrapForwardOrRequest), under this
   * policy: its agent's. Absent: forwards only. Workers resolve senders' DIDs with core's
   * resolver of their own (did:peer, did:key, did:jwk, did:web), cached per worker: leave it
   * out when the mediator's agent resolves with something else.
   */
  requestPolicy?: UnpackPolicy;
  /** Documents each worker's resolver caches (default 1000). */
  resolverCache?: number;
  /** Most messages one forward may carry: past it only the count comes back (default: no cap). */
  maxForwardPayloads?: number;
  /** Threads (default: the available cores). */
  size?: number;
  /**
   * Open DIDComm v1 envelopes too (unpackV1), with the v1 key derived from this DID's secrets
   * (v1/identity.ts: every worker derives the key the main thread has).
   */
  v1Did?: string;
}

/**
 * How many unwrap workers to start by default: one a core but the main thread's (HTTP,
 * WebSocket, SQLite reads and the live deliveries need a core of their own), none on a single
 * core. Measured on 2 cores (bench/mediator.mjs): 1 worker accepts as many forwards/s as 2
 * with 15% less CPU, and its live-mode tail is shorter (fewer threads contend for the cores).
 */
export function defaultUnwrapWorkers(): number {
  return Math.max(0, availableParallelism() - 1);
}

interface Waiting {
  resolve(v: any): void;
  reject(e: unknown): void;
}

interface Slot {
  worker: Worker;
  ready: Promise<void>;
  inFlight: Map<number, Waiting>;
  queued: WorkerRequest;
}

export interface WorkerPool extends ForwardUnwrapper {
  size: number;
  /** Resolves once every worker has loaded and can take requests at full speed; rejects if one could not start. */
  ready(): Promise<void>;
  /** Event loop utilization (0..1) of each worker since the previous call. */
  utilization(): number[];
}

/** A string's slot, for keyed requests (djb2). */
function hash(key: string): number {
  let h = 5381;
  for (let i = 0; i < key.length; i++) h = ((h << 5) + h + key.charCodeAt(i)) >>> 0;
  return h;
}

export function workerUnwrapper(o: WorkerPoolOptions): WorkerPool {
  const size = Math.max(1, o.size ?? availableParallelism());
  const url = new URL('./unwrap-worker.js', import.meta.url);
  let nextId = 0;
  let closed = false;
  let flushScheduled = false;
  let startError: Error | undefined;
  /** DIDs pinned in every worker's resolver, and how many hold each (a replacement worker starts with them). */
  const pins = new Map<string, number>();

  const start = (): Slot => {
    const worker = new Worker(url, { workerData: { secrets: o.secrets, policy: o.policy ?? {}, requestPolicy: o.requestPolicy ?? {}, resolverCache: o.resolverCache, maxForwardPayloads: o.maxForwardPayloads, v1Did: o.v1Did, pinned: [...pins.keys()] } });
    let isReady: () => void = () => undefined;
    let wasReady = false;
    const slot: Slot = { worker, ready: new Promise<void>((resolve) => (isReady = resolve)), inFlight: new Map(), queued: { ids: [], items: [], mode: [] } };
    worker.unref();
    worker.on('message', (replies: WorkerReply[] | 'ready') => {
      if (replies === 'ready') {
        wasReady = true;
        return isReady();
      }
      for (const r of replies) {
        const w = slot.inFlight.get(r.id);
        if (!w) continue;
        slot.inFlight.delete(r.id);
        if ('error' in r) w.reject(r.error.code !== undefined ? new DIDCommError(r.error.code as ErrorCode, r.error.message) : new Error(r.error.message));
        else w.resolve('parts' in r ? r.parts : 'v1' in r ? r.v1 : r);
      }
    });
    let failed = false;
    const fail = (e: unknown) => {
      if (failed) return;
      failed = true;
      const err = e instanceof Error ? e : new Error(`unwrap worker stopped (${String(e)})`);
      isReady();
      for (const w of slot.inFlight.values()) w.reject(err);
      slot.inFlight.clear();
      // A worker that died after starting is replaced; one that could not start would only
      // fail again, so its slot keeps failing requests with that error.
      if (!closed && wasReady) slots[slots.indexOf(slot)] = start();
      else startError = err;
    };
    slot.worker.once('error', fail);
    slot.worker.once('exit', (code) => fail(code));
    return slot;
  };
  const slots: Slot[] = Array.from({ length: size }, start);

  const flush = () => {
    flushScheduled = false;
    for (const s of slots) {
      if (s.queued.ids.length === 0) continue;
      const batch = s.queued;
      s.queued = { ids: [], items: [], mode: [] };
      s.worker.postMessage(batch);
    }
  };

  /** `key`: requests with one key go to one worker, so they come back in the order sent. */
  const submit = <T>(item: string | PackJob, mode: Mode, key?: string): Promise<T> => {
    if (closed) return Promise.reject(new Error('the unwrap pool is closed'));
    if (startError) return Promise.reject(startError);
    let slot = slots[0];
    if (key !== undefined) slot = slots[hash(key) % slots.length];
    else for (const s of slots) if (s.inFlight.size < slot.inFlight.size) slot = s;
    const id = ++nextId;
    return new Promise<T>((resolve, reject) => {
      slot.inFlight.set(id, { resolve, reject });
      slot.queued.ids.push(id);
      slot.queued.items.push(item);
      slot.queued.mode.push(mode);
      if (!flushScheduled) {
        flushScheduled = true;
        setImmediate(flush);
      }
    });
  };

  let marks = new Map<Worker, ReturnType<Worker['performance']['eventLoopUtilization']>>();
  const tell = (control: WorkerControl) => {
    for (const s of slots) s.worker.postMessage(control);
  };
  const requests: Pick<ForwardUnwrapper, 'unpackRequest' | 'unwrapForwardOrRequest' | 'pack' | 'pin' | 'unpin'> = o.requestPolicy
    ? {
        unwrapForwardOrRequest: (packed, key) => submit<ForwardParts | Unpacked>(packed, Mode.PartsOrRequest, key),
        unpackRequest: (packed, key) => submit<Unpacked>(packed, Mode.Request, key),
        pack: (message, options) => submit<{ packed: string }>({ message, options }, Mode.Pack),
        pin(did) {
          const n = pins.get(did) ?? 0;
          pins.set(did, n + 1);
          if (n === 0 && !closed) tell({ pin: did });
        },
        unpin(did) {
          const n = pins.get(did);
          if (n === undefined) return;
          if (n > 1) return void pins.set(did, n - 1);
          pins.delete(did);
          if (!closed) tell({ unpin: did });
        },
      }
    : {};
  return {
    ...requests,
    ...(o.v1Did !== undefined ? { unpackV1: (packed: string, key?: string) => submit<V1Unpacked>(packed, Mode.V1, key) } : {}),
    size,
    async ready() {
      await Promise.all(slots.map((s) => s.ready));
      if (startError) throw startError;
    },
    utilization() {
      const next = new Map<Worker, ReturnType<Worker['performance']['eventLoopUtilization']>>();
      const out = slots.map((s) => {
        const now = s.worker.performance.eventLoopUtilization();
        next.set(s.worker, now);
        const before = marks.get(s.worker);
        return before ? s.worker.performance.eventLoopUtilization(now, before).utilization : now.utilization;
      });
      marks = next;
      return out;
    },
    unwrap(packed) {
      return submit(packed, Mode.Unwrap);
    },
    unwrapForward(packed) {
      return submit(packed, Mode.Parts);
    },
    async close() {
      if (closed) return;
      closed = true;
      await Promise.all(slots.map((s) => s.worker.terminate()));
    },
  };
}
