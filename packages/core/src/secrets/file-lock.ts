// An exclusive lock between processes for a file's read-modify-write: `<path>.lock`, created
// with O_EXCL and holding the owner's pid and start time. A lock whose owner is gone (or older
// than staleMs) is taken over, so a crash mid-write cannot wedge the file. Node-only.
import { open, readFile, rename, unlink } from 'node:fs/promises';
import { DIDCommError, ErrorCodes } from '../errors.js';
import { backend } from '../crypto/index.js';
import { toHex } from '../util/bytes.js';

/** How long withFileLock waits for a lock, and when a held lock counts as abandoned. */
export interface FileLockOptions {
  /** Give up waiting after this long (default 10 000 ms). */
  timeoutMs?: number;
  /** A lock older than this is stale whoever holds it (default 30 000 ms). */
  staleMs?: number;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

async function isStale(lock: string, staleMs: number): Promise<boolean> {
  let owner: { pid?: unknown; at?: unknown };
  try {
    owner = JSON.parse(await readFile(lock, 'utf8'));
  } catch {
    // Gone already, or its owner is still writing it: not ours to judge yet.
    return false;
  }
  if (typeof owner.pid !== 'number' || typeof owner.at !== 'number') return true;
  return !alive(owner.pid) || Date.now() - owner.at > staleMs;
}

/** Run `fn` holding the lock on `path` (ERR_STORE when it cannot be had in time). */
export async function withFileLock<T>(path: string, fn: () => Promise<T>, o: FileLockOptions = {}): Promise<T> {
  const lock = `${path}.lock`;
  const deadline = Date.now() + (o.timeoutMs ?? 10_000);
  for (let attempt = 0; ; attempt++) {
    try {
      const fh = await open(lock, 'wx', 0o600);
      try {
        await fh.writeFile(JSON.stringify({ pid: process.pid, at: Date.now() }));
      } finally {
        await fh.close();
      }
      break;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw new DIDCommError(ErrorCodes.STORE, `cannot lock ${path}`, { cause: e });
      if (await isStale(lock, o.staleMs ?? 30_000)) {
        // Move it aside first: of several processes judging it stale, one takes it over.
        const aside = `${lock}.${toHex(backend.randomBytes(4))}.stale`;
        if (await rename(lock, aside).then(() => true, () => false)) await unlink(aside).catch(() => {});
        continue;
      }
      if (Date.now() > deadline) throw new DIDCommError(ErrorCodes.STORE, `${path} is locked by another process (${lock}); remove the lock file if no process uses it`);
      await sleep(Math.min(100, 10 * (attempt + 1)) + Math.random() * 10);
    }
  }
  try {
    return await fn();
  } finally {
    await unlink(lock).catch(() => {});
  }
}
