// Our side of the mediator: pickup (status, delivery, live mode) spoken as the DID the mediator
// granted, whichever DID is in use for everything else.
import { pickupDeliver, setLiveDelivery, type Agent, type PickupStatus } from '@didcomm-ts/core';
import type { MediatorRecord } from '../profile/profile.js';

export class Mailbox {
  constructor(
    readonly agent: Agent,
    readonly record: MediatorRecord,
    readonly timeoutMs: number,
  ) {}

  get #o() {
    return { version: this.record.pickup_version, from: this.record.client_did, timeoutMs: this.timeoutMs };
  }

  /** Pick up (and acknowledge) until the queue is empty; resolves with how many came. */
  async pickupAll(o: { batch?: number; maxBatches?: number } = {}): Promise<number> {
    let total = 0;
    for (let i = 0; i < (o.maxBatches ?? 100); i++) {
      const { messages } = await pickupDeliver(this.agent, this.record.did, { ...this.#o, limit: o.batch ?? 50 });
      total += messages.length;
      if (messages.length === 0) break;
    }
    return total;
  }

  /** Live mode on or off, over the mediator's WebSocket endpoint. */
  live(on: boolean): Promise<PickupStatus> {
    return setLiveDelivery(this.agent, this.record.did, on, this.#o);
  }
}
