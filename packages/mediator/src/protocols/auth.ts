import { ProblemCodes, ProblemReportError, type InboundContext } from '@didcomm-ts/core';
import type { MediatorContext } from '../mediator.js';
import { RateLimiter } from '../net.js';

/** Code of the problem report for an account over its request rate. */
export const RATE_LIMITED = 'e.p.req.rate-limited';

// One set of buckets per mediator; keyed by DID, and bounded (anyone can make DIDs).
const accountRates = new WeakMap<MediatorContext, RateLimiter>();

function allowAccount(m: MediatorContext, did: string): boolean {
  const rate = m.limits.accountRateLimit;
  if (!Number.isFinite(rate)) return true;
  let r = accountRates.get(m);
  if (!r) accountRates.set(m, (r = new RateLimiter(rate, 100_000)));
  return r.take(did);
}

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

/**
 * The sender, when it was granted mediation, is still allowed and within its request rate
 * (accountRateLimit, whatever address or connection it uses). Throws a problem report. The
 * WebSocket it came on counts as authenticated from then on (no idle deadline).
 */
export async function grantedAccount(ctx: InboundContext, m: MediatorContext): Promise<string> {
  const did = authcryptSender(ctx);
  if (!allowAccount(m, did)) {
    m.metrics.inc('didcomm_mediator_refused_total', { reason: 'account_rate_limited' });
    throw new ProblemReportError(RATE_LIMITED, 'At most {1} requests a second per account', [String(m.limits.accountRateLimit)]);
  }
  const [account, allowed] = await Promise.all([m.store.getAccount(did), m.allowed(did)]);
  if (!account || !allowed) {
    m.metrics.inc('didcomm_mediator_refused_total', { reason: 'not_granted' });
    throw new ProblemReportError(ProblemCodes.NOT_AUTHORIZED, 'Mediation was not granted to {1}', [did]);
  }
  ((ctx.state as { session?: object }).session as { authenticated?: () => void } | undefined)?.authenticated?.();
  return did;
}

/** Has the request a return route to answer on (an open session, return_route all or thread)? */
export function canAnswer(ctx: InboundContext): boolean {
  const session = (ctx.state as { session?: { open: boolean } }).session;
  const rr = ctx.message.return_route;
  return session?.open === true && (rr === 'all' || rr === 'thread');
}

/**
 * Answer on the request's return route; without one there is no channel to answer on. A
 * function is called only when there is (a status costs store reads: a live wallet
 * acknowledges every delivery without asking for one).
 */
export async function respond(ctx: InboundContext, m: MediatorContext, reply: Omit<import('@didcomm-ts/core').Message, 'id'> | (() => Promise<Omit<import('@didcomm-ts/core').Message, 'id'>>)): Promise<void> {
  if (canAnswer(ctx)) return ctx.reply(typeof reply === 'function' ? await reply() : reply);
  m.logger.debug('no return route: answer dropped', { type: typeof reply === 'function' ? undefined : reply.type, thid: ctx.message.id });
}
