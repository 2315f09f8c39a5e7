// did:web's default fetch in Node: node:https with a DNS lookup that refuses private, loopback
// and link-local answers (every answer is checked, and the connection goes to the address that
// was checked, so DNS rebinding cannot slip one in), and no redirects. WHATWG fetch (undici)
// offers no hook for the address it connects to, hence this small client.
import https from 'node:https';
import { lookup as dnsLookup, type LookupAddress, type LookupOptions } from 'node:dns';
import { BlockList, isIP } from 'node:net';
import { Readable } from 'node:stream';
import { PRIVATE_V4, PRIVATE_V6 } from './private-network.js';
import type { FetchLike } from './web.js';

const blocked = new BlockList();
for (const cidr of PRIVATE_V4) blocked.addSubnet(cidr.split('/')[0], Number(cidr.split('/')[1]), 'ipv4');
for (const cidr of PRIVATE_V6) blocked.addSubnet(cidr.split('/')[0], Number(cidr.split('/')[1]), 'ipv6');

/** Is this address (v4 or v6, v4-mapped and NAT64 included) in a private range? */
export function isPrivateAddress(address: string): boolean {
  const family = isIP(address);
  if (family === 4) return blocked.check(address, 'ipv4');
  if (family !== 6) return false;
  const embedded = /^(?:::ffff:|64:ff9b::)(\d{1,3}(?:\.\d{1,3}){3})$/i.exec(address);
  if (embedded) return blocked.check(embedded[1], 'ipv4');
  return blocked.check(address, 'ipv6');
}

/** A did:web host resolved to a private, loopback or link-local address (code ERR_PRIVATE_ADDRESS), refused before connecting. */
export class PrivateAddressError extends Error {
  readonly code = 'ERR_PRIVATE_ADDRESS';
  constructor(host: string, address: string) {
    super(`${host} resolves to ${address}, a private or local address; did:web will not fetch from it`);
    this.name = 'PrivateAddressError';
  }
}

type LookupCallback = (err: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void;

function guardedLookup(hostname: string, options: LookupOptions, callback: LookupCallback): void {
  dnsLookup(hostname, { ...options, all: true }, (err, addresses) => {
    if (err) return callback(err, []);
    const bad = addresses.find((a) => isPrivateAddress(a.address));
    if (bad) return callback(new PrivateAddressError(hostname, bad.address), []);
    if (options.all) return callback(null, addresses);
    const first = addresses[0];
    if (!first) return callback(Object.assign(new Error(`no address for ${hostname}`), { code: 'ENOTFOUND' }), []);
    callback(null, first.address, first.family);
  });
}

/** Options of guardedFetch. */
export interface GuardedFetchOptions {
  /** Let did:web reach private and local addresses (tests, intranets). Default false. */
  allowPrivateNetwork?: boolean;
  /** Certificate authorities to trust instead of Node's (an intranet CA, a test certificate). */
  ca?: string | Buffer | Array<string | Buffer>;
}

/** A FetchLike for did:web over node:https: GET, no redirects, private addresses refused unless allowed. */
export function guardedFetch(o: GuardedFetchOptions = {}): FetchLike {
  return (url, init) =>
    new Promise<Response>((resolve, reject) => {
      const u = new URL(url);
      if (u.protocol !== 'https:') return reject(new Error('did:web is fetched over https only'));
      const host = u.hostname.replace(/^\[|\]$/g, '');
      if (!o.allowPrivateNetwork && isIP(host) && isPrivateAddress(host)) return reject(new PrivateAddressError(host, host));
      const req = https.request(
        u,
        { method: init.method, headers: init.headers, signal: init.signal, ...(o.allowPrivateNetwork ? {} : { lookup: guardedLookup as never }), ...(o.ca !== undefined ? { ca: o.ca } : {}) },
        (res) => {
          const headers = new Headers();
          for (const [k, v] of Object.entries(res.headers)) {
            if (typeof v === 'string') headers.set(k, v);
            else if (Array.isArray(v)) for (const x of v) headers.append(k, x);
          }
          const status = res.statusCode ?? 0;
          if (status < 200 || status > 599) {
            res.resume();
            return reject(new Error(`unexpected HTTP status ${status}`));
          }
          const body = status === 204 || status === 304 || init.method === 'HEAD' ? null : (Readable.toWeb(res) as ReadableStream<Uint8Array>);
          if (!body) res.resume();
          resolve(new Response(body, { status, headers }));
        },
      );
      req.on('error', reject);
      req.end();
    });
}

export function defaultWebFetch(o: { allowPrivateNetwork?: boolean } = {}): FetchLike {
  return guardedFetch(o);
}
