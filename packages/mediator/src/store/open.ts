import { join } from 'node:path';
import { PostgresStore } from './postgres.js';
import { SqliteStore } from './sqlite.js';
import type { MediatorStore } from './types.js';

export interface StoreLocation {
  /** Data folder: the SQLite file lives here (default ./data). */
  data?: string;
  /** postgres://... to use PostgreSQL instead of SQLite. */
  store?: string;
  /** PostgreSQL schema (default didcomm_mediator). */
  pgSchema?: string;
}

export const isPostgresUrl = (s: string | undefined): s is string => typeof s === 'string' && /^postgres(ql)?:\/\//i.test(s);

/** The store a location names: PostgreSQL for a postgres:// URL, else SQLite in the data folder. */
export async function openStore(loc: StoreLocation): Promise<MediatorStore> {
  if (loc.store !== undefined && loc.store !== '' && loc.store !== 'sqlite') {
    if (!isPostgresUrl(loc.store)) throw new TypeError(`--store must be a postgres:// URL or "sqlite", not ${JSON.stringify(loc.store)}`);
    return PostgresStore.open(loc.store, { schema: loc.pgSchema });
  }
  return new SqliteStore(join(loc.data ?? 'data', 'mediator.db'));
}
