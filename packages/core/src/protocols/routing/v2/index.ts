// Routing 2.0, receiving side: unwrap a forward and hand its payload on to `next`. A mediator
// decides which `next` it serves and may store instead of relaying; any other agent refuses
// forwards unless they are for itself.
import type { Agent } from '../../../agent/agent.js';
import { DIDCommError, ErrorCodes } from '../../../errors.js';
import { parseDidUrl } from '../../../did/url.js';
import { parseForward } from '../../../pack/forward.js';
import type { Message } from '../../../message/types.js';
import type { InboundContext } from '../../router.js';
import type { Session } from '../../../transport/types.js';
import { FORWARD, ROLES } from './messages.js';

export * from './messages.js';

/** A forward received, as the routing handlers see it. */
export interface ForwardInfo {
  /** As the forward names it: a DID, or a key id for the last hop. */
  next: string;
  /** The DID part of next. */
  nextDid: string;
  /** The encrypted message for next (a JWE object). */
  payload: unknown;
  message: Message;
  ctx: InboundContext;
}

/** Options of the mediator role of routing 2.0: whom to relay for, and how to deliver. */
export interface RoutingOptions {
  /**
   * Whether we relay for this DID. A mediator answers from its keylist; the default serves
   * nobody but ourselves, so non-mediators refuse forwards for unknown next.
   */
  accepts?: (nextDid: string, f: ForwardInfo) => boolean | Promise<boolean>;
  /**
   * Take over delivery (a mediator queuing for pickup). Return true when handled; false or
   * undefined falls back to relaying over the agent's transports.
   */
  deliver?: (f: ForwardInfo) => boolean | void | Promise<boolean | void>;
  /** Called after a forward was handed on. */
  onRelayed?: (f: ForwardInfo, via: string) => unknown;
}

/**
 * Register the forward handler. Forwards arrive anoncrypted with no `from`, so a refusal
 * cannot be reported to anyone: it is thrown as ERR_ROUTING, which the transport turns
 * into an error status (HTTP 400) and logs.
 */
export function register(agent: Agent, o: RoutingOptions = {}): void {
  agent.on(
    FORWARD,
    async (ctx) => {
      const fwd = parseForward(ctx.message);
      if (!fwd) return;
      if (fwd.forwarded.length !== 1) throw new DIDCommError(ErrorCodes.MALFORMED, `a forward carries exactly one message, not ${fwd.forwarded.length}`);
      let nextDid: string;
      try {
        nextDid = parseDidUrl(fwd.next).did;
      } catch (e) {
        throw new DIDCommError(ErrorCodes.MALFORMED, 'forward body.next is not a DID or DID URL', { cause: e });
      }
      const info: ForwardInfo = { next: fwd.next, nextDid, payload: fwd.forwarded[0], message: ctx.message, ctx };
      if (agent.dids.includes(nextDid)) {
        // For us after all (a re-wrap unpack did not unwrap): receive what it carries.
        await agent.receive(JSON.stringify(info.payload), ctx.state.session as Session | undefined);
        return;
      }
      const accepted = o.accepts ? await o.accepts(nextDid, info) : false;
      if (!accepted) throw new DIDCommError(ErrorCodes.ROUTING, `not relaying for ${nextDid}: it is not a DID we mediate for`);
      if (o.deliver && (await o.deliver(info)) === true) {
        await o.onRelayed?.(info, 'deliver');
        return;
      }
      if (typeof info.payload !== 'object' || info.payload === null) throw new DIDCommError(ErrorCodes.MALFORMED, 'forward payload is not a JSON object');
      const result = await agent.deliverPacked(fwd.next, info.payload as Record<string, unknown>);
      agent.logger.debug('forward relayed', { next: nextDid, via: result.via });
      await o.onRelayed?.(info, result.via);
    },
    { roles: [ROLES.mediator] },
  );
}
