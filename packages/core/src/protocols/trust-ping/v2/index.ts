// Trust Ping 2.0: both roles. The receiver answers unless response_requested is false; the
// sender measures the round trip.
import type { Agent, SendOptions } from '../../../agent/agent.js';
import { newId } from '../../../message/create.js';
import type { Message } from '../../../message/types.js';
import type { InboundContext } from '../../router.js';
import { PING, PING_RESPONSE, ROLES } from './messages.js';

export * from './messages.js';

/** Options of the trust-ping responder. */
export interface TrustPingOptions {
  /** Called for every ping received, before any response. */
  onPing?: (ctx: InboundContext) => unknown;
  /** Answer pings whose sender is not authenticated (default true; the answer goes to `from`). */
  answerUnauthenticated?: boolean;
}

/** Register both roles: answer pings, and accept responses that nobody is waiting for. */
export function register(agent: Agent, o: TrustPingOptions = {}): void {
  agent.on(
    PING,
    async (ctx) => {
      await o.onPing?.(ctx);
      if (ctx.message.body?.response_requested === false) return;
      if (!ctx.message.from) return;
      if (ctx.sender === undefined && o.answerUnauthenticated === false) return;
      await ctx.reply({ type: PING_RESPONSE, body: {} });
    },
    { roles: [ROLES.receiver] },
  );
  // A late response (its request timed out) is dropped here rather than answered with a problem report.
  agent.on(PING_RESPONSE, () => undefined, { roles: [ROLES.sender] });
}

/** A ping message from `from` to `to`. */
export function buildPing(o: { from?: string; to: string; responseRequested?: boolean; id?: string; expiresTime?: number }): Message {
  return {
    id: o.id ?? newId(),
    type: PING,
    ...(o.from !== undefined ? { from: o.from } : {}),
    to: [o.to],
    created_time: Math.floor(Date.now() / 1000),
    ...(o.expiresTime !== undefined ? { expires_time: o.expiresTime } : {}),
    body: { response_requested: o.responseRequested ?? true },
  };
}

/** What ping measured: the round trip, the ping sent and its response. */
export interface PingResult {
  /** Milliseconds from sending to the response (undefined when no response was requested). */
  rttMs?: number;
  ping: Message;
  response?: Message;
}

/** Options of ping: whether to ask for a response, a deadline, extra headers, and send options. */
export interface PingOptions extends SendOptions {
  responseRequested?: boolean;
  timeoutMs?: number;
  /** Extra headers for the ping (e.g. pthid when it answers an invitation). */
  headers?: Partial<Message>;
}

/** Ping `did` and wait for its response (rejects with ERR_TIMEOUT or ERR_PROBLEM_REPORT). */
export async function ping(agent: Agent, did: string, o: PingOptions = {}): Promise<PingResult> {
  const msg: Message = { ...buildPing({ from: agent.did, to: did, responseRequested: o.responseRequested }), ...o.headers };
  const started = performance.now();
  if (o.responseRequested === false) {
    await agent.send(msg, o);
    return { ping: msg };
  }
  const { message } = await agent.request(msg, o);
  return { rttMs: performance.now() - started, ping: msg, response: message };
}
