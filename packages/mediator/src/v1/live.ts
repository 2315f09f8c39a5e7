// v1 connections in pickup 2.0 live mode, per account (a WebSocket each). Kept apart from the
// v2 LiveSessions: a v1 delivery is a v1 envelope, and the v2 live path must not see these.
import type { Session } from '@didcomm-ts/core';

export class V1Live {
  readonly #byAccount = new Map<string, Map<string, Session>>();

  set(account: string, session: Session, on: boolean): void {
    let m = this.#byAccount.get(account);
    if (on) {
      if (!m) this.#byAccount.set(account, (m = new Map()));
      if (!m.has(session.id)) session.onClose?.(() => this.set(account, session, false));
      m.set(session.id, session);
    } else if (m) {
      m.delete(session.id);
      if (m.size === 0) this.#byAccount.delete(account);
    }
  }

  sessions(account: string): Session[] {
    const m = this.#byAccount.get(account);
    if (!m) return [];
    for (const [id, s] of m) if (!s.open) m.delete(id);
    if (m.size === 0) this.#byAccount.delete(account);
    return [...m.values()];
  }

  /** Accounts with a live v1 connection here (closed ones may still be listed until next looked at). */
  accounts(): string[] {
    return [...this.#byAccount.keys()];
  }

  count(): number {
    let n = 0;
    for (const account of [...this.#byAccount.keys()]) n += this.sessions(account).length;
    return n;
  }
}
