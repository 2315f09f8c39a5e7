// The mediator's HTTP surface: POST / (DIDComm, the three media types), GET /oob, /healthz,
// /metrics, /chat (the chat page, chat.ts). A DIDComm POST is answered only after the mediator
// has handled it (a forward: after its durable write), 202 or 200 with a return-routed reply.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { DIDCommError, isDIDCommMediaType, v1, type Logger } from '@didcomm-ts/core';
import { httpReplySession, readBody, skipBody, statusFor } from '@didcomm-ts/core/node';
import { MediatorError } from './errors.js';
import type { ChatHandler } from './chat.js';
import type { Mediator } from './mediator.js';
import { addressKey, RateLimiter } from './net.js';

export interface HttpOptions {
  mediator: Mediator;
  logger: Logger;
  maxBytes: number;
  /** DIDComm messages per second per client address (HTTP and WebSocket together when `rate` is shared). */
  rateLimit: number;
  /** The buckets behind rateLimit (default: new ones, for HTTP alone). */
  rate?: RateLimiter;
  /** The client address of a request (default: the socket's peer). */
  clientAddress?: (req: IncomingMessage) => string;
  invitation: () => { json: unknown; url: string };
  /** The DIDComm v1 invitation (GET /oob?version=1). */
  invitationV1?: () => { json: unknown; url: string };
  health: () => Promise<Record<string, unknown>>;
  metrics: () => Promise<string>;
  /** True once shutdown began: new requests are refused with 503. */
  stopping: () => boolean;
  /** GET /chat and its assets (the chat page). */
  chat?: ChatHandler;
  /**
   * Most bytes of DIDComm answers (a pickup's delivery can be MBs) written to one client address
   * and not yet taken by it; past it, its new requests get 429 until it reads (default 8 MiB).
   */
  maxUnreadBytes?: number;
  /** GET /s?_oobid=ID (and /s/ID): the full URL of a short link (short-links.ts), undefined when unknown. */
  shortLink?: (url: URL) => Promise<string | undefined>;
}


/**
 * What an HTTP exchange's session offers the handlers: bytes of an answer reserved against the
 * client address's unread bound before the answer is built (false: over it, build nothing).
 */
export interface AnswerBudget {
  reserveAnswer?(bytes: number): boolean;
}

/** The v1 envelope's media types (Aries RFC 0044), parameters ignored. */
function isV1MediaType(contentType: string | undefined): boolean {
  return contentType !== undefined && v1.V1_MEDIA_TYPES.includes(contentType.split(';')[0].trim().toLowerCase());
}

