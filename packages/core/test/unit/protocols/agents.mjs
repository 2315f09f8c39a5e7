// Test agents: in memory (MemoryHub) or on real sockets (127.0.0.1, HTTP or WebSocket).
import { Agent, createDID, createResolver, InMemorySecrets, HttpTransport, MemoryHub, MemoryTransport } from '../../../dist/index.js';
import { serve, NodeWsTransport } from '../../../dist/node.js';

let n = 0;

/** An agent at memory://<name> on `hub`. */
export async function memoryAgent(hub, resolver, o = {}) {
  const uri = `memory://agent-${++n}`;
  const created = await createDID('peer', { services: [{ uri, ...(o.routingKeys ? { routingKeys: o.routingKeys } : {}) }, ...(o.extraServices ?? [])] });
  const agent = new Agent({ did: created.did, secrets: new InMemorySecrets(created.secrets), resolver, transports: [new MemoryTransport(hub)], retry: { attempts: 1 }, requestTimeoutMs: 5000, ...o.agent });
  hub.register(uri, agent);
  return { agent, did: created.did, created, uri };
}

/** An agent served over HTTP (scheme 'http') or WebSocket ('ws') on 127.0.0.1. */
export async function socketAgent(resolver, scheme = 'http', o = {}) {
  let agent;
  const errors = [];
  const host = { receive: (p, s) => agent.receive(p, s) };
  const srv = await serve(host, { http: { onError: (status, code) => errors.push({ status, code }), ...o.http }, ws: { onError: (code) => errors.push({ code }), ...o.ws } });
  const uri = scheme === 'http' ? srv.url : srv.wsUrl;
  const created = await createDID('peer', { services: [{ uri }] });
  agent = new Agent({ did: created.did, secrets: new InMemorySecrets(created.secrets), resolver, transports: [new HttpTransport({ timeoutMs: 5000 }), new NodeWsTransport()], retry: { attempts: 1 }, requestTimeoutMs: 5000 });
  return { agent, srv, did: created.did, created, uri, errors, close: async () => { await agent.stop(); await srv.close(); } };
}

export const newHub = () => new MemoryHub();
export const newResolver = () => createResolver();

/** Resolves with the next value pushed, or rejects after `ms`. */
export function waiter(ms = 4000) {
  let resolve;
  const p = new Promise((r, j) => {
    resolve = r;
    setTimeout(() => j(new Error(`nothing arrived within ${ms} ms`)), ms).unref();
  });
  return { push: (v) => resolve(v), promise: p };
}

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
