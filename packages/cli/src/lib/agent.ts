// An Agent made from a profile: its DIDs and keys, HTTP and WebSocket transports, the standard
// protocols, and every message it receives kept in the profile's inbox.
import { Agent, createResolver, HttpTransport, registerStandardProtocols, type InboundContext } from '@didcomm-ts/core';
import { NodeWsTransport } from '@didcomm-ts/core/node';
import type { InboxEntry, Profile } from '../profile/profile.js';
import { Mailbox } from './mailbox.js';

// Protocol traffic is not mail: these never reach the inbox.
const INTERNAL = /^https:\/\/didcomm\.org\/(messagepickup|message-pickup|coordinate-mediation|trust-ping|empty|discover-features|routing|shorten-url)\//;

export interface AgentSession {
  agent: Agent;
  profile: Profile;
  /** The mediator, when the profile has one (pickup and mediation go through it). */
  mediator?: Mailbox;
  /** Called for each message that reaches the inbox (after it is stored). */
  onInbox: Set<(entry: InboxEntry) => void>;
  close(): Promise<void>;
}

export interface OpenAgentOptions {
  timeoutMs: number;
}

export async function openAgent(profile: Profile, o: OpenAgentOptions): Promise<AgentSession> {
  const secrets = await profile.secrets();
  const m = profile.mediator;
  const dids = profile.orderedDids();
  const agent = new Agent({
    // An agent needs a DID; one without any still unpacks and sends anonymously.
    did: dids.length ? dids : ['did:example:none'],
    secrets,
    resolver: createResolver(),
    transports: [new HttpTransport({ timeoutMs: o.timeoutMs }), new NodeWsTransport({ connectTimeoutMs: o.timeoutMs })],
    requestTimeoutMs: o.timeoutMs,
    retry: { attempts: 2, baseDelayMs: 250 },
  });
  registerStandardProtocols(agent);
  // Messages of types we have no handler for are kept, not answered with a problem report.
  agent.router.fallback(() => undefined);

  const onInbox = new Set<(entry: InboxEntry) => void>();
  await profile.loadInbox();
  agent.router.use(async (ctx: InboundContext, next) => {
    if (!INTERNAL.test(ctx.message.type)) {
      const entry: InboxEntry = {
        id: ctx.message.id,
        from: ctx.message.from ?? null,
        ...(ctx.message.to ? { to: ctx.message.to } : {}),
        type: ctx.message.type,
        body: ctx.message.body ?? {},
        ...(ctx.message.thid !== undefined ? { thid: ctx.message.thid } : {}),
        received_at: new Date().toISOString(),
        authenticated: ctx.metadata.authenticated,
      };
      // Stored before the mediator is told we have it (at-least-once); appendInbox drops a
      // redelivery, whichever process of this profile stored the message first.
      for (const stored of await profile.appendInbox([entry])) for (const fn of onInbox) fn(stored);
    }
    await next();
  });

  const mediator = m ? new Mailbox(agent, m, o.timeoutMs) : undefined;
  return {
    agent,
    profile,
    mediator,
    onInbox,
    close: () => agent.stop(),
  };
}

