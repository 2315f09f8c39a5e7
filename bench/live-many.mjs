// Many live clients on one mediator (issue 14): N accounts, each holding its own WebSocket in
// live mode, and forwards at a fixed rate to random accounts, each delivery acknowledged by its
// recipient. Measures the mediator's RSS per idle live session, live latency (POST written to
// the delivery frame read), the POSTs' latency, messages lost and refused, and the mediator's CPU.
// `node bench/live-many.mjs [--sessions=N] [--rate=N] [--time=ms] [--warmup=ms] [--heap-snapshots=DIR] [--profile=DIR] [--gc-log] [--wallet-processes=N] [--json=file] [-- mediator flags]`,
// or `npm run bench -- live-many [--sessions=10000]`. See bench/README.md. --gc-log records every
// GC pause of the three processes (gc-log.mjs) and prints those that fell in the measured part,
// per process, and which of the worst windows had one. LIVE_MANY_NODE_FLAGS and
// LIVE_MANY_WALLET_FLAGS add Node flags to the mediator's and the wallets' processes.
//
// Processes: this one orchestrates (and pre-seeds the store); the mediator
// (live-many-mediator.mjs, the mediator's own command line), the wallets and the sender (two
// live-many-client.mjs: the wallets decrypt and acknowledge every delivery, the sender only
// POSTs, so its pacing does not wait on the wallets' work) run in their own; send and delivery
// times are epoch ms from each process's performance clock. Loopback only; the data folder is a
// temporary one, removed at the end; every phase has a deadline.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { openStore } from '../packages/mediator/dist/index.js';
import { freePort, loadGenerator, mediatorProcess } from './child.mjs';
import { summarize } from './latency.mjs';

export const TARGETS = { rssPerSessionKiB: 20, liveP99Ms: 50, postP99Ms: 50, lost: 0, refused: 0 };

