import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, WebSocket } from 'ws';
import type { Session, TransportHost } from '../types.js';

/** Options of attachWebSocketServer: the path, per-connection limits, flow control and heartbeat, and callbacks. */
export interface WsServerOptions {
  /** Path to accept upgrades on (default "/ws"). */
  path?: string;
  /** Largest frame accepted (default 1 MiB); a larger one closes the connection (1009). */
  maxBytes?: number;
  /** Messages per second per connection before frames are dropped (default 200; unused with `admitFrame`). */
  messagesPerSecond?: number;
  /**
   * Decides per frame whether it is handled (e.g. a rate limit per client address, which
   * replaces the per-connection one). A dropped frame is reported as `rate_limited`; a
   * connection whose frames keep being dropped for 3 s in a row is closed (1008).
   */
  admitFrame?: (req: IncomingMessage) => boolean;
  /**
   * Frames handled at once per connection (default 32). Past it the socket is not read, so a
   * peer that sends faster than we answer is slowed down by TCP instead of queued in memory.
   */
  maxInFlight?: number;
  /**
   * Bytes queued to a peer that does not read (default 16 MiB). Past it we stop reading from
   * the peer and further sends wait (so at most one message more than this is queued); a peer
   * that stays above it for `drainTimeoutMs` (default 5000) is dropped (`slow_consumer`) and the
   * waiting sends fail.
   */
  maxBufferedBytes?: number;
  drainTimeoutMs?: number;
  /**
   * Close (1008) a connection whose session was never marked `authenticated()` once no message
   * of it was handled successfully for this many ms (default 0: never): sockets that never
   * prove who they are do not stay open idle, while anonymous senders (forwards) that keep
   * sending keep theirs.
   */
  authTimeoutMs?: number;
  /** Decides per upgrade request whether the WebSocket opens (false: 429 and the socket closed), e.g. a cap per client. */
  admitUpgrade?: (req: IncomingMessage) => boolean;
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
 * connection is the session that return-routed replies and live deliveries use. Returns only
 * `close`: the `ws` server itself stays internal, so our published types never name `ws`'s
 * (a consumer type-checking @didcomm-ts/core/node would otherwise need @types/ws).
 */
export function attachWebSocketServer(server: Server, host: TransportHost, o: WsServerOptions = {}): { close(): Promise<void> } {
  const path = o.path ?? '/ws';
  const wss = new WebSocketServer({ noServer: true, maxPayload: o.maxBytes ?? 1024 * 1024 });
  const rate = o.messagesPerSecond ?? 200;
  const onUpgrade = (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    const url = new URL(req.url ?? '/', 'http://x');
    if (url.pathname !== path) return;
    if (o.admitUpgrade && !o.admitUpgrade(req)) {
      socket.end('HTTP/1.1 429 Too Many Requests\r\nConnection: close\r\nContent-Length: 0\r\n\r\n', () => socket.destroy());
      return;
    }
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
  const maxInFlight = Math.max(1, o.maxInFlight ?? 32);
  const maxBuffered = o.maxBufferedBytes ?? 16 * 1024 * 1024;
  const drainMs = o.drainTimeoutMs ?? 5000;
  wss.on('connection', (ws: WebSocket, req: IncomingMessage) => {
    answered.set(ws, true);
    ws.on('pong', () => answered.set(ws, true));
    // A close frame is a request; a peer that ignores it is cut off a second later, not after ws's 30 s.
    const closeSoon = (code: number, reason: string) => {
      ws.close(code, reason);
      const t = setTimeout(() => ws.terminate(), 1000);
      t.unref();
      ws.once('close', () => clearTimeout(t));
    };

    // Outbound: while more than maxBuffered bytes wait for the peer, we read nothing from it
    // and further sends wait their turn (the sender holds its message anyway; ws would copy it).
    // A peer that stays above the cap for drainMs is dropped, and the waiting sends fail.
    let draining: ReturnType<typeof setInterval> | undefined;
    const pendingSends: Array<{ packed: string; resolve(): void; reject(e: Error): void }> = [];
    const write = (packed: string, resolve: () => void, reject: (e: Error) => void) => {
      ws.send(packed, (err) => (err ? reject(err) : resolve()));
      if (ws.bufferedAmount > maxBuffered) overBuffer();
    };
    const stopDraining = () => {
      clearInterval(draining);
      draining = undefined;
    };
    const failHeld = (why: string) => {
      for (const h of pendingSends.splice(0)) h.reject(new Error(why));
    };
    const slowConsumer = () => {
      stopDraining();
      failHeld('the peer does not read what it is sent');
      if (ws.readyState === WebSocket.CLOSED) return;
      o.onError?.('slow_consumer');
      // It does not read, so a close frame would wait behind what it has not read: cut it off.
      ws.terminate();
    };
    const overBuffer = () => {
      if (draining) return;
      let deadline = Date.now() + drainMs;
      draining = setInterval(() => {
        if (ws.readyState !== WebSocket.OPEN) {
          stopDraining();
          failHeld('socket closed');
        } else if (ws.bufferedAmount <= maxBuffered) {
          // It reads: the waiting sends go out, and the deadline starts again if they refill the buffer.
          while (pendingSends.length > 0 && ws.bufferedAmount <= maxBuffered) {
            const h = pendingSends.shift()!;
            write(h.packed, h.resolve, h.reject);
          }
          if (ws.bufferedAmount > maxBuffered) deadline = Date.now() + drainMs;
          else {
            stopDraining();
            flow();
          }
        } else if (Date.now() >= deadline) slowConsumer();
      }, 50);
      flow();
    };

    let authTimer: ReturnType<typeof setTimeout> | undefined;
    const session: Session & { authenticated(): void } = {
      id: `ws:${++counter}`,
      kind: 'ws',
      get open() {
        return ws.readyState === WebSocket.OPEN;
      },
      send: (packed) =>
        new Promise<void>((resolve, reject) => {
          if (ws.readyState !== WebSocket.OPEN) return reject(new Error('socket closed'));
          if (draining !== undefined || ws.bufferedAmount > maxBuffered) {
            pendingSends.push({ packed, resolve, reject });
            overBuffer();
            return;
          }
          write(packed, resolve, reject);
        }),
      onClose: (listener) => {
        if (ws.readyState === WebSocket.CLOSED) listener();
        else ws.once('close', listener);
      },
      /** The peer proved who it is: the idle deadline no longer applies. */
      authenticated: () => {
        proven = true;
        clearTimeout(authTimer);
        authTimer = undefined;
      },
    };
    let proven = false;
    const armAuthTimer = () => {
      if (proven || !o.authTimeoutMs || o.authTimeoutMs <= 0) return;
      clearTimeout(authTimer);
      authTimer = setTimeout(() => {
        authTimer = undefined;
        o.onError?.('auth_timeout');
        closeSoon(1008, 'no authenticated request in time');
      }, o.authTimeoutMs);
    };
    armAuthTimer();

    // Inbound: at most maxInFlight frames handled at once. ws goes on parsing what it had
    // already read after pause(), so those frames wait here (a socket's read, no more).
    const waiting: string[] = [];
    let inFlight = 0;
    const handle = (text: string) => {
      inFlight++;
      host
        .receive(text, session)
        .then(armAuthTimer, (e) => o.onError?.(e?.code ?? 'internal_error'))
        .finally(() => {
          inFlight--;
          flow();
        });
    };
    function flow() {
      while (waiting.length > 0 && inFlight < maxInFlight && !draining && ws.readyState === WebSocket.OPEN) handle(waiting.shift()!);
      const hold = inFlight >= maxInFlight || draining !== undefined || waiting.length > 0;
      if (hold && !ws.isPaused) ws.pause();
      else if (!hold && ws.isPaused) ws.resume();
    }

    // Rate: admitFrame decides, else `rate` frames a second on this connection. Frames over it
    // are dropped; a peer whose frames keep being dropped for 3 s is closed.
    let windowStart = Date.now();
    let inWindow = 0;
    const admit =
      o.admitFrame !== undefined
        ? () => o.admitFrame!(req)
        : () => {
            const now = Date.now();
            if (now - windowStart >= 1000) {
              windowStart = now;
              inWindow = 0;
            }
            return ++inWindow <= rate;
          };
    let streakStart = 0;
    let lastDrop = -Infinity;
    ws.on('message', (data, isBinary) => {
      if (!admit()) {
        const now = Date.now();
        if (now - lastDrop > 1000) streakStart = now;
        lastDrop = now;
        o.onError?.('rate_limited');
        if (now - streakStart >= 3000 && ws.readyState === WebSocket.OPEN) {
          o.onError?.('rate_limited_closed');
          closeSoon(1008, 'rate limited');
        }
        return;
      }
      const text = isBinary ? Buffer.from(data as Buffer).toString('utf8') : data.toString();
      if (inFlight < maxInFlight && !draining && waiting.length === 0) handle(text);
      else {
        waiting.push(text);
        flow();
      }
    });
    ws.on('close', () => {
      stopDraining();
      failHeld('socket closed');
      clearTimeout(authTimer);
      waiting.length = 0;
    });
    o.onConnection?.(session);
    ws.on('error', () => o.onError?.('socket_error'));
  });
  return {
    close: () =>
      new Promise<void>((resolve) => {
        server.off('upgrade', onUpgrade);
        clearInterval(heartbeat);
        for (const c of wss.clients) c.close(1001, 'server shutting down');
        wss.close(() => resolve());
      }),
  };
}
