/** A refusal with the HTTP status and stable code to answer with. */
export class MediatorError extends Error {
  constructor(readonly status: number, readonly code: string, message: string) {
    super(message);
    this.name = 'MediatorError';
  }
}