/** didcomm_mediator_refused_total by reason. */
async function refusals(url) {
  try {
    const text = await (await fetch(`${url}metrics`, { signal: AbortSignal.timeout(30_000) })).text();
    const out = {};
    for (const m of text.matchAll(/^didcomm_mediator_refused_total\{reason="([^"]+)"\}\s+(\d+)/gm)) out[m[1]] = Number(m[2]);
    return out;
  } catch {
    // A mediator too busy to answer /metrics in time: the figures are missing, the run goes on.
    return { metrics_unanswered: 1 };
  }
}
const diff = (after, before) => Object.fromEntries(Object.entries(after).map(([k, v]) => [k, v - (before[k] ?? 0)]).filter(([, v]) => v > 0));

export async function runLiveManyBench({ sessions = 1000, rate = 1000, ms = 10_000, warmupMs = 2000, connections = 32, bytes = 2000, concurrency = 64, drainMs = 10_000, mediatorFlags = [], snapshotDir, profileDir, gcLog = false, walletProcesses = 1, log = console.log } = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'didcomm-live-many-'));
  const data = join(dir, 'data');
  // GC pauses of every process (gc-log.mjs), into a file of the run's folder; the children inherit the variable.
  const gcFile = join(dir, 'gc.log');
  const gcFlags = gcLog ? ['--import', new URL('./gc-log.mjs', import.meta.url).href] : [];
  if (gcLog) process.env.LIVE_MANY_GC_LOG = gcFile;
  const profileFlags = profileDir ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : [];
  // Wallets and senders in processes of their own: a burst of deliveries to decrypt and
  // acknowledge held up the sending when one event loop did both (the pacing then came in bursts).
  const gen = walletGroup(walletProcesses, { execArgv: [...gcFlags, ...(process.env.LIVE_MANY_WALLET_FLAGS ?? '').split(' ').filter(Boolean)] });
  const sender = loadGenerator('./live-many-client.mjs', { execArgv: gcFlags });
  let med;
  const MiB = (b) => (b / 1048576).toFixed(1);
  const KiB = (b) => (b / 1024).toFixed(1);
  const ms1 = (n) => (Number.isFinite(n) ? n.toFixed(1) : 'n/a');
  try {
    log(`live-many bench | node ${process.version} | ${cpus()[0]?.model ?? 'cpu?'} x${availableParallelism()} | load average ${loadavg().map((l) => l.toFixed(2)).join(' ')} | ${sessions.toLocaleString('en-US')} live sessions, ${rate}/s to random accounts for ${ms} ms after ${warmupMs} ms unmeasured; the wallets in ${walletProcesses} process${walletProcesses === 1 ? '' : 'es'}`);
    const port = await freePort();
    // The limits a public instance has per client address are raised: every wallet here comes
    // from 127.0.0.1 (connections per address, messages/s per address). The per-account rate
    // limit stays as it is (each account sends a few messages a second at most).
    const flags = ['--port', String(port), '--host', '127.0.0.1', '--data', data, '--log-level', 'error',
      '--max-connections-per-ip', String(sessions + 1000), '--max-connections', String(sessions + 1000), '--rate-limit', '1000000', ...mediatorFlags];
    // First start: the mediator makes its identity (its DID is needed for the wallets' DIDs).
    med = mediatorProcess(dir, { flags, readyTimeoutMs: 600_000 });
    const { did } = await med.ready;
    await med.close();

    // Wallets: an account DID and a mediated DID (routed through the mediator) each; the store
    // is seeded with the grant and the keylist entry, as mediate-request + keylist-update leave them.
    let t = performance.now();
    const pairs = await gen.call('accounts', { n: sessions, mediatorDid: did });
    const store = await openStore({ data });
    for (const [account, mediated] of pairs) {
      await store.grant(account);
      await store.updateRecipients(account, [{ recipientDid: mediated, action: 'add' }]);
    }
    await store.close();
    await sender.call('targets', { mediatorDid: did, mediated: pairs.map(([, mediated]) => mediated) });
    const prepared = await sender.call('prepare', { count: Math.round((rate * (warmupMs + ms)) / 1000), bytes });
    log(`set up: ${sessions.toLocaleString('en-US')} accounts (DIDs made, store seeded) and ${prepared.count.toLocaleString('en-US')} forwards of ${prepared.meanBytes} B in ${((performance.now() - t) / 1000).toFixed(1)} s`);

    med = mediatorProcess(dir, { flags, readyTimeoutMs: 600_000, execArgv: [...profileFlags, ...gcFlags, ...(process.env.LIVE_MANY_NODE_FLAGS ?? '').split(' ').filter(Boolean)], env: { ...(snapshotDir ? { LIVE_MANY_SNAPSHOTS: snapshotDir } : {}), ...(profileDir ? { LIVE_MANY_PROFILE: profileDir } : {}) } });
    const { url, wsUrl } = await med.ready;
    const refusedBefore = await refusals(url);
    const before = await med.call('memory');
    // A first batch opens unmeasured, so what the first sessions cost once (code, caches'
    // first growth) is not counted per session.
    const warm = Math.min(100, Math.floor(sessions / 10));
    const addresses = ['127.0.0.1'];
    t = performance.now();
    const first = await gen.call('open', { wsUrl, from: 0, to: warm, concurrency, addresses });
    const afterWarm = await med.call('memory');
    if (snapshotDir) log(`  heap snapshot after the first ${warm}: ${await med.call('snapshot')}`);
    const half = Math.max(warm, Math.floor(sessions / 2));
    const second = await gen.call('open', { wsUrl, from: warm, to: half, concurrency, addresses });
    const atHalf = await med.call('memory');
    const rest = await gen.call('open', { wsUrl, from: half, to: sessions, concurrency, addresses });
    const openSeconds = (performance.now() - t) / 1000;
    await new Promise((r) => setTimeout(r, 2000));
    const idle = await med.call('memory');
    if (snapshotDir) log(`  heap snapshot with all idle: ${await med.call('snapshot')}`);
    const runs = [first, second, rest];
    const opened = runs.reduce((n, r) => n + r.opened, 0);
    const failed = runs.reduce((n, r) => n + r.failed, 0);
    const perSession = (idle.rss - afterWarm.rss) / (sessions - warm);
    const heapPerSession = (idle.heapUsed - afterWarm.heapUsed) / (sessions - warm);
    // The second half alone: what one more session costs once the heap's young generation and
    // the caches have grown to their size (a one-time cost that the first half pays).
    const perSessionSecondHalf = (idle.rss - atHalf.rss) / (sessions - half);
    log(`  sessions: ${opened.toLocaleString('en-US')} live of ${sessions.toLocaleString('en-US')} in ${openSeconds.toFixed(1)} s${failed ? ` | FAILED ${failed}: ${runs.flatMap((r) => r.firstFailures).join('; ')}` : ''} | mediator live sessions ${idle.liveSessions}`);
    log(`  mediator memory (after GC): before the sessions RSS ${MiB(before.rss)} MiB heap ${MiB(before.heapUsed)} MiB; after the first ${warm} RSS ${MiB(afterWarm.rss)} heap ${MiB(afterWarm.heapUsed)}; after ${half} RSS ${MiB(atHalf.rss)} heap ${MiB(atHalf.heapUsed)}; all idle RSS ${MiB(idle.rss)} MiB heap ${MiB(idle.heapUsed)} MiB (heap total ${MiB(idle.heapTotal)}) external ${MiB(idle.external)} MiB`);
    log(`  per idle session: RSS ${KiB(perSession)} KiB (heap ${KiB(heapPerSession)} KiB), counted from the first ${warm}; ${KiB(perSessionSecondHalf)} KiB over the second half; ${KiB((idle.rss - before.rss) / sessions)} KiB counted from none`);

    // Live: forwards at `rate` to random accounts; each delivery acknowledged by its wallet.
    const genBefore = await gen.call('stats');
    await med.call('mark');
    if (profileDir) await med.call('profile-start');
    // The wallets' code is warmed first (2,000 rounds, ~1.5 s): cold, their slow reads of the
    // first seconds of deliveries counted in the mediator's latency.
    await gen.call('watch', { profileDir, selfWarm: 2000 });
    const sending = sender.call('send', { url, rate, warmupMs, ms, connections, drainMs, profileDir });
    await new Promise((r) => setTimeout(r, warmupMs));
    const warmCpu = await med.call('cpu');
    await med.call('mark');
    const sent = await sending;
    // The answers are in; every accepted message delivered, or drainMs.
    const acceptedCount = sent.entries.filter((e) => e.status >= 200 && e.status < 300).length;
    for (const t1 = performance.now(); performance.now() - t1 < drainMs && (await gen.call('delivered', {})) < acceptedCount; ) await new Promise((r) => setTimeout(r, 50));
    const deliveredAt = new Map(await gen.call('delivered', { all: true }));
    if (profileDir) log(`  profiles of the live phase: ${await med.call('profile-stop')}, ${profileDir}/{sender,wallets}-live.cpuprofile; the mediator's threads, whole run: ${profileDir}/CPU.*`);
    const cpu = await med.call('cpu');
    const genStats = await gen.call('stats');
    const after = await med.call('memory');
    const refused = diff(await refusals(url), refusedBefore);
    const entries = sent.entries.map((e) => ({ ...e, deliveredAt: deliveredAt.get(e.tag) }));
    const walletMs = genStats.at - genBefore.at;
    const walletActive = genStats.elu.active - genBefore.elu.active;
    const live = {
      sent: sent.sent,
      statuses: sent.statuses,
      ...summarize(entries, sent.t0),
      sender: { cpuPercent: sent.cpuPercent, loopBusy: sent.loopBusy },
      wallets: { cpuPercent: ((genStats.cpu.user + genStats.cpu.system - genBefore.cpu.user - genBefore.cpu.system) / 1000 / walletMs) * 100, loopBusy: walletActive / (walletActive + genStats.elu.idle - genBefore.elu.idle) },
    };
    // What the mediator spent per message delivered (and acknowledged) over the whole live
    // phase: unlike latency, this holds on a loaded machine (a starved process does less, not dearer).
    const delivered = genStats.messages - genBefore.messages;
    const cpuPerMessageMs = (warmCpu.cpuMs + cpu.cpuMs) / delivered;
    log(`  live ${rate}/s: sent ${live.sent.toLocaleString('en-US')} (${live.measured.toLocaleString('en-US')} measured), accepted ${live.accepted}, refused ${live.refused}, unanswered ${live.unanswered}, lost ${live.lost} | POST to delivery frame p50 ${ms1(live.live.p50)} ms p90 ${ms1(live.live.p90)} ms p99 ${ms1(live.live.p99)} ms max ${ms1(live.live.max)} ms | POST answered p50 ${ms1(live.post.p50)} ms p99 ${ms1(live.post.p99)} ms`);
    const threads = cpu.threads ? `; threads' CPU: main ${Math.round(cpu.threads.main)}%, others ${cpu.threads.others.map((p) => `${Math.round(p)}%`).join(' ')}` : '';
    log(`  mediator CPU ${Math.round(cpu.cpuPercent)}% (main thread busy ${Math.round(cpu.mainThreadBusy * 100)}%${cpu.workersBusy ? `, unwrap workers ${cpu.workersBusy.map((u) => `${Math.round(u * 100)}%`).join(' ')}` : ''}${threads}), ${cpuPerMessageMs.toFixed(2)} ms CPU per message delivered (${delivered.toLocaleString('en-US')} delivered and acknowledged) | wallets CPU ${Math.round(live.wallets.cpuPercent)}% (event loop busy ${Math.round(live.wallets.loopBusy * 100)}%), sender CPU ${Math.round(live.sender.cpuPercent)}% (event loop busy ${Math.round(live.sender.loopBusy * 100)}%) | mediator RSS after ${MiB(after.rss)} MiB | refused_total ${JSON.stringify(refused)} | answers ${JSON.stringify(live.statuses)} | wallets: ${genStats.deliveries - genBefore.deliveries} deliveries, ${genStats.acks - genBefore.acks} acks, ${genStats.badFrames} unreadable frames, ${genStats.closed} sockets closed`);
    if (live.timeline) log(`  worst latency of what was sent in each 250 ms (ms; | where the measured part starts): ${live.timeline.map((v, i) => (i === Math.round(warmupMs / 250) ? `| ${v}` : v)).join(' ')}`);
    if (gcLog) {
      // The two load generators run one script: named here by their role.
      const roles = { ...Object.fromEntries(genStats.pids.map((pid, i) => [pid, genStats.pids.length > 1 ? `wallets${i + 1}` : `wallets`])), [(await sender.call('stats')).pid]: 'sender' };
      const text = readFileSync(gcFile, 'utf8').replace(/live-many-client:(\d+)/g, (m, pid) => roles[pid] ?? m).replace(/(live-many-mediator|unwrap-worker):\d+/g, 'mediator');
      for (const line of gcReport(text, { t0: sent.t0, warmupMs, ms, timeline: live.timeline })) log(line);
    }
    const checks = [
      ['RSS per idle live session', `${KiB(perSession)} KiB`, `<= ${TARGETS.rssPerSessionKiB} KiB`, perSession / 1024 <= TARGETS.rssPerSessionKiB],
      ['live p99 (POST to delivery)', `${ms1(live.live.p99)} ms`, `< ${TARGETS.liveP99Ms} ms`, Number.isFinite(live.live.p99) && live.live.p99 < TARGETS.liveP99Ms],
      ['POST p99', `${ms1(live.post.p99)} ms`, `< ${TARGETS.postP99Ms} ms`, Number.isFinite(live.post.p99) && live.post.p99 < TARGETS.postP99Ms],
      ['lost / refused', `${live.lost} / ${live.refused + live.unanswered}`, '0 / 0', live.lost === 0 && live.refused + live.unanswered === 0 && opened === sessions],
    ];
    // Refusals the mediator logged (at --log-level error): why, straight from its log.
    if (Object.keys(live.statuses).some((k) => !k.startsWith('2'))) {
      const lines = readFileSync(join(dir, 'mediator.log'), 'utf8').split('\n').filter(Boolean);
      log(`  mediator log (${lines.length} lines), last ${Math.min(5, lines.length)}:\n    ${lines.slice(-5).map((l) => l.slice(0, 400)).join('\n    ')}`);
    }
    for (const [k, v, tg, ok] of checks) log(`  ${k.padEnd(30)} ${v.padStart(12)}  target ${tg.padEnd(10)} ${ok ? 'met' : 'MISSED'}`);
    const missed = checks.filter(([, , , ok]) => !ok).map(([k]) => k);
    return { date: new Date().toISOString(), node: process.version, cpu: cpus()[0]?.model, cores: availableParallelism(), loadavg: loadavg(), sessions, opened, rate, ms, warmupMs, bytes: prepared.meanBytes, memory: { before, afterWarm, atHalf, idle, after, perSessionBytes: perSession, perSessionSecondHalfBytes: perSessionSecondHalf, heapPerSessionBytes: heapPerSession }, live: { ...live }, mediatorCpu: { ...cpu, perMessageMs: cpuPerMessageMs, delivered }, refused, generator: genStats, targets: TARGETS, missed };
  } finally {
    await med?.close().catch(() => undefined);
    for (const g of [gen, sender]) {
      await g.call('exit').catch(() => undefined);
      await g.kill();
    }
    rmSync(dir, { recursive: true, force: true });
    if (gcLog) delete process.env.LIVE_MANY_GC_LOG;
  }
}

