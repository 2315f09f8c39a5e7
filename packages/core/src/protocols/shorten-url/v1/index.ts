// Shorten URL 1.0: both roles. The url-shortener keeps URLs in a store and answers GETs of
// the short form with a redirect (`?_oobid=` for out-of-band invitations).
import type { Agent, SendOptions } from '../../../agent/agent.js';
import { DIDCommError, ErrorCodes } from '../../../errors.js';
import { newId } from '../../../message/create.js';
import type { Message } from '../../../message/types.js';
import { isObject } from '../../../util/json.js';
import { EMPTY } from '../../empty/v1/messages.js';
import { OOB_PARAM, OOBID_PARAM } from '../../out-of-band/v2/messages.js';
import { ProblemReportError } from '../../report-problem/v2/messages.js';
import { GoalCodes, INVALIDATE_SHORTENED_URL, REQUEST_SHORTENED_URL, ROLES, SHORTENED_URL, ShortenUrlProblems as P } from './messages.js';
import { InMemoryShortUrlStore, type ShortUrlEntry, type ShortUrlStore } from './store.js';

export * from './messages.js';
export * from './store.js';

/** Options of the url-shortener role: the base of short URLs, their store, and what is granted. */
export interface ShortenerOptions {
  /** Where short URLs point, e.g. https://agent.example/s (served by shortUrlResponse). */
  baseUrl: string;
  store?: ShortUrlStore;
  /** Longest validity granted, in seconds (default one day). */
  maxValiditySeconds?: number;
  /** Grant `requested_validity_seconds: 0` (valid until invalidated)? Default false. */
  allowIndefinite?: boolean;
  /** Honour short_url_slug (default true). */
  slugs?: boolean;
  /** URL schemes we shorten (default http and https). */
  schemes?: string[];
  /** Authorize a request (default: any authenticated sender). */
  authorize?: (sender: string | undefined, url: string) => boolean | Promise<boolean>;
  /** Longest long URL accepted, in characters (default and at most 64 KiB). */
  maxUrlChars?: number;
  /** Make the id of a new short URL (default a UUID); a shortener may want shorter ones. */
  newId?: (sender: string | undefined) => string | Promise<string>;
}

const SLUG = /^[A-Za-z0-9_-]{1,64}$/;
const MAX_URL = 64 * 1024;

/** The short URL for `id`: `?_oobid=` for OOB v2, a path segment otherwise. */
function shortUrlFor(base: string, id: string, goalCode: string): string {
  const url = new URL(base);
  if (goalCode === GoalCodes.OOB_V2) {
    url.searchParams.set(OOBID_PARAM, id);
    return url.toString();
  }
  url.pathname = `${url.pathname.replace(/\/$/, '')}/${encodeURIComponent(id)}`;
  return url.toString();
}

/** The id inside a short URL we issued, or undefined when the URL is not one of ours. */
export function shortUrlId(base: string, shortUrl: string): string | undefined {
  let u: URL;
  let b: URL;
  try {
    u = new URL(shortUrl);
    b = new URL(base);
  } catch {
    return undefined;
  }
  if (u.origin !== b.origin) return undefined;
  const oobid = u.searchParams.get(OOBID_PARAM);
  if (oobid !== null) return u.pathname === b.pathname ? oobid : undefined;
  const prefix = `${b.pathname.replace(/\/$/, '')}/`;
  if (!u.pathname.startsWith(prefix)) return undefined;
  const rest = decodeURIComponent(u.pathname.slice(prefix.length));
  return rest.length > 0 && !rest.includes('/') ? rest : undefined;
}

