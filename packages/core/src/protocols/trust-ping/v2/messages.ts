/** @see https://identity.foundation/didcomm-messaging/spec/#trust-ping-protocol-20 */
export const PIURI = 'https://didcomm.org/trust-ping/2.0';
/** Asks the receiver to answer; body.response_requested defaults to true. */
export const PING = 'https://didcomm.org/trust-ping/2.0/ping';
/** The answer, with thid = the ping's id. */
export const PING_RESPONSE = 'https://didcomm.org/trust-ping/2.0/ping-response';

/** The protocol's roles, as discover-features reports them. */
export const ROLES = { sender: 'sender', receiver: 'receiver' } as const;

/** The body of a ping. */
export interface PingBody {
  response_requested?: boolean;
}
