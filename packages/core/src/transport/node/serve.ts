import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { TransportHost } from '../types.js';
import { createHttpHandler, type HttpHandlerOptions } from './http-server.js';
import { attachWebSocketServer, type WsServerOptions } from './ws-server.js';

/** Options of serve: where to listen (default 127.0.0.1, a free port) and the HTTP and WebSocket handlers' options. */
export interface ServeOptions {
  port?: number;
  host?: string;
  http?: HttpHandlerOptions;
  ws?: WsServerOptions | false;
}

/** An HTTP server (POST /) with a WebSocket endpoint (/ws) for one agent. */
export async function serve(host: TransportHost, o: ServeOptions = {}): Promise<{ server: Server; url: string; wsUrl: string; close(): Promise<void> }> {
  const handler = createHttpHandler(host, o.http);
  const server = createServer((req, res) => void handler(req, res));
  const ws = o.ws === false ? undefined : attachWebSocketServer(server, host, o.ws);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(o.port ?? 0, o.host ?? '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const h = o.host ?? '127.0.0.1';
  return {
    server,
    url: `http://${h}:${port}/`,
    wsUrl: `ws://${h}:${port}${(o.ws && o.ws.path) || '/ws'}`,
    close: async () => {
      await ws?.close();
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      await closed;
    },
  };
}
