import { ProblemCodes, ProblemReportError, type InboundContext } from '@didcomm-ts/core';
import type { MediatorContext } from '../mediator.js';

/**
 * The DID a request comes from, when it is authcrypted (the sender is proven by the
 * encryption, not only claimed) and allowed by the access policy. Throws a problem report.
 */
export function authcryptSender(ctx: InboundContext): string {
  if (!ctx.metadata.encrypted || ctx.metadata.encAlgAuth === undefined || ctx.sender === undefined) {
    throw new ProblemReportError(ProblemCodes.NOT_AUTHORIZED, 'This request must be authcrypted by its sender');
  }
  return ctx.sender;
}

/** The sender, when it was granted mediation and is still allowed. Throws a problem report. */
export async function grantedAccount(ctx: InboundContext, m: MediatorContext): Promise<string> {
  const did = authcryptSender(ctx);
  const [account, allowed] = await Promise.all([m.store.getAccount(did), m.allowed(did)]);
  if (!account || !allowed) {
    m.metrics.inc('didcomm_mediator_refused_total', { reason: 'not_granted' });
    throw new ProblemReportError(ProblemCodes.NOT_AUTHORIZED, 'Mediation was not granted to {1}', [did]);
  }
  return did;
}

/** Answer on the request's return route; without one there is no channel to answer on. */
export async function respond(ctx: InboundContext, m: MediatorContext, reply: Omit<import('@didcomm-ts/core').Message, 'id'>): Promise<void> {
  const session = (ctx.state as { session?: { open: boolean } }).session;
  const rr = ctx.message.return_route;
  if (session?.open && (rr === 'all' || rr === 'thread')) return ctx.reply(reply);
  m.logger.debug('no return route: answer dropped', { type: reply.type, thid: ctx.message.id });
}
