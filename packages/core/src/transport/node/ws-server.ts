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
   * As `admitFrame`, but called once per connection for the per-frame decision, so the upgrade
   * request need not be kept for the connection's life (takes precedence over `admitFrame`).
   */
  admitFrames?: (req: IncomingMessage) => () => boolean;
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

/** What every connection of one server shares. */
interface Shared {
  host: TransportHost;
  o: WsServerOptions;
  open: Set<WsConnection>;
  rate: number;
  maxInFlight: number;
  maxBuffered: number;
  drainMs: number;
}

const CONNECTION = Symbol('connection');
type Tagged = WebSocket & { [CONNECTION]: WsConnection };

// One listener of each kind for every socket (`this` is the socket): an idle live session
// costs its state, not a dozen closures.
const connectionOf = (ws: WebSocket) => (ws as Tagged)[CONNECTION];
function onPong(this: WebSocket) {
  connectionOf(this).answered = true;
}
function onMessage(this: WebSocket, data: Buffer | ArrayBuffer | Buffer[], isBinary: boolean) {
  connectionOf(this).frame(data, isBinary);
}
function onWsClose(this: WebSocket) {
  connectionOf(this).closed();
}
function onWsError(this: WebSocket) {
  connectionOf(this).shared.o.onError?.('socket_error');
}

/**
 * One WebSocket connection, and the session DIDComm sees on it: inbound flow control (at most
 * maxInFlight frames handled at once), outbound back-pressure, the frame rate, the deadline
 * for proving who it is, and the heartbeat's answer.
 */
class WsConnection implements Session {
  readonly id = `ws:${++counter}`;
  readonly kind = 'ws' as const;
  /** Answered the last ping (the heartbeat closes it otherwise). */
  answered = true;
  #closeListeners: Array<() => void> | undefined;
  // Outbound: while more than maxBuffered bytes wait for the peer, we read nothing from it
  // and further sends wait their turn (the sender holds its message anyway; ws would copy it).
  // A peer that stays above the cap for drainMs is dropped, and the waiting sends fail.
  #draining: ReturnType<typeof setInterval> | undefined;
  #pendingSends: Array<{ packed: string; resolve(): void; reject(e: Error): void }> = [];
  // Inbound: at most maxInFlight frames handled at once. ws goes on parsing what it had
  // already read after pause(), so those frames wait here (a socket's read, no more).
  #waiting: string[] = [];
  #inFlight = 0;
  #authTimer: ReturnType<typeof setTimeout> | undefined;
  #proven = false;
  // Rate: admit decides, else `rate` frames a second on this connection. Frames over it are
  // dropped; a peer whose frames keep being dropped for 3 s is closed.
  #windowStart = Date.now();
  #inWindow = 0;
  #streakStart = 0;
  #lastDrop = -Infinity;

  constructor(
    readonly ws: WebSocket,
    readonly shared: Shared,
    readonly admit: (() => boolean) | undefined,
  ) {
    (ws as Tagged)[CONNECTION] = this;
    ws.on('pong', onPong);
    ws.on('message', onMessage);
    ws.on('close', onWsClose);
    ws.on('error', onWsError);
    this.#armAuthTimer();
  }

  get open(): boolean {
    return this.ws.readyState === WebSocket.OPEN;
  }

