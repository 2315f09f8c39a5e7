/** @see https://didcomm.org/coordinate-mediation/2.0/ */
export const PIURI = 'https://didcomm.org/coordinate-mediation/2.0';
/** recipient -> mediator: ask for mediation (return_route all). */
export const MEDIATE_REQUEST = 'https://didcomm.org/coordinate-mediation/2.0/mediate-request';
/** mediator -> recipient: body.routing_did is one DID (a string). */
export const MEDIATE_GRANT = 'https://didcomm.org/coordinate-mediation/2.0/mediate-grant';
/** mediator -> recipient: mediation refused (the client rejects with ERR_MEDIATION_DENIED). */
export const MEDIATE_DENY = 'https://didcomm.org/coordinate-mediation/2.0/mediate-deny';
/** body.updates: [{ recipient_did, action: add | remove }]. */
export const KEYLIST_UPDATE = 'https://didcomm.org/coordinate-mediation/2.0/keylist-update';
/** body.updated: [{ recipient_did, action, result: client_error | server_error | no_change | success }]. */
export const KEYLIST_UPDATE_RESPONSE = 'https://didcomm.org/coordinate-mediation/2.0/keylist-update-response';
/** body.paginate?: { limit, offset }. */
export const KEYLIST_QUERY = 'https://didcomm.org/coordinate-mediation/2.0/keylist-query';
/** body.keys: [{ recipient_did }], body.pagination?: { count, offset, remaining }. */
export const KEYLIST = 'https://didcomm.org/coordinate-mediation/2.0/keylist';

/** The protocol's roles, as discover-features reports them. */
export const ROLES = { mediator: 'mediator', recipient: 'recipient' } as const;
