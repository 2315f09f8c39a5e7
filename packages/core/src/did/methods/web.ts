// did:web (https://w3c-ccg.github.io/did-method-web/): the DID names an HTTPS URL whose
// did.json is the document. Fetched with a deadline and a size cap, without redirects, and
// (unless allowPrivateNetwork) never from a private or local address: the server is untrusted,
// and so is whoever chose the DID.
import { DIDCommError, ErrorCodes } from '../../errors.js';
import { fromUtf8 } from '../../util/base64url.js';
import { concat } from '../../util/bytes.js';
import { parseJsonObject } from '../../util/json.js';
import type { DIDDocument } from '../types.js';
import { malformedDid } from './common.js';
import { isLocalHostname, isPrivateIPv4 } from './private-network.js';
import { defaultWebFetch } from '#web-fetch';

/** The subset of the Fetch API we use, so any WHATWG-compatible fetch can be injected. */
export type FetchLike = (url: string, init: { method: string; headers: Record<string, string>; signal: AbortSignal; redirect?: 'follow' | 'error' | 'manual' }) => Promise<Response>;

/** How did:web documents are fetched: client, network policy, deadline and size cap. */
export interface DidWebOptions {
  /**
   * Defaults, in Node, to a node:https client that refuses private and local addresses in DNS
   * answers (see allowPrivateNetwork); in browsers, to globalThis.fetch. A fetch given here
   * is trusted to apply its own network policy.
   */
  fetch?: FetchLike;
  /**
   * Let did:web reach loopback, private and link-local hosts (tests, intranets). Default false:
   * such hosts are refused with ERR_RESOLUTION_FAILED before any request.
   */
  allowPrivateNetwork?: boolean;
  /** Deadline for the whole request, body included (default 10 000 ms). */
  timeoutMs?: number;
  /** Largest accepted document (default 256 KiB). */
  maxBytes?: number;
}

const HOST_RE = /^(?=.{1,253}$)(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)*[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/i;
const SEGMENT_RE = /^(?:[A-Za-z0-9._~-]|%[0-9A-Fa-f]{2})+$/;

/** The HTTPS URL of a did:web's document (did:web spec, "Read (Resolve)"). */
export function didWebToUrl(did: string): string {
  if (typeof did !== 'string' || !did.startsWith('did:web:')) throw malformedDid('web', 'not a did:web');
  const parts = did.slice('did:web:'.length).split(':');
  const hostPart = parts[0];
  // Only the port colon may be percent-encoded in the host: %3A, either case.
  const m = /^([^%]+)(?:%3[aA](\d{1,5}))?$/.exec(hostPart);
  if (!m || !HOST_RE.test(m[1])) throw malformedDid('web', `bad host ${JSON.stringify(hostPart.slice(0, 80))}`);
  const port = m[2];
  if (port !== undefined && (Number(port) < 1 || Number(port) > 65535)) throw malformedDid('web', 'bad port');
  const path: string[] = [];
  for (const seg of parts.slice(1)) {
    if (!SEGMENT_RE.test(seg)) throw malformedDid('web', 'bad path segment');
    let decoded: string;
    try {
      decoded = decodeURIComponent(seg);
    } catch (e) {
      throw malformedDid('web', 'bad percent-encoding in path', e);
    }
    // A decoded separator or dot segment would let a DID escape the path it names.
    if (decoded === '.' || decoded === '..' || /[/\\?#]/.test(decoded)) throw malformedDid('web', 'path segment would change the URL path');
    path.push(seg);
  }
  const origin = `https://${m[1].toLowerCase()}${port !== undefined ? `:${port}` : ''}`;
  return path.length === 0 ? `${origin}/.well-known/did.json` : `${origin}/${path.join('/')}/did.json`;
}

const failed = (did: string, why: string, cause?: unknown) =>
  new DIDCommError(ErrorCodes.RESOLUTION_FAILED, `could not resolve ${did}: ${why}`, cause === undefined ? undefined : { cause });

/** Resolve a did:web; null when the server says the document does not exist (404, 410). */
export async function resolveDidWeb(did: string, options: DidWebOptions = {}): Promise<DIDDocument | null> {
  const url = didWebToUrl(did);
  const host = new URL(url).hostname;
  if (!options.allowPrivateNetwork && (isPrivateIPv4(host) || isLocalHostname(host))) {
    throw failed(did, `${host} is a private or local address (allowPrivateNetwork is off)`);
  }
  const fetchFn = options.fetch ?? defaultWebFetch({ allowPrivateNetwork: options.allowPrivateNetwork });
  if (typeof fetchFn !== 'function') throw new DIDCommError(ErrorCodes.UNSUPPORTED, 'did:web needs a fetch implementation');
  const timeoutMs = options.timeoutMs ?? 10_000;
  const maxBytes = options.maxBytes ?? 256 * 1024;
  const controller = new AbortController();
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    controller.abort();
  }, timeoutMs);
  try {
    let res: Response;
    try {
      res = await fetchFn(url, { method: 'GET', headers: { accept: 'application/did+json, application/json' }, signal: controller.signal, redirect: 'error' });
    } catch (e) {
      const why = timedOut ? `timed out after ${timeoutMs} ms` : (e as { code?: string })?.code === 'ERR_PRIVATE_ADDRESS' ? (e as Error).message : 'the request failed';
      throw failed(did, why, e);
    }
    if (res.status === 404 || res.status === 410) {
      await res.body?.cancel().catch(() => {});
      return null;
    }
    if (!res.ok) {
      await res.body?.cancel().catch(() => {});
      throw failed(did, res.status >= 300 && res.status < 400 ? `HTTP ${res.status}: did:web documents are not fetched through redirects` : `HTTP ${res.status}`);
    }
    const declared = Number(res.headers.get('content-length'));
    if (Number.isFinite(declared) && declared > maxBytes) {
      await res.body?.cancel().catch(() => {});
      throw new DIDCommError(ErrorCodes.LIMIT_EXCEEDED, `${did}: document larger than ${maxBytes} bytes`);
    }
    const bytes = await readCapped(res, maxBytes, did, () => (timedOut ? `timed out after ${timeoutMs} ms` : undefined));
    let doc: DIDDocument;
    try {
      doc = parseJsonObject(fromUtf8(bytes), 'did:web document') as DIDDocument;
    } catch (e) {
      throw failed(did, 'the document is not a JSON object', e);
    }
    if (doc.id !== did) throw failed(did, `the document id ${JSON.stringify(String(doc.id).slice(0, 120))} is not the DID`);
    return doc;
  } finally {
    clearTimeout(timer);
  }
}

async function readCapped(res: Response, maxBytes: number, did: string, timeoutReason: () => string | undefined): Promise<Uint8Array> {
  if (!res.body) return new Uint8Array(0);
  const reader = res.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      total += value.byteLength;
      if (total > maxBytes) {
        await reader.cancel().catch(() => {});
        throw new DIDCommError(ErrorCodes.LIMIT_EXCEEDED, `${did}: document larger than ${maxBytes} bytes`);
      }
      chunks.push(value);
    }
  } catch (e) {
    if (e instanceof DIDCommError) throw e;
    throw failed(did, timeoutReason() ?? 'reading the response failed', e);
  }
  return concat(...chunks);
}
