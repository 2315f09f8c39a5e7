// Empty 1.0: a message with no body content, carrying headers only.
import type { Agent, SendOptions, SendResult } from '../../../agent/agent.js';
import { newId } from '../../../message/create.js';
import type { Message } from '../../../message/types.js';
import type { InboundContext } from '../../router.js';
import { EMPTY } from './messages.js';

export * from './messages.js';

/** Accept empty messages (their headers — ack, please_ack, from_prior — are the agent's business). */
export function register(agent: Agent, o: { onEmpty?: (ctx: InboundContext) => unknown } = {}): void {
  agent.on(EMPTY, (ctx) => o.onEmpty?.(ctx));
}

/** An empty message with the given headers. */
export function buildEmpty(o: { from?: string; to: string[]; headers?: Partial<Message> }): Message {
  return {
    id: newId(),
    type: EMPTY,
    ...(o.from !== undefined ? { from: o.from } : {}),
    to: o.to,
    created_time: Math.floor(Date.now() / 1000),
    ...o.headers,
    body: {},
  };
}

/** Send an empty message carrying `headers` (e.g. to announce a rotated DID). */
export function sendEmpty(agent: Agent, to: string, headers: Partial<Message> = {}, o?: SendOptions): Promise<SendResult[]> {
  return agent.send(buildEmpty({ from: agent.did, to: [to], headers }), o);
}

/** A pure ACK of `ids` (oldest first). It never asks for an ACK itself (spec: no ACK loops). */
export function sendAck(agent: Agent, to: string, ids: string[], o: { thid?: string } & SendOptions = {}): Promise<SendResult[]> {
  if (ids.length === 0) throw new TypeError('an ack names at least one message id');
  const { thid, ...send } = o;
  return agent.send(buildEmpty({ from: agent.did, to: [to], headers: { ack: ids, ...(thid ? { thid } : {}) } }), send);
}
