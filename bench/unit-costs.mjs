// Unit costs of the mediator, for docs/scaling.md (issue 14): CPU per forward and per live
// delivery (the mediator process's CPU time over a fixed moderate rate, split into its main
// thread and the rest: the unwrap worker, GC and libuv threads), on SQLite and on PostgreSQL;
// PostgreSQL's writes per message (rows, write transactions, WAL bytes, NOTIFYs); and the
// cross-instance wake-up: two instances on one PostgreSQL, forwards to A, recipients live on B,
// its added latency and the database CPU it costs, beside a microbenchmark of NOTIFY itself.
// Memory per idle live session is bench/live-many.mjs's (10,000 sessions): only a rough figure
// from this run's few sessions is printed here.
// `node bench/unit-costs.mjs [--rate=N] [--time=ms] [--sessions=N] [--json=file]`, or
// `npm run bench -- unit-costs`. About two and a half minutes on 2 cores, mostly fixed phase lengths.
//
// Processes: this one orchestrates and reads /proc (Linux) for CPU per thread and per
// PostgreSQL backend; each mediator is bench/live-many-mediator.mjs (the mediator's own command
// line); the wallets and senders are bench/live-many-client.mjs. Loopback only; PostgreSQL is
// DATABASE_URL or 127.0.0.1:5432 database `test`, in a schema of our own dropped at the end;
// temporary folders are removed; every phase has a deadline. CPU time is what this bench
// counts, not wall time, so it holds up on a shared machine better than latency does.
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import postgres from 'postgres';
import { openStore } from '../packages/mediator/dist/index.js';
import { freePort, loadGenerator, mediatorProcess } from './child.mjs';

const PG_URL = process.env.DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/test';
const LATENCY_RATE = 20;
const TICK_MS = 1000 / 100; // USER_HZ: /proc counts CPU in 10 ms ticks on Linux

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** utime + stime of a process or thread, in ms (undefined when it is gone). */
function cpuMs(path) {
  try {
    const s = readFileSync(path, 'utf8');
    const f = s.slice(s.lastIndexOf(')') + 2).split(' ');
    return (Number(f[11]) + Number(f[12])) * TICK_MS;
  } catch {
    return undefined;
  }
}
/** CPU ms of every thread of `pid`, by thread id. */
function threadsCpu(pid) {
  const out = new Map();
  for (const t of readdirSync(`/proc/${pid}/task`)) out.set(t, cpuMs(`/proc/${pid}/task/${t}/stat`) ?? 0);
  return out;
}
/** The CPU a process spent between two threadsCpu() samples: main thread, the busiest `workers` other threads, the rest. */
function threadSplit(pid, before, after, workers) {
  const d = [...after].map(([t, v]) => [t, v - (before.get(t) ?? 0)]);
  const main = d.find(([t]) => t === String(pid))?.[1] ?? 0;
  const others = d.filter(([t]) => t !== String(pid)).map(([, v]) => v).sort((a, b) => b - a);
  const worker = others.slice(0, workers).reduce((a, b) => a + b, 0);
  const rest = others.slice(workers).reduce((a, b) => a + b, 0);
  return { total: main + worker + rest, main, worker, rest };
}

/** The mediator's counters that name a unit of work: messages queued, delivered, acknowledged (summed over labels). */
async function counters(url) {
  const text = await (await fetch(`${url}metrics`, { signal: AbortSignal.timeout(60_000) })).text();
  const sum = (name) => [...text.matchAll(new RegExp(`^${name}(?:\\{[^}]*\\})?\\s+([0-9.e+]+)`, 'gm'))].reduce((a, m) => a + Number(m[1]), 0);
  return { queued: sum('didcomm_mediator_messages_queued_total'), delivered: sum('didcomm_mediator_messages_delivered_total'), acked: sum('didcomm_mediator_messages_acknowledged_total') };
}
const countersDelta = (a, b) => ({ queued: b.queued - a.queued, delivered: b.delivered - a.delivered, acked: b.acked - a.acked });

