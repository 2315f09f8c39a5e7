/** @see https://didcomm.org/messagepickup/3.0/ */
export const PIURI = 'https://didcomm.org/messagepickup/3.0';
/** body.recipient_did?; return_route all. */
export const STATUS_REQUEST = 'https://didcomm.org/messagepickup/3.0/status-request';
/** body.message_count (required), recipient_did, longest_waited_seconds, newest/oldest_received_time, total_bytes, live_delivery. */
export const STATUS = 'https://didcomm.org/messagepickup/3.0/status';
/** body.limit (required), recipient_did?; answered with delivery, or status when the queue is empty. */
export const DELIVERY_REQUEST = 'https://didcomm.org/messagepickup/3.0/delivery-request';
/** attachments: the queued encrypted messages, each attachment id = its queue id. */
export const DELIVERY = 'https://didcomm.org/messagepickup/3.0/delivery';
/** body.message_id_list: attachment ids the recipient has; the mediator deletes them. */
export const MESSAGES_RECEIVED = 'https://didcomm.org/messagepickup/3.0/messages-received';
/** body.live_delivery: boolean; answered with status, or e.m.live-mode-not-supported. */
export const LIVE_DELIVERY_CHANGE = 'https://didcomm.org/messagepickup/3.0/live-delivery-change';

/** The protocol's roles, as discover-features reports them. */
export const ROLES = { mediator: 'mediator', recipient: 'recipient' } as const;
