// The mediator bench's load generator, run as its own process (child_process.fork) so its CPU
// is not the server's. Commands over IPC:
//   setup  { url, did, accounts, forwards, liveMessages, bytes } mediate with the mediator (HTTP),
//          register recipients, pre-pack every forward (anoncrypt A256CBC-HS512, ~bytes each).
//   load   { url, connections, warmupMs, ms } POST the pre-packed forwards over raw keep-alive
//          sockets as fast as answers come; -> counts, statuses, latency, this process's CPU.
//   live   { url, rate, warmupMs, ms, connections, from?, answerTimeoutMs? } send `rate` forwards a
//          second to the live recipient (pre-packed ones from index `from`), unmeasured for
//          warmupMs, then measured; -> the send time of each measured one, which were accepted.
// and, in a second process, the live recipient: recipient { url, did } (mediate), listen (live
// mode on its WebSocket), mark (the measured part starts), collect { total, timeoutMs } -> the
// wall-clock receipt time of each; seen -> what arrived so far, live mode left on (attack.mjs).
// Requests are pre-built bytes and responses are parsed by hand (http-load.mjs).
import { createDID, createResolver, HttpTransport, InMemorySecrets, MediatorClient, Agent, newId, packEncrypted, silentLogger } from '../packages/core/dist/index.js';
import { NodeWsTransport } from '../packages/core/dist/node.js';
import { startProfile } from './profile.mjs';
import { closedLoop, pipelined, requestBytes } from './http-load.mjs';
import { percentiles } from './latency.mjs';

const BASIC = 'https://didcomm.org/basicmessage/2.0/message';
const resolver = createResolver();
let state;

process.on('message', async (m) => {
  try {
    const cmds = { setup, load, live, recipient, listen, mark, collect, seen, exit };
    const result = cmds[m.cmd] ? await cmds[m.cmd](m) : null;
    process.send({ id: m.id, result });
  } catch (e) {
    process.send({ id: m.id, error: e instanceof Error ? e.stack : String(e) });
  }
});

async function client(mediatorDid, logger = silentLogger) {
  const created = await createDID('peer');
  const secrets = new InMemorySecrets(created.secrets);
  const agent = new Agent({ did: created.did, secrets, resolver, transports: [new HttpTransport({ timeoutMs: 30_000 }), new NodeWsTransport({ connectTimeoutMs: 5000 })], retry: { attempts: 1 }, requestTimeoutMs: 30_000, logger });
  const mc = new MediatorClient(agent, mediatorDid);
  const { did } = await mc.mediate({ makeDefault: true });
  return { agent, mc, did: did.did };
}

/** A forward (anoncrypt, A256CBC-HS512 on both layers) of about `bytes` to `to` (a DID or one of its key ids). */
async function forward(to, content, bytes) {
  const pad = (n) => 'x'.repeat(Math.max(0, n));
  const msg = (p) => ({ id: newId(), type: BASIC, to: [to.split('#')[0]], created_time: Math.floor(Date.now() / 1000), body: { content, pad: pad(p) } });
  const pack = async (p) => (await packEncrypted(msg(p), { to, resolver, encAlgAnon: 'A256CBC-HS512' })).packed;
  // Each layer adds a fixed overhead and base64url (4/3): size the padding from one try.
  const probe = await pack(0);
  return pack(Math.floor((bytes - probe.length) * 0.56));
}

async function setup(o) {
  const accounts = await Promise.all(Array.from({ length: o.accounts }, () => client(o.did)));
  const wires = [];
  for (let i = 0; i < o.forwards; i++) wires.push(await forward(accounts[i % accounts.length].did, `load ${i}`, o.bytes));
  const liveWires = [];
  // liveKid: every second live forward names the recipient's key id as its next (attack.mjs: a
  // key id registered by another account must not divert them).
  for (let i = 0; i < o.liveMessages; i++) liveWires.push(await forward(o.liveKid && i % 2 ? o.liveKid : o.liveTo, `live ${i}`, o.bytes));
  state = { accounts, wires, liveWires };
  const sizes = wires.map((w) => Buffer.byteLength(w));
  return { recipients: accounts.map((a) => a.did), meanBytes: Math.round(sizes.reduce((a, b) => a + b, 0) / sizes.length) };
}

async function load(o) {
  return closedLoop({ ...o, requests: state.wires.map((w) => requestBytes(o.url, w)) });
}

// Wall-clock milliseconds with sub-millisecond precision, comparable across processes.
const wallNow = () => performance.timeOrigin + performance.now();

/**
 * Live mode, sender side: `rate` forwards a second to the live recipient (another process),
 * first for `warmupMs` unmeasured (the live path's first seconds run cold: JIT, caches), then
 * for `ms`. -> the wall-clock send time of each measured message, the 202 latencies of those,
 * and this process's CPU over the measured part.
 */