/**
 * The wallets, `k` processes of live-many-client.mjs with the accounts split between them (their
 * global indices in order), behind the one process's commands: a 10,000-wallet heap in one
 * process paused every delivery in flight for 30-66 ms at each of its mark-compacts, and its one
 * thread was the harness's bottleneck at 1,000/s (event loop 99% busy). Real wallets are
 * separate devices; the mediator sees the same sockets and traffic either way.
 */
function walletGroup(k, o) {
  const gens = Array.from({ length: Math.max(1, k) }, () => loadGenerator('./live-many-client.mjs', o));
  /** [first global index, count] of each process's accounts, once `accounts` made them. */
  let ranges = [];
  const all = (cmd, args) => Promise.all(gens.map((g) => g.call(cmd, args)));
  const sum = (xs, f) => xs.reduce((n, x) => n + f(x), 0);
  return {
    async call(cmd, args = {}) {
      if (cmd === 'accounts') {
        const sizes = gens.map((_, i) => Math.floor(args.n / gens.length) + (i < args.n % gens.length ? 1 : 0));
        let first = 0;
        ranges = sizes.map((n) => [(first += n) - n, n]);
        return (await Promise.all(gens.map((g, i) => g.call('accounts', { ...args, n: sizes[i] })))).flat();
      }
      if (cmd === 'open') {
        const parts = await Promise.all(gens.map((g, i) => {
          const [first, n] = ranges[i];
          const from = Math.max(args.from, first) - first;
          const to = Math.min(args.to, first + n) - first;
          return to > from ? g.call('open', { ...args, from, to, concurrency: Math.max(1, Math.ceil(args.concurrency / gens.length)) }) : { opened: 0, failed: 0, firstFailures: [], ms: 0 };
        }));
        return { opened: sum(parts, (p) => p.opened), failed: sum(parts, (p) => p.failed), firstFailures: parts.flatMap((p) => p.firstFailures), ms: Math.max(...parts.map((p) => p.ms)) };
      }
      if (cmd === 'delivered') {
        const parts = await all(cmd, args);
        return args.all ? parts.flat() : sum(parts, (n) => n);
      }
      if (cmd === 'stats') {
        const parts = await all(cmd, args);
        const counts = Object.fromEntries(['deliveries', 'messages', 'acks', 'badFrames', 'ackErrors', 'closed', 'statusFrames'].map((key) => [key, sum(parts, (p) => p[key])]));
        return {
          ...counts,
          pids: parts.map((p) => p.pid),
          memory: { rss: sum(parts, (p) => p.memory.rss), heapUsed: sum(parts, (p) => p.memory.heapUsed) },
          cpu: { user: sum(parts, (p) => p.cpu.user), system: sum(parts, (p) => p.cpu.system) },
          // Busy fraction: the processes' event loops together (the mean of their fractions).
          elu: { active: sum(parts, (p) => p.elu.active), idle: sum(parts, (p) => p.elu.idle) },
          // The processes' clocks have their own origins: the window is timed here.
          at: performance.now(),
        };
      }
      const parts = await all(cmd, args);
      return parts[0];
    },
    kill: () => Promise.all(gens.map((g) => g.kill())),
  };
}

