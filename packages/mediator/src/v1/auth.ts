// Who a v1 request comes from: the account of its Authcrypt sender key, granted and allowed,
// within accountRateLimit; the same checks as v2's protocols/auth.ts, answered as v1 problem reports.
import { RateLimiter } from '../net.js';
import { accountOf, problemReport, reply, type V1Context, type V1Inbound } from './context.js';

const rates = new WeakMap<V1Context, RateLimiter>();

/** The granted account of the sender, or undefined after answering the refusal. */
export async function grantedAccount(c: V1Context, inbound: V1Inbound): Promise<string | undefined> {
  const account = accountOf(inbound.senderKey!);
  const rate = c.m.limits.accountRateLimit;
  if (Number.isFinite(rate)) {
    let r = rates.get(c);
    if (!r) rates.set(c, (r = new RateLimiter(rate, 100_000)));
    if (!r.take(account)) {
      c.m.metrics.inc('didcomm_mediator_refused_total', { reason: 'account_rate_limited' });
      await reply(c, inbound, problemReport(inbound, 'e.p.req.rate-limited', `At most ${rate} requests a second per account`));
      return undefined;
    }
  }
  const [granted, allowed] = await Promise.all([c.m.store.getAccount(account), c.m.allowed(account)]);
  if (!granted || !allowed) {
    c.m.metrics.inc('didcomm_mediator_refused_total', { reason: 'not_granted' });
    await reply(c, inbound, problemReport(inbound, 'e.p.req.not-granted', 'Mediation was not granted to this connection'));
    return undefined;
  }
  (inbound.session as { authenticated?: () => void } | undefined)?.authenticated?.();
  return account;
}
