// The load generator of bench/live-many.mjs, its own process (child.mjs's IPC: { id, cmd, ... }).
// It plays every wallet: N accounts, each with its own WebSocket in live mode (pickup 4.0), and
// the senders, which POST forwards at a fixed rate to random accounts. A session is a bare `ws`
// socket and core's pack/unpack with one shared resolver and key store, not an Agent each:
// 10,000 Agents would measure this process, not the mediator. Commands:
//   accounts { n, mediatorDid }  n account DIDs, each with a mediated did:peer:2 routed through
//          the mediator; -> [[account, mediated], ...] (the harness pre-seeds the store with them)
//   open { wsUrl, from, to, concurrency, addresses } WebSockets for accounts [from, to), each
//          sending an authcrypted live-delivery-change and waiting for its status (live_delivery true)
//   prepare { count, bytes }  pre-pack `count` forwards (anoncrypt A256CBC-HS512 both layers) to
//          random accounts' mediated DIDs
//   live { url, rate, warmupMs, ms, connections, drainMs }  POST them paced; every delivery frame
//          is timed on arrival, decrypted (the mediator's authcrypt) and acknowledged at once
//          (messages-received, no return route, as core's client acknowledges live deliveries)
//   With the senders in another process than the wallets (live-many.mjs: the wallets' work
//   must not hold up the sending), the times are epoch ms (performance.timeOrigin + now):
//   targets { mediatorDid, mediated }  the sender's side of `accounts`: the mediated DIDs to send to
//   watch { selfWarm }  (wallets) warm this process's own code (selfWarm rounds of a wallet's
//          work on throwaway DIDs), then note when each inner JWE's tag is delivered; delivered { all }
//          how many were, or (all) every [tag, epoch ms]
//   send { url, rate, warmupMs, ms, connections, drainMs }  (sender) `live`'s POSTs alone, waiting
//          only for the answers; -> every message's tag, send and answer times, and status
//   stats  this process's memory; exit
import WebSocket from 'ws';
import { startProfile } from './profile.mjs';
import { summarize } from './latency.mjs';
import { pipelined } from './http-load.mjs';
import { PICKUP, createDID, createResolver, InMemorySecrets, newId, packEncrypted, unpack, wrapInForward } from '../packages/core/dist/index.js';

const BASIC = 'https://didcomm.org/basicmessage/2.0/message';
const T = PICKUP[4];
let resolver = createResolver();
const secrets = new InMemorySecrets([]);
/** index -> { did, mediated, ws } */
const accounts = [];
let mediatorDid;
let wires = [];
/** While `live` runs: tag of the inner JWE -> { sentAt, deliveredAt } */
let track;
const stats = { deliveries: 0, messages: 0, acks: 0, badFrames: 0, ackErrors: 0, closed: 0, statusFrames: 0 };

process.on('message', async (m) => {
  try {
    const cmds = { accounts: makeAccounts, targets, watch, delivered, open, prepare, live: profiled, send: profiled, stats: () => ({ ...stats, pid: process.pid, memory: process.memoryUsage(), cpu: process.cpuUsage(), elu: performance.eventLoopUtilization(), at: performance.now() }), exit };
    const result = cmds[m.cmd] ? await cmds[m.cmd](m.cmd === 'send' ? { ...m, sendOnly: true } : m) : null;
    process.send({ id: m.id, result });
  } catch (e) {
    process.send({ id: m.id, error: e instanceof Error ? e.stack : String(e) });
  }
});

async function makeAccounts(o) {
  mediatorDid = o.mediatorDid;
  // Every account's documents stay cached here: the generator's cost per message must not grow with N.
  resolver = createResolver({ cache: { maxEntries: 2 * o.n + 100 } });
  const out = [];
  for (let i = 0; i < o.n; i++) {
    const account = await createDID('peer');
    const mediated = await createDID('peer', { services: [{ uri: mediatorDid }] });
    // The mediated DID's secrets are not kept: the wallets read only the inner JWE's tag, never decrypt it.
    secrets.add(...account.secrets);
    // Nor its DID (hundreds of bytes, the mediator's DID inside): only the sender needs it, and the
    // wallets' heap is what their GC pauses, which add to the measured latency, scale with.
    accounts.push({ did: account.did, mediated: undefined, ws: undefined, pending: undefined });
    out.push([account.did, mediated.did]);
  }
  return out;
}

function targets(o) {
  mediatorDid = o.mediatorDid;
  resolver = createResolver({ cache: { maxEntries: o.mediated.length + 100 } });
  for (const mediated of o.mediated) accounts.push({ did: undefined, mediated, ws: undefined, pending: undefined });
  return null;
}