/**
 * What the GC pauses of each process and thread (gc-log.mjs's lines) were over the measured
 * part, and which pauses of 10 ms or more fell in or just after (250 ms) the five worst windows
 * of the timeline: the tail's steps, told apart from queueing.
 */
export function gcReport(text, { t0, warmupMs, ms, timeline }) {
  const pauses = text.split('\n').filter(Boolean).map((l) => {
    const [who, start, kind, dur] = l.split(' ');
    return { who, start: Number(start), kind, ms: Number(dur) };
  });
  const from = t0 + warmupMs;
  const measured = pauses.filter((p) => p.start >= from && p.start < from + ms);
  const by = new Map();
  for (const p of measured) {
    const s = by.get(p.who) ?? { n: 0, total: 0, max: 0, major: 0 };
    s.n++;
    s.total += p.ms;
    s.max = Math.max(s.max, p.ms);
    if (p.kind === 'major') s.major++;
    by.set(p.who, s);
  }
  const out = [`  GC pauses over the measured ${ms} ms, per process/thread: ${[...by].map(([who, s]) => `${who} ${s.n} (${s.major} major) ${s.total.toFixed(0)} ms in all, longest ${s.max.toFixed(0)} ms`).join('; ')}`];
  const first = Math.round(warmupMs / 250);
  const worst = (timeline ?? []).map((v, i) => ({ v, i })).filter((w) => w.i >= first && Number.isFinite(w.v)).sort((a, b) => b.v - a.v).slice(0, 5);
  for (const w of worst) {
    const start = t0 + w.i * 250;
    const near = pauses.filter((p) => p.ms >= 10 && p.start + p.ms >= start && p.start < start + 500);
    out.push(`  worst window ${w.i} (${w.v} ms): ${near.length ? near.map((p) => `${p.who} ${p.kind} ${p.ms.toFixed(0)} ms`).join(', ') : 'no pause of 10 ms or more'}`);
  }
  return out;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  // What follows `--` goes to the mediator's command line (e.g. `-- --sqlite-writer thread`).
  const dash = process.argv.indexOf('--', 2);
  const args = process.argv.slice(2, dash < 0 ? undefined : dash);
  const mediatorFlags = dash < 0 ? [] : process.argv.slice(dash + 1);
  const opt = (name) => args.find((a) => a.startsWith(`--${name}=`))?.split('=')[1];
  const num = (name) => (opt(name) !== undefined ? { [name === 'time' ? 'ms' : name === 'warmup' ? 'warmupMs' : name]: Number(opt(name)) } : {});
  const result = await runLiveManyBench({ ...num('sessions'), ...num('rate'), ...num('time'), ...num('warmup'), snapshotDir: opt('heap-snapshots'), profileDir: opt('profile'), gcLog: args.includes('--gc-log'), ...(opt('wallet-processes') !== undefined ? { walletProcesses: Number(opt('wallet-processes')) } : {}), mediatorFlags });
  const json = opt('json');
  if (json) writeFileSync(json, `${JSON.stringify(result, null, 2)}\n`);
  process.exit(0);
}
