import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, WebSocket } from 'ws';
import type { Session, TransportHost } from '../types.js';

export interface WsServerOptions {
  /** Path to accept upgrades on (default "/ws"). */
  path?: string;
  /** Largest frame accepted (default 1 MiB); a larger one closes the connection (1009). */
  maxBytes?: number;
  /** Messages per second per connection before frames are dropped (default 200). */
  messagesPerSecond?: number;
  /**
   * Ping every connection this often (default 30 000 ms; 0 = never); one that has not answered
   * the previous ping is closed, so a peer that vanished (a phone off the network, a NAT that
   * forgot the flow) stops holding a live-mode session. Browsers and ws answer pings by themselves.
   */
  pingIntervalMs?: number;
  onConnection?: (session: Session) => void;
  onError?: (code: string) => void;
}

let counter = 0;

/**
 * DIDComm over WebSocket on an existing HTTP server: one message per frame, duplex, the
 * connection is the session that return-routed replies and live deliveries use.
 */
export function attachWebSocketServer(server: Server, host: TransportHost, o: WsServerOptions = {}) {
  const path = o.path ?? '/ws';
  const wss = new WebSocketServer({ noServer: true, maxPayload: o.maxBytes ?? 1024 * 1024 });
  const rate = o.messagesPerSecond ?? 200;
  const onUpgrade = (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    const url = new URL(req.url ?? '/', 'http://x');
    if (url.pathname !== path) return;
    wss.handleUpgrade(req, socket, head, (ws) => wss.emit('connection', ws, req));
  };
  server.on('upgrade', onUpgrade);
  const answered = new WeakMap<WebSocket, boolean>();
  const pingEvery = o.pingIntervalMs ?? 30_000;
  const heartbeat =
    pingEvery > 0
      ? setInterval(() => {
          for (const c of wss.clients) {
            if (answered.get(c) === false) {
              c.terminate();
              continue;
            }
            answered.set(c, false);
            c.ping();
          }
        }, pingEvery)
      : undefined;
  heartbeat?.unref();
  wss.on('connection', (ws: WebSocket) => {
    answered.set(ws, true);
    ws.on('pong', () => answered.set(ws, true));
    const session: Session = {
      id: `ws:${++counter}`,
      kind: 'ws',
      get open() {
        return ws.readyState === WebSocket.OPEN;
      },
      send: (packed) =>
        new Promise<void>((resolve, reject) => {
          if (ws.readyState !== WebSocket.OPEN) return reject(new Error('socket closed'));
          ws.send(packed, (err) => (err ? reject(err) : resolve()));
        }),
    };
    o.onConnection?.(session);
    let windowStart = Date.now();
    let inWindow = 0;
    ws.on('message', (data, isBinary) => {
      const now = Date.now();
      if (now - windowStart >= 1000) {
        windowStart = now;
        inWindow = 0;
      }
      if (++inWindow > rate) {
        o.onError?.('rate_limited');
        return;
      }
      const text = isBinary ? Buffer.from(data as Buffer).toString('utf8') : data.toString();
      host.receive(text, session).catch((e) => o.onError?.(e?.code ?? 'internal_error'));
    });
    ws.on('error', () => o.onError?.('socket_error'));
  });
  return {
    wss,
    close: () =>
      new Promise<void>((resolve) => {
        server.off('upgrade', onUpgrade);
        clearInterval(heartbeat);
        for (const c of wss.clients) c.close(1001, 'server shutting down');
        wss.close(() => resolve());
      }),
  };
}
