// @didcomm-ts/mediator: a DIDComm v2 mediator (coordinate-mediation 2.0/3.0, message pickup
// 3.0/4.0, routing 2.0) on SQLite or PostgreSQL.
export { startMediator, type RunningMediator, type StartOptions } from './server.js';
export { parseConfig, withDefaults, DEFAULTS, USAGE, type MediatorConfig, type AccessPolicy, type LogLevel } from './config.js';
export { Mediator, type MediatorOptions, type MediatorLimits, type MediatorContext } from './mediator.js';
export { loadIdentity, type MediatorIdentity, type IdentityOptions } from './identity.js';
export { Metrics } from './metrics.js';
export { MediatorError } from './errors.js';
export { inlineUnwrapper, peekAlg, type ForwardUnwrapper } from './unwrap.js';
export { openStore, isPostgresUrl, measureFsync, type StoreLocation, type SqliteWriter } from './store/open.js';
export { SqliteStore, type SqliteStoreOptions } from './store/sqlite.js';
export { PostgresStore, type PostgresStoreOptions } from './store/postgres.js';
export { DiskFullError, StoreUnavailableError, storeFault } from './store/faults.js';
export { QueueFullError, type MediatorStore, type AccountInfo, type AccessRule, type QueuedMessage, type QueueStatus, type EnqueueItem, type UpdateResult } from './store/types.js';
export { listAccounts, allowDid, denyDid, clearAccess, type AccountListing } from './admin.js';
