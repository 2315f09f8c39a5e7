// Node-only entry (`@didcomm-ts/core/node`): what needs node:fs stays out of the main entry,
// which must also load in browsers.
export { FileSecretsStore, writeAtomic, type FileSecretsStoreOptions } from './secrets/file-store.js';
export { withFileLock, type FileLockOptions } from './secrets/file-lock.js';
export { createHttpHandler, httpReplySession, readBody, skipBody, statusFor, type HttpHandlerOptions } from './transport/node/http-server.js';
export { attachWebSocketServer, type WsServerOptions } from './transport/node/ws-server.js';
export { serve, type ServeOptions } from './transport/node/serve.js';
export { NodeWsTransport } from './transport/node/ws-client.js';
export { guardedFetch, isPrivateAddress, PrivateAddressError, type GuardedFetchOptions } from './did/methods/web-fetch-node.js';
