/** @see https://identity.foundation/didcomm-messaging/spec/#discover-features-protocol-20 */
export const PIURI = 'https://didcomm.org/discover-features/2.0';
/** body.queries: [{ "feature-type", match }] (the spec's heading says `query`; the type is `queries`). */
export const QUERIES = 'https://didcomm.org/discover-features/2.0/queries';
/** body.disclosures: [{ "feature-type", id, roles? }], thid = the queries' id (or none when proactive). */
export const DISCLOSE = 'https://didcomm.org/discover-features/2.0/disclose';

/** The protocol's roles, as discover-features reports them. */
export const ROLES = { requester: 'requester', responder: 'responder' } as const;

/** Feature types the spec requires us to recognize; others are ignored. */
export const FeatureTypes = {
  PROTOCOL: 'protocol',
  GOAL_CODE: 'goal-code',
  GOV_FW: 'gov-fw',
  DIDCOMM_VERSION: 'didcomm-version',
  HEADER: 'header',
  /** Transport constraints such as max_receive_bytes (spec "Agent Constraint Disclosure"). */
  CONSTRAINT: 'constraint',
} as const;

/** The identifier of DIDComm v2 as a didcomm-version feature. */
export const DIDCOMM_V2 = 'https://github.com/decentralized-identity/didcomm-messaging';

/** One query: a feature type and a match, in which `*` stands for any run of characters. */
export interface FeatureQuery {
  'feature-type': string;
  match: string;
}

/** One disclosed feature: its type, id and, for protocols, the roles played. */
export interface Disclosure {
  'feature-type': string;
  id: string;
  roles?: string[];
  [k: string]: unknown;
}
