// v1 replays: the `@id`s seen per sender key, the last replayIdsPerSender of each, as the v2
// agent keeps them. A captured Authcrypt request (a keylist-update removing keys, a
// messages-received) sent again is refused ERR_DUPLICATE (409). Forwards come from no proven
// sender: they share one separate memory, so they cannot flush anyone's. Bounded: at most
// MAX_SENDERS senders remembered, least recently seen forgotten first.
import { DIDCommError, ErrorCodes } from '@didcomm-ts/core';

const MAX_SENDERS = 10_000;
/** The key anonymous (forward) ids are remembered under; no verkey looks like it. */
export const ANONYMOUS = '*';

export class ReplayGuard {
  readonly #seen = new Map<string, Set<string>>();
  constructor(readonly idsPerSender: number) {}

  /** Remember `id` from `sender`; throws ERR_DUPLICATE when it was seen already. */
  check(sender: string, id: string): void {
    if (this.idsPerSender <= 0) return;
    let ids = this.#seen.get(sender);
    if (ids) this.#seen.delete(sender);
    else {
      if (this.#seen.size >= MAX_SENDERS) this.#seen.delete(this.#seen.keys().next().value as string);
      ids = new Set();
    }
    this.#seen.set(sender, ids);
    if (ids.has(id)) throw new DIDCommError(ErrorCodes.DUPLICATE, `message ${id} was already received`);
    ids.add(id);
    if (ids.size > this.idsPerSender) ids.delete(ids.values().next().value as string);
  }
}
