import { TransportError, type OutboundTransport, type Session, type TransportHost } from './types.js';

/** The part of the WebSocket API we use: the browser's, or the `ws` package's in Node. */
export interface WebSocketLike {
  readonly readyState: number;
  send(data: string): void;
  close(code?: number, reason?: string): void;
  addEventListener(type: 'open' | 'close' | 'error' | 'message', listener: (ev: { data?: unknown }) => void): void;
}
/** A WebSocket class: the browser's `WebSocket`, or the `ws` package's in Node. */
export type WebSocketConstructor = new (url: string) => WebSocketLike;

/** Options of WsTransport: the WebSocket class (default globalThis.WebSocket) and the connect deadline. */
export interface WsTransportOptions {
  WebSocket?: WebSocketConstructor;
  connectTimeoutMs?: number;
}

const OPEN = 1;

/**
 * WebSocket client transport: one connection per endpoint, kept open and reused; every
 * frame is one message (spec "WebSockets"). Frames that arrive go to the host with this
 * connection as their session, so return-routed replies and live pickup come back here.
 */
export class WsTransport implements OutboundTransport {
  readonly schemes = ['ws', 'wss'] as const;
  readonly #WebSocket: WebSocketConstructor;
  readonly #connectTimeoutMs: number;
  readonly #sockets = new Map<string, Promise<WebSocketLike>>();

  constructor(o: WsTransportOptions = {}) {
    const Ctor = o.WebSocket ?? (globalThis as { WebSocket?: WebSocketConstructor }).WebSocket;
    if (!Ctor) throw new TypeError('no WebSocket implementation: pass options.WebSocket (the `ws` package in Node)');
    this.#WebSocket = Ctor;
    this.#connectTimeoutMs = o.connectTimeoutMs ?? 10_000;
  }

  async send(uri: string, packed: string, host: TransportHost): Promise<void> {
    const socket = await this.connect(uri, host);
    try {
      socket.send(packed);
    } catch (e) {
      this.#sockets.delete(uri);
      throw new TransportError(`sending on ${uri} failed`, true, { cause: e });
    }
  }

  /** The open connection to `uri`, opened on first use. */
  connect(uri: string, host: TransportHost): Promise<WebSocketLike> {
    const existing = this.#sockets.get(uri);
    if (existing) {
      return existing.then((s) => (s.readyState === OPEN ? s : (this.#sockets.delete(uri), this.connect(uri, host))));
    }
    const p = new Promise<WebSocketLike>((resolve, reject) => {
      let socket: WebSocketLike;
      try {
        socket = new this.#WebSocket(uri);
      } catch (e) {
        reject(new TransportError(`cannot open ${uri}`, false, { cause: e }));
        return;
      }
      const timer = setTimeout(() => {
        reject(new TransportError(`connecting to ${uri} timed out`, true));
        socket.close();
      }, this.#connectTimeoutMs);
      const session: Session = {
        id: `ws-client:${uri}`,
        kind: 'ws',
        get open() {
          return socket.readyState === OPEN;
        },
        send: async (data: string) => socket.send(data),
      };
      socket.addEventListener('open', () => {
        clearTimeout(timer);
        resolve(socket);
      });
      socket.addEventListener('error', () => {
        clearTimeout(timer);
        this.#sockets.delete(uri);
        reject(new TransportError(`connection to ${uri} failed`, true));
      });
      socket.addEventListener('close', () => {
        clearTimeout(timer);
        this.#sockets.delete(uri);
        reject(new TransportError(`connection to ${uri} closed`, true));
      });
      socket.addEventListener('message', (ev) => {
        const data = typeof ev.data === 'string' ? ev.data : ev.data instanceof ArrayBuffer ? new TextDecoder().decode(ev.data) : String(ev.data);
        void host.receive(data, session).catch(() => undefined);
      });
    });
    this.#sockets.set(uri, p);
    p.catch(() => this.#sockets.delete(uri));
    return p;
  }

  async close(): Promise<void> {
    const sockets = [...this.#sockets.values()];
    this.#sockets.clear();
    await Promise.all(sockets.map((p) => p.then((s) => s.close(1000, 'closing'), () => undefined)));
  }
}
