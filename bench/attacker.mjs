// The attacker of bench/attack.mjs: its own process (child_process.fork), every connection from
// 127.0.0.2 (attack-net.mjs), so the mediator can tell it from the honest clients on 127.0.0.1.
// Commands over IPC, as mediator-load.mjs:
//   prepare { attack, url, wsUrl, did, victim, quick }  unmeasured setup (accounts, a filled
//           queue, pre-packed messages)
//   run     { attack, ms }  the attack, for at most `ms` (and its count cap); -> what it sent
//           and what came of it (`finding`: the attack's own check, when it has one)
//   cleanup { attack }  undo what would spill into the next attack; -> more findings
//   abort   stop at once and close every connection (the harness's memory safety stop)
// Each attack is a function here; ATTACKS in attack.mjs lists them in order.
import { randomBytes } from 'node:crypto';
import {
  Agent, FORWARD_TYPE, HttpTransport, InMemorySecrets, MediatorClient, PICKUP, createDID, createResolver, newId, packEncrypted, packPlaintext,
  pickupDeliver, pickupStatus, requestMediation, silentLogger, unpack, updateKeylist,
} from '../packages/core/dist/index.js';
import { ATTACKER_ADDRESS, fetchFrom, postFrom, rawConnection, wsFrame, wsUpgrade } from './attack-net.mjs';

const BASIC = 'https://didcomm.org/basicmessage/2.0/message';
const PING = 'https://didcomm.org/trust-ping/2.0/ping';
const resolver = createResolver();
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const tally = (o, k) => void (o[k] = (o[k] ?? 0) + 1);
let ctx;
let prepared = {};
let aborted = false;
const sockets = new Set();

process.on('message', async (m) => {
  try {
    const cmds = { prepare, run, cleanup, abort, exit };
    const result = cmds[m.cmd] ? await cmds[m.cmd](m) : null;
    process.send({ id: m.id, result });
  } catch (e) {
    process.send({ id: m.id, error: e instanceof Error ? e.stack : String(e) });
  }
});

/** An account of the attacker's: mediation granted over HTTP, one mediated DID. */
async function account() {
  const created = await createDID('peer');
  const secrets = new InMemorySecrets(created.secrets);
  const fetch = fetchFrom(ATTACKER_ADDRESS);
  const agent = new Agent({ did: created.did, secrets, resolver, transports: [new HttpTransport({ fetch, timeoutMs: 10_000 })], retry: { attempts: 1 }, requestTimeoutMs: 10_000, logger: silentLogger });
  const mc = new MediatorClient(agent, ctx.did);
  const { did } = await mc.mediate({ makeDefault: true });
  return { agent, mc, secrets, account: created.did, did: did.did, fetch };
}

