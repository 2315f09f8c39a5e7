// Shared runner for the Wycheproof vector files (C2SP/wycheproof testvectors_v1, see INDEX.md).
// Every case of a file is run; the runner counts them and the caller asserts the count, so a
// case can never be skipped in silence. Each case returns null (passed) or a reason (failed).
import assert from 'node:assert/strict';
import { DIDCommError } from '../../dist/errors.js';
import { loadVector } from '../helpers.mjs';

export const hex = (h) => new Uint8Array(Buffer.from(h, 'hex'));
export const toHex = (b) => Buffer.from(b).toString('hex');
export const b64u = (b) => Buffer.from(b).toString('base64url');
export const isZero = (h) => /^(00)*$/.test(h);

export function loadWycheproof(name) {
  return loadVector(`wycheproof/${name}`);
}

/** Runs `fn` and reports what happened, never throwing. */
export async function attempt(fn) {
  try {
    return { ok: true, value: await fn() };
  } catch (error) {
    return { ok: false, error };
  }
}

export const describeError = (e) => (e instanceof DIDCommError ? e.code : `${e?.constructor?.name ?? typeof e}: ${e?.message ?? e}`);

/** null when `r` is a rejection by a DIDCommError whose code is one of `codes` (any code when empty). */
export function expectRejected(r, ...codes) {
  if (r.ok) return 'accepted, expected a rejection';
  if (!(r.error instanceof DIDCommError)) return `rejected with an untyped error (${describeError(r.error)})`;
  if (codes.length && !codes.includes(r.error.code)) return `rejected with ${r.error.code}, expected ${codes.join(' or ')}`;
  return null;
}

/**
 * Runs every test of every group. `check(group, test)` returns null or a failure reason, and
 * may return `{ outcome }` to tally (e.g. 'rejected ERR_INVALID_KEY'). Asserts the executed
 * count equals the file's numberOfTests and the count listed in INDEX.md.
 */
export async function runAll(t, name, file, expectedCount, check) {
  const failures = [];
  const tally = new Map();
  let executed = 0;
  let passed = 0;
  for (const group of file.testGroups) {
    for (const test of group.tests) {
      executed++;
      let res;
      try {
        res = await check(group, test);
      } catch (e) {
        res = `test harness threw: ${describeError(e)}`;
      }
      const reason = typeof res === 'string' ? res : res?.failure ?? null;
      const outcome = typeof res === 'object' && res !== null ? res.outcome : undefined;
      if (outcome) tally.set(outcome, (tally.get(outcome) ?? 0) + 1);
      if (reason) failures.push(`tcId ${test.tcId} (${test.result}; ${test.comment}; [${(test.flags ?? []).join(',')}]): ${reason}`);
      else passed++;
    }
  }
  t.diagnostic(`${name}: executed ${executed}, passed ${passed}${tally.size ? `; ${[...tally].map(([k, v]) => `${k}: ${v}`).join(', ')}` : ''}`);
  assert.equal(executed, file.numberOfTests, `${name}: executed ${executed} of numberOfTests ${file.numberOfTests}`);
  assert.equal(executed, expectedCount, `${name}: INDEX.md lists ${expectedCount} cases`);
  assert.deepEqual(failures.slice(0, 40), [], `${name}: ${failures.length} case(s) failed`);
  return { executed, passed };
}
