import WebSocket from 'ws';
import { WsTransport, type WebSocketConstructor } from '../ws-client.js';

/** The WebSocket client transport on the `ws` package (Node 20 has no global WebSocket). */
export class NodeWsTransport extends WsTransport {
  constructor(o: { connectTimeoutMs?: number } = {}) {
    super({ ...o, WebSocket: WebSocket as unknown as WebSocketConstructor });
  }
}
