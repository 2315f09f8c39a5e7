// What a store's failures mean to a sender: the disk is full (507, try later or elsewhere), or
// the store cannot be reached or written at the moment (503 with retry-after). Both stores
// throw these from enqueue and ack; anything else they throw is a bug, answered 500.

/** The disk holding the store is full: nothing was stored. */
export class DiskFullError extends Error {
  readonly code = 'disk_full';
  constructor(message = 'the disk holding the store is full', options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'DiskFullError';
  }
}

/**
 * The store cannot take writes for now: PostgreSQL unreachable or restarting, the SQLite data
 * folder read-only or failing. Nothing was stored; the same request may succeed later.
 */
export class StoreUnavailableError extends Error {
  constructor(
    readonly code: 'store_unavailable' | 'store_read_only',
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'StoreUnavailableError';
  }
}

export type StoreFault = DiskFullError | StoreUnavailableError;

// PostgreSQL: SQLSTATE class 08 (connection exception), 57P01-57P03 (shutting down, crashed,
// starting up), 53300 (too many connections); postgres.js reports its own socket states by name.
const PG_UNAVAILABLE = /^(08...|57P0[123]|53300)$/;
const SOCKET = /^(E(CONNREFUSED|CONNRESET|PIPE|TIMEDOUT|HOSTUNREACH|NETUNREACH|AI_AGAIN)|CONNECTION_(CLOSED|ENDED|DESTROYED)|CONNECT_TIMEOUT)$/;

/**
 * The typed fault an error from SQLite (better-sqlite3's `code`) or PostgreSQL (SQLSTATE, or
 * postgres.js connection codes) stands for; undefined for any other error.
 */
export function storeFault(e: unknown): StoreFault | undefined {
  if (e instanceof DiskFullError || e instanceof StoreUnavailableError) return e;
  const code = (e as { code?: unknown } | null)?.code;
  if (typeof code !== 'string') return undefined;
  const cause = { cause: e };
  // SQLite answers SQLITE_FULL when a write meets ENOSPC; growing the shared-memory index
  // (-shm) on a full disk fails as SQLITE_IOERR_SHMSIZE. PostgreSQL: 53100 disk_full.
  if (code === 'SQLITE_FULL' || code === 'SQLITE_IOERR_SHMSIZE' || code === '53100') return new DiskFullError(undefined, cause);
  if (code.startsWith('SQLITE_READONLY') || code === '25006') {
    return new StoreUnavailableError('store_read_only', 'the store is read-only (the data folder or its file system does not take writes)', cause);
  }
  if (code.startsWith('SQLITE_IOERR') || code.startsWith('SQLITE_CANTOPEN') || code === 'SQLITE_BUSY') {
    return new StoreUnavailableError('store_unavailable', `the store failed to write (${code})`, cause);
  }
  if (PG_UNAVAILABLE.test(code) || SOCKET.test(code)) return new StoreUnavailableError('store_unavailable', `the database is unavailable (${code})`, cause);
  return undefined;
}

/** `e` as its typed fault when it is one, else unchanged. */
export const asStoreFault = (e: unknown): unknown => storeFault(e) ?? e;
