/** @see https://didcomm.org/coordinate-mediation/3.0/ */
export const PIURI = 'https://didcomm.org/coordinate-mediation/3.0';
export const MEDIATE_REQUEST = 'https://didcomm.org/coordinate-mediation/3.0/mediate-request';
/** mediator -> recipient: body.routing_did is an ARRAY of DIDs in 3.0. */
export const MEDIATE_GRANT = 'https://didcomm.org/coordinate-mediation/3.0/mediate-grant';
export const MEDIATE_DENY = 'https://didcomm.org/coordinate-mediation/3.0/mediate-deny';
/** 2.0's keylist-update, renamed: body.updates: [{ recipient_did, action }]. */
export const RECIPIENT_UPDATE = 'https://didcomm.org/coordinate-mediation/3.0/recipient-update';
export const RECIPIENT_UPDATE_RESPONSE = 'https://didcomm.org/coordinate-mediation/3.0/recipient-update-response';
/** 2.0's keylist-query, renamed. */
export const RECIPIENT_QUERY = 'https://didcomm.org/coordinate-mediation/3.0/recipient-query';
/** 2.0's keylist, renamed: body.dids (not keys): [{ recipient_did }]. */
export const RECIPIENT = 'https://didcomm.org/coordinate-mediation/3.0/recipient';

export const ROLES = { mediator: 'mediator', recipient: 'recipient' } as const;
