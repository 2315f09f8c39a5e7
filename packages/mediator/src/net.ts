// Who is at the other end, and how much of the mediator they may hold: the client address (the
// socket's, or X-Forwarded-For's only behind a proxy the operator trusts), open connections per
// address, and token buckets per address and per account. Every map here is bounded, so an
// attacker with many addresses or many DIDs cannot grow them without end.
import type { IncomingMessage, Server } from 'node:http';
import { BlockList, isIP, isIPv4, type Socket } from 'node:net';

/**
 * The key an address is counted under: IPv4 as is (IPv4-mapped IPv6 unwrapped), IPv6 by its /64,
 * since one subscriber usually holds a whole /64 and could otherwise take a fresh address per
 * connection.
 */
export function addressKey(address: string | undefined): string {
  if (!address) return 'unknown';
  const a = address.startsWith('::ffff:') && isIPv4(address.slice(7)) ? address.slice(7) : address;
  if (isIP(a) !== 6) return a;
  return `${expandIPv6(a).slice(0, 4).join(':')}::/64`;
}

/** The eight 16-bit groups of an IPv6 address, as hex without leading zeros. */
function expandIPv6(a: string): string[] {
  const [head, tail] = a.split('::');
  const h = head ? head.split(':') : [];
  const t = tail !== undefined && tail !== '' ? tail.split(':') : [];
  // An embedded IPv4 tail (::1.2.3.4) counts as two groups; the /64 prefix never needs it.
  const groups = tail === undefined ? h : [...h, ...Array(Math.max(0, 8 - h.length - t.length)).fill('0'), ...t];
  return groups.map((g) => (g.includes('.') ? g : parseInt(g || '0', 16).toString(16)));
}

/** A BlockList of the trusted proxies: IPs, CIDRs, and `loopback` (127.0.0.0/8 and ::1). */
export function trustedProxies(list: readonly string[]): BlockList | undefined {
  if (list.length === 0) return undefined;
  const b = new BlockList();
  for (const x of list) {
    if (x === 'loopback') {
      b.addSubnet('127.0.0.0', 8, 'ipv4');
      b.addAddress('::1', 'ipv6');
      continue;
    }
    const [ip, bits] = x.split('/');
    const type = isIP(ip) === 6 ? 'ipv6' : 'ipv4';
    if (bits !== undefined) b.addSubnet(ip, Number(bits), type);
    else b.addAddress(ip, type);
  }
  return b;
}

function isTrusted(proxies: BlockList, address: string): boolean {
  const a = address.startsWith('::ffff:') && isIPv4(address.slice(7)) ? address.slice(7) : address;
  const v = isIP(a);
  return v !== 0 && proxies.check(a, v === 6 ? 'ipv6' : 'ipv4');
}

/**
 * The client address of a request, counted by addressKey. X-Forwarded-For is read only when the
 * socket's peer is a trusted proxy; its right-most entry that is not itself a trusted proxy is the
 * client (entries further left are whatever the client chose to write).
 */
export function clientAddressOf(trustProxy: readonly string[]): (req: IncomingMessage) => string {
  const proxies = trustedProxies(trustProxy);
  const memo = new WeakMap<IncomingMessage, string>();
  return (req) => {
    let key = memo.get(req);
    if (key !== undefined) return key;
    const peer = req.socket.remoteAddress ?? '';
    let client = peer;
    if (proxies && isTrusted(proxies, peer)) {
      const header = req.headers['x-forwarded-for'];
      const hops = (Array.isArray(header) ? header.join(',') : header ?? '').split(',').map((h) => h.trim()).filter(Boolean);
      for (let i = hops.length - 1; i >= 0; i--) {
        // A malformed hop ends the walk: the last address we could trust stands for the client.
        if (isIP(hops[i]) === 0) break;
        client = hops[i];
        if (!isTrusted(proxies, hops[i])) break;
      }
    }
    key = addressKey(client);
    memo.set(req, key);
    return key;
  };
}

/** Is this socket's peer a trusted proxy (whose connections stand for many clients)? */
export function isTrustedPeer(trustProxy: readonly string[]): (address: string | undefined) => boolean {
  const proxies = trustedProxies(trustProxy);
  return (address) => proxies !== undefined && address !== undefined && isTrusted(proxies, address);
}

export type Refusal = 'connections' | 'connections_per_ip';

/** Open connections, in all and per client address; `acquire` says why one is refused. */
export class ConnectionCounter {
  readonly #perKey = new Map<string, number>();
  #total = 0;
  constructor(readonly maxPerKey: number, readonly maxTotal: number) {}

