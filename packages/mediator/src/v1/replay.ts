// v1 replays, refused as the v2 agent refuses them, with the same memory (core's SeenIds): the
// last replayIdsPerSender `@id`s of each sender key, forwards (no proven sender) in one shared
// bucket so they cannot flush anyone's, 200,000 ids in all. A captured Authcrypt request (a
// keylist-update removing keys, a messages-received) sent again is ERR_DUPLICATE (409), and a
// captured forward is not queued twice.
import { DIDCommError, ErrorCodes, SeenIds } from '@didcomm-ts/core';

export class ReplayGuard {
  readonly #seen: SeenIds;
  constructor(idsPerSender: number) {
    this.#seen = new SeenIds({ idsPerSender });
  }

  /** Remember `id` from `sender` (a verkey; undefined for forwards); throws ERR_DUPLICATE when seen already. */
  check(sender: string | undefined, id: string): void {
    if (!this.#seen.add(sender, id)) throw new DIDCommError(ErrorCodes.DUPLICATE, `message ${id} was already received`);
  }
}
