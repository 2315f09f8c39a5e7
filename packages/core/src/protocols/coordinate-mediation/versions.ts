// Coordinate Mediation 2.0 and 3.0 are the same exchange under different names; one table
// maps each to its message types so the client (and the mediator) handle both in one place.
import * as v2 from './v2/messages.js';
import * as v3 from './v3/messages.js';

/** A Coordinate Mediation major version: 2 or 3. */
export type MediationVersion = 2 | 3;

/** The message types of one Coordinate Mediation version, under version-neutral names. */
export interface MediationTypes {
  version: MediationVersion;
  piuri: string;
  mediateRequest: string;
  mediateGrant: string;
  mediateDeny: string;
  update: string;
  updateResponse: string;
  query: string;
  list: string;
  /** The body field of the list message: `keys` in 2.0, `dids` in 3.0. */
  listField: 'keys' | 'dids';
}

/** The message types of Coordinate Mediation 2.0 and 3.0, by version. */
export const MEDIATION: Record<MediationVersion, MediationTypes> = {
  2: {
    version: 2, piuri: v2.PIURI, mediateRequest: v2.MEDIATE_REQUEST, mediateGrant: v2.MEDIATE_GRANT, mediateDeny: v2.MEDIATE_DENY,
    update: v2.KEYLIST_UPDATE, updateResponse: v2.KEYLIST_UPDATE_RESPONSE, query: v2.KEYLIST_QUERY, list: v2.KEYLIST, listField: 'keys',
  },
  3: {
    version: 3, piuri: v3.PIURI, mediateRequest: v3.MEDIATE_REQUEST, mediateGrant: v3.MEDIATE_GRANT, mediateDeny: v3.MEDIATE_DENY,
    update: v3.RECIPIENT_UPDATE, updateResponse: v3.RECIPIENT_UPDATE_RESPONSE, query: v3.RECIPIENT_QUERY, list: v3.RECIPIENT, listField: 'dids',
  },
};

/** What a keylist update does with a recipient DID. */
export type KeylistAction = 'add' | 'remove';
/** The mediator's answer to one keylist update. */
export type KeylistResult = 'client_error' | 'server_error' | 'no_change' | 'success';

/** One keylist update, as on the wire. */
export interface KeylistUpdate {
  recipient_did: string;
  action: KeylistAction;
}
/** One keylist update with the mediator's result. */
export interface KeylistUpdated extends KeylistUpdate {
  result: KeylistResult;
}
/** Where a page of a keylist (recipient list) is: its size, start, and how many remain after it. */
export interface Pagination {
  count: number;
  offset: number;
  remaining: number;
}