/** PostgreSQL backends of the given application_names: pid -> CPU ms (the server runs on this machine). */
async function backendsCpu(sql, apps) {
  const rows = await sql`SELECT pid FROM pg_stat_activity WHERE application_name IN ${sql(apps)}`;
  return new Map(rows.map((r) => [r.pid, cpuMs(`/proc/${r.pid}/stat`)]).filter(([, v]) => v !== undefined));
}
const backendsDelta = (before, after) => [...after].reduce((a, [pid, v]) => a + v - (before.get(pid) ?? 0), 0);

/** Rows written in `schema`'s tables (the statistics collector's counters, exact for our schema alone). */
async function tableStats(sql, schema) {
  await sql`SELECT pg_stat_clear_snapshot()`;
  const [r] = await sql`SELECT COALESCE(SUM(n_tup_ins), 0)::int AS ins, COALESCE(SUM(n_tup_upd), 0)::int AS upd, COALESCE(SUM(n_tup_hot_upd), 0)::int AS hot, COALESCE(SUM(n_tup_del), 0)::int AS del FROM pg_stat_user_tables WHERE schemaname = ${schema}`;
  return r;
}

/**
 * WAL written for `schema` between two LSNs, read back with pg_walinspect: the records touching
 * its tables, indexes and TOAST (by relfilenode), and the commit records of those transactions.
 * Other people's writes in the same cluster are left out (the global LSN delta includes them).
 */
async function walFor(sql, fnSchema, schema, from, to) {
  const nodes = await sql`
    SELECT pg_relation_filenode(c.oid)::text AS n FROM pg_class c JOIN pg_namespace s ON s.oid = c.relnamespace WHERE s.nspname = ${schema}
    UNION SELECT pg_relation_filenode(c.reltoastrelid)::text FROM pg_class c JOIN pg_namespace s ON s.oid = c.relnamespace WHERE s.nspname = ${schema} AND c.reltoastrelid <> 0
    UNION SELECT pg_relation_filenode(i.indexrelid)::text FROM pg_class c JOIN pg_namespace s ON s.oid = c.relnamespace JOIN pg_index i ON i.indrelid = c.reltoastrelid WHERE s.nspname = ${schema} AND c.reltoastrelid <> 0`;
  const set = new Set(nodes.map((r) => r.n).filter(Boolean));
  const rows = await sql.unsafe(`SELECT xid::text AS xid, resource_manager AS rm, record_type AS type, record_length AS len, fpi_length AS fpi, block_ref FROM ${fnSchema}.pg_get_wal_records_info($1, $2)`, [from, to]);
  const xids = new Set();
  let bytes = 0;
  let fpi = 0;
  let records = 0;
  for (const r of rows) {
    const m = r.block_ref && [...r.block_ref.matchAll(/rel \d+\/\d+\/(\d+)/g)].some((x) => set.has(x[1]));
    if (!m) continue;
    records++;
    bytes += r.len;
    fpi += r.fpi;
    if (r.xid !== '0') xids.add(r.xid);
  }
  let commits = 0;
  for (const r of rows) {
    if (r.rm === 'Transaction' && /^COMMIT/.test(r.type) && xids.has(r.xid)) {
      commits++;
      bytes += r.len;
    }
  }
  return { bytes, fpi, records, commits, total: rows.reduce((a, r) => a + r.len, 0) };
}

/**
 * NOTIFY alone: the backend CPU of one NOTIFY (the notifying backend and a listening one,
 * against a SELECT 1 round trip on the same connection); then commits a second from 1 and from
 * `clients` connections at once, of three kinds: a NOTIFY on its own (as the store sends it,
 * after the enqueue's commit), a one-row INSERT, and the INSERT and the NOTIFY in one
 * transaction (PostgreSQL holds one cluster-wide lock from a notifying commit's queue write
 * through its WAL flush; a NOTIFY alone writes no WAL to flush).
 */
