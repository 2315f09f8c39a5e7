// The mediator under attack: each attack runs for a bounded time against a mediator while honest
// clients keep forwarding and picking up live; per attack it reports the mediator's RSS growth,
// /healthz p99, the honest forwards/s as a fraction of the same run without an attack, and the
// messages lost, against the targets (TARGETS). See bench/README.md.
// `node bench/attack.mjs [--only=NAME[,NAME]] [--quick] [--time=ms] [--drain=ms] [--rate=N] [--rate-limit=N] [--profile=DIR] [--json [file]]`,
// or `npm run bench -- attack`.
//
// Processes: this one orchestrates, samples the mediator's RSS (/proc) and probes /healthz; the
// mediator (attack-mediator.mjs, the public defaults but for the flags given), the honest sender
// and the live recipient (mediator-load.mjs, as in the mediator bench) and the attacker
// (attacker.mjs, from 127.0.0.2) each run in their own.
import { fork } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { Agent as HttpAgent, get } from 'node:http';
import { availableParallelism, cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DEFAULTS } from '../packages/mediator/dist/index.js';
import { loadGenerator } from './child.mjs';

export const TARGETS = { rssGrowthMiB: 200, healthzP99Ms: 250, honestFraction: 0.5, lost: 0 };

/** The attacks, in the order they run (attacker.mjs implements each under its name). */
export const ATTACKS = [
  { name: 'unread-ws', what: 'a WebSocket that never reads, sending delivery-requests for an account holding ~3 MB' },
  { name: 'hijack', what: "registering another account's DID and key ids (forwards to them must still reach it)" },
  { name: 'fan-out', what: 'anonymous forwards carrying 5,000 messages each, repeatedly' },
  { name: 'many-senders', what: 'many sender DIDs, each mediating and picking up over HTTP' },
  { name: 'many-recipients', what: 'one account registering thousands of recipient DIDs' },
  { name: 'spoofed-from', what: 'plaintext messages claiming from = the live victim' },
  { name: 'dup-kid', what: "forwards whose JWE lists the mediator's key id 100 times" },
  { name: 'replay', what: 'a flood of anonymous plaintext, then a replayed authcrypt message' },
  { name: 'slow-conns', what: 'slow requests, idle WebSockets and an endless chunked body from one address' },
];
/** --quick: two attacks, a second each (the smoke test). */
const QUICK = ['hijack', 'spoofed-from'];
/** The mediator is stopped from growing further (the attack aborted) past this RSS. */
const ABORT_RSS_MIB = 2048;

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** The mediator in its own process; resolves once it listens. */
function startMediatorProcess(dir, flags, profileDir) {
  const logFd = openSync(join(dir, 'mediator.log'), 'a');
  // --profile=DIR: a CPU profile of the mediator's main thread over the whole run, written as it exits.
  const execArgv = profileDir ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : [];
  const child = fork(fileURLToPath(new URL('./attack-mediator.mjs', import.meta.url)), flags, { stdio: ['ignore', logFd, logFd, 'ipc'], execArgv });
  closeSync(logFd);
  const exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve(signal ?? code)));
  const ready = new Promise((resolve, reject) => {
    child.once('message', resolve);
    exited.then((code) => reject(new Error(`the mediator exited (${code}) before it listened; see its log:\n${readFileSync(join(dir, 'mediator.log'), 'utf8').slice(-2000)}`)));
  });
  /** The mediator's event-loop delay since the previous call (p99 and max, ms). */
  const loop = () => new Promise((resolve) => {
    const timer = setTimeout(() => resolve({ p99Ms: NaN, maxMs: NaN }), 5000);
    child.once('message', (m) => {
      clearTimeout(timer);
      resolve(m.loop);
    });
    if (child.connected) child.send({ cmd: 'loop' });
  });
  return { child, ready, exited, loop };
}

