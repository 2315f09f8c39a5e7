import type { IncomingMessage, ServerResponse } from 'node:http';
import { DIDCommError, ErrorCodes } from '../../errors.js';
import { isDIDCommMediaType, mediaTypeOf, type Session, type TransportHost } from '../types.js';

/** Options of createHttpHandler: the body size limit, and a callback for refused requests. */
export interface HttpHandlerOptions {
  /** Largest request body accepted (default 1 MiB); larger gets 413 without reading it all. */
  maxBytes?: number;
  /** Called with every refused request, for logs and metrics (no message content). */
  onError?: (status: number, code: string) => void;
}

/** The HTTP status for a refused message: the client learns what kind of problem, no more. */
export function statusFor(e: unknown): number {
  if (!(e instanceof DIDCommError)) return 500;
  switch (e.code) {
    case ErrorCodes.LIMIT_EXCEEDED:
      return 413;
    case ErrorCodes.DUPLICATE:
      return 409;
    case ErrorCodes.EXPIRED:
      return 410;
    case ErrorCodes.KEY_NOT_AUTHORIZED:
    case ErrorCodes.LAYER_MISMATCH:
      return 403;
    case ErrorCodes.SECRET_NOT_FOUND:
      return 404;
    case ErrorCodes.RESOLUTION_FAILED:
    case ErrorCodes.TRANSPORT:
      return 502;
    default:
      return 400;
  }
}

/**
 * Read a request body up to `max` bytes; null when it is larger, as soon as it is (a declared
 * length at once, a chunked body at the chunk that passes `max`). The rest is not read: answer
 * 413 with `connection: close` so that the socket goes instead of taking in gigabytes to discard.
 */
export function readBody(req: IncomingMessage, max: number): Promise<string | null> {
  return new Promise((resolve, reject) => {
    const declared = Number(req.headers['content-length']);
    if (Number.isFinite(declared) && declared > max) {
      resolve(null);
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    const stop = () => {
      req.off('data', onData);
      req.off('end', onEnd);
      req.off('error', onError);
    };
    const onData = (c: Buffer) => {
      size += c.length;
      if (size <= max) {
        chunks.push(c);
        return;
      }
      stop();
      chunks.length = 0;
      req.pause();
      resolve(null);
    };
    const onEnd = () => {
      stop();
      resolve(Buffer.concat(chunks).toString('utf8'));
    };
    const onError = (e: Error) => {
      stop();
      reject(e);
    };
    req.on('data', onData);
    req.on('end', onEnd);
    req.on('error', onError);
  });
}

/**
 * For a request refused before its body is read: a short body (declared, at most `max`) is
 * drained so the connection can serve the next request; any other is not read, and the answer
 * carries `connection: close` (spread the returned headers into it).
 */
export function skipBody(req: IncomingMessage, max: number): Record<string, string> {
  const declared = Number(req.headers['content-length'] ?? 0);
  if (req.headers['transfer-encoding'] === undefined && Number.isFinite(declared) && declared <= max) {
    req.resume();
    return {};
  }
  return { connection: 'close' };
}

let counter = 0;

/**
 * The session of one HTTP exchange: it carries at most one return-routed reply, and only while
 * the request is being handled. `respond` closes it and answers 200 with the reply, or 202.
 */
export function httpReplySession(): { session: Session; close(): void; respond(res: ServerResponse, status?: number): void; hasReply(): boolean } {
  let reply: string | undefined;
  let open = true;
  let listeners: Array<() => void> = [];
  const closeNow = () => {
    open = false;
    const l = listeners;
    listeners = [];
    for (const f of l) f();
  };
  const session: Session = {
    id: `http:${++counter}`,
    kind: 'http',
    get open() {
      return open && reply === undefined;
    },
    send: async (packed) => {
      if (!open || reply !== undefined) throw new Error('this HTTP exchange already carries its one reply');
      reply = packed;
      // The one reply is taken: whoever remembered this channel can let go of it now.
      closeNow();
    },
    onClose: (listener) => {
      if (open && reply === undefined) listeners.push(listener);
      else listener();
    },
  };
  return {
    session,
    close: closeNow,
    /** Answer 200 with the reply (`status` instead, e.g. for a refusal that carries a problem report), or 202. */
    respond: (res, status) => {
      closeNow();
      const body = reply;
      reply = undefined;
      if (body !== undefined) res.writeHead(status ?? 200, { 'content-type': mediaTypeOf(body), 'content-length': Buffer.byteLength(body) }).end(body);
      else res.writeHead(status ?? 202, { 'content-length': '0' }).end();
    },
    hasReply: () => reply !== undefined,
  };
}

/**
 * A Node request handler for DIDComm over HTTP (spec "HTTPS"): POST with a DIDComm media
 * type, 202 on success, or 200 with one return-routed message in the body.
 */
export function createHttpHandler(host: TransportHost, o: HttpHandlerOptions = {}) {
  const maxBytes = o.maxBytes ?? 1024 * 1024;
  const refuse = (res: ServerResponse, status: number, code: string, message: string, headers: Record<string, string> = {}) => {
    o.onError?.(status, code);
    if (res.headersSent) return;
    res.writeHead(status, { 'content-type': 'application/json', ...headers }).end(JSON.stringify({ error: code, message }));
  };
  return async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    if (req.method !== 'POST') return refuse(res, 405, 'method_not_allowed', 'POST a DIDComm message', skipBody(req, maxBytes));
    if (!isDIDCommMediaType(req.headers['content-type'])) {
      return refuse(res, 415, 'unsupported_media_type', 'use application/didcomm-encrypted+json, -signed+json or -plain+json', skipBody(req, maxBytes));
    }
    let body: string | null;
    try {
      body = await readBody(req, maxBytes);
    } catch {
      return refuse(res, 400, 'bad_request', 'the request body could not be read');
    }
    if (body === null) return refuse(res, 413, ErrorCodes.LIMIT_EXCEEDED, `messages are limited to ${maxBytes} bytes`, { connection: 'close' });
    const exchange = httpReplySession();
    try {
      await host.receive(body, exchange.session);
    } catch (e) {
      exchange.close();
      // A refusal that the agent answered in DIDComm (a problem report on the return route).
      if (e instanceof DIDCommError && exchange.hasReply()) return exchange.respond(res, statusFor(e));
      const code = e instanceof DIDCommError ? e.code : 'internal_error';
      return refuse(res, statusFor(e), code, e instanceof DIDCommError ? e.message : 'internal error');
    }
    exchange.respond(res);
  };
}
