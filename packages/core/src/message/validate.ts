import { DIDCommError, ErrorCodes } from '../errors.js';
import { isDid, parseDidUrl } from '../did/url.js';
import { isObject } from '../util/json.js';
import { PLAINTEXT_TYP, type Message } from './types.js';

const bad = (msg: string) => new DIDCommError(ErrorCodes.MALFORMED, `invalid plaintext message: ${msg}`);
const DATA_KINDS = ['jws', 'hash', 'links', 'base64', 'json'] as const;

/** A media type without "/" means "application/..." (spec "IANA Media Types"). */
export const normalizeMediaType = (t: string): string => (t.includes('/') ? t : `application/${t}`);

const isOptionalString = (v: unknown) => v === undefined || typeof v === 'string';
const isOptionalInt = (v: unknown) => v === undefined || (typeof v === 'number' && Number.isSafeInteger(v) && v >= 0);
const isDidOrDidUrlWithoutFragment = (s: unknown): boolean => {
  if (typeof s !== 'string') return false;
  try {
    return parseDidUrl(s).fragment === undefined;
  } catch {
    return false;
  }
};

/** Options of validateMessage. */
export interface ValidateOptions {
  /** didcomm-rust and DIDComm v2.0 require `body`; v2.1 makes it optional (ERRATA 11). */
  requireBody?: boolean;
}

/**
 * Check a plaintext message's headers against the spec (FEATURES sections 1-3). Unknown
 * headers are kept. Returns the same object, typed.
 */
export function validateMessage(value: unknown, options: ValidateOptions = {}): Message {
  if (!isObject(value)) throw bad('not a JSON object');
  const m = value;
  if (typeof m.id !== 'string' || m.id.length === 0) throw bad('`id` is missing or not a non-empty string');
  if (m.id.length > 256) throw bad('`id` is longer than 256 characters');
  if (typeof m.type !== 'string' || m.type.length === 0) throw bad('`type` is missing or not a string');
  if (m.typ !== undefined && (typeof m.typ !== 'string' || normalizeMediaType(m.typ) !== PLAINTEXT_TYP)) throw bad(`\`typ\` must be "${PLAINTEXT_TYP}"`);
  if (m.body === undefined) {
    if (options.requireBody) throw bad('`body` is missing');
  } else if (!isObject(m.body)) throw bad('`body` must be a JSON object');
  if (m.from !== undefined && !isDidOrDidUrlWithoutFragment(m.from)) throw bad('`from` must be a DID (or DID URL without fragment)');
  if (m.to !== undefined && (!Array.isArray(m.to) || !m.to.every(isDidOrDidUrlWithoutFragment))) throw bad('`to` must be an array of DIDs');
  for (const h of ['thid', 'pthid', 'from_prior', 'lang'] as const) if (!isOptionalString(m[h])) throw bad(`\`${h}\` must be a string`);
  for (const h of ['created_time', 'expires_time'] as const) if (!isOptionalInt(m[h])) throw bad(`\`${h}\` must be a non-negative integer (epoch seconds)`);
  for (const h of ['please_ack', 'ack'] as const) {
    if (m[h] !== undefined && (!Array.isArray(m[h]) || !(m[h] as unknown[]).every((x) => typeof x === 'string'))) throw bad(`\`${h}\` must be an array of message ids`);
  }
  if (m.return_route !== undefined && !['none', 'all', 'thread'].includes(m.return_route as string)) throw bad('`return_route` must be none, all or thread');
  if (m.attachments !== undefined) validateAttachments(m.attachments);
  return m as Message;
}

function validateAttachments(atts: unknown) {
  if (!Array.isArray(atts)) throw bad('`attachments` must be an array');
  atts.forEach((a, i) => {
    if (!isObject(a)) throw bad(`attachment ${i} is not an object`);
    if (a.id !== undefined && typeof a.id !== 'string') throw bad(`attachment ${i} id must be a string`);
    for (const f of ['description', 'filename', 'media_type', 'format'] as const) if (!isOptionalString(a[f])) throw bad(`attachment ${i} ${f} must be a string`);
    for (const f of ['lastmod_time', 'byte_count'] as const) if (!isOptionalInt(a[f])) throw bad(`attachment ${i} ${f} must be a non-negative integer`);
    const d = a.data;
    if (!isObject(d)) throw bad(`attachment ${i} has no data object`);
    if (!DATA_KINDS.some((k) => d[k] !== undefined)) throw bad(`attachment ${i} data has none of ${DATA_KINDS.join(', ')}`);
    if (d.links !== undefined) {
      if (!Array.isArray(d.links) || !d.links.every((l) => typeof l === 'string')) throw bad(`attachment ${i} links must be an array of strings`);
      if (typeof d.hash !== 'string') throw bad(`attachment ${i} uses links without hash`);
    }
    if (d.hash !== undefined && typeof d.hash !== 'string') throw bad(`attachment ${i} hash must be a string`);
    if (d.base64 !== undefined && (typeof d.base64 !== 'string' || !/^[A-Za-z0-9_\-+/]*={0,2}$/.test(d.base64))) throw bad(`attachment ${i} base64 is not base64url`);
  });
}

export { isDid };
