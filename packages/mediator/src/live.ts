// Connections in live mode, per account, on this instance. Live mode belongs to a connection:
// a new connection starts without it (messagepickup 3.0 / message-pickup 4.0 "Live Mode").
import type { PickupVersion, Session } from '@didcomm-ts/core';

export interface LiveEntry {
  session: Session;
  version: PickupVersion;
  /** The mediator DID the client addressed (deliveries come from it). */
  ourDid: string;
}

/** Told when an account gets its first live connection here, and when its last one goes. */
export interface LiveHooks {
  first?(account: string): void;
  last?(account: string): void;
}

export class LiveSessions {
  readonly #byAccount = new Map<string, Map<string, LiveEntry>>();
  readonly #hooks: LiveHooks;

  constructor(hooks: LiveHooks = {}) {
    this.#hooks = hooks;
  }

  set(account: string, entry: LiveEntry, on: boolean): void {
    const known = this.#byAccount.get(account);
    const m = known ?? new Map<string, LiveEntry>();
    if (on) {
      if (!m.has(entry.session.id)) entry.session.onClose?.(() => this.#drop(account, entry.session.id));
      m.set(entry.session.id, entry);
    } else m.delete(entry.session.id);
    if (m.size > 0) {
      this.#byAccount.set(account, m);
      if (!known) this.#hooks.first?.(account);
    } else this.#gone(account);
  }

  #gone(account: string): void {
    if (this.#byAccount.delete(account)) this.#hooks.last?.(account);
  }

  /** A closed connection leaves at once, whether or not its account gets another message. */
  #drop(account: string, sessionId: string): void {
    const m = this.#byAccount.get(account);
    if (!m) return;
    m.delete(sessionId);
    if (m.size === 0) this.#gone(account);
  }

  isLive(account: string, session: Session | undefined): boolean {
    return session !== undefined && session.open && this.#byAccount.get(account)?.has(session.id) === true;
  }

  /** Open live connections of an account (closed ones are dropped on the way). */
  entries(account: string): LiveEntry[] {
    const m = this.#byAccount.get(account);
    if (!m) return [];
    for (const [id, e] of m) if (!e.session.open) m.delete(id);
    if (m.size === 0) this.#gone(account);
    return [...m.values()];
  }

  /** Accounts with a live connection here (closed ones may still be listed until next looked at). */
  accounts(): string[] {
    return [...this.#byAccount.keys()];
  }

  count(): number {
    let n = 0;
    for (const account of [...this.#byAccount.keys()]) n += this.entries(account).length;
    return n;
  }
}