  send(packed: string): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      if (this.ws.readyState !== WebSocket.OPEN) return reject(new Error('socket closed'));
      if (this.#draining !== undefined || this.ws.bufferedAmount > this.shared.maxBuffered) {
        this.#pendingSends.push({ packed, resolve, reject });
        this.#overBuffer();
        return;
      }
      this.#write(packed, resolve, reject);
    });
  }

  onClose(listener: () => void): void {
    if (this.ws.readyState === WebSocket.CLOSED) listener();
    else (this.#closeListeners ??= []).push(listener);
  }

  /** The peer proved who it is: the idle deadline no longer applies. */
  authenticated(): void {
    this.#proven = true;
    clearTimeout(this.#authTimer);
    this.#authTimer = undefined;
  }

  heartbeat(): void {
    if (!this.answered) {
      this.ws.terminate();
      return;
    }
    this.answered = false;
    this.ws.ping();
  }

  closed(): void {
    this.shared.open.delete(this);
    this.#stopDraining();
    this.#failHeld('socket closed');
    clearTimeout(this.#authTimer);
    this.#waiting.length = 0;
    const listeners = this.#closeListeners;
    this.#closeListeners = undefined;
    for (const l of listeners ?? []) l();
  }

  frame(data: Buffer | ArrayBuffer | Buffer[], isBinary: boolean): void {
    if (!this.#admit()) {
      const now = Date.now();
      if (now - this.#lastDrop > 1000) this.#streakStart = now;
      this.#lastDrop = now;
      this.shared.o.onError?.('rate_limited');
      if (now - this.#streakStart >= 3000 && this.ws.readyState === WebSocket.OPEN) {
        this.shared.o.onError?.('rate_limited_closed');
        this.#closeSoon(1008, 'rate limited');
      }
      return;
    }
    const text = isBinary ? Buffer.from(data as Buffer).toString('utf8') : data.toString();
    if (this.#inFlight < this.shared.maxInFlight && !this.#draining && this.#waiting.length === 0) this.#handle(text);
    else {
      this.#waiting.push(text);
      this.#flow();
    }
  }

  #admit(): boolean {
    if (this.admit) return this.admit();
    const now = Date.now();
    if (now - this.#windowStart >= 1000) {
      this.#windowStart = now;
      this.#inWindow = 0;
    }
    return ++this.#inWindow <= this.shared.rate;
  }

  // A close frame is a request; a peer that ignores it is cut off a second later, not after ws's 30 s.
  #closeSoon(code: number, reason: string): void {
    this.ws.close(code, reason);
    const t = setTimeout(() => this.ws.terminate(), 1000);
    t.unref();
    this.onClose(() => clearTimeout(t));
  }

  #write(packed: string, resolve: () => void, reject: (e: Error) => void): void {
    this.ws.send(packed, (err) => (err ? reject(err) : resolve()));
    if (this.ws.bufferedAmount > this.shared.maxBuffered) this.#overBuffer();
  }

  #stopDraining(): void {
    clearInterval(this.#draining);
    this.#draining = undefined;
  }

  #failHeld(why: string): void {
    for (const h of this.#pendingSends.splice(0)) h.reject(new Error(why));
  }

  #slowConsumer(): void {
    this.#stopDraining();
    this.#failHeld('the peer does not read what it is sent');
    if (this.ws.readyState === WebSocket.CLOSED) return;
    this.shared.o.onError?.('slow_consumer');
    // It does not read, so a close frame would wait behind what it has not read: cut it off.
    this.ws.terminate();
  }

  #overBuffer(): void {
    if (this.#draining) return;
    const { maxBuffered, drainMs } = this.shared;
    let deadline = Date.now() + drainMs;
    this.#draining = setInterval(() => {
      if (this.ws.readyState !== WebSocket.OPEN) {
        this.#stopDraining();
        this.#failHeld('socket closed');
      } else if (this.ws.bufferedAmount <= maxBuffered) {
        // It reads: the waiting sends go out, and the deadline starts again if they refill the buffer.
        while (this.#pendingSends.length > 0 && this.ws.bufferedAmount <= maxBuffered) {
          const h = this.#pendingSends.shift()!;
          this.#write(h.packed, h.resolve, h.reject);
        }
        if (this.ws.bufferedAmount > maxBuffered) deadline = Date.now() + drainMs;
        else {
          this.#stopDraining();
          this.#flow();
        }
      } else if (Date.now() >= deadline) this.#slowConsumer();
    }, 50);
    this.#flow();
  }

  #armAuthTimer(): void {
    const ms = this.shared.o.authTimeoutMs;
    if (this.#proven || !ms || ms <= 0) return;
    clearTimeout(this.#authTimer);
    this.#authTimer = setTimeout(() => {
      this.#authTimer = undefined;
      this.shared.o.onError?.('auth_timeout');
      this.#closeSoon(1008, 'no authenticated request in time');
    }, ms);
  }

  #handle(text: string): void {
    this.#inFlight++;
    this.shared.host
      .receive(text, this)
      .then(
        () => this.#armAuthTimer(),
        (e) => this.shared.o.onError?.(e?.code ?? 'internal_error'),
      )
      .finally(() => {
        this.#inFlight--;
        this.#flow();
      });
  }

  #flow(): void {
    const { maxInFlight } = this.shared;
    while (this.#waiting.length > 0 && this.#inFlight < maxInFlight && !this.#draining && this.ws.readyState === WebSocket.OPEN) this.#handle(this.#waiting.shift()!);
    const hold = this.#inFlight >= maxInFlight || this.#draining !== undefined || this.#waiting.length > 0;
    if (hold && !this.ws.isPaused) this.ws.pause();
    else if (!hold && this.ws.isPaused) this.ws.resume();
  }
}

