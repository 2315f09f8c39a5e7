// Note the protocol name: `message-pickup` from 4.0 on (3.0 was `messagepickup`).
/** @see https://didcomm.org/message-pickup/4.0/ */
export const PIURI = 'https://didcomm.org/message-pickup/4.0';
export const STATUS_REQUEST = 'https://didcomm.org/message-pickup/4.0/status-request';
/** As 3.0's, with thid = the request it answers. */
export const STATUS = 'https://didcomm.org/message-pickup/4.0/status';
/** An empty queue is answered with a delivery without attachments (not a status, as in 3.0). */
export const DELIVERY_REQUEST = 'https://didcomm.org/message-pickup/4.0/delivery-request';
/** Also how live mode delivers (then without thid); each one MUST be acknowledged. */
export const DELIVERY = 'https://didcomm.org/message-pickup/4.0/delivery';
export const MESSAGES_RECEIVED = 'https://didcomm.org/message-pickup/4.0/messages-received';
export const LIVE_DELIVERY_CHANGE = 'https://didcomm.org/message-pickup/4.0/live-delivery-change';

export const ROLES = { mediator: 'mediator', recipient: 'recipient' } as const;
