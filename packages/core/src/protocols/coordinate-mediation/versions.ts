// Coordinate Mediation 2.0 and 3.0 are the same exchange under different names; one table
// maps each to its message types so the client (and the mediator) handle both in one place.
import * as v2 from './v2/messages.js';
import * as v3 from './v3/messages.js';

export type MediationVersion = 2 | 3;

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

export type KeylistAction = 'add' | 'remove';
export type KeylistResult = 'client_error' | 'server_error' | 'no_change' | 'success';

export interface KeylistUpdate {
  recipient_did: string;
  action: KeylistAction;
}
export interface KeylistUpdated extends KeylistUpdate {
  result: KeylistResult;
}
export interface Pagination {
  count: number;
  offset: number;
  remaining: number;
}