/** The mediator's resident set size (MiB), sampled every `everyMs` from /proc (Linux). */
function rssSampler(pid, everyMs = 50) {
  const samples = [];
  let timer;
  const tick = async () => {
    try {
      const kb = Number(/VmRSS:\s+(\d+)/.exec(await readFile(`/proc/${pid}/status`, 'utf8'))?.[1]);
      if (Number.isFinite(kb)) samples.push([performance.now(), kb / 1024]);
    } catch {
      // The process is gone: the phase reports it.
    }
    timer = setTimeout(tick, everyMs);
  };
  void tick();
  return {
    last: () => samples.at(-1)?.[1] ?? NaN,
    peak: (from, to) => Math.max(...samples.filter(([t]) => t >= from && t <= to).map(([, v]) => v)),
    stop: () => clearTimeout(timer),
  };
}

/** GET /healthz every `everyMs` (not waiting for the previous answer), each with its own deadline. */
function healthProber(url, everyMs = 100, timeoutMs = 2000) {
  const agent = new HttpAgent({ keepAlive: true, maxSockets: 4 });
  const probes = [];
  const timer = setInterval(() => {
    const p = { at: performance.now(), ms: undefined, status: 0 };
    probes.push(p);
    const req = get(`${url}healthz`, { agent, timeout: timeoutMs }, (res) => {
      // A probe on a new connection also measures how soon the mediator accepts one.
      p.fresh = !req.reusedSocket;
      res.resume();
      res.on('end', () => {
        p.ms = performance.now() - p.at;
        p.status = res.statusCode;
      });
    });
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', () => {
      p.ms ??= performance.now() - p.at;
    });
  }, everyMs);
  return {
    /** p99 and failures of the probes sent in [from, to]; one still unanswered counts as its wait so far. */
    window(from, to) {
      const now = performance.now();
      const w = probes.filter((p) => p.at >= from && p.at <= to);
      const ms = w.map((p) => p.ms ?? now - p.at).sort((a, b) => a - b);
      const fresh = w.filter((p) => p.fresh).map((p) => p.ms);
      return { n: w.length, p99: ms.length ? ms[Math.min(ms.length - 1, Math.floor(0.99 * ms.length))] : NaN, max: ms.at(-1) ?? NaN, failed: w.filter((p) => p.status !== 200).length, fresh: fresh.length, freshMax: fresh.length ? Math.max(...fresh) : NaN };
    },
    stop: () => {
      clearInterval(timer);
      agent.destroy();
    },
  };
}

