/** Media types for the three envelope kinds (spec "IANA Media Types"). */
export const MEDIA_TYPES = ['application/didcomm-encrypted+json', 'application/didcomm-signed+json', 'application/didcomm-plain+json'] as const;

/** The media type of a packed message, from its shape. */
export function mediaTypeOf(packed: string): (typeof MEDIA_TYPES)[number] {
  if (packed.includes('"ciphertext"')) return MEDIA_TYPES[0];
  if (packed.includes('"signatures"') || packed.includes('"signature"')) return MEDIA_TYPES[1];
  return MEDIA_TYPES[2];
}

/** Accepts the three DIDComm media types, with or without `application/` and parameters. */
export function isDIDCommMediaType(contentType: string | null | undefined): boolean {
  if (!contentType) return false;
  const t = contentType.split(';')[0].trim().toLowerCase();
  const full = t.includes('/') ? t : `application/${t}`;
  return (MEDIA_TYPES as readonly string[]).includes(full);
}

/**
 * A channel back to a peer that is open now: an HTTP response waiting for a return-routed
 * reply, or a WebSocket. The agent sends over it instead of resolving the peer's endpoint.
 */
export interface Session {
  readonly id: string;
  readonly kind: 'http' | 'ws' | 'memory';
  /** True while the channel can still carry a message. */
  readonly open: boolean;
  send(packed: string): Promise<void>;
  /** Call `listener` once when the channel closes (at once if it is closed), so holders can let go of it. */
  onClose?(listener: () => void): void;
}

/** Where transports hand what they receive. */
export interface TransportHost {
  receive(packed: string, session?: Session): Promise<unknown>;
}

/** Sends packed messages to endpoints of the schemes it names. */
export interface OutboundTransport {
  readonly schemes: readonly string[];
  /** Deliver one message; messages the peer returns on the same channel go to the host. */
  send(uri: string, packed: string, host: TransportHost): Promise<void>;
  close?(): Promise<void>;
}

/** A delivery failed at the transport: `retryable` says whether the agent should try again (network error, 5xx, 429) or not. */
export class TransportError extends Error {
  constructor(message: string, readonly retryable: boolean, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'TransportError';
  }
}
