// The data folder holds the accounts, the queued messages, the identity record and the
// encrypted keys: no other local user may read any of it. What the mediator creates there is
// 0700 (folders) and 0600 (files), whatever the umask; what an earlier version left wider is
// tightened when the mediator opens it.
import { chmodSync, closeSync, existsSync, mkdirSync, openSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

export const DIR_MODE = 0o700;
export const FILE_MODE = 0o600;

/** The files of ours a data folder may hold (SQLite's -wal and -shm follow the database's mode). */
const OURS = ['mediator.db', 'mediator.db-wal', 'mediator.db-shm', 'secrets.json', 'passphrase'];

/** POSIX modes only: on Windows chmod sets the read-only flag at most. */
const posix = process.platform !== 'win32';

/** Narrow `path` to `mode` when it exists with any bit beyond it; true when it was changed. */
export function tighten(path: string, mode: number): boolean {
  if (!posix) return false;
  let st;
  try {
    st = statSync(path);
  } catch {
    return false;
  }
  if ((st.mode & 0o777 & ~mode) === 0) return false;
  chmodSync(path, st.mode & 0o777 & mode);
  return true;
}

/** Create `dir` (and missing parents) 0700. */
export function privateDir(dir: string): void {
  mkdirSync(dir, { recursive: true, mode: DIR_MODE });
}

/** Create `path` empty and 0600 unless it exists; an existing one is narrowed to 0600. */
export function privateFile(path: string): void {
  if (existsSync(path)) {
    tighten(path, FILE_MODE);
    return;
  }
  closeSync(openSync(path, 'a', FILE_MODE));
}

/**
 * The data folder, created 0700. An empty one, or one holding files of ours, with wider
 * modes (made by hand, or by an earlier version) is narrowed with those files; the paths
 * changed are returned. A folder holding only others' files is not ours to change.
 */
export function privateDataDir(dir: string): string[] {
  privateDir(dir);
  const present = OURS.filter((f) => existsSync(join(dir, f)));
  if (present.length === 0 && readdirSync(dir).length > 0) return [];
  const changed = present.map((f) => join(dir, f)).filter((f) => tighten(f, FILE_MODE));
  if (tighten(dir, DIR_MODE)) changed.unshift(dir);
  return changed;
}