/** didcomm_mediator_refused_total by reason, from /metrics. */
async function refusals(url) {
  try {
    const text = await (await fetch(`${url}metrics`, { signal: AbortSignal.timeout(5000) })).text();
    const out = {};
    for (const m of text.matchAll(/^didcomm_mediator_refused_total\{reason="([^"]+)"\}\s+(\d+)/gm)) out[m[1]] = Number(m[2]);
    return out;
  } catch {
    return {};
  }
}

const diff = (after, before) => Object.fromEntries(Object.entries(after).map(([k, v]) => [k, v - (before[k] ?? 0)]).filter(([, v]) => v > 0));
const unsolicited = (seen) => seen.warnings + Object.values(seen.other).reduce((a, b) => a + b, 0);

/** The attack's own check beyond the four targets (undefined: none). */
function findingCheck(name, r, victimGot) {
  if (r.failed) return { ok: false, text: 'not tested: the attack failed' };
  switch (name) {
    case 'hijack':
      return { ok: r.registered === 0 && r.diverted + (r.divertedLate ?? 0) === 0, text: `registrations of the victim's ids accepted ${r.registered}, its messages diverted ${r.diverted + (r.divertedLate ?? 0)} (0 and 0 expected)` };
    case 'many-recipients':
      return { ok: r.registered + 1 <= DEFAULTS.maxRecipients, text: `recipients per account ${r.registered + 1} (at most ${DEFAULTS.maxRecipients} expected)` };
    case 'spoofed-from':
      return { ok: victimGot === 0, text: `messages that reached the victim ${victimGot} (0 expected)` };
    case 'replay':
      return r.firstAccepted ? { ok: r.replaysAccepted === 0, text: `replays accepted ${r.replaysAccepted} (0 expected)` } : { ok: false, text: 'the original message was refused: replay not tested' };
    case 'slow-conns':
      return { ok: r.slowOpen + r.wsOpen <= DEFAULTS.maxConnectionsPerIp, text: `connections held from one address ${r.slowOpen + r.wsOpen} (at most ${DEFAULTS.maxConnectionsPerIp} expected)` };
    default:
      return undefined;
  }
}

export async function runAttackBench({ only, quick = false, ms = quick ? 1000 : 6000, drainMs = quick ? 1500 : 3000, rate = 100, rateLimit, profileDir, log = console.log } = {}) {
  const names = only ?? (quick ? QUICK : ATTACKS.map((a) => a.name));
  const unknown = names.filter((n) => !ATTACKS.some((a) => a.name === n));
  if (unknown.length) throw new TypeError(`unknown attack ${unknown.join(', ')}; attacks: ${ATTACKS.map((a) => a.name).join(', ')}`);
  const phases = ['baseline', ...names];
  const dir = mkdtempSync(join(tmpdir(), 'didcomm-attack-bench-'));
  const flags = ['--port=0', '--host=127.0.0.1', `--data=${join(dir, 'data')}`, ...(rateLimit ? [`--rate-limit=${rateLimit}`] : [])];
  const med = startMediatorProcess(dir, flags, profileDir);
  const gen = loadGenerator();
  const rec = loadGenerator();
  const attacker = loadGenerator('./attacker.mjs');
  let rss;
  let health;
  let mediatorGone;
  const rows = [];
  const ms1 = (n) => (Number.isFinite(n) ? n.toFixed(1) : 'n/a');
  try {
    const m = await med.ready;
    med.exited.then((code) => (mediatorGone = `the mediator exited (${code})`));
    log(`mediator attack bench | node ${process.version} | ${cpus()[0]?.model ?? 'cpu?'} x${availableParallelism()} | load average ${loadavg().map((l) => l.toFixed(2)).join(' ')} | mediator pid ${m.pid}, flags ${flags.slice(3).join(' ') || '(defaults)'} | honest: ${rate} forwards/s over HTTP to a live recipient; each attack ${ms} ms, then up to ${drainMs} ms for deliveries`);
    const victim = await rec.call('recipient', { url: m.url, did: m.did });
    await rec.call('listen', {});
    const perPhase = Math.round((rate * ms) / 1000);
    // The mediator's first seconds of traffic run cold (JIT, caches): honest load before the baseline, unmeasured.
    const warmMs = quick ? 500 : 2000;
    const warm = Math.round((rate * warmMs) / 1000);
    const t = performance.now();
    await gen.call('setup', { url: m.url, did: m.did, accounts: 0, forwards: 0, liveMessages: warm + perPhase * phases.length, liveTo: victim.did, liveKid: victim.kid, bytes: 2000 });
    log(`set up in ${((performance.now() - t) / 1000).toFixed(1)} s: ${(warm + perPhase * phases.length).toLocaleString('en-US')} honest forwards of ~2 KB pre-packed, every second one addressed to the recipient's key id`);
    rss = rssSampler(m.pid);
    health = healthProber(m.url);
    await gen.call('live', { url: m.url, rate, warmupMs: 0, ms: warmMs, connections: 8, from: 0, answerTimeoutMs: drainMs });
    const common = { url: m.url, wsUrl: m.wsUrl, did: m.did, victim, quick };
    let baseline;
    for (const [i, name] of phases.entries()) {
      if (mediatorGone) break;
      const prepared = name === 'baseline' ? undefined : await attacker.call('prepare', { attack: name, ...common }).catch((e) => e);
      await sleep(300);
      const rssBefore = rss.last();
      const refusedBefore = await refusals(m.url);
      const seenBefore = await rec.call('seen');
      await med.loop();
      const t0 = performance.now();
      let abortedAt;
      const watchdog = setInterval(() => {
        if (abortedAt === undefined && rss.last() > ABORT_RSS_MIB) {
          abortedAt = rss.last();
          attacker.call('abort').catch(() => undefined);
        }
      }, 50);
      const honestRun = gen.call('live', { url: m.url, rate, warmupMs: 0, ms, connections: 8, from: warm + i * perPhase, answerTimeoutMs: drainMs });
      // An attack that fails (its setup refused, say) is reported as such; the honest load still runs.
      const attackRun = name === 'baseline' || prepared instanceof Error
        ? sleep(ms).then(() => (prepared instanceof Error ? { summary: `attack setup failed: ${prepared.message.split('\n')[0]}`, failed: true } : {}))
        : attacker.call('run', { attack: name, ms, quick }).catch((e) => ({ summary: `attack failed: ${e.message.split('\n')[0]}`, failed: true }));
      const overran = sleep(ms + 30_000).then(() => ({ summary: 'the attack did not end within 30 s of its time' }));
      const [honest, attack] = await Promise.all([honestRun, Promise.race([attackRun, overran])]);
      const tAttack = performance.now();
      const loop = await med.loop();
      // Drain: what the mediator accepted must reach the recipient.
      const want = new Set(honest.acceptedContents);
      let seen;
      let missing;
      for (const until = performance.now() + drainMs; ; await sleep(100)) {
        seen = await rec.call('seen');
        missing = want.size - seen.contents.filter((c) => want.has(c)).length;
        if (missing === 0 || performance.now() >= until || mediatorGone) break;
      }
      clearInterval(watchdog);
      const t1 = performance.now();
      const extra = name === 'baseline' ? null : await attacker.call('cleanup', { attack: name }).catch((e) => ({ cleanupError: e.message }));
      const result = { ...attack, ...extra };
      const h = health.window(t0, tAttack);
      const okPerSecond = honest.okPerSecond;
      if (name === 'baseline') baseline = okPerSecond;
      const victimGot = unsolicited(seen) - unsolicited(seenBefore);
      const row = {
        attack: name,
        rssBeforeMiB: rssBefore,
        rssPeakMiB: rss.peak(t0, t1),
        rssGrowthMiB: rss.peak(t0, t1) - rssBefore,
        healthzP99Ms: h.p99,
        healthzMaxMs: h.max,
        healthzFailed: h.failed,
        healthzNewConnectionMaxMs: h.freshMax,
        loopDelayP99Ms: loop.p99Ms,
        loopDelayMaxMs: loop.maxMs,
        honestPerSecond: okPerSecond,
        honestFraction: okPerSecond / baseline,
        honestStatuses: honest.statuses,
        lost: missing,
        victimGot,
        refused: diff(await refusals(m.url), refusedBefore),
        result,
        ...(abortedAt !== undefined ? { abortedAtMiB: abortedAt } : {}),
        ...(mediatorGone ? { mediatorGone } : {}),
      };
      const check = name === 'baseline' ? undefined : findingCheck(name, result, victimGot);
      row.check = check;
      const failed = [
        !(row.rssGrowthMiB < TARGETS.rssGrowthMiB) && 'RSS',
        !(row.healthzP99Ms < TARGETS.healthzP99Ms) && '/healthz',
        !(row.honestFraction >= TARGETS.honestFraction) && 'honest throughput',
        !(row.lost <= TARGETS.lost) && 'lost',
        check?.ok === false && 'check',
        result.failed && 'attack failed',
        mediatorGone && 'mediator died',
      ].filter(Boolean);
      row.verdict = failed.length ? `FAIL (${failed.join(', ')})` : 'pass';
      rows.push(row);
      log(`  ${name.padEnd(16)} rss ${ms1(rssBefore)} -> peak ${ms1(row.rssPeakMiB)} MiB | /healthz p99 ${ms1(h.p99)} ms (max ${ms1(h.max)}, ${h.failed}/${h.n} failed, on a new connection ${h.fresh} max ${ms1(h.freshMax)} ms; mediator event loop delay p99 ${ms1(loop.p99Ms)} max ${ms1(loop.maxMs)} ms) | honest ${Math.round(okPerSecond)}/s accepted (${JSON.stringify(honest.statuses)}), lost ${missing} | ${row.verdict}`);
      if (result.summary) log(`  ${''.padEnd(16)} ${result.summary}${result.senders ? ` (RSS growth / senders: ${Math.round((row.rssGrowthMiB * 1024) / result.senders)} KiB)` : ''}`);
      if (check) log(`  ${''.padEnd(16)} check: ${check.text}`);
      if (Object.keys(row.refused).length) log(`  ${''.padEnd(16)} refused by the mediator: ${JSON.stringify(row.refused)}`);
      if (victimGot) log(`  ${''.padEnd(16)} unsolicited messages at the live recipient: ${victimGot} (${JSON.stringify(diff(seen.other, seenBefore.other))}, warnings ${seen.warnings - seenBefore.warnings})`);
      if (abortedAt !== undefined) log(`  ${''.padEnd(16)} ABORTED: the mediator's RSS reached ${ms1(abortedAt)} MiB`);
    }
    if (mediatorGone) log(`  ${mediatorGone}; the end of its log:\n${readFileSync(join(dir, 'mediator.log'), 'utf8').slice(-2000)}`);
    log('');
    const head = ['attack', 'RSS growth MiB', '/healthz p99 ms', 'honest fwd/s fraction', 'lost', 'verdict'];
    const widths = [16, 14, 15, 21, 5, 40];
    const line = (cells) => cells.map((c, i) => (i > 0 && i < 5 ? String(c).padStart(widths[i]) : String(c).padEnd(widths[i]))).join(' | ').trimEnd();
    log(`targets: RSS growth < ${TARGETS.rssGrowthMiB} MiB, /healthz p99 < ${TARGETS.healthzP99Ms} ms, honest forwards/s >= ${TARGETS.honestFraction * 100}% of the baseline, ${TARGETS.lost} lost (and each attack's own check)`);
    log(line(head));
    log(widths.map((w) => '-'.repeat(w)).join('-|-'));
    for (const r of rows) log(line([r.attack, ms1(r.rssGrowthMiB), ms1(r.healthzP99Ms), r.honestFraction.toFixed(2), r.lost, r.verdict]));
    const failedAttacks = rows.filter((r) => r.attack !== 'baseline' && r.verdict !== 'pass').map((r) => r.attack);
    log(failedAttacks.length ? `attack targets missed: ${failedAttacks.join(', ')}` : 'attack targets met');
    const out = { bench: 'mediator-attacks', date: new Date().toISOString(), node: process.version, cores: availableParallelism(), ms, drainMs, rate, flags: flags.slice(3), targets: TARGETS, rows, failed: failedAttacks };
    // One line, for machines.
    log(JSON.stringify(out));
    return out;
  } finally {
    rss?.stop();
    health?.stop();
    for (const g of [attacker, gen, rec]) {
      await g.call('exit').catch(() => undefined);
      await g.kill();
    }
    med.child.connected && med.child.send({ cmd: 'close' });
    const timer = setTimeout(() => med.child.kill('SIGKILL'), 10_000);
    await med.exited;
    clearTimeout(timer);
    rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const args = process.argv.slice(2);
  const opt = (name) => args.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
  if (args.includes('--help') || args.includes('-h')) {
    console.log(`usage: node bench/attack.mjs [--only=NAME[,NAME]] [--quick] [--time=ms per attack (6000)] [--drain=ms (3000)] [--rate=honest forwards/s (100)] [--rate-limit=N (mediator flag)] [--profile=DIR (the mediator's CPU profile)] [--json [file]]\nattacks:\n${ATTACKS.map((a) => `  ${a.name.padEnd(16)} ${a.what}`).join('\n')}`);
    process.exit(0);
  }
  const json = args.includes('--json') ? (args[args.indexOf('--json') + 1]?.startsWith('--') === false ? args[args.indexOf('--json') + 1] : 'bench/attack-results.json') : opt('json');
  const num = (name) => (opt(name) !== undefined ? Number(opt(name)) : undefined);
  const result = await runAttackBench({
    only: opt('only')?.split(','), quick: args.includes('--quick'),
    ...(num('time') ? { ms: num('time') } : {}), ...(num('drain') ? { drainMs: num('drain') } : {}), ...(num('rate') ? { rate: num('rate') } : {}), rateLimit: num('rate-limit'), profileDir: opt('profile'),
  });
  if (json) writeFileSync(json, `${JSON.stringify(result, null, 2)}\n`);
  process.exit(0);
}
