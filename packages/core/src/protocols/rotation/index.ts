// DID rotation (spec "DID Rotation"): our agent moves to a new did:peer and announces it
// with from_prior; the peer side (Agent.receive) verifies it and switches.
import type { Agent, SendOptions } from '../../agent/agent.js';
import { createDID, type CreatedDID, type ServiceInput } from '../../did/create.js';
import { didcommEndpoints } from '../../did/document.js';
import { rotateDID } from '../../did/rotate.js';
import { packFromPrior } from '../../message/from-prior.js';
import { resolveDocument } from '../../pack/context.js';
import type { Secret } from '../../secrets/types.js';
import { sendEmpty } from '../empty/v1/index.js';

/** Options of rotate: the DID to move to (or its services), where its secrets go, and which peers to tell now. */
export interface RotateOptions {
  /** The DID to move to, made beforehand; default a new did:peer:2 with the same services. */
  next?: CreatedDID;
  /** Services for the new did:peer (default: the DIDCommMessaging services of the current DID). */
  services?: ServiceInput[];
  /**
   * Where the new DID's secrets go. Default: the agent's secrets when they have `add`
   * (InMemorySecrets); otherwise pass this, or the agent could not decrypt for the new DID.
   */
  addSecrets?: (secrets: Secret[]) => unknown;
  /** Peers to tell now: each gets an empty message from the new DID carrying from_prior. */
  announceTo?: string[];
  send?: SendOptions;
}

/** The result of a rotation: the prior DID, the new one, and the from_prior JWT that announces it. */
export interface Rotated {
  priorDid: string;
  did: string;
  /** The from_prior JWT the agent attaches until each peer writes to the new DID. */
  fromPrior: string;
  created: CreatedDID;
}

/**
 * Rotate `agent` to a new DID. The prior DID stays among the agent's DIDs so messages still
 * in flight to it decrypt; the agent refuses them from any peer that has since written to
 * the new DID.
 */
export async function rotate(agent: Agent, o: RotateOptions = {}): Promise<Rotated> {
  const priorDid = agent.did;
  let created = o.next;
  if (!created) {
    let services = o.services;
    if (!services) {
      const doc = await resolveDocument(agent.resolver, priorDid);
      services = didcommEndpoints(doc).map((e) => ({ uri: e.uri, accept: e.accept, routingKeys: e.routingKeys }));
    }
    created = await createDID('peer', { services });
  }
  const add = o.addSecrets ?? (typeof (agent.secrets as { add?: unknown }).add === 'function' ? (s: Secret[]) => (agent.secrets as unknown as { add(...s: Secret[]): unknown }).add(...s) : undefined);
  if (!add) throw new TypeError('the agent secrets have no add(): pass addSecrets so the new DID keys are usable');
  await add(created.secrets);
  const { claims, issuerKid } = await rotateDID({ oldDid: priorDid, newDid: created.did, secrets: agent.secrets, resolver: agent.resolver });
  const { jwt } = await packFromPrior(claims, { issuerKid, resolver: agent.resolver, secrets: agent.secrets });
  agent.rotateTo(created.did, jwt);
  agent.logger.info('rotated our DID', { from: priorDid, to: created.did });
  for (const peer of o.announceTo ?? []) await sendEmpty(agent, peer, {}, o.send);
  return { priorDid, did: created.did, fromPrior: jwt, created };
}

/** The DID a peer now uses, following rotations this agent has verified (a chain, bounded). */
export function currentDidOf(agent: Agent, did: string): string {
  let d = did;
  for (let i = 0; i < 16 && agent.rotations.has(d); i++) d = agent.rotations.get(d)!;
  return d;
}