/** tag -> epoch ms of its delivery frame, once `watch` was called. */
let watched;
const epoch = (t) => performance.timeOrigin + t;
let stopProfile;
async function watch(o) {
  if (o.selfWarm) await selfWarm(o.selfWarm);
  watched = new Map();
  if (o.profileDir) stopProfile = await startProfile(o.profileDir, 'wallets-live');
  return null;
}
/**
 * The wallets' own code warmed before the measured traffic: `n` rounds of what a wallet does
 * with a delivery (unpack an authcrypted delivery of a ~7 KB attachment, read the attachment,
 * authcrypt an acknowledgement), between two throwaway DIDs. Cold, this process answered the
 * first seconds of deliveries slowly enough to add up to a second of its own to the mediator's
 * measured latency at 800/s (p99 1.3-1.5 s; 575 ms warmed).
 */
async function selfWarm(n) {
  const [med, acc] = [await createDID('peer'), await createDID('peer')];
  const keys = new InMemorySecrets([...med.secrets, ...acc.secrets]);
  const att = [{ id: newId(), media_type: 'application/didcomm-encrypted+json', data: { base64: Buffer.from(JSON.stringify({ tag: 'warm', pad: 'x'.repeat(5000) })).toString('base64url') } }];
  for (let i = 0; i < n; i++) {
    const d = (await packEncrypted({ id: newId(), type: T.delivery, from: med.did, to: [acc.did], body: {}, attachments: att }, { to: acc.did, from: med.did, resolver, secrets: keys, forward: false })).packed;
    const { message } = await unpack(d, { resolver, secrets: keys });
    JSON.parse(Buffer.from(message.attachments[0].data.base64, 'base64url').toString());
    await packEncrypted({ id: newId(), type: T.messagesReceived, from: acc.did, to: [med.did], body: { message_id_list: [att[0].id] } }, { to: med.did, from: acc.did, resolver, secrets: keys, forward: false });
  }
}

async function delivered(o) {
  if (!o.all) return watched?.size ?? 0;
  await stopProfile?.();
  stopProfile = undefined;
  return [...(watched ?? [])];
}

const authcrypt = async (i, type, body, returnRoute) =>
  (await packEncrypted({ id: newId(), type, from: accounts[i].did, to: [mediatorDid], created_time: Math.floor(Date.now() / 1000), ...(returnRoute ? { return_route: 'all' } : {}), body }, { to: mediatorDid, from: accounts[i].did, resolver, secrets, forward: false })).packed;

/** A frame on account i's socket: the status answering live mode on, or a delivery (timed, acknowledged). */
async function onFrame(i, data) {
  const at = performance.now();
  let message;
  try {
    ({ message } = await unpack(data.toString(), { resolver, secrets }));
  } catch {
    stats.badFrames++;
    return;
  }
  const a = accounts[i];
  if (message.type === T.status) {
    stats.statusFrames++;
    const p = a.pending;
    a.pending = undefined;
    p?.(message.body?.live_delivery === true);
    return;
  }
  if (message.type !== T.delivery) return;
  stats.deliveries++;
  const ids = [];
  for (const att of message.attachments ?? []) {
    ids.push(att.id);
    stats.messages++;
    const tag = JSON.parse(Buffer.from(att.data.base64, 'base64url').toString()).tag;
    const t = track?.get(tag);
    if (t && t.deliveredAt === undefined) t.deliveredAt = at;
    if (watched && !watched.has(tag)) watched.set(tag, epoch(at));
  }
  try {
    a.ws.send(await authcrypt(i, T.messagesReceived, { message_id_list: ids }, false));
    stats.acks++;
  } catch {
    stats.ackErrors++;
  }
}

/** Open sessions [from, to), `concurrency` at a time; each is live when the mediator says so. */
async function open(o) {
  const t0 = performance.now();
  let next = o.from;
  const failed = [];
  const worker = async () => {
    while (next < o.to) {
      const i = next++;
      try {
        await openOne(i, o.wsUrl, o.addresses[i % o.addresses.length]);
      } catch (e) {
        failed.push(`${i}: ${e.message}`);
      }
    }
  };
  await Promise.all(Array.from({ length: o.concurrency }, worker));
  return { opened: o.to - o.from - failed.length, failed: failed.length, firstFailures: failed.slice(0, 5), ms: performance.now() - t0 };
}

