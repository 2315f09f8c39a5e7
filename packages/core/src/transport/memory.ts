import { TransportError, type OutboundTransport, type Session, type TransportHost } from './types.js';

/**
 * In-process delivery for tests and demos: endpoints `memory://name` map to hosts
 * registered on a shared hub. A delivery is asynchronous, like a real transport.
 */
export class MemoryHub {
  readonly #hosts = new Map<string, TransportHost>();
  register(uri: string, host: TransportHost): () => void {
    this.#hosts.set(uri, host);
    return () => this.#hosts.delete(uri);
  }
  host(uri: string): TransportHost | undefined {
    return this.#hosts.get(uri);
  }
}

/** The outbound transport of `memory://` endpoints: delivers to the host registered on the hub, with a session for replies. */
export class MemoryTransport implements OutboundTransport {
  readonly schemes = ['memory'] as const;
  constructor(readonly hub: MemoryHub) {}
  async send(uri: string, packed: string, from: TransportHost): Promise<void> {
    const target = this.hub.host(uri);
    if (!target) throw new TransportError(`nothing listens at ${uri}`, false);
    const session: Session = { id: `memory:${Math.random().toString(36).slice(2)}`, kind: 'memory', open: true, send: async (p) => void from.receive(p) };
    await target.receive(packed, session);
  }
}
