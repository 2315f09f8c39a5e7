/** @see https://identity.foundation/didcomm-messaging/spec/#the-empty-message */
export const PIURI = 'https://didcomm.org/empty/1.0';
/** Carries headers only (a pure ACK, a from_prior announcement); the body is `{}`. */
export const EMPTY = 'https://didcomm.org/empty/1.0/empty';
