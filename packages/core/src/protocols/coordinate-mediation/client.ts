// The recipient role of Coordinate Mediation 2.0 and 3.0 as plain functions over an Agent.
// Every request asks for return_route all, so the mediator answers on the same channel.
import type { Agent, SendOptions } from '../../agent/agent.js';
import { DIDCommError, ErrorCodes } from '../../errors.js';
import { newId } from '../../message/create.js';
import type { Message } from '../../message/types.js';
import { MEDIATION, type KeylistAction, type KeylistUpdate, type KeylistUpdated, type MediationVersion, type Pagination } from './versions.js';

/** Options of the recipient's mediation requests: protocol version, the DID to act as, and send options. */
export interface MediationRequestOptions extends SendOptions {
  /** Protocol version (default 3; 2 for mediators that speak only 2.0). */
  version?: MediationVersion;
  /** Our DID to act as (default: the agent's default DID). */
  from?: string;
  timeoutMs?: number;
}

/** A mediator's grant: the routing DID(s) a mediated DID's service names. */
export interface MediationGrant {
  /** The mediator's routing DIDs (2.0 grants one; 3.0 a list). */
  routingDids: string[];
  /** The first routing DID: what a DID's service uri names to route through this mediator. */
  routingDid: string;
  grant: Message;
}

function request(agent: Agent, mediatorDid: string, type: string, body: Record<string, unknown>, o: MediationRequestOptions) {
  const message: Message = {
    id: newId(),
    type,
    from: o.from ?? agent.did,
    to: [mediatorDid],
    created_time: Math.floor(Date.now() / 1000),
    return_route: 'all',
    body,
  };
  const { version: _v, from: _f, ...send } = o;
  return agent.request(message, send);
}

const malformed = (what: string) => new DIDCommError(ErrorCodes.MALFORMED, `the mediator's ${what} is malformed`);

/** Ask `mediatorDid` for mediation. Resolves with its routing DIDs; rejects with ERR_MEDIATION_DENIED. */
export async function requestMediation(agent: Agent, mediatorDid: string, o: MediationRequestOptions = {}): Promise<MediationGrant> {
  const t = MEDIATION[o.version ?? 3];
  const { message } = await request(agent, mediatorDid, t.mediateRequest, {}, o);
  if (message.type === t.mediateDeny) throw new DIDCommError(ErrorCodes.MEDIATION_DENIED, `${mediatorDid} denied mediation`);
  if (message.type !== t.mediateGrant) throw new DIDCommError(ErrorCodes.MALFORMED, `expected ${t.mediateGrant}, got ${message.type}`);
  // 2.0 grants a string, 3.0 an array; read either from either, as mediators mix them up.
  const raw = message.body?.routing_did;
  const routingDids = (Array.isArray(raw) ? raw : [raw]).filter((d): d is string => typeof d === 'string' && d.startsWith('did:'));
  if (routingDids.length === 0) throw malformed('mediate-grant (no routing_did)');
  return { routingDids, routingDid: routingDids[0], grant: message };
}

/** A recipient DID to add or remove, in the wire's shape (`recipient_did`) or camelCase (`recipientDid`). */
export type KeylistChange = KeylistUpdate | { recipientDid: string; action: KeylistAction };

/** Add or remove recipient DIDs (keylist-update in 2.0, recipient-update in 3.0); resolves with each result. */
export async function updateKeylist(agent: Agent, mediatorDid: string, updates: KeylistChange[], o: MediationRequestOptions = {}): Promise<KeylistUpdated[]> {
  if (!Array.isArray(updates) || updates.length === 0) throw new TypeError('updateKeylist needs at least one update');
  const t = MEDIATION[o.version ?? 3];
  const body = {
    updates: updates.map((u) => {
      const recipient_did = 'recipient_did' in u ? u.recipient_did : u.recipientDid;
      if (typeof recipient_did !== 'string' || (u.action !== 'add' && u.action !== 'remove')) throw new TypeError('each update needs a recipient DID and action add or remove');
      return { recipient_did, action: u.action };
    }),
  };
  const { message } = await request(agent, mediatorDid, t.update, body, o);
  if (message.type !== t.updateResponse || !Array.isArray(message.body?.updated)) throw malformed(t.updateResponse);
  return message.body!.updated as KeylistUpdated[];
}

/** The recipient DIDs registered with the mediator (keylist-query / recipient-query). */
export async function queryKeylist(agent: Agent, mediatorDid: string, o: MediationRequestOptions & { paginate?: { limit: number; offset: number } } = {}): Promise<{ dids: string[]; pagination?: Pagination }> {
  const t = MEDIATION[o.version ?? 3];
  const { paginate, ...rest } = o;
  const { message } = await request(agent, mediatorDid, t.query, paginate ? { paginate } : {}, rest);
  const list = message.body?.[t.listField] ?? message.body?.keys ?? message.body?.dids;
  if (message.type !== t.list || !Array.isArray(list)) throw malformed(t.list);
  const dids = list.map((k: unknown) => (k && typeof k === 'object' ? (k as { recipient_did?: unknown }).recipient_did : undefined)).filter((d): d is string => typeof d === 'string');
  const p = message.body?.pagination as Pagination | undefined;
  return { dids, ...(p && typeof p === 'object' ? { pagination: p } : {}) };
}
