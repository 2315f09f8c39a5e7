/** A refusal with the HTTP status and stable code to answer with. */
export class MediatorError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    /** Seconds after which the same request may succeed (sent as retry-after). */
    readonly retryAfter?: number,
  ) {
    super(message);
    this.name = 'MediatorError';
  }
}
