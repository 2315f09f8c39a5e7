// The mediator bench: forwards/s our mediator accepts (each answered 202 after its durable
// write) against floors built in the same run, and live-mode latency. The servers run in this
// process, one at a time; the load generator is its own process (mediator-load.mjs). Only
// 127.0.0.1, SQLite in a temporary folder, everything stops by itself. See bench/README.md.
// `node bench/mediator.mjs [--time=ms] [--live-time=ms] [--live-warmup=ms] [--workers=N] [--sqlite-writer=auto|thread|inline] [--only=throughput] [--json file] [--profile=DIR]`,
// or `npm run bench -- mediator`.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createResolver, silentLogger } from '../packages/core/dist/index.js';
import { FileSecretsStore } from '../packages/core/dist/node.js';
import { startMediator } from '../packages/mediator/dist/index.js';
import { startFloor } from './mediator-floors.mjs';
import { startProfile } from './profile.mjs';
import { loadGenerator } from './child.mjs';

export const TARGETS = { vsDidcommNode: 2, vsCryptoFloor: 0.8, forwardsPerSecond: 2000, liveP99Ms: 50 };
const PASSPHRASE = 'mediator bench';

function percentiles(values) {
  const a = Float64Array.from(values).sort();
  const at = (p) => (a.length ? a[Math.min(a.length - 1, Math.floor(p * a.length))] : NaN);
  return { n: a.length, p50: at(0.5), p90: at(0.9), p99: at(0.99), max: a.length ? a[a.length - 1] : NaN };
}

/** Run `fn` while sampling this process's CPU (main thread and workers together). */
async function withCpu(fn) {
  const at = process.cpuUsage();
  const t = performance.now();
  const r = await fn();
  const used = process.cpuUsage(at);
  return { ...r, serverCpuPercent: ((used.user + used.system) / 1000 / (performance.now() - t)) * 100 };
}

