import { accessSync, closeSync, constants, fsyncSync, openSync, rmSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { FILE_MODE, privateDir } from '../files.js';
import { PostgresStore } from './postgres.js';
import { SqliteStore } from './sqlite.js';
import { StoreUnavailableError } from './faults.js';
import type { MediatorStore } from './types.js';

export interface StoreLocation {
  /** Data folder: the SQLite file lives here (default ./data). */
  data?: string;
  /** postgres://... to use PostgreSQL instead of SQLite. */
  store?: string;
  /** PostgreSQL schema (default didcomm_mediator). */
  pgSchema?: string;
  /**
   * SQLite: commit on a writer thread ('thread'), on the calling thread ('inline', the default
   * here), or 'auto': a writer thread when the data folder's disk is slow to fsync.
   */
  sqliteWriter?: SqliteWriter;
  /** SQLite: bytes held back in the data folder for acknowledgements on a full disk (default 0). */
  diskReserveBytes?: number;
}

export type SqliteWriter = 'auto' | 'thread' | 'inline';

/** A median fsync above this (ms) makes 'auto' commit on a writer thread. */
export const SLOW_FSYNC_MS = 2;

/** Median time (ms) of a few 4 KiB write+fsync rounds on a scratch file in `dir`. */
export function measureFsync(dir: string, rounds = 7): number {
  privateDir(dir);
  const file = join(dir, `.fsync-probe-${process.pid}`);
  const fd = openSync(file, 'w', FILE_MODE);
  const times: number[] = [];
  try {
    const block = Buffer.alloc(4096, 1);
    for (let i = 0; i < rounds; i++) {
      writeSync(fd, block);
      const t = performance.now();
      fsyncSync(fd);
      times.push(performance.now() - t);
    }
  } finally {
    closeSync(fd);
    rmSync(file, { force: true });
  }
  return times.sort((a, b) => a - b)[Math.floor(times.length / 2)];
}

export const isPostgresUrl = (s: string | undefined): s is string => typeof s === 'string' && /^postgres(ql)?:\/\//i.test(s);

/** The store a location names: PostgreSQL for a postgres:// URL, else SQLite in the data folder. */
export async function openStore(loc: StoreLocation): Promise<MediatorStore> {
  if (loc.store !== undefined && loc.store !== '' && loc.store !== 'sqlite') {
    if (!isPostgresUrl(loc.store)) throw new TypeError(`--store must be a postgres:// URL or "sqlite", not ${JSON.stringify(loc.store)}`);
    return PostgresStore.open(loc.store, { schema: loc.pgSchema });
  }
  const data = loc.data ?? 'data';
  writableFolder(data);
  const mode = loc.sqliteWriter ?? 'inline';
  const writerThread = mode === 'thread' || (mode === 'auto' && measureFsync(data) > SLOW_FSYNC_MS);
  return new SqliteStore(join(data, 'mediator.db'), { writerThread, diskReserveBytes: loc.diskReserveBytes });
}

/**
 * A data folder the mediator cannot write is refused at start, saying so, rather than with
 * SQLite's "unable to open database file" (a WAL database cannot even be read there).
 */
function writableFolder(dir: string): void {
  try {
    accessSync(dir, constants.W_OK);
  } catch (e) {
    const code = (e as { code?: string }).code;
    if (code === 'ENOENT') return;
    throw new StoreUnavailableError('store_read_only', `the data folder ${dir} is not writable (${code}): the mediator keeps its queue there`, { cause: e });
  }
}
