// DIDComm v1 forwards/s beside v2 on one mediator instance (issue 13): the v2 forwards of the
// mediator bench (mediator-load.mjs: anoncrypt ECDH-ES+A256KW / A256CBC-HS512 to mediated
// did:peer DIDs) and v1 forwards as Credo sends them (mediator-v1-load.mjs: an Authcrypt
// message in a routing 1.0 forward Anoncrypt to the mediator's v1 key), each answered 202
// after its durable write, in alternating slices against the same server. Loopback only,
// SQLite in a temporary folder. `node bench/mediator-v1.mjs [--time=ms]`, or `npm run bench -- v1`.
import { mkdtempSync, rmSync } from 'node:fs';
import { availableParallelism, cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { silentLogger } from '../packages/core/dist/index.js';
import { startMediator } from '../packages/mediator/dist/index.js';
import { loadGenerator } from './child.mjs';

export async function runV1Bench({ ms = 6000, connections = 32, bytes = 3000, rounds = 2, sliceWarmupMs = 1000, log = console.log } = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'didcomm-mediator-v1-bench-'));
  const gens = { v2: loadGenerator('./mediator-load.mjs'), v1: loadGenerator('./mediator-v1-load.mjs') };
  let m;
  const fmt = (n) => (Number.isFinite(n) ? Math.round(n).toLocaleString('en-US') : 'n/a');
  try {
    m = await startMediator({ port: 0, host: '127.0.0.1', data: join(dir, 'mediator'), passphrase: 'v1 bench', scryptN: 2 ** 10, logLevel: 'error', maxQueue: 10_000_000, rateLimit: 1_000_000 }, { logger: silentLogger });
    log(`mediator v1 vs v2 forwards | node ${process.version} | ${cpus()[0]?.model ?? 'cpu?'} x${availableParallelism()} | load average ${loadavg().map((l) => l.toFixed(2)).join(' ')} | ${connections} connections, ${ms} ms per protocol in ${rounds} alternating slices (each after ${sliceWarmupMs} ms unmeasured)`);
    const v2 = await gens.v2.call('setup', { url: m.url, did: m.did, accounts: 16, forwards: 2000, liveMessages: 0, liveTo: m.did, bytes });
    // The same size as the v2 forwards came out, so the two columns carry alike.
    // The mediator refuses a v1 forward it saw already (its @id, as a replay), so v1 needs as many
    // distinct forwards as the run sends; v2 forwards are not remembered, so 2,000 go round.
    const v1 = await gens.v1.call('setup', { url: m.url, accounts: 16, forwards: 30_000, bytes: v2.meanBytes });
    log(`set up: 16 accounts each, 2,000 distinct v2 forwards and 30,000 v1 forwards (each sent once); v2 ${v2.meanBytes} B, v1 ${v1.meanBytes} B on average; unwrap workers ${m.mediator.unwrapper.size ?? 0} (v2 only: v1 envelopes are opened on the main thread)`);
    const results = { v2: [], v1: [] };
    for (let round = 0; round < rounds; round++) {
      for (const k of round % 2 === 0 ? ['v2', 'v1'] : ['v1', 'v2']) {
        const cpuAt = process.cpuUsage();
        const t = performance.now();
        const r = await gens[k].call('load', { url: m.url, connections, warmupMs: sliceWarmupMs, ms: ms / rounds });
        const used = process.cpuUsage(cpuAt);
        results[k].push({ ...r, serverCpuPercent: ((used.user + used.system) / 1000 / (performance.now() - t)) * 100 });
      }
    }
    const rows = {};
    for (const k of ['v2', 'v1']) {
      const rs = results[k];
      const statuses = {};
      for (const r of rs) for (const [s, n] of Object.entries(r.statuses)) statuses[s] = (statuses[s] ?? 0) + n;
      const row = { perSecond: rs.reduce((a, r) => a + r.perSecond, 0) / rs.length, slices: rs.map((r) => Math.round(r.perSecond)), p50: rs.reduce((a, r) => a + r.latency.p50, 0) / rs.length, p99: rs.reduce((a, r) => a + r.latency.p99, 0) / rs.length, serverCpuPercent: rs.reduce((a, r) => a + r.serverCpuPercent, 0) / rs.length, statuses };
      rows[k] = row;
      const bad = Object.entries(statuses).filter(([s]) => s !== '202');
      log(`  ${k} forwards ${fmt(row.perSecond).padStart(7)}/s (slices ${row.slices.map(fmt).join(', ')}) | latency p50 ${row.p50.toFixed(1)} ms p99 ${row.p99.toFixed(1)} ms | server process CPU ${Math.round(row.serverCpuPercent)}%${bad.length ? ` | non-202: ${JSON.stringify(Object.fromEntries(bad))}` : ''}`);
    }
    log(`  v1 / v2: ${(rows.v1.perSecond / rows.v2.perSecond).toFixed(2)}x`);
    return { date: new Date().toISOString(), ms, rounds, connections, bytes: { v2: v2.meanBytes, v1: v1.meanBytes }, rows };
  } finally {
    await m?.close().catch(() => undefined);
    for (const g of Object.values(gens)) {
      await g.call('exit').catch(() => undefined);
      await g.kill();
    }
    rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const t = process.argv.slice(2).find((a) => a.startsWith('--time='));
  await runV1Bench(t ? { ms: Number(t.slice(7)) } : {});
  process.exit(0);
}