/** Call `fn(i)` from `concurrency` loops until `ms` passed, `cap` calls were made or the attack was aborted. */
async function loop({ ms, cap = Infinity, concurrency = 1, paceMs = 0 }, fn) {
  const end = performance.now() + ms;
  let i = 0;
  const worker = async () => {
    while (!aborted && i < cap && performance.now() < end) {
      await fn(i++);
      if (paceMs) await sleep(paceMs);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  return i;
}

const track = (conn) => {
  sockets.add(conn.socket);
  conn.socket.on('close', () => sockets.delete(conn.socket));
  return conn;
};

/** An authcrypted request from `a`'s account to the mediator (return-routed). */
const request = async (a, type, body) => (await packEncrypted({ id: newId(), type, from: a.account, to: [ctx.did], return_route: 'all', created_time: Math.floor(Date.now() / 1000), body }, { to: ctx.did, from: a.account, resolver, secrets: a.secrets, forward: false })).packed;

/** A forward of about `bytes` to `to` (through the mediator), anoncrypted as any sender would. */
const sized = async (to, bytes) => (await packEncrypted({ id: newId(), type: BASIC, to: [to], created_time: Math.floor(Date.now() / 1000), body: { pad: 'x'.repeat(Math.floor(bytes * 0.56)) } }, { to, resolver, encAlgAnon: 'A256CBC-HS512' })).packed;

const ATTACKS = {
  /** 1. A WebSocket that never reads, asking for deliveries of an account holding a few MB. */
  'unread-ws': {
    async prepare(o) {
      const a = await account();
      // ~3 MB queued for the attacker's own account, in 200 KB messages: each delivery carries them all.
      for (let i = 0; i < 15; i++) await postFrom(a.fetch, ctx.url, await sized(a.did, 200_000));
      const requests = [];
      for (let i = 0; i < (o.quick ? 30 : 150); i++) requests.push(await request(a, PICKUP[4].deliveryRequest, { limit: 100 }));
      return { a, requests };
    },
    async run({ a, requests }, { ms }) {
      const conn = track(await rawConnection(ctx.wsUrl, { first: wsUpgrade(ctx.wsUrl), read: false }));
      let written = 0;
      await loop({ ms, cap: requests.length, paceMs: 50 }, async (i) => {
        if (conn.closed) return;
        conn.socket.write(wsFrame(requests[i]));
        written++;
      });
      const closedByServer = conn.closed;
      conn.socket.destroy();
      return { summary: `${written} delivery-requests for ~3 MB each, never read; ${closedByServer ? 'closed by the mediator' : 'still open at the end'}`, written, closedByServer };
    },
  },

  /** 2. Registering another account's DID and key ids; forwards to them must still reach it. */
  hijack: {
    prepare: async () => ({ a: await account() }),
    async run({ a }, { ms }) {
      const v = ctx.victim;
      // What the victim registered (its mediated DID) and that DID's key ids.
      const targets = [...new Set([v.kid, `${v.did}#key-1`, `${v.did}#key-2`, v.did].filter(Boolean))];
      const results = {};
      let diverted = 0;
      const errors = {};
      await loop({ ms, paceMs: 200 }, async () => {
        try {
          for (const r of await updateKeylist(a.agent, ctx.did, targets.map((t) => ({ recipient_did: t, action: 'add' })), { from: a.account })) tally(results, r.result);
          diverted += (await a.mc.pickup({ limit: 100 })).messages.length;
        } catch (e) {
          tally(errors, e?.cause?.code ?? e?.code ?? 'error');
        }
      });
      prepared.hijack.targets = targets;
      const registered = results.success ?? 0;
      return { summary: `keylist-update of ${targets.length} of the victim's DIDs/key ids: ${JSON.stringify(results)}; victim messages picked up by the attacker: ${diverted}`, registered, diverted, results, errors };
    },
    async cleanup({ a, targets = [] }) {
      // Whatever the attack got registered goes, so the next attacks' honest traffic is not diverted.
      const removed = await updateKeylist(a.agent, ctx.did, targets.map((t) => ({ recipient_did: t, action: 'remove' })), { from: a.account }).catch(() => []);
      const late = await a.mc.pickupAll({ batch: 100, maxBatches: 20 }).catch(() => 0);
      return { removed: removed.filter((r) => r.result === 'success').length, divertedLate: late };
    },
  },

  /** 3. One anonymous forward carrying thousands of messages, again and again. */
  'fan-out': {
    async prepare(o) {
      const a = await account();
      const n = 5000;
      // The smallest thing a mediator may take for a JWE: a JSON object with a ciphertext string.
      const tiny = { protected: 'e30', iv: 'AA', ciphertext: 'AA', tag: 'AA' };
      const wires = [];
      for (let k = 0; k < (o.quick ? 2 : 6); k++) {
        const fwd = { id: newId(), type: FORWARD_TYPE, to: [ctx.did], body: { next: a.did }, attachments: Array.from({ length: n }, (_, i) => ({ id: `${k}-${i}`, data: { json: tiny } })) };
        wires.push((await packEncrypted(fwd, { to: ctx.did, resolver, encAlgAnon: 'A256CBC-HS512', forward: false })).packed);
      }
      return { a, n, wires };
    },
    async run({ a, n, wires }, { ms }) {
      const statuses = {};
      const sent = await loop({ ms, cap: 200, concurrency: 2 }, async (i) => tally(statuses, (await postFrom(a.fetch, ctx.url, wires[i % wires.length])).status));
      const accepted = Object.entries(statuses).filter(([s]) => s >= 200 && s < 300).reduce((x, [, v]) => x + v, 0);
      return { summary: `${sent} forwards of ${n} messages (${Math.round(wires[0].length / 1024)} KB): answers ${JSON.stringify(statuses)}, ${accepted * n} messages accepted`, sent, statuses, payloadsAccepted: accepted * n };
    },
  },

  /** 4. Many sender DIDs, each getting mediation and picking up over HTTP. */
  'many-senders': {
    async prepare(o) {
      const created = [];
      // More than a run gets through here (~100-300 in 6 s on 2 cores); each takes ~2 ms to make.
      for (let i = 0; i < (o.quick ? 100 : 1000); i++) created.push(await createDID('peer'));
      const fetch = fetchFrom(ATTACKER_ADDRESS);
      const agent = new Agent({ did: created.map((c) => c.did), secrets: new InMemorySecrets(created.flatMap((c) => c.secrets)), resolver, transports: [new HttpTransport({ fetch, timeoutMs: 10_000 })], retry: { attempts: 1 }, requestTimeoutMs: 10_000, logger: silentLogger });
      return { agent, fetch, dids: created.map((c) => c.did) };
    },
    async run({ agent, dids }, { ms }) {
      let done = 0;
      const errors = {};
      await loop({ ms, cap: dids.length, concurrency: 8 }, async (i) => {
        const from = dids[i];
        try {
          await requestMediation(agent, ctx.did, { from });
          await pickupStatus(agent, ctx.did, { from });
          await pickupDeliver(agent, ctx.did, { from, limit: 10 });
          done++;
        } catch (e) {
          tally(errors, e?.cause?.code ?? e?.code ?? 'error');
        }
      });
      return { summary: `${done} senders mediated, asked for status and picked up${Object.keys(errors).length ? `; refused ${JSON.stringify(errors)}` : ''}`, senders: done, errors };
    },
  },

  /** 5. One account registering thousands of recipient DIDs. */
  'many-recipients': {
    prepare: async () => ({ a: await account() }),
    async run({ a }, { ms }) {
      const results = {};
      const errors = {};
      await loop({ ms, cap: 200 }, async () => {
        const updates = Array.from({ length: 100 }, () => ({ recipient_did: `did:example:${randomBytes(32).toString('hex')}`, action: 'add' }));
        try {
          for (const r of await updateKeylist(a.agent, ctx.did, updates, { from: a.account })) tally(results, r.result);
        } catch (e) {
          tally(errors, e?.cause?.code ?? e?.code ?? 'error');
        }
      });
      const registered = results.success ?? 0;
      return { summary: `recipient DIDs registered: ${registered} (${JSON.stringify(results)})${Object.keys(errors).length ? `, requests refused ${JSON.stringify(errors)}` : ''}`, registered, results, errors };
    },
  },

  /** 6. Plaintext messages claiming to come from the live victim: nothing may reach it. */
  'spoofed-from': {
    prepare: async () => ({ fetch: fetchFrom(ATTACKER_ADDRESS) }),
    async run({ fetch }, { ms }) {
      const v = ctx.victim;
      const claims = [v.account, v.did, v.kid].filter(Boolean);
      const kinds = [
        { type: PING, body: { response_requested: true }, please_ack: [''] },
        { type: 'https://didcomm.org/attack/1.0/noise', body: {}, please_ack: [''] },
        { type: PICKUP[4].statusRequest, body: {}, return_route: 'all' },
        { type: PICKUP[4].liveDeliveryChange, body: { live_delivery: false }, return_route: 'all' },
      ];
      const statuses = {};
      const sent = await loop({ ms, cap: 3000, concurrency: 4 }, async (i) => {
        const k = kinds[i % kinds.length];
        const message = { id: newId(), from: claims[Math.floor(i / kinds.length) % claims.length], to: [ctx.did], created_time: Math.floor(Date.now() / 1000), ...k };
        // Written by hand: our packPlaintext would refuse a key id as `from`, an attacker need not.
        tally(statuses, (await postFrom(fetch, ctx.url, JSON.stringify({ typ: 'application/didcomm-plain+json', ...message }), 'application/didcomm-plain+json')).status);
      });
      return { summary: `${sent} plaintext messages from the victim's DIDs (ping, unknown type, status-request, live-mode off): answers ${JSON.stringify(statuses)}`, sent, statuses };
    },
  },

  /** 7. Forwards whose JWE lists the mediator's key id 100 times (99 with a wrong key). */
  'dup-kid': {
    async prepare() {
      const a = await account();
      const wires = [];
      for (let k = 0; k < 20; k++) {
        const jwe = JSON.parse(await sized(a.did, 1000));
        const real = jwe.recipients[0];
        const fake = () => ({ ...real, encrypted_key: randomBytes(Buffer.from(real.encrypted_key, 'base64url').length).toString('base64url') });
        jwe.recipients = [...Array.from({ length: 99 }, fake), real];
        wires.push(JSON.stringify(jwe));
      }
      return { a, wires };
    },
    async run({ a, wires }, { ms }) {
      const statuses = {};
      const sent = await loop({ ms, cap: 5000, concurrency: 4 }, async (i) => tally(statuses, (await postFrom(a.fetch, ctx.url, wires[i % wires.length])).status));
      return { summary: `${sent} forwards with 100 recipients of one key id (${Math.round(wires[0].length / 1024)} KB): answers ${JSON.stringify(statuses)}`, sent, statuses };
    },
  },

  /** 8. A flood of anonymous plaintext (to flush a replay memory), then an authcrypt message replayed. */
  replay: {
    async prepare() {
      const a = await account();
      return { a, wire: await request(a, PICKUP[4].statusRequest, {}) };
    },
    async run({ a, wire }, { ms }) {
      // Accepted: answered with the status it asks for (a refusal is an error status or a problem report).
      const accepted = async () => {
        const r = await postFrom(a.fetch, ctx.url, wire);
        if (r.status < 200 || r.status >= 300 || !r.text) return false;
        const { message } = await unpack(r.text, { resolver, secrets: a.secrets }).catch(() => ({ message: {} }));
        return message.type === PICKUP[4].status;
      };
      const first = await accepted();
      const statuses = {};
      const flood = await loop({ ms: ms * 0.7, cap: 15_000, concurrency: 4 }, async () => {
        const ping = { id: newId(), type: PING, to: [ctx.did], created_time: Math.floor(Date.now() / 1000), body: { response_requested: false } };
        tally(statuses, (await postFrom(a.fetch, ctx.url, await packPlaintext(ping), 'application/didcomm-plain+json')).status);
      });
      let replays = 0;
      let replaysAccepted = 0;
      await loop({ ms: ms * 0.3, cap: 10, paceMs: 100 }, async () => {
        replays++;
        if (await accepted()) replaysAccepted++;
      });
      return { summary: `original ${first ? 'accepted' : 'REFUSED'}; ${flood} anonymous plaintext messages (answers ${JSON.stringify(statuses)}); replays accepted: ${replaysAccepted} of ${replays}`, firstAccepted: first, flood, replays, replaysAccepted };
    },
  },

  /** 9. Slow requests (slowloris), idle WebSockets, and one endless chunked body, all from one address. */
  'slow-conns': {
    prepare: async () => ({}),
    async run(_, { ms, quick }) {
      let end = performance.now() + ms;
      const n = quick ? 200 : 1000;
      const head = (extra = '') => `POST / HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/didcomm-encrypted+json\r\n${extra}`;
      const open = async (count, first, read) => {
        const out = [];
        for (let i = 0; i < count && !aborted; i += 50) out.push(...(await Promise.all(Array.from({ length: Math.min(50, count - i) }, () => rawConnection(ctx.url, { first: first(), read }).then(track)))));
        return out;
      };
      // The chunked body first, then slow requests and idle WebSockets in turns, so that a limit
      // on connections per address does not leave one kind untried.
      const chunked = track(await rawConnection(ctx.url, { first: head('Transfer-Encoding: chunked\r\n\r\n'), read: true }));
      const slow = [];
      const idle = [];
      for (let i = 0; i < n && !aborted; i += 50) {
        slow.push(...(await open(50, () => head(), true)));
        idle.push(...(await open(50, () => wsUpgrade(ctx.wsUrl), true)));
      }
      // A refused connection is seen closed here a while after the mediator dropped it (measured:
      // up to a second, with hundreds opening): count no earlier than that.
      end = Math.max(end, performance.now() + 1000);
      // The chunked body: 64 KiB chunks as fast as the mediator takes them, until it answers or closes.
      const chunk = Buffer.concat([Buffer.from('10000\r\n'), Buffer.alloc(65536, 'a'), Buffer.from('\r\n')]);
      let chunkedBytes = 0;
      const pump = (async () => {
        while (!aborted && !chunked.closed && chunked.received === 0 && performance.now() < end && chunkedBytes < 2 ** 30) {
          chunkedBytes += 65536;
          if (!chunked.socket.write(chunk)) await new Promise((r) => { chunked.socket.once('drain', r); chunked.socket.once('close', r); setTimeout(r, 1000); });
        }
      })();
      // One more header line a second on each slow request, so that only a deadline ends them.
      while (!aborted && performance.now() < end) {
        for (const c of slow) if (!c.closed) c.socket.write('X-Slow: 1\r\n');
        await sleep(Math.min(1000, Math.max(0, end - performance.now())));
      }
      await pump;
      const slowOpen = slow.filter((c) => !c.closed).length;
      const wsOpen = idle.filter((c) => !c.closed && c.firstBytes.startsWith('HTTP/1.1 101')).length;
      const chunkedAnswer = chunked.firstBytes.slice(0, 12) || (chunked.closed ? 'closed' : 'none');
      for (const c of [...slow, ...idle, chunked]) c.socket.destroy();
      return { summary: `slow requests open at the end ${slowOpen}/${slow.length}, idle WebSockets open ${wsOpen}/${idle.length}; chunked body: ${(chunkedBytes / 2 ** 20).toFixed(0)} MiB written, then ${chunkedAnswer}`, slowOpen, slowTried: slow.length, wsOpen, wsTried: idle.length, chunkedMiB: chunkedBytes / 2 ** 20, chunkedAnswer };
    },
  },
};

async function prepare(o) {
  ctx = { url: o.url, wsUrl: o.wsUrl, did: o.did, victim: o.victim };
  aborted = false;
  prepared[o.attack] = await ATTACKS[o.attack].prepare(o);
  return null;
}

async function run(o) {
  return ATTACKS[o.attack].run(prepared[o.attack], o);
}

async function cleanup(o) {
  const r = (await ATTACKS[o.attack].cleanup?.(prepared[o.attack])) ?? null;
  const p = prepared[o.attack];
  await (p?.a?.agent ?? p?.agent)?.stop().catch(() => undefined);
  (p?.a?.fetch ?? p?.fetch)?.close?.();
  delete prepared[o.attack];
  return r;
}

async function abort() {
  aborted = true;
  for (const s of sockets) s.destroy();
  return null;
}

async function exit() {
  await abort();
  setImmediate(() => process.exit(0));
  return null;
}
