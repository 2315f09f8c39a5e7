import type { Message } from '../message/types.js';
import type { UnpackMetadata } from '../pack/metadata.js';
import { handlerKey, parseMessageType } from './piuri.js';

/** What a handler sees: the message, how it was protected, and how to answer. */
export interface InboundContext {
  message: Message;
  metadata: UnpackMetadata;
  /** The sender's DID when authenticated (authcrypt or signature), else undefined. */
  sender?: string;
  /** Answer in the same thread (thid/pthid set), packed for the sender. */
  reply(message: Omit<Message, 'id'> & { id?: string }, options?: ReplyOptions): Promise<void>;
  /** Free-form state that middleware may attach. */
  state: Record<string, unknown>;
}

/** Options of InboundContext.reply. */
export interface ReplyOptions {
  /** Send anoncrypted/unauthenticated even though authcrypt is the default. */
  anonymous?: boolean;
}

/** Handles one inbound message. Throwing (a ProblemReportError to choose the code) answers the sender with a problem report. */
export type Handler = (ctx: InboundContext) => unknown | Promise<unknown>;
/** Runs around every dispatch: call `next()` to go on to the handler, or return without it to stop there. */
export type Middleware = (ctx: InboundContext, next: () => Promise<void>) => Promise<void>;

/** A protocol this router handles and the roles it plays, as discover-features discloses it. */
export interface ProtocolRegistration {
  piuri: string;
  roles?: string[];
}

/**
 * Dispatches inbound messages to handlers by message type. Middleware runs around every
 * dispatch; a message no handler takes goes to the fallback (by default a problem report).
 */
export class Router {
  readonly #handlers = new Map<string, Handler>();
  readonly #middleware: Middleware[] = [];
  readonly #protocols = new Map<string, ProtocolRegistration>();
  readonly #goalCodes = new Set<string>();
  #fallback: Handler | undefined;

  /** Register a handler for a message type URI (any minor version of its major is accepted). */
  on(type: string, handler: Handler, options: { roles?: string[] } = {}): this {
    const parts = parseMessageType(type);
    if (!parts) throw new TypeError(`not a message type URI: ${type}`);
    this.#handlers.set(handlerKey(parts), handler);
    const known = this.#protocols.get(parts.piuri);
    const roles = [...new Set([...(known?.roles ?? []), ...(options.roles ?? [])])];
    this.#protocols.set(parts.piuri, { piuri: parts.piuri, ...(roles.length ? { roles } : {}) });
    return this;
  }

  use(mw: Middleware): this {
    this.#middleware.push(mw);
    return this;
  }

  fallback(handler: Handler): this {
    this.#fallback = handler;
    return this;
  }

  addGoalCode(code: string): this {
    this.#goalCodes.add(code);
    return this;
  }

  /** The protocols handled here (for discover-features). */
  protocols(): ProtocolRegistration[] {
    return [...this.#protocols.values()];
  }

  goalCodes(): string[] {
    return [...this.#goalCodes];
  }

  handlerFor(type: string): Handler | undefined {
    const parts = parseMessageType(type);
    return parts ? this.#handlers.get(handlerKey(parts)) : undefined;
  }

  /** True when dispatch found a handler (or the fallback ran). */
  async dispatch(ctx: InboundContext): Promise<void> {
    const run = async () => {
      const handler = this.handlerFor(ctx.message.type) ?? this.#fallback;
      if (handler) await handler(ctx);
    };
    const chain = this.#middleware.reduceRight<() => Promise<void>>((next, mw) => () => mw(ctx, next), run);
    await chain();
  }
}
