// Drive the built `didcomm` binary as a user would: a child process, a temp profile, a
// passphrase in the environment, and a deadline on everything.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const BIN = fileURLToPath(new URL('../bin/didcomm.js', import.meta.url));
export const ROOT = fileURLToPath(new URL('../../..', import.meta.url));

// A home of the tests' own: a command run without --profile must not touch the user's ~/.didcomm.
const TEST_HOME = mkdtempSync(join(tmpdir(), 'didcomm-test-home-'));
process.once('exit', () => rmSync(TEST_HOME, { recursive: true, force: true }));

const BASE_ENV = {
  PATH: process.env.PATH,
  HOME: TEST_HOME,
  NO_COLOR: '1',
  // A cheaper scrypt for the tests' key stores; the default is the library's.
  DIDCOMM_SCRYPT_N: '1024',
};

/** spawn() turns a non-string argument into text ("[object Object]"): refuse it instead. */
function checkArgs(args) {
  const bad = args.findIndex((a) => typeof a !== 'string');
  if (bad !== -1) throw new TypeError(`didcomm argument ${bad} is ${args[bad] === null ? 'null' : typeof args[bad]}, not a string: ${String(args[bad])}`);
}

/**
 * Run `didcomm ...args`; resolves to { code, stdout, stderr }. `input` goes to stdin
 * (closed at once otherwise); the child is killed after `timeoutMs`.
 */
export function didcomm(args, { env = {}, input, timeoutMs = 30_000, cwd } = {}) {
  return new Promise((resolve, reject) => {
    checkArgs(args);
    const child = spawn(process.execPath, [BIN, ...args], { env: { ...BASE_ENV, ...env }, cwd: cwd ?? ROOT, stdio: ['pipe', 'pipe', 'pipe'], detached: true });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d) => (stderr += d));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`didcomm ${args.join(' ')} did not finish in ${timeoutMs} ms\nstdout: ${stdout}\nstderr: ${stderr}`));
    }, timeoutMs);
    child.on('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
    child.stdin.on('error', () => {});
    child.stdin.end(input ?? '');
  });
}

/** Start a long-running `didcomm ...args` (inbox --live, mediator start); stop() kills it. */
export function didcommBackground(args, { env = {} } = {}) {
  checkArgs(args);
  const child = spawn(process.execPath, [BIN, ...args], { env: { ...BASE_ENV, ...env }, cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  const state = { stdout: '', stderr: '', exited: false, code: null };
  child.stdout.setEncoding('utf8').on('data', (d) => (state.stdout += d));
  child.stderr.setEncoding('utf8').on('data', (d) => (state.stderr += d));
  const closed = new Promise((r) => child.on('close', (code) => { state.exited = true; state.code = code; r(code); }));
  return {
    child,
    state,
    /** Wait until stdout (or stderr) matches `re`, or fail after `timeoutMs`. */
    async waitFor(re, { timeoutMs = 20_000, stream = 'stdout' } = {}) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const m = state[stream].match(re);
        if (m) return m;
        if (state.exited) throw new Error(`didcomm ${args.join(' ')} exited (${state.code}) before printing ${re}\nstdout: ${state.stdout}\nstderr: ${state.stderr}`);
        if (Date.now() > deadline) throw new Error(`timed out waiting for ${re}\nstdout: ${state.stdout}\nstderr: ${state.stderr}`);
        await new Promise((r) => setTimeout(r, 50));
      }
    },
    async stop(signal = 'SIGTERM') {
      if (!state.exited) {
        child.kill(signal);
        const t = setTimeout(() => child.kill('SIGKILL'), 5000);
        await closed;
        clearTimeout(t);
      }
      return state;
    },
  };
}

export async function tempDir(prefix = 'didcomm-cli-') {
  const dir = await mkdtemp(join(tmpdir(), prefix));
  return { dir, cleanup: () => rm(dir, { recursive: true, force: true }) };
}

/** stderr holds exactly one non-empty line. */
export function oneLine(stderr) {
  return stderr.split('\n').filter((l) => l.trim() !== '').length === 1;
}
