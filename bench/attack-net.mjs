// Raw clients for bench/attacker.mjs, bound to a chosen loopback source address so that the
// mediator sees the attacker (127.0.0.2) as a client apart from the honest ones (127.0.0.1):
// a fetch for HttpTransport, keep-alive POSTs answered as raw bytes, and WebSockets written
// by hand (handshake and masked frames) so that one can send without ever reading.
import { Agent as HttpAgent, request } from 'node:http';
import { connect } from 'node:net';
import { randomBytes } from 'node:crypto';

export const ATTACKER_ADDRESS = '127.0.0.2';

const NO_BODY = new Set([101, 204, 205, 304]);

/** A `fetch` over node:http from `localAddress` (what HttpTransport needs: method, headers, body, signal). */
export function fetchFrom(localAddress, { maxSockets = 16 } = {}) {
  const agent = new HttpAgent({ keepAlive: true, maxSockets, localAddress });
  const f = (url, init = {}) =>
    new Promise((resolve, reject) => {
      const req = request(url, { method: init.method ?? 'GET', headers: init.headers, agent, signal: init.signal }, (res) => {
        const chunks = [];
        res.on('data', (c) => chunks.push(c));
        res.on('error', reject);
        res.on('end', () => {
          const headers = Object.entries(res.headers).map(([k, v]) => [k, Array.isArray(v) ? v.join(', ') : String(v)]);
          resolve(new Response(NO_BODY.has(res.statusCode) ? null : Buffer.concat(chunks), { status: res.statusCode, headers }));
        });
      });
      req.on('error', reject);
      req.end(init.body);
    });
  return Object.assign(f, { close: () => agent.destroy() });
}

/** POST `body` (a DIDComm media type) from `localAddress`; -> { status, text }. */
export async function postFrom(fetchImpl, url, body, type = 'application/didcomm-encrypted+json') {
  try {
    const res = await fetchImpl(url, { method: 'POST', headers: { 'content-type': type }, body, signal: AbortSignal.timeout(10_000) });
    return { status: res.status, text: await res.text() };
  } catch (e) {
    return { status: 0, text: '', error: e?.code ?? e?.name ?? 'error' };
  }
}

/** A client WebSocket frame: text, final, masked (RFC 6455 5.2). */
export function wsFrame(text) {
  const payload = Buffer.from(text);
  const n = payload.length;
  let head;
  if (n < 126) head = Buffer.from([0x81, 0x80 | n]);
  else if (n < 65536) head = Buffer.from([0x81, 0x80 | 126, n >> 8, n & 255]);
  else {
    head = Buffer.alloc(10);
    head[0] = 0x81;
    head[1] = 0x80 | 127;
    head.writeBigUInt64BE(BigInt(n), 2);
  }
  const mask = randomBytes(4);
  for (let i = 0; i < n; i++) payload[i] ^= mask[i & 3];
  return Buffer.concat([head, mask, payload]);
}

/**
 * A TCP connection from `localAddress` to `url` that has sent `first` (e.g. a WebSocket
 * upgrade or the start of a request). With `read: false` nothing is ever read from it: the
 * kernel's receive buffer fills and the peer's writes pile up on its side. `closed` tells
 * whether the peer (or an error) ended it.
 */
export function rawConnection(url, { localAddress = ATTACKER_ADDRESS, first, read = true } = {}) {
  const u = new URL(url);
  return new Promise((resolve) => {
    const socket = connect({ host: u.hostname, port: Number(u.port), localAddress });
    const conn = { socket, closed: false, error: undefined, received: 0, firstBytes: '' };
    socket.on('error', (e) => (conn.error = e.code ?? 'error'));
    socket.on('close', () => {
      conn.closed = true;
      resolve(conn);
    });
    socket.on('connect', () => {
      if (first) socket.write(first);
      if (read) {
        socket.on('data', (d) => {
          if (conn.firstBytes.length < 64) conn.firstBytes += d.toString('latin1', 0, 64);
          conn.received += d.length;
        });
      } else socket.pause();
      resolve(conn);
    });
  });
}

/** The request head of a WebSocket upgrade to `url`. */
export function wsUpgrade(url) {
  const u = new URL(url);
  return `GET ${u.pathname} HTTP/1.1\r\nHost: ${u.host}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: ${randomBytes(16).toString('base64')}\r\nSec-WebSocket-Version: 13\r\n\r\n`;
}
