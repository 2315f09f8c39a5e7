// The mediator role of Coordinate Mediation 2.0 and 3.0.
import { MEDIATION, ProblemCodes, ProblemReportError, isDid, type InboundContext, type MediationTypes } from '@didcomm-ts/core';
import type { MediatorContext } from '../mediator.js';
import { RecipientLimitError } from '../store/types.js';
import { authcryptSender, grantedAccount, respond } from './auth.js';

/** Most updates in one keylist-update; most DIDs listed in one keylist answer. */
const MAX_UPDATES = 100;
const MAX_PAGE = 100;
/** The problem code of a keylist update refused by the per-account recipient limit. */
export const MAX_RECIPIENTS_CODE = 'e.p.req.max-recipients-exceeded';

export function registerMediation(m: MediatorContext): void {
  for (const t of [MEDIATION[2], MEDIATION[3]]) {
    const roles = { roles: ['mediator'] };
    m.agent.on(t.mediateRequest, (ctx) => mediateRequest(ctx, m, t), roles);
    m.agent.on(t.update, (ctx) => update(ctx, m, t), roles);
    m.agent.on(t.query, (ctx) => query(ctx, m, t), roles);
  }
}

async function mediateRequest(ctx: InboundContext, m: MediatorContext, t: MediationTypes) {
  const did = authcryptSender(ctx);
  if (!(await m.allowed(did))) {
    m.metrics.inc('didcomm_mediator_refused_total', { reason: 'mediation_denied' });
    m.logger.info('mediation denied', { did });
    return respond(ctx, m, { type: t.mediateDeny, body: {} });
  }
  if (await m.store.grant(did)) m.logger.info('mediation granted', { did, version: t.version });
  // 2.0 grants one routing DID (a string), 3.0 a list.
  const routing_did = t.version === 2 ? m.did : [m.did];
  await respond(ctx, m, { type: t.mediateGrant, body: { routing_did } });
}

async function update(ctx: InboundContext, m: MediatorContext, t: MediationTypes) {
  const account = await grantedAccount(ctx, m);
  const updates = ctx.message.body?.updates;
  if (!Array.isArray(updates) || updates.length === 0 || updates.length > MAX_UPDATES) {
    throw new ProblemReportError(ProblemCodes.BAD_MESSAGE, 'body.updates must be an array of 1 to {1} updates', [String(MAX_UPDATES)]);
  }
  const valid = updates.map((u) => u && typeof u === 'object' && typeof u.recipient_did === 'string' && u.recipient_did.length <= 4096 && isDid(u.recipient_did.split('#')[0]) && (u.action === 'add' || u.action === 'remove'));
  let applied;
  try {
    applied = await m.store.updateRecipients(account, updates.filter((_, i) => valid[i]).map((u) => ({ recipientDid: u.recipient_did, action: u.action })), m.limits.maxRecipients);
  } catch (e) {
    if (!(e instanceof RecipientLimitError)) throw e;
    m.metrics.inc('didcomm_mediator_refused_total', { reason: 'max_recipients' });
    m.logger.info('keylist update refused: recipient limit', { account, max: e.max });
    throw new ProblemReportError(MAX_RECIPIENTS_CODE, 'An account may register at most {1} recipient DIDs; nothing of this update was applied', [String(e.max)]);
  }
  let k = 0;
  const updated = updates.map((u, i) => ({
    recipient_did: typeof u?.recipient_did === 'string' ? u.recipient_did : '',
    action: u?.action === 'remove' ? 'remove' : 'add',
    result: valid[i] ? applied[k++] : 'client_error',
  }));
  m.logger.info('keylist updated', { account, changes: updated.filter((u) => u.result === 'success').length });
  await respond(ctx, m, { type: t.updateResponse, body: { updated } });
}

async function query(ctx: InboundContext, m: MediatorContext, t: MediationTypes) {
  const account = await grantedAccount(ctx, m);
  const p = ctx.message.body?.paginate as { limit?: unknown; offset?: unknown } | undefined;
  const limit = p && Number.isInteger(p.limit) && (p.limit as number) > 0 ? Math.min(p.limit as number, MAX_PAGE) : MAX_PAGE;
  const offset = p && Number.isInteger(p.offset) && (p.offset as number) >= 0 ? (p.offset as number) : 0;
  const { dids, total } = await m.store.listRecipients(account, offset, limit);
  const list = dids.map((recipient_did) => ({ recipient_did }));
  await respond(ctx, m, {
    type: t.list,
    body: { [t.listField]: list, pagination: { count: list.length, offset, remaining: Math.max(0, total - offset - list.length) } },
  });
}
