/** @see https://didcomm.org/coordinate-mediation/3.0/ */
export const PIURI = 'https://didcomm.org/coordinate-mediation/3.0';
/** recipient -> mediator: ask for mediation (return_route all). */
export const MEDIATE_REQUEST = 'https://didcomm.org/coordinate-mediation/3.0/mediate-request';
/** mediator -> recipient: body.routing_did is an ARRAY of DIDs in 3.0. */
export const MEDIATE_GRANT = 'https://didcomm.org/coordinate-mediation/3.0/mediate-grant';
/** mediator -> recipient: mediation refused (the client rejects with ERR_MEDIATION_DENIED). */
export const MEDIATE_DENY = 'https://didcomm.org/coordinate-mediation/3.0/mediate-deny';
/** 2.0's keylist-update, renamed: body.updates: [{ recipient_did, action }]. */
export const RECIPIENT_UPDATE = 'https://didcomm.org/coordinate-mediation/3.0/recipient-update';
/** 2.0's keylist-update-response, renamed: body.updated: [{ recipient_did, action, result }]. */
export const RECIPIENT_UPDATE_RESPONSE = 'https://didcomm.org/coordinate-mediation/3.0/recipient-update-response';
/** 2.0's keylist-query, renamed. */
export const RECIPIENT_QUERY = 'https://didcomm.org/coordinate-mediation/3.0/recipient-query';
/** 2.0's keylist, renamed: body.dids (not keys): [{ recipient_did }]. */
export const RECIPIENT = 'https://didcomm.org/coordinate-mediation/3.0/recipient';

/** The protocol's roles, as discover-features reports them. */
export const ROLES = { mediator: 'mediator', recipient: 'recipient' } as const;