async function notifyMicro(schema, { clients = 16, ms = 1500, n = 2000 } = {}) {
  const tag = `${schema}_micro`;
  const sql = postgres(`${PG_URL}${PG_URL.includes('?') ? '&' : '?'}application_name=${tag}_n`, { max: clients, fetch_types: false, onnotice: () => undefined });
  const lis = postgres(`${PG_URL}${PG_URL.includes('?') ? '&' : '?'}application_name=${tag}_l`, { max: 1, fetch_types: false, onnotice: () => undefined });
  try {
    await sql.unsafe(`CREATE TABLE ${schema}.micro (id BIGSERIAL PRIMARY KEY, v TEXT NOT NULL)`);
    let received = 0;
    const { unlisten } = await lis.listen(tag, () => void received++);
    const [{ pid: lpid }] = await lis`SELECT pid FROM pg_stat_activity WHERE application_name = ${`${tag}_l`}`;
    const payload = JSON.stringify({ o: crypto.randomUUID(), a: `did:peer:2.${'x'.repeat(60)}`, i: ['0000000000000000000000'] });
    const one = await sql.reserve();
    const [{ pid: npid }] = await one`SELECT pg_backend_pid() AS pid`;
    const perCall = async (f) => {
      const n0 = cpuMs(`/proc/${npid}/stat`);
      const l0 = cpuMs(`/proc/${lpid}/stat`);
      const t = performance.now();
      for (let i = 0; i < n; i++) await f();
      const wall = performance.now() - t;
      await sleep(200);
      return { notifierUs: ((cpuMs(`/proc/${npid}/stat`) - n0) * 1000) / n, listenerUs: ((cpuMs(`/proc/${lpid}/stat`) - l0) * 1000) / n, wallUs: (wall * 1000) / n };
    };
    const select1 = await perCall(() => one`SELECT 1`);
    received = 0;
    const notify = await perCall(() => one`SELECT pg_notify(${tag}, ${payload})`);
    const receivedSequential = received;
    one.release();
    const perSecond = async (c, f) => {
      const t0 = performance.now();
      let k = 0;
      await Promise.all(Array.from({ length: c }, async () => {
        while (performance.now() - t0 < ms) {
          await f();
          k++;
        }
      }));
      return (k * 1000) / (performance.now() - t0);
    };
    const kinds = {
      notify: () => sql`SELECT pg_notify(${tag}, ${payload})`,
      insert: () => sql`INSERT INTO ${sql(schema)}.micro (v) VALUES (${payload})`,
      insertAndNotify: () => sql.begin(async (tx) => {
        await tx`INSERT INTO ${sql(schema)}.micro (v) VALUES (${payload})`;
        await tx`SELECT pg_notify(${tag}, ${payload})`;
      }),
    };
    const commits = {};
    for (const c of [1, clients]) for (const [k, f] of Object.entries(kinds)) (commits[k] ??= {})[c] = await perSecond(c, f);
    await unlisten();
    return { select1, notify, receivedSequential, n, clients, commits, payloadBytes: payload.length };
  } finally {
    await lis.end({ timeout: 2 }).catch(() => undefined);
    await sql.end({ timeout: 2 }).catch(() => undefined);
  }
}

