// A did:peer:2 cannot change its services, so routing through a mediator means a new DID whose
// DIDCommMessaging service names the mediator: its routing DID as the uri (spec "Using a DID as
// an endpoint"), or a uri with routing keys.
import { createDID, type CreatedDID, type CreateDIDOptions } from '../../did/create.js';

/** Options of createMediatedDID: the mediator's routing DID (3.0 and current 2.0), or a URI and routing keys; plus createDID's options. */
export type MediatedDIDOptions = Omit<CreateDIDOptions, 'services' | 'numalgo'> & (
  | { routingDid: string; uri?: never; routingKeys?: never }
  | { uri: string; routingKeys: string[]; routingDid?: never }
) & { accept?: string[]; numalgo?: 2 | 4 };

/** A new did:peer (2 by default) whose messages go through the mediator. Register it with updateKeylist. */
export function createMediatedDID(o: MediatedDIDOptions): Promise<CreatedDID> {
  const accept = o.accept ?? ['didcomm/v2'];
  const service = o.routingDid !== undefined ? { uri: o.routingDid, accept } : { uri: o.uri!, accept, routingKeys: o.routingKeys! };
  if (typeof service.uri !== 'string' || service.uri.length === 0) throw new TypeError('createMediatedDID needs routingDid, or uri and routingKeys');
  const { routingDid: _r, uri: _u, routingKeys: _k, accept: _a, ...rest } = o;
  return createDID('peer', { ...rest, numalgo: o.numalgo ?? 2, services: [service] });
}