async function live(o) {
  const { liveWires } = state;
  const warm = Math.round((o.rate * (o.warmupMs ?? 0)) / 1000);
  const from = o.from ?? 0;
  const total = Math.min(liveWires.length - from, warm + Math.round((o.rate * o.ms) / 1000));
  const requests = liveWires.slice(from, from + total).map((w, i) => ({ content: `live ${from + i}`, bytes: requestBytes(o.url, w) }));
  // Paced: every millisecond or so, write what is due since the start, round-robin over
  // keep-alive sockets (at 1,000/s over 32 sockets a socket rarely has two in flight).
  const statuses = {};
  const answered = [];
  const onAnswer = (req, status, doneAt) => answered.push({ ms: doneAt - req.at, measured: req.measured, status, content: req.content, doneAt });
  const sockets = await Promise.all(Array.from({ length: o.connections }, () => pipelined(o.url, statuses, onAnswer)));
  let elu;
  const sentAt = {};
  let sent = 0;
  let cpuAt;
  let measuredFrom;
  const t0 = performance.now();
  await new Promise((resolve) => {
    const tick = () => {
      const due = Math.min(total, Math.floor(((performance.now() - t0) * o.rate) / 1000));
      while (sent < due) {
        if (sent === warm) {
          cpuAt = process.cpuUsage();
          elu = performance.eventLoopUtilization();
          measuredFrom = performance.now();
        }
        const req = requests[sent];
        const s = sockets[sent % sockets.length];
        const measured = sent >= warm;
        if (measured) sentAt[req.content] = wallNow();
        s.waiting.push({ at: performance.now(), measured, content: req.content });
        s.write(req.bytes);
        sent++;
      }
      if (sent >= total) resolve();
      else setTimeout(tick, 1);
    };
    tick();
  });
  const sendEnd = performance.now();
  while (answered.length < sent && performance.now() - t0 < o.warmupMs + o.ms + (o.answerTimeoutMs ?? 10_000)) await new Promise((r) => setTimeout(r, 10));
  const cpu = process.cpuUsage(cpuAt);
  const elapsed = performance.now() - measuredFrom;
  for (const s of sockets) s.end();
  const measuredAnswers = answered.filter((a) => a.measured).map((a) => a.ms);
  // What the server took (2xx), and how many of those it answered while the sending lasted
  // (and 250 ms more, the last ones' round trip): a server that stalls answers late, fewer a second.
  const ok = answered.filter((a) => a.measured && a.status >= 200 && a.status < 300);
  const okInWindow = ok.filter((a) => a.doneAt <= sendEnd + 250).length;
  return { sent, measured: sent - warm, answers: answered.length, sentAt, statuses, accepted: percentiles(measuredAnswers), acceptedContents: ok.map((a) => a.content), okPerSecond: (okInWindow * 1000) / (sendEnd - measuredFrom), loopBusy: performance.eventLoopUtilization(elu).utilization, cpuPercent: ((cpu.user + cpu.system) / 1000 / elapsed) * 100 };
}

/** Live mode, recipient side (its own process): an account with one mediated DID. */
async function recipient(o) {
  // Warnings (a delivered message that could not be received, say) are counted for attack.mjs.
  const counts = { warnings: 0, other: {} };
  const logger = { ...silentLogger, warn: () => void counts.warnings++, error: () => void counts.warnings++ };
  const r = await client(o.did, logger);
  state = { recipient: r, receivedAt: {}, n: 0, counts };
  // Anything but the pickup protocol's own messages and the bench's basic messages is counted:
  // what others made the mediator send us (problem reports, acks, pings).
  r.agent.router.use(async (ctx, next) => {
    const t = ctx.message.type;
    if (t !== BASIC && !/\/messagepickup\/|\/message-pickup\//.test(t)) counts.other[t] = (counts.other[t] ?? 0) + 1;
    await next();
  });
  r.agent.on(BASIC, (ctx) => {
    const c = ctx.message.body?.content;
    if (typeof c === 'string' && c.startsWith('live ') && state.receivedAt[c] === undefined) {
      state.receivedAt[c] = wallNow();
      state.n++;
    }
  });
  const doc = await resolver.resolve(r.did);
  return { did: r.did, account: r.mc.accountDid, kid: doc.keyAgreement?.map((k) => (typeof k === 'string' ? k : k.id)).map((k) => (k.startsWith('#') ? `${r.did}${k}` : k))[0] };
}

/** What arrived so far (the contents of the bench's messages), and what else; live mode stays on. */
async function seen() {
  return { contents: Object.keys(state.receivedAt), warnings: state.counts.warnings, other: state.counts.other };
}

/** Hold the WebSocket in live mode. */
async function listen() {
  state.cpuAt = process.cpuUsage();
  state.elu = performance.eventLoopUtilization();
  state.t0 = performance.now();
  await state.recipient.mc.live(true);
  return null;
}

/** Start the measured part: CPU and event loop from now on (and a CPU profile with profileDir). */
async function mark(o) {
  if (o.profileDir) state.stopProfile = await startProfile(o.profileDir, 'live-recipient');
  state.cpuAt = process.cpuUsage();
  state.elu = performance.eventLoopUtilization();
  state.t0 = performance.now();
  return null;
}

/** Wait until `total` arrived (or `timeoutMs`), turn live mode off; -> receipt times. */
async function collect(o) {
  const until = performance.now() + o.timeoutMs;
  while (state.n < o.total && performance.now() < until) await new Promise((r) => setTimeout(r, 10));
  const cpu = process.cpuUsage(state.cpuAt);
  const elapsed = performance.now() - state.t0;
  const loopBusy = performance.eventLoopUtilization(state.elu).utilization;
  await state.recipient.mc.live(false).catch(() => undefined);
  const profile = await state.stopProfile?.();
  return { profile, receivedAt: state.receivedAt, loopBusy, cpuPercent: ((cpu.user + cpu.system) / 1000 / elapsed) * 100 };
}

async function exit() {
  for (const a of [...(state?.accounts ?? []), ...(state?.recipient ? [state.recipient] : [])]) await a.agent.stop().catch(() => undefined);
  setImmediate(() => process.exit(0));
  return null;
}
