// One object for the recipient side of a mediator relationship: mediation (2.0 or 3.0) and
// pickup (3.0 or 4.0) with the versions chosen once.
import type { Agent } from '../../agent/agent.js';
import type { CreatedDID } from '../../did/create.js';
import type { Secret } from '../../secrets/types.js';
import { queryKeylist, requestMediation, updateKeylist, type MediationGrant } from '../coordinate-mediation/client.js';
import { createMediatedDID } from '../coordinate-mediation/mediated-did.js';
import type { KeylistUpdated, MediationVersion } from '../coordinate-mediation/versions.js';
import { messagesReceived, pickupDeliver, pickupStatus, setLiveDelivery, type DeliverResult, type LiveDeliveryOptions } from './client.js';
import type { PickupStatus, PickupVersion } from './versions.js';

/** Options of MediatorClient: the protocol versions (default coordinate-mediation 3.0, message-pickup 4.0), a deadline, and where new secrets go. */
export interface MediatorClientOptions {
  mediationVersion?: MediationVersion;
  pickupVersion?: PickupVersion;
  timeoutMs?: number;
  /** Where the secrets of DIDs created by mediate() go (default: agent.secrets when it has add()). */
  addSecrets?: (secrets: Secret[]) => unknown;
}

/**
 * The recipient side of one mediator: ask for mediation, register DIDs, pick up by polling or live mode, with the
 * protocol versions chosen once. Requests go from the DID that holds the mediation (`accountDid`).
 */
export class MediatorClient {
  readonly agent: Agent;
  readonly mediatorDid: string;
  readonly options: MediatorClientOptions;
  /** The DID that holds the mediation (the account): every request is sent from it. */
  readonly accountDid: string;
  /** The grant, once mediate() or request() succeeded. */
  grant: MediationGrant | undefined;

  constructor(agent: Agent, mediatorDid: string, options: MediatorClientOptions & { accountDid?: string } = {}) {
    this.agent = agent;
    this.mediatorDid = mediatorDid;
    this.options = options;
    this.accountDid = options.accountDid ?? agent.did;
  }

  get #m() {
    return { version: this.options.mediationVersion ?? 3, timeoutMs: this.options.timeoutMs, from: this.accountDid };
  }
  get #p() {
    return { version: this.options.pickupVersion ?? 4, timeoutMs: this.options.timeoutMs, from: this.accountDid };
  }

  /** Ask for mediation (no new DID). */
  async request(): Promise<MediationGrant> {
    this.grant = await requestMediation(this.agent, this.mediatorDid, this.#m);
    return this.grant;
  }

  /**
   * Ask for mediation, create a did:peer:2 that routes through the mediator, register it as a
   * recipient, and make it the agent's default DID. Resolves with the grant and the new DID.
   */
  async mediate(o: { makeDefault?: boolean } = {}): Promise<{ grant: MediationGrant; did: CreatedDID }> {
    const grant = await this.request();
    const did = await createMediatedDID({ routingDid: grant.routingDid });
    const store = this.agent.secrets as { add?: (...s: Secret[]) => unknown };
    if (this.options.addSecrets) await this.options.addSecrets(did.secrets);
    else if (typeof store.add === 'function') await store.add(...did.secrets);
    else throw new TypeError('the agent\'s secrets cannot be added to: pass options.addSecrets');
    const [result] = await this.addRecipient(did.did);
    if (result?.result !== 'success' && result?.result !== 'no_change') throw new Error(`the mediator refused to register ${did.did}: ${result?.result}`);
    this.agent.addDid(did.did, o.makeDefault ?? false);
    return { grant, did };
  }

  addRecipient(...dids: string[]): Promise<KeylistUpdated[]> {
    return updateKeylist(this.agent, this.mediatorDid, dids.map((d) => ({ recipient_did: d, action: 'add' as const })), this.#m);
  }
  removeRecipient(...dids: string[]): Promise<KeylistUpdated[]> {
    return updateKeylist(this.agent, this.mediatorDid, dids.map((d) => ({ recipient_did: d, action: 'remove' as const })), this.#m);
  }
  recipients(paginate?: { limit: number; offset: number }) {
    return queryKeylist(this.agent, this.mediatorDid, { ...this.#m, ...(paginate ? { paginate } : {}) });
  }

  status(recipientDid?: string): Promise<PickupStatus> {
    return pickupStatus(this.agent, this.mediatorDid, { ...this.#p, ...(recipientDid ? { recipientDid } : {}) });
  }
  /** One delivery-request: receive and acknowledge up to `limit` messages. */
  pickup(o: { limit?: number; recipientDid?: string; ack?: boolean } = {}): Promise<DeliverResult> {
    return pickupDeliver(this.agent, this.mediatorDid, { ...this.#p, ...o });
  }
  /** Pick up until the queue is empty or `maxBatches` requests were made; resolves with the count received. */
  async pickupAll(o: { batch?: number; maxBatches?: number; recipientDid?: string } = {}): Promise<number> {
    let total = 0;
    for (let i = 0; i < (o.maxBatches ?? 100); i++) {
      const { messages } = await this.pickup({ limit: o.batch ?? 50, recipientDid: o.recipientDid });
      total += messages.length;
      if (messages.length === 0) break;
    }
    return total;
  }
  acknowledge(ids: string[]): Promise<PickupStatus | undefined> {
    return messagesReceived(this.agent, this.mediatorDid, ids, this.#p);
  }
  /** Live mode over the mediator's WebSocket endpoint. */
  live(on = true, o: LiveDeliveryOptions = {}): Promise<PickupStatus> {
    return setLiveDelivery(this.agent, this.mediatorDid, on, { ...this.#p, ...o });
  }
}