  /** Count a new connection under `key` (undefined: counted in the total only); null when it is admitted. */
  acquire(key: string | undefined): Refusal | null {
    if (this.#total >= this.maxTotal) return 'connections';
    if (key !== undefined) {
      const n = this.#perKey.get(key) ?? 0;
      if (n >= this.maxPerKey) return 'connections_per_ip';
      this.#perKey.set(key, n + 1);
    }
    this.#total++;
    return null;
  }

  release(key: string | undefined): void {
    this.#total = Math.max(0, this.#total - 1);
    if (key === undefined) return;
    const n = (this.#perKey.get(key) ?? 1) - 1;
    // Only addresses with open connections are kept: the map is bounded by maxTotal.
    if (n > 0) this.#perKey.set(key, n);
    else this.#perKey.delete(key);
  }

  get total(): number {
    return this.#total;
  }
  count(key: string): number {
    return this.#perKey.get(key) ?? 0;
  }
}

/**
 * Token buckets by key: `rate` a second, bursts up to twice that. At most `maxKeys` buckets are
 * kept; past it the least recently used goes first (full buckets would be refilled anyway).
 */
export class RateLimiter {
  readonly #buckets = new Map<string, { tokens: number; at: number }>();
  constructor(readonly rate: number, readonly maxKeys = 100_000) {}

  /** Take one token for `key`; false when its bucket is empty. */
  take(key: string, now = Date.now()): boolean {
    const burst = this.rate * 2;
    let b = this.#buckets.get(key);
    if (b) {
      this.#buckets.delete(key);
      b.tokens = Math.min(burst, b.tokens + ((now - b.at) / 1000) * this.rate);
      b.at = now;
    } else {
      if (this.#buckets.size >= this.maxKeys) this.#buckets.delete(this.#buckets.keys().next().value as string);
      b = { tokens: burst, at: now };
    }
    // Re-inserted: Map order is least recently used first.
    this.#buckets.set(key, b);
    if (b.tokens < 1) return false;
    b.tokens -= 1;
    return true;
  }

  get size(): number {
    return this.#buckets.size;
  }
}

export interface GuardOptions {
  maxConnectionsPerIp: number;
  maxConnections: number;
  trustProxy: readonly string[];
  /** Called with the reason of every connection or request refused here. */
  onRefused(reason: string): void;
}

/**
 * Connection caps on a server: a connection over the cap (in all, or from its address) is
 * destroyed as it arrives, before any byte is read. A trusted proxy's connections stand for
 * many clients: they count in the total only (its clients are rate-limited by address).
 * Requests that miss the header or request deadline are counted as `request_timeout`.
 */
export function guardServer(server: Server, o: GuardOptions): ConnectionCounter {
  const counter = new ConnectionCounter(o.maxConnectionsPerIp, o.maxConnections);
  const trusted = isTrustedPeer(o.trustProxy);
  server.on('connection', (socket: Socket) => {
    const key = trusted(socket.remoteAddress) ? undefined : addressKey(socket.remoteAddress);
    const refused = counter.acquire(key);
    if (refused) {
      o.onRefused(refused);
      socket.destroy();
      return;
    }
    socket.once('close', () => counter.release(key));
  });
  // With a listener Node leaves the answer to us; this one answers as Node would (408, 431 or
  // 400 when no response has started) and counts the deadlines.
  server.on('clientError', (err: NodeJS.ErrnoException, socket: Socket) => {
    if (err.code === 'ERR_HTTP_REQUEST_TIMEOUT') o.onRefused('request_timeout');
    const started = (socket as { _httpMessage?: { headersSent?: boolean } })._httpMessage?.headersSent === true;
    if (socket.writable && !started && err.code !== 'ECONNRESET') {
      const status =
        err.code === 'ERR_HTTP_REQUEST_TIMEOUT' ? '408 Request Timeout' : err.code === 'HPE_HEADER_OVERFLOW' ? '431 Request Header Fields Too Large' : '400 Bad Request';
      socket.write(`HTTP/1.1 ${status}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
    }
    socket.destroy();
  });
  return counter;
}

/**
 * Behind a trusted proxy every connection comes from the proxy, so the cap per address is
 * applied where the client is known: at the WebSocket upgrade, to the forwarded client (plain
 * HTTP requests from it are bounded by the rate limit and the deadlines).
 */
export function proxiedUpgradeGuard(o: GuardOptions, clientOf: (req: IncomingMessage) => string): (req: IncomingMessage) => boolean {
  const trusted = isTrustedPeer(o.trustProxy);
  const counter = new ConnectionCounter(o.maxConnectionsPerIp, Infinity);
  return (req) => {
    if (!trusted(req.socket.remoteAddress)) return true;
    const key = clientOf(req);
    const refused = counter.acquire(key);
    if (refused) {
      o.onRefused(refused);
      return false;
    }
    req.socket.once('close', () => counter.release(key));
    return true;
  };
}
