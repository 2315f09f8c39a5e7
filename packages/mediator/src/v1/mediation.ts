// Coordinate Mediation 1.0 (RFC 0211), mediator role. Recipient keys arrive as base58 verkeys
// or did:key and are stored as did:key, so v1 forwards find them whichever form they name.
import { v1 } from '@didcomm-ts/core';
import { RecipientLimitError } from '../store/types.js';
import { grantedAccount } from './auth.js';
import { accountOf, problemReport, reply, type V1Context, type V1Inbound } from './context.js';
import { MEDIATION_V1 } from './types.js';

const MAX_UPDATES = 100;
const MAX_PAGE = 100;

export async function mediateRequest(c: V1Context, inbound: V1Inbound): Promise<void> {
  const account = accountOf(inbound.senderKey!);
  const thid = v1.threadIdOf(inbound.message);
  if (!(await c.m.allowed(account))) {
    c.m.metrics.inc('didcomm_mediator_refused_total', { reason: 'mediation_denied' });
    c.m.logger.info('mediation denied', { did: account, version: 'v1' });
    return reply(c, inbound, v1.createV1Message(MEDIATION_V1.mediateDeny, {}, { thid }));
  }
  if (await c.m.store.grant(account)) c.m.logger.info('mediation granted', { did: account, version: 'v1' });
  (inbound.session as { authenticated?: () => void } | undefined)?.authenticated?.();
  await reply(c, inbound, v1.createV1Message(MEDIATION_V1.mediateGrant, { endpoint: c.endpoint, routing_keys: [c.id.didKey] }, { thid }));
}

function recipientOf(key: unknown): string | undefined {
  if (typeof key !== 'string') return undefined;
  try {
    return v1.verkeyToDidKey(key);
  } catch {
    return undefined;
  }
}

export async function keylistUpdate(c: V1Context, inbound: V1Inbound): Promise<void> {
  const account = await grantedAccount(c, inbound);
  if (!account) return;
  const updates = inbound.message.updates;
  if (!Array.isArray(updates) || updates.length === 0 || updates.length > MAX_UPDATES) {
    return reply(c, inbound, problemReport(inbound, 'e.p.msg.bad-updates', `updates must be an array of 1 to ${MAX_UPDATES} updates`));
  }
  const parsed = updates.map((u) => {
    const recipientDid = recipientOf(u?.recipient_key);
    return recipientDid && (u.action === 'add' || u.action === 'remove') ? { recipientDid, action: u.action as 'add' | 'remove' } : undefined;
  });
  let applied;
  try {
    applied = await c.m.store.updateRecipients(account, parsed.filter((p) => p !== undefined), c.m.limits.maxRecipients);
  } catch (e) {
    if (!(e instanceof RecipientLimitError)) throw e;
    c.m.metrics.inc('didcomm_mediator_refused_total', { reason: 'max_recipients' });
    return reply(c, inbound, problemReport(inbound, 'e.p.req.max-recipients-exceeded', `An account may register at most ${e.max} recipient keys; nothing of this update was applied`));
  }
  let k = 0;
  const updated = updates.map((u, i) => ({
    recipient_key: typeof u?.recipient_key === 'string' ? u.recipient_key : '',
    action: u?.action === 'remove' ? 'remove' : 'add',
    result: parsed[i] ? applied[k++] : 'client_error',
  }));
  c.m.logger.info('keylist updated', { account, changes: updated.filter((u) => u.result === 'success').length, version: 'v1' });
  await reply(c, inbound, v1.createV1Message(MEDIATION_V1.keylistUpdateResponse, { updated }, { thid: v1.threadIdOf(inbound.message) }));
}

export async function keylistQuery(c: V1Context, inbound: V1Inbound): Promise<void> {
  const account = await grantedAccount(c, inbound);
  if (!account) return;
  const p = inbound.message.paginate as { limit?: unknown; offset?: unknown } | undefined;
  const limit = p && Number.isInteger(p.limit) && (p.limit as number) > 0 ? Math.min(p.limit as number, MAX_PAGE) : MAX_PAGE;
  const offset = p && Number.isInteger(p.offset) && (p.offset as number) >= 0 ? (p.offset as number) : 0;
  const { dids, total } = await c.m.store.listRecipients(account, offset, limit);
  const keys = dids.map((recipient_key) => ({ recipient_key }));
  await reply(c, inbound, v1.createV1Message(MEDIATION_V1.keylist, { keys, pagination: { count: keys.length, offset, remaining: Math.max(0, total - offset - keys.length) } }, { thid: v1.threadIdOf(inbound.message) }));
}
