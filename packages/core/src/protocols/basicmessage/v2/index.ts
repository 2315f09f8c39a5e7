// BasicMessage 2.0: send text with its language and time; received messages go to a callback.
import type { Agent, SendOptions } from '../../../agent/agent.js';
import { newId } from '../../../message/create.js';
import type { Message } from '../../../message/types.js';
import { ProblemReportError } from '../../report-problem/v2/messages.js';
import type { InboundContext } from '../../router.js';
import { MESSAGE, ROLES } from './messages.js';

export * from './messages.js';

/** A received basic message, as listeners see it. */
export interface BasicMessage {
  content: string;
  lang?: string;
  /** Epoch seconds, from the created_time header. */
  createdTime?: number;
  /** The authenticated sender, when there is one. */
  from?: string;
  message: Message;
}

/** Called with each basic message received. */
export type BasicMessageListener = (m: BasicMessage, ctx: InboundContext) => unknown;

/** Largest content accepted, in UTF-16 code units. */
const MAX_CONTENT = 64 * 1024;

/** Register the receiver role (and the sender role, for discovery); `subscribe` adds listeners. */
export function register(agent: Agent, o: { onMessage?: BasicMessageListener; maxContentLength?: number } = {}): { subscribe(fn: BasicMessageListener): () => void } {
  const listeners = new Set<BasicMessageListener>();
  if (o.onMessage) listeners.add(o.onMessage);
  const max = o.maxContentLength ?? MAX_CONTENT;
  agent.on(
    MESSAGE,
    async (ctx) => {
      const content = ctx.message.body?.content;
      if (typeof content !== 'string') throw new ProblemReportError('e.m.msg.invalid-content', 'body.content must be a string');
      if (content.length > max) throw new ProblemReportError('e.m.msg.content-too-long', 'body.content is longer than {1} characters', [String(max)]);
      const m: BasicMessage = {
        content,
        ...(typeof ctx.message.lang === 'string' ? { lang: ctx.message.lang } : {}),
        ...(typeof ctx.message.created_time === 'number' ? { createdTime: ctx.message.created_time } : {}),
        ...(ctx.sender !== undefined ? { from: ctx.sender } : {}),
        message: ctx.message,
      };
      for (const fn of listeners) await fn(m, ctx);
    },
    { roles: [ROLES.sender, ROLES.receiver] },
  );
  return {
    subscribe(fn) {
      listeners.add(fn);
      return () => listeners.delete(fn);
    },
  };
}

/** A basic message; created_time is always set (the protocol requires the send time). */
export function buildBasicMessage(o: { from?: string; to: string; content: string; lang?: string; createdTime?: number; id?: string }): Message {
  if (typeof o.content !== 'string') throw new TypeError('content must be a string');
  return {
    id: o.id ?? newId(),
    type: MESSAGE,
    ...(o.from !== undefined ? { from: o.from } : {}),
    to: [o.to],
    ...(o.lang !== undefined ? { lang: o.lang } : {}),
    created_time: o.createdTime ?? Math.floor(Date.now() / 1000),
    body: { content: o.content },
  };
}

/** Send `content` to `did`; returns the message sent. */
export async function sendBasicMessage(agent: Agent, did: string, content: string, o: { lang?: string } & SendOptions = {}): Promise<Message> {
  const { lang, ...send } = o;
  const msg = buildBasicMessage({ from: agent.did, to: did, content, lang });
  await agent.send(msg, send);
  return msg;
}