/**
 * Pings every open connection once per `every` ms, a slice of them each 100 ms tick rather than
 * all at once: one loop over 10,000 sockets (a write each) held the event loop for ~0.4 s every
 * 30 s, a stall every live delivery behind it waited out. A connection opened during a round is
 * first pinged in the next one.
 */
function spreadHeartbeat(open: Set<WsConnection>, every: number): ReturnType<typeof setInterval> {
  const tick = Math.min(every, 100);
  const ticks = Math.max(1, Math.round(every / tick));
  let round: WsConnection[] = [];
  let i = 0;
  return setInterval(() => {
    if (i === 0) round = [...open];
    const from = Math.floor((i * round.length) / ticks);
    const to = Math.floor(((i + 1) * round.length) / ticks);
    for (let k = from; k < to; k++) if (open.has(round[k])) round[k].heartbeat();
    i = (i + 1) % ticks;
    if (i === 0) round = [];
  }, tick);
}

/**
 * DIDComm over WebSocket on an existing HTTP server: one message per frame, duplex, the
 * connection is the session that return-routed replies and live deliveries use. Returns only
 * `close`: the `ws` server itself stays internal, so our published types never name `ws`'s
 * (a consumer type-checking @didcomm-ts/core/node would otherwise need @types/ws).
 */
export function attachWebSocketServer(server: Server, host: TransportHost, o: WsServerOptions = {}): { close(): Promise<void> } {
  const path = o.path ?? '/ws';
  // permessage-deflate stays off (ws's server default, said here so it stays so): each
  // connection that negotiated it would hold zlib contexts, hundreds of KB per idle session.
  const wss = new WebSocketServer({ noServer: true, maxPayload: o.maxBytes ?? 1024 * 1024, perMessageDeflate: false });
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
  const pingEvery = o.pingIntervalMs ?? 30_000;
  const open = new Set<WsConnection>();
  const heartbeat = pingEvery > 0 ? spreadHeartbeat(open, pingEvery) : undefined;
  heartbeat?.unref();
  const shared: Shared = {
    host,
    o,
    open,
    rate: o.messagesPerSecond ?? 200,
    maxInFlight: Math.max(1, o.maxInFlight ?? 32),
    maxBuffered: o.maxBufferedBytes ?? 16 * 1024 * 1024,
    drainMs: o.drainTimeoutMs ?? 5000,
  };
  wss.on('connection', (ws: WebSocket, req: IncomingMessage) => {
    // The request is not kept: thousands of idle live sessions would each hold its headers.
    const admit = o.admitFrames ? o.admitFrames(req) : o.admitFrame ? () => o.admitFrame!(req) : undefined;
    const c = new WsConnection(ws, shared, admit);
    open.add(c);
    o.onConnection?.(c);
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