export function createRequestHandler(o: HttpOptions) {
  // Per client address, not per connection: more connections must not buy more messages.
  const rate = o.rate ?? new RateLimiter(o.rateLimit);
  const clientOf = o.clientAddress ?? ((req: IncomingMessage) => addressKey(req.socket.remoteAddress));
  const metrics = o.mediator.metrics;
  let inFlight = 0;
  // A client that asks for deliveries and never reads them would otherwise pile them up in
  // our socket buffers, a few MB a request, on as many connections as it may open.
  const maxUnread = o.maxUnreadBytes ?? 8 * 1024 * 1024;
  const unread = new Map<string, number>();
  const holdUntilRead = (client: string, res: ServerResponse, bytes: number) => {
    if (bytes === 0) return;
    unread.set(client, (unread.get(client) ?? 0) + bytes);
    let done = false;
    const release = () => {
      if (done) return;
      done = true;
      const left = (unread.get(client) ?? 0) - bytes;
      if (left > 0) unread.set(client, left);
      else unread.delete(client);
    };
    res.once('finish', release);
    res.once('close', release);
  };
  const send = (res: ServerResponse, status: number, body: string, type = 'application/json', headers: Record<string, string> = {}) => {
    if (res.headersSent) return;
    res.writeHead(status, { 'content-type': type, 'content-length': Buffer.byteLength(body), ...headers }).end(body);
  };
  const refuse = (res: ServerResponse, status: number, code: string, message: string, headers: Record<string, string> = {}) => {
    metrics.inc('didcomm_mediator_refused_total', { reason: code });
    send(res, status, JSON.stringify({ error: code, message }), 'application/json', headers);
  };

  async function didcomm(req: IncomingMessage, res: ServerResponse) {
    if (!isDIDCommMediaType(req.headers['content-type']) && !isV1MediaType(req.headers['content-type'])) {
      return refuse(res, 415, 'unsupported_media_type', 'use application/didcomm-encrypted+json, -signed+json or -plain+json (v2), application/didcomm-envelope-enc or ssi-agent-wire (v1)', skipBody(req, o.maxBytes));
    }
    const client = clientOf(req);
    if ((unread.get(client) ?? 0) > maxUnread) {
      return refuse(res, 429, 'responses_unread', 'earlier answers to this address are still unread', { 'retry-after': '1', ...skipBody(req, o.maxBytes) });
    }
    if (!rate.take(client)) {
      return refuse(res, 429, 'rate_limited', `at most ${o.rateLimit} messages a second per client address`, { 'retry-after': '1', ...skipBody(req, o.maxBytes) });
    }
    let body: string | null;
    try {
      body = await readBody(req, o.maxBytes);
    } catch {
      return refuse(res, 400, 'bad_request', 'the request body could not be read');
    }
    // The rest of an oversized body is not read: the connection closes after the 413.
    if (body === null) return refuse(res, 413, 'ERR_LIMIT_EXCEEDED', `messages are limited to ${o.maxBytes} bytes`, { connection: 'close' });
    const exchange = httpReplySession();
    // A delivery's bytes are reserved against the address's unread bound before it is packed
    // (pickup.ts), so that pipelined requests unpacked in parallel cannot all pass the check
    // above before the first answer is written; the reservation gives way to the answer's real
    // size once it is written.
    let reserved = 0;
    const release = () => {
      if (reserved === 0) return;
      const left = (unread.get(client) ?? 0) - reserved;
      if (left > 0) unread.set(client, left);
      else unread.delete(client);
      reserved = 0;
    };
    (exchange.session as AnswerBudget).reserveAnswer = (bytes: number) => {
      const now = unread.get(client) ?? 0;
      // One answer always goes (a delivery may be larger than the bound); none past it.
      if (now > 0 && now + bytes > maxUnread) return false;
      unread.set(client, now + bytes);
      reserved += bytes;
      return true;
    };
    try {
      await o.mediator.receive(body, exchange.session);
    } catch (e) {
      release();
      exchange.close();
      if (e instanceof MediatorError) return refuse(res, e.status, e.code, e.message, e.retryAfter !== undefined ? { 'retry-after': String(e.retryAfter) } : {});
      // Refused, and answered in DIDComm too (a replay from an authenticated sender gets a problem report).
      if (e instanceof DIDCommError && exchange.hasReply()) {
        metrics.inc('didcomm_mediator_refused_total', { reason: e.code });
        exchange.respond(res, statusFor(e));
        return holdUntilRead(client, res, res.writableLength);
      }
      if (e instanceof DIDCommError) return refuse(res, statusFor(e), e.code, e.message);
      o.logger.error('request failed', { error: e instanceof Error ? e.message : String(e) });
      return refuse(res, 500, 'internal_error', 'internal error');
    }
    release();
    exchange.respond(res);
    holdUntilRead(client, res, res.writableLength);
  }

  const handler = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    if (o.stopping()) {
      return refuse(res, 503, 'shutting_down', 'the mediator is shutting down', { connection: 'close', ...skipBody(req, o.maxBytes) });
    }
    inFlight++;
    try {
      const url = new URL(req.url ?? '/', 'http://x');
      if (req.method === 'POST' && url.pathname === '/') return await didcomm(req, res);
      if (req.method !== 'GET' && req.method !== 'HEAD') {
        return refuse(res, 405, 'method_not_allowed', 'POST / takes DIDComm messages', skipBody(req, o.maxBytes));
      }
      if (o.chat && (url.pathname === '/chat' || url.pathname.startsWith('/chat/'))) return o.chat(req, res, url);
      if (o.shortLink && (url.pathname === '/s' || url.pathname.startsWith('/s/'))) {
        const to = await o.shortLink(url);
        return to ? send(res, 302, '', 'text/plain', { location: to, 'cache-control': 'no-store' }) : refuse(res, 404, 'short_link_unknown', 'unknown or expired short link');
      }
      switch (url.pathname) {
        case '/oob': {
          // ?version=1: the DIDComm v1 (out-of-band 1.1) invitation, for Aries wallets such as Credo.
          const inv = url.searchParams.get('version') === '1' && o.invitationV1 ? o.invitationV1() : o.invitation();
          if (url.searchParams.get('format') === 'url') return send(res, 200, inv.url, 'text/plain; charset=utf-8');
          return send(res, 200, JSON.stringify(inv.json), 'application/json');
        }
        case '/healthz': {
          const h = await o.health();
          return send(res, h.status === 'unavailable' ? 503 : 200, JSON.stringify(h));
        }
        case '/metrics':
          return send(res, 200, await o.metrics(), 'text/plain; version=0.0.4; charset=utf-8');
        case '/': {
          const inv = o.invitation();
          return send(res, 200, JSON.stringify({ did: o.mediator.did, invitation: inv.url }), 'application/json');
        }
        default:
          return refuse(res, 404, 'not_found', 'not found');
      }
    } catch (e) {
      o.logger.error('request failed', { error: e instanceof Error ? e.message : String(e) });
      return refuse(res, 500, 'internal_error', 'internal error');
    } finally {
      inFlight--;
    }
  };
  return Object.assign(handler, { inFlight: () => inFlight });
}