/** Check a request body and turn it into the entry to store (throws problem reports). */
async function entryFor(body: unknown, sender: string | undefined, o: ShortenerOptions, store: ShortUrlStore): Promise<ShortUrlEntry> {
  if (!isObject(body)) throw new ProblemReportError(P.INVALID_URL, 'The request has no body');
  const { url, requested_validity_seconds: validity, goal_code: goal, short_url_slug: slug } = body;
  if (typeof url !== 'string') throw new ProblemReportError(P.INVALID_URL, 'The url is not a valid URL');
  const maxUrl = Math.min(o.maxUrlChars ?? MAX_URL, MAX_URL);
  if (url.length > maxUrl) throw new ProblemReportError(P.INVALID_URL, 'The url is longer than {1} characters', [String(maxUrl)]);
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new ProblemReportError(P.INVALID_URL, 'The url is not a valid URL');
  }
  const schemes = o.schemes ?? ['http', 'https'];
  if (!schemes.includes(parsed.protocol.replace(/:$/, ''))) throw new ProblemReportError(P.INVALID_PROTOCOL_SCHEME, 'URLs with scheme {1} are not shortened here', [parsed.protocol.replace(/:$/, '')]);
  const goalCode = typeof goal === 'string' ? goal : '';
  if (!(Object.values(GoalCodes) as string[]).includes(goalCode)) throw new ProblemReportError(P.INVALID_GOAL_CODE, 'Goal code {1} is not supported', [goalCode]);
  if (goalCode === GoalCodes.OOB_V2 && !parsed.searchParams.has(OOB_PARAM)) throw new ProblemReportError(P.INVALID_URL, 'With goal code shorten.oobv2 the url must carry _oob');
  if (goalCode === GoalCodes.OOB_V1 && !parsed.searchParams.has('oob')) throw new ProblemReportError(P.INVALID_URL, 'With goal code shorten.oobv1 the url must carry oob');
  const max = o.maxValiditySeconds ?? 86_400;
  const tooLong = () => new ProblemReportError(P.VALIDITY_TOO_LONG, 'The requested validity is longer than {1} seconds', [String(max)], { problem_items: [{ max_validity_seconds: max }] });
  let seconds: number | undefined;
  if (validity === undefined) seconds = max;
  else if (typeof validity !== 'number' || !Number.isSafeInteger(validity) || validity < 0) throw new ProblemReportError('e.p.msg.invalid-validity', 'requested_validity_seconds must be a non-negative integer');
  else if (validity === 0) {
    if (!o.allowIndefinite) throw tooLong();
    seconds = undefined;
  } else if (validity > max) throw tooLong();
  else seconds = validity;
  let id: string;
  if (slug !== undefined && slug !== '') {
    if (o.slugs === false) throw new ProblemReportError(P.SLUGS_NOT_SUPPORTED, 'Slugs are not supported');
    if (typeof slug !== 'string' || !SLUG.test(slug)) throw new ProblemReportError(P.INVALID_SLUG, 'A slug is 1 to 64 letters, digits, _ or -');
    if (await store.has(slug)) throw new ProblemReportError(P.INVALID_SLUG, 'The slug is taken');
    id = slug;
  } else id = o.newId ? await o.newId(sender) : newId();
  const entry: ShortUrlEntry = { id, url, shortenedUrl: shortUrlFor(o.baseUrl, id, goalCode), ...(sender ? { owner: sender } : {}) };
  if (seconds !== undefined) entry.expiresTime = Math.floor(Date.now() / 1000) + seconds;
  return entry;
}

/**
 * Register the roles: long-url-provider always (it accepts shortened-url answers), the
 * url-shortener when `shortener` options are given. Returns the shortener's store.
 */
export function register(agent: Agent, o: { shortener?: ShortenerOptions } = {}): { store?: ShortUrlStore } {
  agent.on(SHORTENED_URL, () => undefined, { roles: [ROLES.provider] });
  const so = o.shortener;
  if (!so) return {};
  new URL(so.baseUrl);
  const store = so.store ?? new InMemoryShortUrlStore();
  agent.on(
    REQUEST_SHORTENED_URL,
    async (ctx) => {
      const allowed = so.authorize ? await so.authorize(ctx.sender, String(ctx.message.body?.url)) : ctx.sender !== undefined;
      if (!allowed) throw new ProblemReportError('e.p.trust.not-authorized', 'Only authenticated, authorized senders may shorten URLs');
      const requested = await entryFor(ctx.message.body, ctx.sender, so, store);
      // The same requester asking again for the same URL gets the link it already has.
      const entry = (requested.owner !== undefined && (await store.find?.(requested.owner, requested.url))) || requested;
      if (entry === requested) await store.put(entry);
      await ctx.reply({ type: SHORTENED_URL, body: { shortened_url: entry.shortenedUrl, ...(entry.expiresTime !== undefined ? { expires_time: entry.expiresTime } : {}) } });
    },
    { roles: [ROLES.shortener] },
  );
  agent.on(
    INVALIDATE_SHORTENED_URL,
    async (ctx) => {
      const short = ctx.message.body?.shortened_url;
      const id = typeof short === 'string' ? shortUrlId(so.baseUrl, short) : undefined;
      const entry = id !== undefined ? await store.get(id) : undefined;
      if (!entry) throw new ProblemReportError(P.SHORT_URL_INVALID, 'The shortened URL is unknown, expired or already invalidated');
      if (entry.owner === undefined || entry.owner !== ctx.sender) throw new ProblemReportError(P.REJECTED_INVALIDATION, 'Only the party that requested a shortened URL may invalidate it');
      await store.delete(entry.id);
      // The protocol: acknowledge with an empty message whose ack names the request.
      await ctx.reply({ type: EMPTY, ack: [ctx.message.id], body: {} });
    },
    { roles: [ROLES.shortener] },
  );
  return { store };
}