export async function runUnitCosts({ rate: rateAll = 100, ms: msAll = 6000, warmupMs = 1500, sessions = 200, fwdAccounts = 20, bytes = 2000, connections = 8, log = console.log } = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'didcomm-unit-costs-'));
  const schema = `unit_costs_${process.pid}`;
  const out = { date: new Date().toISOString(), node: process.version, cpu: cpus()[0]?.model, cores: availableParallelism(), memGiB: totalmem() / 2 ** 30, loadavgStart: loadavg(), rate: rateAll, ms: msAll, warmupMs, sessions, phases: {} };
  const gens = [];
  const meds = [];
  let sql;
  let createdWalinspect;
  const f1 = (n) => (Number.isFinite(n) ? n.toFixed(1) : 'n/a');
  const f2 = (n) => (Number.isFinite(n) ? n.toFixed(2) : 'n/a');
  const la = () => loadavg().map((l) => l.toFixed(2)).join(' ');
  try {
    log(`unit costs | node ${process.version} | ${out.cpu ?? 'cpu?'} x${out.cores} | ${f1(out.memGiB)} GiB | load average ${la()} | ${rateAll} forwards/s of ~${bytes} B for ${msAll} ms after ${warmupMs} ms unmeasured, per phase`);
    const baseFlags = (port, data) => ['--port', String(port), '--host', '127.0.0.1', '--data', data, '--log-level', 'error', '--max-connections-per-ip', '100000', '--rate-limit', '1000000', '--max-queue', '1000000'];

    /** Seed accounts (grant + keylist entry) in a store, as mediate-request and keylist-update leave them. */
    const seed = async (loc, pairs) => {
      const store = await openStore(loc);
      for (const [account, mediated] of pairs) {
        await store.grant(account);
        await store.updateRecipients(account, [{ recipientDid: mediated, action: 'add' }]);
      }
      await store.close();
    };
    /** The mediators' CPU with no traffic (timers, metrics, GC): ms a second, the background in each phase's figures. */
    const idle = async (watch, key) => {
      const before = watch.map((w) => cpuMs(`/proc/${w.pid}/stat`));
      await sleep(3000);
      const perSec = watch.map((w, i) => (cpuMs(`/proc/${w.pid}/stat`) - before[i]) / 3);
      out[key] = perSec;
      log(`  idle, no traffic for 3 s: ${watch.map((w, i) => `${w.name} ${f1(perSec[i])} ms CPU a second`).join(', ')}`);
    };
    /** One phase: `gen` sends `rate`/s to `url`; CPU of each mediator (per thread) and of the PostgreSQL backends over the measured part. */
    const phase = async (name, gen, url, watch, { deliver = true, pg, rate: r0, ms: m0 } = {}) => {
      const [rate, ms] = [r0 ?? rateAll, m0 ?? msAll];
      // Stored phases wait out the whole drain (nothing is delivered): long enough for every answer.
      const drainMs = deliver ? 10_000 : 3000;
      await gen.call('prepare', { count: Math.round((rate * (warmupMs + ms)) / 1000), bytes });
      const running = gen.call('live', { url, rate, warmupMs, ms, connections, drainMs });
      await sleep(warmupMs);
      const t0 = performance.now();
      const c0 = await Promise.all(watch.map((w) => counters(w.url)));
      const before = watch.map((w) => threadsCpu(w.pid));
      for (const w of watch) await w.med.call('mark');
      const be0 = pg ? await backendsCpu(sql, pg.apps) : undefined;
      const lsn0 = pg ? (await sql`SELECT pg_current_wal_lsn()::text AS l`)[0].l : undefined;
      const st0 = pg ? await tableStats(sql, schema) : undefined;
      const heard0 = pg?.heard();
      const live = await running;
      await sleep(300); // the last acknowledgements
      const wall = performance.now() - t0;
      const cpu = watch.map((w, i) => ({ name: w.name, ...threadSplit(w.pid, before[i], threadsCpu(w.pid), w.workers), ...{ workersBusy: undefined } }));
      for (const [i, w] of watch.entries()) cpu[i].workersBusy = (await w.med.call('cpu')).workersBusy;
      // The unit: messages the mediators queued in the very window the CPU was counted over
      // (on a loaded machine the warm-up's backlog spills into it: the bench's own count would not match).
      const work = (await Promise.all(watch.map((w) => counters(w.url)))).map((c, i) => countersDelta(c0[i], c)).reduce((a, c) => ({ queued: a.queued + c.queued, delivered: a.delivered + c.delivered, acked: a.acked + c.acked }));
      const n = work.queued;
      const r = { name, rate, ms, loadavg: loadavg(), wallMs: wall, messages: n, work, measuredSent: live.measured, accepted: live.accepted, refused: live.refused + live.unanswered, lost: live.lost, live: live.live, post: live.post, statuses: live.statuses, cpu };
      if (pg) {
        const be1 = await backendsCpu(sql, pg.apps);
        r.dbCpuMs = backendsDelta(be0, be1);
        const lsn1 = (await sql`SELECT pg_current_wal_lsn()::text AS l`)[0].l;
        await sleep(1200); // backends report their table statistics at most once a second
        const st1 = await tableStats(sql, schema);
        r.rows = { ins: st1.ins - st0.ins, upd: st1.upd - st0.upd, hot: st1.hot - st0.hot, del: st1.del - st0.del };
        r.notifies = pg.heard() - heard0;
        r.walGlobalBytes = Number((await sql`SELECT pg_wal_lsn_diff(${lsn1}, ${lsn0}) AS d`)[0].d);
        if (pg.walSchema) r.wal = await walFor(sql, pg.walSchema, schema, lsn0, lsn1);
      }
      out.phases[name] = r;
      const per = (x) => (x * 1000) / n; // ms of CPU -> us a message
      const cpuText = cpu.map((c) => `${c.name} ${f1(per(c.total))} us (main ${f1(per(c.main))}, busiest other thread ${f1(per(c.worker))}, rest ${f1(per(c.rest))}${c.workersBusy ? `; worker busy ${c.workersBusy.map((u) => `${Math.round(u * 100)}%`).join(' ')}` : ''})`).join(' | ');
      log(`  ${name.padEnd(38)} ${n} queued, ${work.delivered} delivered, ${work.acked} acknowledged in the window${r.refused ? `, ${r.refused} refused/unanswered ${JSON.stringify(live.statuses)}` : ''}${live.lost && deliver ? `, ${live.lost} LOST` : ''} | CPU a message: ${cpuText}`);
      if (live.live.n) log(`  ${''.padEnd(38)} POST to delivery frame p50 ${f1(live.live.p50)} ms p99 ${f1(live.live.p99)} ms | POST answered p50 ${f1(live.post.p50)} ms p99 ${f1(live.post.p99)} ms | load ${la()}`);
      else log(`  ${''.padEnd(38)} POST answered p50 ${f1(live.post.p50)} ms p99 ${f1(live.post.p99)} ms | load ${la()}`);
      if (pg) {
        const w = r.wal;
        log(`  ${''.padEnd(38)} PostgreSQL a message: backends' CPU ${f1(per(r.dbCpuMs))} us; rows inserted ${f2(r.rows.ins / n)}, updated ${f2(r.rows.upd / n)} (HOT ${f2(r.rows.hot / n)}), deleted ${f2(r.rows.del / n)}; NOTIFYs ${f2(r.notifies / n)}${w ? `; write transactions ${f2(w.commits / n)} + NOTIFY's own; WAL ${Math.round(w.bytes / n)} B (full-page images ${Math.round(w.fpi / n)} B) + NOTIFY's` : ''} | whole cluster's WAL meanwhile ${Math.round(r.walGlobalBytes / n)} B a message`);
      }
      return r;
    };

    // ---------- SQLite, one instance ----------
    {
      const port = await freePort();
      const data = join(dir, 'sqlite');
      const flags = baseFlags(port, data);
      let med = mediatorProcess(dir, { name: 'sqlite-first', flags });
      const { did } = await med.ready;
      await med.close();
      const genF = loadGenerator('./live-many-client.mjs');
      const genL = loadGenerator('./live-many-client.mjs');
      gens.push(genF, genL);
      const pairsF = await genF.call('accounts', { n: fwdAccounts, mediatorDid: did });
      const pairsL = await genL.call('accounts', { n: sessions, mediatorDid: did });
      await seed({ data }, [...pairsF, ...pairsL]);
      med = mediatorProcess(dir, { name: 'sqlite', flags });
      meds.push(med);
      const { url, wsUrl, pid } = await med.ready;
      const watch = [{ name: 'mediator', pid, url, med, workers: 1 }];
      log(`SQLite, one instance (pid ${pid}):`);
      await idle(watch, 'idleSqlite');
      await phase('sqlite: forward, stored', genF, url, watch, { deliver: false });
      const m0 = await med.call('memory');
      const opened = await genL.call('open', { wsUrl, from: 0, to: sessions, concurrency: 32, addresses: ['127.0.0.1'] });
      await sleep(1000);
      const m1 = await med.call('memory');
      out.sessionsRough = { opened: opened.opened, rssBefore: m0.rss, rssPerSession: (m1.rss - m0.rss) / sessions, heapPerSession: (m1.heapUsed - m0.heapUsed) / sessions };
      log(`  ${opened.opened} live sessions opened: mediator RSS +${f1((m1.rss - m0.rss) / 1024 / sessions)} KiB, heap +${f1((m1.heapUsed - m0.heapUsed) / 1024 / sessions)} KiB a session (after GC; few sessions, rough: bench/live-many.mjs measures 10,000)`);
      await phase('sqlite: forward + live delivery', genL, url, watch);
      await med.close();
      meds.length = 0;
      for (const g of gens.splice(0)) {
        await g.call('exit').catch(() => undefined);
        await g.kill();
      }
    }

    // ---------- PostgreSQL: one instance, then the cross-instance wake-up ----------
    sql = postgres(PG_URL, { max: 2, fetch_types: false, onnotice: () => undefined, connection: { application_name: `${schema}_bench` } });
    try {
      await sql`SELECT 1`;
    } catch (e) {
      log(`PostgreSQL not reachable at ${PG_URL.replace(/:[^:@/]*@/, ':***@')} (${e.code ?? e.message}): its phases are left out`);
      await sql.end({ timeout: 1 }).catch(() => undefined);
      sql = undefined;
    }
    if (sql) {
      await sql.unsafe(`CREATE SCHEMA ${schema}`);
      // pg_walinspect attributes WAL to our schema; installed in our schema when absent, so it goes with it.
      let [ext] = await sql`SELECT n.nspname AS s FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace WHERE e.extname = 'pg_walinspect'`;
      if (!ext) {
        try {
          await sql.unsafe(`CREATE EXTENSION pg_walinspect WITH SCHEMA ${schema}`);
          createdWalinspect = true;
          ext = { s: schema };
        } catch (e) {
          log(`  (pg_walinspect unavailable: ${e.message}; WAL is the whole cluster's)`);
        }
      }
      const heard = { n: 0 };
      const { unlisten } = await sql.listen(`${schema}_enqueued`, () => void heard.n++);
      const pgUrl = (app) => `${PG_URL}${PG_URL.includes('?') ? '&' : '?'}application_name=${schema}_${app}`;
      const [portA, portB] = [await freePort(), await freePort()];
      // One public URL for both instances: the same mediator DID (the identity lives in the database).
      const pub = `http://127.0.0.1:${portA}/`;
      const flagsFor = (port, app) => [...baseFlags(port, join(dir, `pg-${app}`)), '--store', pgUrl(app), '--pg-schema', schema, '--public-url', pub];
      let medA = mediatorProcess(dir, { name: 'pg-first', flags: flagsFor(portA, 'a') });
      const { did } = await medA.ready;
      await medA.close();
      const genF = loadGenerator('./live-many-client.mjs');
      const genL = loadGenerator('./live-many-client.mjs');
      gens.push(genF, genL);
      const pairsF = await genF.call('accounts', { n: fwdAccounts, mediatorDid: did });
      const pairsL = await genL.call('accounts', { n: sessions, mediatorDid: did });
      await seed({ store: PG_URL, pgSchema: schema }, [...pairsF, ...pairsL]);
      medA = mediatorProcess(dir, { name: 'pg-a', flags: flagsFor(portA, 'a') });
      const medB = mediatorProcess(dir, { name: 'pg-b', flags: flagsFor(portB, 'b') });
      meds.push(medA, medB);
      const a = await medA.ready;
      const b = await medB.ready;
      const A = { name: 'A', pid: a.pid, url: a.url, med: medA, workers: 1 };
      const B = { name: 'B', pid: b.pid, url: b.url, med: medB, workers: 1 };
      log(`PostgreSQL, two instances A (pid ${a.pid}) and B (pid ${b.pid}) on schema ${schema}, wallets live on B:`);
      await idle([B, A], 'idlePg');
      const pgAll = { apps: [`${schema}_a`, `${schema}_b`], heard: () => heard.n, walSchema: ext?.s };
      await phase('pg: forward to B, stored', genF, b.url, [B, A], { deliver: false, pg: pgAll });
      await genL.call('open', { wsUrl: b.wsUrl, from: 0, to: sessions, concurrency: 32, addresses: ['127.0.0.1'] });
      await sleep(1000);
      await phase('pg: forward to B, live on B', genL, b.url, [B, A], { pg: pgAll });
      await phase('pg: forward to A, live on B (NOTIFY)', genL, a.url, [A, B], { pg: pgAll });
      // The wake-up's added latency, at a rate far from saturating anything (on a shared
      // machine the throughput phases' latency is mostly queueing): same instance and
      // cross-instance in turns, twice.
      log(`  latency at ${LATENCY_RATE}/s, same instance and through NOTIFY in turns:`);
      for (let i = 0; i < 2; i++) {
        await phase(`pg latency ${i + 1}: to B, live on B`, genL, b.url, [B, A], { rate: LATENCY_RATE, ms: 3000 });
        await phase(`pg latency ${i + 1}: to A, live on B`, genL, a.url, [A, B], { rate: LATENCY_RATE, ms: 3000 });
      }
      await unlisten();
      for (const g of gens.splice(0)) {
        await g.call('exit').catch(() => undefined);
        await g.kill();
      }
      for (const m of meds.splice(0)) await m.close();

      log('NOTIFY alone (a client of our own, payload as the store sends):');
      const micro = await notifyMicro(schema);
      out.notify = micro;
      log(`  one at a time, ${micro.n}: notifying backend ${f1(micro.notify.notifierUs)} us CPU a NOTIFY (SELECT 1: ${f1(micro.select1.notifierUs)} us), listening backend ${f1(micro.notify.listenerUs)} us; round trip ${f1(micro.notify.wallUs)} us (SELECT 1: ${f1(micro.select1.wallUs)} us)`);
      const cm = micro.commits;
      for (const [k, label] of [['notify', 'NOTIFY alone (as the store sends it)'], ['insert', 'one-row INSERT'], ['insertAndNotify', 'INSERT + NOTIFY in one transaction']]) log(`  ${label.padEnd(38)} commits/s from 1 client ${Math.round(cm[k][1])}, from ${micro.clients} at once ${Math.round(cm[k][micro.clients])}`);
      log(`  load ${la()}`);
    }
    out.loadavgEnd = loadavg();
    return out;
  } finally {
    for (const m of meds) await m.close().catch(() => undefined);
    for (const g of gens) {
      await g.call('exit').catch(() => undefined);
      await g.kill();
    }
    if (sql) {
      if (createdWalinspect) await sql.unsafe(`DROP EXTENSION IF EXISTS pg_walinspect`).catch(() => undefined);
      await sql.unsafe(`DROP SCHEMA IF EXISTS ${schema} CASCADE`).catch((e) => log(`could not drop schema ${schema}: ${e.message}`));
      await sql.end({ timeout: 2 }).catch(() => undefined);
    }
    rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  if (!existsSync('/proc/self/task')) {
    console.error('unit-costs reads CPU per thread from /proc: Linux only');
    process.exit(1);
  }
  const args = process.argv.slice(2);
  const opt = (name) => args.find((a) => a.startsWith(`--${name}=`))?.split('=')[1];
  const o = {};
  if (opt('rate')) o.rate = Number(opt('rate'));
  if (opt('time')) o.ms = Number(opt('time'));
  if (opt('sessions')) o.sessions = Number(opt('sessions'));
  const result = await runUnitCosts(o);
  if (opt('json')) writeFileSync(opt('json'), `${JSON.stringify(result, null, 2)}\n`);
  process.exit(0);
}
