// The DIDComm side of the page: an Agent whose identity lives in IndexedDB, mediation with the
// mediator that served the page, live delivery over its WebSocket (pickup 4.0) with catch-up
// pickup on start and after every reconnection, basic messages in and out, invitations.
import {
  Agent,
  HttpTransport,
  MediatorClient,
  WsTransport,
  acceptInvitation,
  createDID,
  createInvitation,
  invitationUrl,
  newId,
  parseInvitation,
  registerStandardProtocols,
  resolveInvitationUrl,
  sendBasicMessage,
  shortenUrl,
  type Message,
  type WebSocketConstructor,
} from '@didcomm-ts/core';
import { ChatStore, IdbSecrets, type Contact, type Identity, type StoredMessage } from './store.js';

export type Connection = 'connecting' | 'live' | 'offline';

export interface SessionEvents {
  message(m: StoredMessage): void;
  contact(c: Contact): void;
  connection(state: Connection, detail?: string): void;
  error(context: string, e: unknown): void;
}

/** An error whose message is meant for the person using the page. */
export class ChatError extends Error {}

const TIMEOUT_MS = 15_000;
const MAX_BACKOFF_MS = 30_000;

/** The mediator's DID, from the invitation it publishes at /oob next to this page. */
export async function mediatorDidFrom(oobUrl: string): Promise<string> {
  let res: Response;
  try {
    res = await fetch(oobUrl, { headers: { accept: 'application/json' }, cache: 'no-store' });
  } catch (e) {
    throw new ChatError(`The mediator could not be reached (${oobUrl}).`, { cause: e });
  }
  if (!res.ok) throw new ChatError(`The mediator answered ${res.status} for its invitation (${oobUrl}).`);
  return parseInvitation(await res.text()).from!;
}

export class ChatSession {
  readonly agent: Agent;
  readonly client: MediatorClient;
  readonly identity: Identity;
  readonly #store: ChatStore;
  readonly #events: SessionEvents;
  #stopped = false;
  #reconnect: ReturnType<typeof setTimeout> | undefined;
  #backoff = 1000;
  #lastAt = 0;

  private constructor(store: ChatStore, identity: Identity, agent: Agent, client: MediatorClient, events: SessionEvents) {
    this.#store = store;
    this.identity = identity;
    this.agent = agent;
    this.client = client;
    this.#events = events;
  }

