// DIDComm v1 message types the mediator answers (Aries RFCs), one constant per message.

/** @see https://github.com/hyperledger/aries-rfcs/tree/main/features/0434-outofband */
export const OOB_INVITATION = 'https://didcomm.org/out-of-band/1.1/invitation';
/** @see https://github.com/hyperledger/aries-rfcs/tree/main/features/0023-did-exchange */
export const DIDEXCHANGE = {
  request: /^https:\/\/didcomm\.org\/didexchange\/1\.[01]\/request$/,
  complete: /^https:\/\/didcomm\.org\/didexchange\/1\.[01]\/complete$/,
  problemReport: /^https:\/\/didcomm\.org\/didexchange\/1\.[01]\/problem_report$/,
  protocols: ['https://didcomm.org/didexchange/1.1', 'https://didcomm.org/didexchange/1.0'],
} as const;
/** @see https://github.com/hyperledger/aries-rfcs/tree/main/features/0211-route-coordination */
export const MEDIATION_V1 = {
  mediateRequest: 'https://didcomm.org/coordinate-mediation/1.0/mediate-request',
  mediateGrant: 'https://didcomm.org/coordinate-mediation/1.0/mediate-grant',
  mediateDeny: 'https://didcomm.org/coordinate-mediation/1.0/mediate-deny',
  keylistUpdate: 'https://didcomm.org/coordinate-mediation/1.0/keylist-update',
  keylistUpdateResponse: 'https://didcomm.org/coordinate-mediation/1.0/keylist-update-response',
  keylistQuery: 'https://didcomm.org/coordinate-mediation/1.0/keylist-query',
  keylist: 'https://didcomm.org/coordinate-mediation/1.0/keylist',
} as const;
/** @see https://github.com/hyperledger/aries-rfcs/tree/main/features/0685-pickup-v2 */
export const PICKUP_V2 = {
  statusRequest: 'https://didcomm.org/messagepickup/2.0/status-request',
  status: 'https://didcomm.org/messagepickup/2.0/status',
  deliveryRequest: 'https://didcomm.org/messagepickup/2.0/delivery-request',
  delivery: 'https://didcomm.org/messagepickup/2.0/delivery',
  messagesReceived: 'https://didcomm.org/messagepickup/2.0/messages-received',
  liveDeliveryChange: 'https://didcomm.org/messagepickup/2.0/live-delivery-change',
} as const;
/** @see https://github.com/hyperledger/aries-rfcs/tree/main/features/0212-pickup */
export const PICKUP_V1 = {
  statusRequest: 'https://didcomm.org/messagepickup/1.0/status-request',
  status: 'https://didcomm.org/messagepickup/1.0/status',
  batchPickup: 'https://didcomm.org/messagepickup/1.0/batch-pickup',
  batch: 'https://didcomm.org/messagepickup/1.0/batch',
} as const;
/** @see https://github.com/hyperledger/aries-rfcs/tree/main/features/0048-trust-ping */
export const TRUST_PING_V1 = {
  ping: 'https://didcomm.org/trust_ping/1.0/ping',
  response: 'https://didcomm.org/trust_ping/1.0/ping_response',
} as const;
/** @see https://github.com/hyperledger/aries-rfcs/tree/main/features/0031-discover-features */
export const DISCOVER_FEATURES_V1 = {
  query: 'https://didcomm.org/discover-features/1.0/query',
  disclose: 'https://didcomm.org/discover-features/1.0/disclose',
} as const;
/** @see https://github.com/hyperledger/aries-rfcs/tree/main/features/0035-report-problem */
export const PROBLEM_REPORT_V1 = 'https://didcomm.org/report-problem/1.0/problem-report';

/** What discover-features 1.0 discloses. */
export const V1_PROTOCOLS = [
  'https://didcomm.org/out-of-band/1.1',
  'https://didcomm.org/didexchange/1.1',
  'https://didcomm.org/connections/1.0',
  'https://didcomm.org/coordinate-mediation/1.0',
  'https://didcomm.org/routing/1.0',
  'https://didcomm.org/messagepickup/1.0',
  'https://didcomm.org/messagepickup/2.0',
  'https://didcomm.org/trust_ping/1.0',
  'https://didcomm.org/discover-features/1.0',
];