export async function runMediatorBench({ ms = 10_000, connections = 32, bytes = 3000, liveRate = 1000, liveMs = 10_000, liveWarmupMs = 2000, rounds = 2, sliceWarmupMs = 1000, workers, sqliteWriter, only, profileDir, log = console.log } = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'didcomm-mediator-bench-'));
  const gen = loadGenerator();
  const rec = loadGenerator();
  const rows = [];
  const floors = [];
  let m;
  const fmt = (n) => (Number.isFinite(n) ? Math.round(n).toLocaleString('en-US') : 'n/a');
  const ms2 = (n) => (Number.isFinite(n) ? n.toFixed(1) : 'n/a');
  try {
    log(`mediator bench | node ${process.version} | ${cpus()[0]?.model ?? 'cpu?'} x${availableParallelism()} | load average ${loadavg().map((l) => l.toFixed(2)).join(' ')} | ${connections} connections, ${ms} ms per server in ${rounds} alternating slices (each after ${sliceWarmupMs} ms of unmeasured load)`);
    const config = {
      port: 0, host: '127.0.0.1', data: join(dir, 'mediator'), passphrase: PASSPHRASE, scryptN: 2 ** 10, logLevel: 'error',
      // The bench measures the forward path: queue quota and per-connection rate limit out of the way.
      maxQueue: 10_000_000, rateLimit: 1_000_000,
      ...(workers !== undefined ? { unwrapWorkers: workers } : {}),
      ...(sqliteWriter !== undefined ? { sqliteWriter } : {}),
    };
    m = await startMediator(config, { logger: silentLogger });
    const { did: liveTo } = await rec.call('recipient', { url: m.url, did: m.did });
    const setup = await gen.call('setup', { url: m.url, did: m.did, accounts: 16, forwards: 2000, liveMessages: Math.round((liveRate * (liveWarmupMs + liveMs)) / 1000), liveTo, bytes });
    log(`set up: 16 mediated recipients, 2,000 distinct forwards of ${setup.meanBytes} B on average (anoncrypt ECDH-ES+A256KW / A256CBC-HS512), ${Math.round((liveRate * (liveWarmupMs + liveMs)) / 1000).toLocaleString('en-US')} for live mode`);

    // One slice of load against one server; slices alternate between servers (rounds), so
    // background load on a shared machine falls on every column alike.
    const slice = async (url, pool, sliceMs) => {
      const elu = performance.eventLoopUtilization();
      pool?.utilization();
      const r = await withCpu(() => gen.call('load', { url, connections, warmupMs: sliceWarmupMs, ms: sliceMs }));
      return { ...r, elapsed: sliceMs, mainThreadBusy: performance.eventLoopUtilization(elu).utilization, workersBusy: pool?.utilization() };
    };

    // The floors unwrap with the mediator's own key, so they read the very same forwards.
    const secrets = (await FileSecretsStore.open(join(config.data, 'secrets.json'), PASSPHRASE, { create: false })).list();
    const resolver = createResolver();
    const docs = await Promise.all([m.did, ...setup.recipients].map((d) => resolver.resolve(d)));
    const servers = [{ key: 'ours', name: `ours (${m.mediator.unwrapper.size ?? 0} unwrap workers)`, url: m.url, pool: m.mediator.unwrapper.utilization ? m.mediator.unwrapper : undefined }];
    for (const kind of ['crypto', 'didcomm-node', 'store']) {
      const floor = await startFloor(kind, { dir: mkdtempSync(join(dir, `${kind}-`)), secrets, docs, recipients: setup.recipients });
      floors.push(floor);
      servers.push({ key: kind, name: `${kind === 'store' ? 'store-only' : kind === 'crypto' ? 'crypto' : 'didcomm-node'} floor`, url: floor.url });
    }
    const results = new Map(servers.map((sv) => [sv.key, []]));
    for (let round = 0; round < (only === 'live' ? 0 : rounds); round++) {
      for (const sv of round % 2 === 0 ? servers : [...servers].reverse()) results.get(sv.key).push(await slice(sv.url, sv.pool, ms / rounds));
    }
    const summary = {};
    for (const sv of only === 'live' ? [] : servers) {
      const rs = results.get(sv.key);
      const total = rs.reduce((a, r) => a + r.ok, 0);
      const time = rs.reduce((a, r) => a + r.elapsed, 0);
      const avg = (f) => rs.reduce((a, r) => a + f(r), 0) / rs.length;
      const statuses = {};
      for (const r of rs) for (const [k, v] of Object.entries(r.statuses)) statuses[k] = (statuses[k] ?? 0) + v;
      const row = {
        name: sv.name, perSecond: (total * 1000) / time, slices: rs.map((r) => Math.round(r.perSecond)), statuses,
        latencyP50: avg((r) => r.latency.p50), latencyP99: avg((r) => r.latency.p99),
        serverCpuPercent: avg((r) => r.serverCpuPercent), loadCpuPercent: avg((r) => r.cpuPercent),
        mainThreadBusy: avg((r) => r.mainThreadBusy), workersBusy: sv.pool ? rs[0].workersBusy.map((_, i) => avg((r) => r.workersBusy[i])) : undefined,
      };
      summary[sv.key] = row;
      rows.push(row);
      const bad = Object.entries(statuses).filter(([st]) => st !== '202');
      log(`  ${sv.name.padEnd(26)} ${fmt(row.perSecond).padStart(7)} forwards/s (slices ${row.slices.map(fmt).join(', ')}) | latency p50 ${ms2(row.latencyP50)} ms p99 ${ms2(row.latencyP99)} ms | server process CPU ${Math.round(row.serverCpuPercent)}% (main thread busy ${Math.round(row.mainThreadBusy * 100)}%${row.workersBusy ? `, unwrap workers ${row.workersBusy.map((u) => `${Math.round(u * 100)}%`).join(' ')}` : ''}) | load generator CPU ${Math.round(row.loadCpuPercent)}%${bad.length ? ` | non-202: ${JSON.stringify(Object.fromEntries(bad))}` : ''}`);
    }
    if (only === 'throughput') return { rows };
    const ours = summary.ours;
    const floors2 = { crypto: summary.crypto, 'didcomm-node': summary['didcomm-node'], store: summary.store };

    // The throughput slices leave hundreds of MB of dirty pages (our database and the floors');
    // their writeback would land on the live phase's fsyncs. Flush them and let the disk settle,
    // as between two separate benchmarks.
    if (only !== 'live') {
      spawnSync('sync', { timeout: 60_000 });
      await new Promise((r) => setTimeout(r, 1000));
    }
    // Live mode: the sender streams to the live recipient; the first liveWarmupMs are not
    // measured (the delivery path runs cold at first, as the throughput slices' warm-up).
    await rec.call('listen', {});
    const senderDone = gen.call('live', { url: m.url, rate: liveRate, warmupMs: liveWarmupMs, ms: liveMs, connections });
    await new Promise((r) => setTimeout(r, liveWarmupMs));
    // --profile=DIR: CPU profiles of the measured live phase, the server's main thread and the recipient.
    const stopProfile = profileDir ? await startProfile(profileDir, 'live-server-main') : undefined;
    await rec.call('mark', { profileDir });
    const liveElu = performance.eventLoopUtilization();
    const live = await withCpu(async () => {
      const sender = await senderDone;
      const got = await rec.call('collect', { total: sender.sent, timeoutMs: 10_000 });
      const pairs = Object.entries(sender.sentAt).filter(([c]) => got.receivedAt[c] !== undefined).map(([c, t]) => [t, got.receivedAt[c] - t]);
      const latencies = pairs.map(([, l]) => l);
      // p99 of each second of the measured part, to tell a steady tail from a few stalls.
      const t0 = Math.min(...pairs.map(([t]) => t));
      const seconds = [];
      for (const [t, l] of pairs) (seconds[Math.floor((t - t0) / 1000)] ??= []).push(l);
      const perSecondP99 = seconds.map((a) => percentiles(a ?? []).p99);
      const receivedAll = Object.keys(got.receivedAt).length;
      return { ...sender, sentAt: undefined, received: latencies.length, lost: sender.sent - receivedAll, latency: percentiles(latencies), perSecondP99, recipientCpuPercent: got.cpuPercent, recipientLoopBusy: got.loopBusy, recipientProfile: got.profile };
    });
    live.mainThreadBusy = performance.eventLoopUtilization(liveElu).utilization;
    if (stopProfile) log(`  profiles: ${await stopProfile()} and ${live.recipientProfile}`);
    log(`  live mode ${liveRate}/s for ${liveMs} ms after ${liveWarmupMs} ms unmeasured: sent ${live.sent} (${live.measured} measured), measured received ${live.received}, lost ${live.lost}; send-to-receipt p50 ${ms2(live.latency.p50)} ms p90 ${ms2(live.latency.p90)} ms p99 ${ms2(live.latency.p99)} ms max ${ms2(live.latency.max)} ms (p99 by second: ${live.perSecondP99.map((v) => Math.round(v)).join(' ')}) (202 answered after p50 ${ms2(live.accepted.p50)} ms p99 ${ms2(live.accepted.p99)} ms) | server process CPU ${Math.round(live.serverCpuPercent)}% (main thread busy ${Math.round(live.mainThreadBusy * 100)}%) | sender CPU ${Math.round(live.cpuPercent)}% | recipient CPU ${Math.round(live.recipientCpuPercent)}% (event loop busy ${Math.round(live.recipientLoopBusy * 100)}%)${Object.keys(live.statuses).some((k) => k !== '202') ? ` | answers ${JSON.stringify(live.statuses)}` : ''}`);
    if (only === 'live') return { live };
    const vsNode = ours.perSecond / floors2['didcomm-node'].perSecond;
    const vsCrypto = ours.perSecond / floors2.crypto.perSecond;
    const checks = [
      ['ours / didcomm-node server', `${vsNode.toFixed(2)}x`, `>= ${TARGETS.vsDidcommNode}x`, vsNode >= TARGETS.vsDidcommNode],
      ['ours / crypto floor', `${vsCrypto.toFixed(2)}x`, `>= ${TARGETS.vsCryptoFloor}x`, vsCrypto >= TARGETS.vsCryptoFloor],
      ['ours forwards/s', fmt(ours.perSecond), `>= ${fmt(TARGETS.forwardsPerSecond)}`, ours.perSecond >= TARGETS.forwardsPerSecond],
      ['live p50 (send to receipt)', `${ms2(live.latency.p50)} ms`, '', true],
      ['live p99 (send to receipt)', `${ms2(live.latency.p99)} ms`, `< ${TARGETS.liveP99Ms} ms`, live.latency.p99 < TARGETS.liveP99Ms && live.lost === 0],
      ['crypto floor forwards/s', fmt(floors2.crypto.perSecond), '', true],
      ['didcomm-node server forwards/s', fmt(floors2['didcomm-node'].perSecond), '', true],
      ['store-only floor forwards/s', fmt(floors2.store.perSecond), '', true],
    ];
    log('');
    log(`${'measure'.padEnd(32)} | ${'value'.padStart(10)} | ${'target'.padEnd(10)} | met`);
    log(`${'-'.repeat(32)}-|-${'-'.repeat(10)}-|-${'-'.repeat(10)}-|----`);
    for (const [k, v, t, ok] of checks) log(`${k.padEnd(32)} | ${v.padStart(10)} | ${t.padEnd(10)} | ${t ? (ok ? 'yes' : 'NO') : ''}`);
    const missed = checks.filter(([, , t, ok]) => t && !ok).map(([k]) => k);
    log(missed.length === 0 ? 'mediator targets met' : `mediator targets missed: ${missed.join('; ')}`);
    return { date: new Date().toISOString(), node: process.version, cpu: cpus()[0]?.model, cores: availableParallelism(), loadavg: loadavg(), ms, rounds, sliceWarmupMs, connections, bytes: setup.meanBytes, targets: TARGETS, rows, live, ratios: { vsDidcommNode: vsNode, vsCryptoFloor: vsCrypto }, missed };
  } finally {
    for (const f of floors) await f.close().catch(() => undefined);
    await m?.close().catch(() => undefined);
    for (const g of [gen, rec]) {
      await g.call('exit').catch(() => undefined);
      await g.kill();
    }
    rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const args = process.argv.slice(2);
  const opt = (name) => args.find((a) => a.startsWith(`--${name}=`))?.split('=')[1];
  const json = args.includes('--json') ? args[args.indexOf('--json') + 1] ?? 'bench/mediator-results.json' : opt('json');
  const result = await runMediatorBench({ ...(opt('time') ? { ms: Number(opt('time')) } : {}), ...(opt('workers') !== undefined ? { workers: Number(opt('workers')) } : {}), ...(opt('live-time') ? { liveMs: Number(opt('live-time')) } : {}), ...(opt('live-warmup') ? { liveWarmupMs: Number(opt('live-warmup')) } : {}), only: opt('only'), profileDir: opt('profile'), sqliteWriter: opt('sqlite-writer') });
  if (json) writeFileSync(json, `${JSON.stringify(result, null, 2)}\n`);
  process.exit(0);
}