  /**
   * Load the identity from IndexedDB, or create one: an account DID, mediation, and a mediated
   * did:peer:2 registered in the mediator's keylist. Does not go live yet (see goLive).
   */
  static async start(store: ChatStore, mediatorDid: string, events: SessionEvents): Promise<ChatSession> {
    let identity = await store.identity();
    if (identity && identity.mediatorDid !== mediatorDid) {
      throw new ChatError('The identity kept in this browser routes through a different mediator than the one serving this page, so nobody could reach you here. Start over with a new identity to use this mediator.');
    }
    let session: ChatSession | undefined;
    const hooks = { dropped: () => session && session.#dropped() };
    if (identity) {
      const secrets = new IdbSecrets(store, await store.secrets());
      const agent = makeAgent([identity.did, identity.accountDid], secrets, hooks);
      const client = new MediatorClient(agent, mediatorDid, { accountDid: identity.accountDid, timeoutMs: TIMEOUT_MS });
      session = new ChatSession(store, identity, agent, client, events);
    } else {
      // Keys left over from an attempt that never got mediation are of no use.
      await store.clearSecrets();
      const account = await createDID('peer');
      const secrets = new IdbSecrets(store, []);
      await secrets.add(...account.secrets);
      const agent = makeAgent([account.did], secrets, hooks);
      const client = new MediatorClient(agent, mediatorDid, { timeoutMs: TIMEOUT_MS, addSecrets: (s) => secrets.add(...s) });
      const { did } = await client.mediate({ makeDefault: true });
      identity = { did: did.did, accountDid: account.did, mediatorDid, invitationId: newId() };
      await store.saveIdentity(identity);
      session = new ChatSession(store, identity, agent, client, events);
    }
    session.#listen();
    return session;
  }

  #listen() {
    const mediator = this.identity.mediatorDid;
    // Anyone who writes to us with an authenticated DID becomes a contact (an accepted
    // invitation starts with a trust ping, a CLI starts with a basic message).
    this.agent.router.use(async (ctx, next) => {
      if (ctx.sender && ctx.sender !== mediator && !this.agent.dids.includes(ctx.sender)) await this.#touch(ctx.sender, 0);
      await next();
    });
    registerStandardProtocols(this.agent, {
      onMessage: async (m) => {
        if (!m.from) return this.#events.error('A message arrived without an authenticated sender and was ignored', new Error(m.content.slice(0, 80)));
        if (await this.#store.message(m.message.id)) return;
        const stored: StoredMessage = { id: m.message.id, peer: m.from, direction: 'in', content: m.content, at: this.#now() };
        await this.#store.saveMessage(stored);
        await this.#touch(m.from, 1, stored.at);
        this.#events.message(stored);
      },
    });
  }

  /** Turn live delivery on (opens the WebSocket), then pick up what waited while we were away. */
  async goLive(): Promise<void> {
    clearTimeout(this.#reconnect);
    this.#reconnect = undefined;
    this.#events.connection('connecting');
    try {
      await this.client.live(true);
      await this.client.pickupAll({ batch: 25 });
    } catch (e) {
      this.#events.connection('offline', errorText(e));
      this.#schedule();
      throw e;
    }
    this.#backoff = 1000;
    this.#events.connection('live');
  }

  #dropped() {
    if (this.#stopped || this.#reconnect) return;
    this.#events.connection('offline', 'the connection to the mediator closed');
    this.#schedule();
  }

  #schedule() {
    if (this.#stopped || this.#reconnect) return;
    const delay = this.#backoff;
    this.#backoff = Math.min(this.#backoff * 2, MAX_BACKOFF_MS);
    this.#reconnect = setTimeout(() => {
      this.#reconnect = undefined;
      this.goLive().catch(() => undefined);
    }, delay);
  }

  /** Our invitation: the same one on every load (same DID, same id). */
  invitation(): Message {
    return createInvitation({ from: this.identity.did, id: this.identity.invitationId, goal: 'Chat with me over DIDComm', accept: ['didcomm/v2'] });
  }
  invitationUrl(base: string): string {
    return invitationUrl(this.invitation(), base);
  }
  /**
   * A short link to our invitation from the mediator (shorten-url 1.0): the whole invitation
   * makes a QR code too dense for a phone camera. Asking again gives the same link while it lasts.
   */
  async shortInvitationUrl(base: string): Promise<string> {
    const { shortenedUrl } = await shortenUrl.requestShortenedUrl(this.agent, this.identity.mediatorDid, { url: this.invitationUrl(base), goalCode: shortenUrl.GoalCodes.OOB_V2 }, { timeoutMs: 5000 });
    return shortenedUrl;
  }

  /** Accept a pasted invitation (link or JSON): ping the inviter in the invitation's thread. Returns the inviter's DID. */
  async accept(input: string): Promise<string> {
    const text = input.trim();
    if (text === '') throw new ChatError('Paste an invitation link first.');
    const invitation = /^https?:\/\//i.test(text) ? await resolveInvitationUrl(text) : parseInvitation(text);
    const inviter = invitation.from!;
    if (this.agent.dids.includes(inviter)) throw new ChatError('That is your own invitation: share it with someone else.');
    await acceptInvitation(this.agent, invitation, { waitForReply: false });
    await this.#touch(inviter, 0);
    return inviter;
  }

  async send(peer: string, content: string): Promise<StoredMessage> {
    const sent = await sendBasicMessage(this.agent, peer, content);
    const stored: StoredMessage = { id: sent.id, peer, direction: 'out', content, at: this.#now() };
    await this.#store.saveMessage(stored);
    await this.#touch(peer, 0, stored.at);
    return stored;
  }

  async markRead(peer: string): Promise<void> {
    const c = await this.#store.contact(peer);
    if (c && c.unread > 0) {
      c.unread = 0;
      await this.#store.saveContact(c);
      this.#events.contact(c);
    }
  }

  async #touch(did: string, unread: number, at?: number) {
    const c = (await this.#store.contact(did)) ?? { did, unread: 0, lastAt: 0 };
    c.unread += unread;
    if (at !== undefined) c.lastAt = at;
    await this.#store.saveContact(c);
    this.#events.contact(c);
  }

  /** Milliseconds, strictly increasing within this page, so the order of a conversation is stable. */
  #now() {
    this.#lastAt = Math.max(Date.now(), this.#lastAt + 1);
    return this.#lastAt;
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    clearTimeout(this.#reconnect);
    await this.agent.stop();
  }
}

function makeAgent(dids: string[], secrets: IdbSecrets, hooks: { dropped(): void }): Agent {
  // The browser's WebSocket, watched so a dropped live connection is noticed and reopened.
  const Watched = class extends WebSocket {
    constructor(url: string) {
      super(url);
      this.addEventListener('close', () => hooks.dropped());
    }
  } as unknown as WebSocketConstructor;
  return new Agent({
    did: dids,
    secrets,
    transports: [new HttpTransport({ timeoutMs: TIMEOUT_MS }), new WsTransport({ WebSocket: Watched, connectTimeoutMs: 10_000 })],
    retry: { attempts: 2, baseDelayMs: 300 },
    requestTimeoutMs: TIMEOUT_MS,
  });
}

/** A readable sentence for any error (DIDCommError and ChatError messages are written for people). */
export function errorText(e: unknown): string {
  if (e instanceof Error) {
    const cause = e.cause instanceof Error && e.cause.message && !e.message.includes(e.cause.message) ? ` (${e.cause.message})` : '';
    return `${e.message}${cause}`;
  }
  return String(e);
}
