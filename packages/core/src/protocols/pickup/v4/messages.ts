// Note the protocol name: `message-pickup` from 4.0 on (3.0 was `messagepickup`).
/** @see https://didcomm.org/message-pickup/4.0/ */
export const PIURI = 'https://didcomm.org/message-pickup/4.0';
/** recipient -> mediator: how many messages wait (body.recipient_did? narrows to one DID). */
export const STATUS_REQUEST = 'https://didcomm.org/message-pickup/4.0/status-request';
/** As 3.0's, with thid = the request it answers. */
export const STATUS = 'https://didcomm.org/message-pickup/4.0/status';
/** An empty queue is answered with a delivery without attachments (not a status, as in 3.0). */
export const DELIVERY_REQUEST = 'https://didcomm.org/message-pickup/4.0/delivery-request';
/** Also how live mode delivers (then without thid); each one MUST be acknowledged. */
export const DELIVERY = 'https://didcomm.org/message-pickup/4.0/delivery';
/** recipient -> mediator: body.message_id_list, the deliveries' attachment ids; the mediator deletes them. */
export const MESSAGES_RECEIVED = 'https://didcomm.org/message-pickup/4.0/messages-received';
/** body.live_delivery: boolean; live mode pushes messages over the connection this arrived on. */
export const LIVE_DELIVERY_CHANGE = 'https://didcomm.org/message-pickup/4.0/live-delivery-change';

/** The protocol's roles, as discover-features reports them. */
export const ROLES = { mediator: 'mediator', recipient: 'recipient' } as const;