/**
 * The HTTP answer to a GET of a short URL (Web-standard Response, for any server): 302 to
 * the long URL, 404 when unknown or expired. Non-matching URLs get undefined (not ours).
 */
export async function shortUrlResponse(store: ShortUrlStore, baseUrl: string, requestUrl: string): Promise<Response | undefined> {
  const id = shortUrlId(baseUrl, requestUrl);
  if (id === undefined) return undefined;
  const entry = await store.get(id);
  if (!entry) return new Response('unknown or expired short URL', { status: 404, headers: { 'content-type': 'text/plain' } });
  return new Response(null, { status: 302, headers: { location: entry.url, 'cache-control': 'no-store' } });
}

/** A request for a short URL (long-url-provider role). */
export interface ShortenRequest {
  url: string;
  /** 0 asks for "until invalidated"; default: the shortener decides. */
  requestedValiditySeconds?: number;
  goalCode: string;
  slug?: string;
}

/** long-url-provider: ask `shortener` for a short URL; rejects with ERR_PROBLEM_REPORT on refusal. */
export async function requestShortenedUrl(agent: Agent, shortener: string, r: ShortenRequest, o: SendOptions & { timeoutMs?: number } = {}): Promise<{ shortenedUrl: string; expiresTime?: number }> {
  const body: Record<string, unknown> = { url: r.url, goal_code: r.goalCode };
  if (r.requestedValiditySeconds !== undefined) body.requested_validity_seconds = r.requestedValiditySeconds;
  if (r.slug !== undefined) body.short_url_slug = r.slug;
  // return_route: the answer comes back on the request's connection when the shortener can.
  const msg: Message = { id: newId(), type: REQUEST_SHORTENED_URL, from: agent.did, to: [shortener], created_time: Math.floor(Date.now() / 1000), return_route: 'all', body };
  const { message } = await agent.request(msg, o);
  const b = message.body;
  if (message.type !== SHORTENED_URL || !isObject(b) || typeof b.shortened_url !== 'string') throw new DIDCommError(ErrorCodes.MALFORMED, `expected shortened-url, got ${message.type}`);
  if (b.expires_time !== undefined && !Number.isSafeInteger(b.expires_time)) throw new DIDCommError(ErrorCodes.MALFORMED, 'shortened-url expires_time is not an integer');
  return { shortenedUrl: b.shortened_url, ...(b.expires_time !== undefined ? { expiresTime: b.expires_time as number } : {}) };
}

/** long-url-provider: invalidate a short URL; resolves once the shortener acknowledged it. */
export async function invalidateShortenedUrl(agent: Agent, shortener: string, shortenedUrl: string, o: SendOptions & { timeoutMs?: number } = {}): Promise<void> {
  const msg: Message = { id: newId(), type: INVALIDATE_SHORTENED_URL, from: agent.did, to: [shortener], created_time: Math.floor(Date.now() / 1000), return_route: 'all', body: { shortened_url: shortenedUrl } };
  const { message } = await agent.request(msg, o);
  if (!Array.isArray(message.ack) || !message.ack.includes(msg.id)) throw new DIDCommError(ErrorCodes.MALFORMED, 'the answer does not acknowledge the invalidation');
}
