import { FORWARD_TYPE } from '../../../pack/forward.js';

/** @see https://identity.foundation/didcomm-messaging/spec/#routing-protocol-20 */
export const PIURI = 'https://didcomm.org/routing/2.0';
/** body.next names the hop after this one; the attachment is the message for it. */
export const FORWARD: typeof FORWARD_TYPE = FORWARD_TYPE;

/** The protocol's roles, as discover-features reports them. */
export const ROLES = { sender: 'sender', mediator: 'mediator', recipient: 'recipient' } as const;

/** Problem codes for refused forwards (senders seldom hear them: forwards are anonymous). */
export const RoutingProblems = {
  UNKNOWN_NEXT: 'e.m.req.unknown-next',
  MULTIPLE_ATTACHMENTS: 'e.m.msg.forward-attachments',
} as const;