function openOne(i, wsUrl, localAddress) {
  return new Promise((resolve, reject) => {
    // permessage-deflate off: a zlib context per socket would be this process's memory, and the mediator does not offer it.
    const ws = new WebSocket(wsUrl, { perMessageDeflate: false, localAddress });
    const a = accounts[i];
    a.ws = ws;
    const timer = setTimeout(() => {
      ws.terminate();
      reject(new Error('no status within 60 s'));
    }, 60_000);
    ws.on('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
    ws.on('close', () => stats.closed++);
    ws.on('message', (data) => void onFrame(i, data));
    ws.on('open', async () => {
      a.pending = (live) => {
        clearTimeout(timer);
        if (live) resolve();
        else reject(new Error('live_delivery is not true'));
      };
      ws.send(await authcrypt(i, T.liveDeliveryChange, { live_delivery: true }, true));
    });
  });
}

/** `count` forwards to random accounts, each about `bytes`; the inner JWE's tag identifies it on delivery. */
async function prepare(o) {
  const doc = await resolver.resolve(mediatorDid);
  const kid = doc.keyAgreement.map((k) => (typeof k === 'string' ? k : k.id)).map((k) => (k.startsWith('#') ? `${mediatorDid}${k}` : k))[0];
  wires = [];
  const pad = 'x'.repeat(Math.max(0, Math.floor((o.bytes - 1500) * 0.56)));
  for (let n = 0; n < o.count; n++) {
    const a = accounts[Math.floor(Math.random() * accounts.length)];
    const inner = JSON.parse((await packEncrypted({ id: newId(), type: BASIC, to: [a.mediated], created_time: Math.floor(Date.now() / 1000), body: { content: `live ${n}`, pad } }, { to: a.mediated, resolver, forward: false, encAlgAnon: 'A256CBC-HS512' })).packed);
    const outer = await wrapInForward(inner, a.mediated, [kid], { resolver, encAlgAnon: 'A256CBC-HS512' });
    wires.push({ tag: inner.tag, body: Buffer.from(JSON.stringify(outer)) });
  }
  return { count: wires.length, meanBytes: Math.round(wires.reduce((s, w) => s + w.body.length, 0) / wires.length) };
}


/** `live`, profiled into o.profileDir (this thread, the live phase only) when it is set. */
async function profiled(o) {
  if (!o.profileDir) return live(o);
  const stop = await startProfile(o.profileDir, o.sendOnly ? 'sender-live' : 'generator-live');
  try {
    return await live(o);
  } finally {
    await stop();
  }
}

/** Paced forwards over keep-alive sockets (mediator-load.mjs's way), then up to drainMs for the deliveries. */
async function live(o) {
  const u = new URL(o.url);
  const head = (len) => Buffer.from(`POST ${u.pathname} HTTP/1.1\r\nHost: ${u.host}\r\nContent-Type: application/didcomm-encrypted+json\r\nContent-Length: ${len}\r\n\r\n`);
  const warm = Math.round((o.rate * o.warmupMs) / 1000);
  const total = Math.min(wires.length, warm + Math.round((o.rate * o.ms) / 1000));
  const track0 = (track = new Map());
  const statuses = {};
  const answered = (e, status, at) => Object.assign(e, { status, answeredAt: at });
  const lost = (entries) => entries.forEach((e) => (e.status = -1));
  const sockets = await Promise.all(Array.from({ length: o.connections }, () => pipelined(o.url, statuses, answered, lost)));
  const cpuAt = { cpu: undefined, elu: undefined, t: 0 };
  let sent = 0;
  const t0 = performance.now();
  await new Promise((resolve) => {
    const tick = () => {
      const due = Math.min(total, Math.floor(((performance.now() - t0) * o.rate) / 1000));
      while (sent < due) {
        if (sent === warm) Object.assign(cpuAt, { cpu: process.cpuUsage(), elu: performance.eventLoopUtilization(), t: performance.now() });
        const w = wires[sent];
        const s = sockets[sent % sockets.length];
        const entry = { measured: sent >= warm, sentAt: performance.now(), status: 0, answeredAt: undefined, deliveredAt: undefined };
        track.set(w.tag, entry);
        s.waiting.push(entry);
        s.write(Buffer.concat([head(w.body.length), w.body]));
        sent++;
      }
      if (sent >= total) resolve();
      else setTimeout(tick, 1);
    };
    tick();
  });
  const sendEnd = performance.now();
  const entries = [...track.values()];
  const accepted = () => entries.filter((e) => e.status >= 200 && e.status < 300);
  // Every answer, then (unless the deliveries go to another process) every accepted one
  // delivered, or the deadline.
  while (performance.now() - sendEnd < o.drainMs && (entries.some((e) => e.status === 0) || (!o.sendOnly && accepted().some((e) => e.deliveredAt === undefined)))) await new Promise((r) => setTimeout(r, 20));
  const cpu = process.cpuUsage(cpuAt.cpu);
  const elapsed = performance.now() - cpuAt.t;
  for (const s of sockets) s.end();
  if (o.sendOnly) {
    track = undefined;
    const tags = [...track0.keys()];
    return {
      sent,
      t0: epoch(t0),
      entries: entries.map((e, i) => ({ tag: tags[i], measured: e.measured, status: e.status, sentAt: epoch(e.sentAt), answeredAt: e.answeredAt === undefined ? undefined : epoch(e.answeredAt) })),
      statuses,
      sendSeconds: (sendEnd - cpuAt.t) / 1000,
      cpuPercent: ((cpu.user + cpu.system) / 1000 / elapsed) * 100,
      loopBusy: performance.eventLoopUtilization(cpuAt.elu).utilization,
    };
  }
  track = undefined;
  return {
    sent,
    sendSeconds: (sendEnd - cpuAt.t) / 1000,
    statuses,
    ...summarize(entries, t0),
    cpuPercent: ((cpu.user + cpu.system) / 1000 / elapsed) * 100,
    loopBusy: performance.eventLoopUtilization(cpuAt.elu).utilization,
  };
}


async function exit() {
  for (const a of accounts) a.ws?.terminate();
  setImmediate(() => process.exit(0));
  return null;
}
