import { isDIDCommMediaType, mediaTypeOf, TransportError, type OutboundTransport, type TransportHost } from './types.js';

/** Options of HttpTransport. */
export interface HttpTransportOptions {
  fetch?: typeof globalThis.fetch;
  timeoutMs?: number;
  /** Largest return-routed response body accepted. */
  maxResponseBytes?: number;
}

/**
 * HTTP(S) POST with the DIDComm media type (spec "HTTPS"). A 2xx answers success; a body
 * with a DIDComm media type is a return-routed message and goes to the host.
 */
export class HttpTransport implements OutboundTransport {
  readonly schemes = ['http', 'https'] as const;
  readonly #fetch: typeof globalThis.fetch;
  readonly #timeoutMs: number;
  readonly #maxResponseBytes: number;
  constructor(o: HttpTransportOptions = {}) {
    this.#fetch = o.fetch ?? globalThis.fetch.bind(globalThis);
    this.#timeoutMs = o.timeoutMs ?? 15_000;
    this.#maxResponseBytes = o.maxResponseBytes ?? 16 * 1024 * 1024;
  }

  async send(uri: string, packed: string, host: TransportHost): Promise<void> {
    let res: Response;
    try {
      res = await this.#fetch(uri, {
        method: 'POST',
        headers: { 'content-type': mediaTypeOf(packed) },
        body: packed,
        redirect: 'follow',
        signal: AbortSignal.timeout(this.#timeoutMs),
      });
    } catch (e) {
      throw new TransportError(`POST ${uri} failed`, true, { cause: e });
    }
    const body = await res.text().catch(() => '');
    if (res.status < 200 || res.status >= 300) {
      throw new TransportError(`POST ${uri} answered ${res.status}`, res.status >= 500 || res.status === 429);
    }
    if (body.length > 0 && body.length <= this.#maxResponseBytes && isDIDCommMediaType(res.headers.get('content-type'))) {
      await host.receive(body);
    }
  }
}
