// The mediator's DIDComm v1 identity: one Ed25519 key (the invitation's recipient key, the
// connection key, the routing key in grants), its did:peer:4 (what DID Exchange answers with),
// and the multi-use out-of-band 1.1 invitation. The key is derived from the secret of the
// mediator's oldest DID, so it needs no storage of its own, is the same on every instance
// sharing a PostgreSQL store, and stays when the public URL (hence the current DID) changes.
import { hkdfSync } from 'node:crypto';
import { createPeer4, v1, type Secret } from '@didcomm-ts/core';
import { OOB_INVITATION, DIDEXCHANGE } from './types.js';

export interface V1Identity {
  key: v1.V1Key;
  /** The key as did:key (what invitations and grants carry). */
  didKey: string;
  /** did:peer:4 long form: the Ed25519 key, its X25519 twin, a did-communication service per endpoint. */
  did: string;
  invitation: Record<string, unknown>;
  invitationUrl: string;
  /** The HTTP and WebSocket endpoints the DID documents name. */
  endpoints: string[];
}

/** The private part of a secret, as stored (the derivation's input). */
function secretMaterial(s: Secret): string {
  const jwk = s.privateKeyJwk as { d?: unknown } | undefined;
  const m = typeof jwk?.d === 'string' ? jwk.d : s.privateKeyMultibase ?? s.privateKeyBase58;
  if (typeof m !== 'string' || m.length === 0) throw new Error(`secret ${s.id} has no private material`);
  return m;
}

/** The v1 key of a mediator whose oldest DID is `did`, from that DID's secrets. */
export async function deriveV1Key(secrets: Secret[], did: string): Promise<v1.V1Key> {
  const own = secrets.filter((s) => s.id.startsWith(`${did}#`)).sort((a, b) => (a.id < b.id ? -1 : 1));
  if (own.length === 0) throw new Error(`no secret of ${did} to derive the DIDComm v1 key from`);
  const seed = new Uint8Array(hkdfSync('sha256', secretMaterial(own[0]), 'didcomm-ts mediator', `didcomm v1 key of ${did}`, 32));
  return v1.v1KeyFromSeed(seed);
}

/**
 * Open a v1 envelope addressed to the mediator's v1 key, under the mediator's size limit: the
 * one way both threads do it (the main thread without a pool, the unwrap workers with one).
 */
export function openV1Envelope(packed: string, key: v1.V1Key, maxBytes?: number): Promise<v1.UnpackV1Result> {
  return v1.unpackV1(packed, { keys: (kid) => (kid === key.verkey ? key : undefined), ...(maxBytes !== undefined ? { maxBytes } : {}) });
}

export interface V1IdentityOptions {
  key: v1.V1Key;
  /** Public HTTP and WebSocket endpoints. */
  httpUrl: string;
  wsUrl: string;
  /** Stable id of the multi-use invitation. */
  invitationId: string;
  label?: string;
}

export async function v1Identity(o: V1IdentityOptions): Promise<V1Identity> {
  const didKey = v1.verkeyToDidKey(o.key.verkey);
  const services = [o.httpUrl, o.wsUrl].map((serviceEndpoint, i) => ({
    id: `#did-communication-${i}`,
    type: 'did-communication',
    priority: i,
    recipientKeys: ['#key-1'],
    routingKeys: [],
    accept: ['didcomm/aip1', 'didcomm/aip2;env=rfc19'],
    serviceEndpoint,
  }));
  const doc = {
    '@context': ['https://www.w3.org/ns/did/v1'],
    verificationMethod: [
      { id: '#key-1', type: 'Ed25519VerificationKey2018', publicKeyBase58: o.key.verkey },
      { id: '#key-2', type: 'X25519KeyAgreementKey2019', publicKeyBase58: v1.toBase58(o.key.x25519.publicKey.raw) },
    ],
    authentication: ['#key-1'],
    keyAgreement: ['#key-2'],
    service: services,
  };
  const { longForm } = await createPeer4(doc);
  const invitation = {
    '@type': OOB_INVITATION,
    '@id': o.invitationId,
    label: o.label ?? 'didcomm-ts mediator',
    goal_code: 'aries.vc.mediate',
    goal: 'Request mediation',
    accept: ['didcomm/aip1', 'didcomm/aip2;env=rfc19'],
    // DID Exchange first: Credo takes the first it supports; connections 1.0 for older wallets.
    handshake_protocols: [DIDEXCHANGE.protocols[0], 'https://didcomm.org/connections/1.0'],
    services: [o.httpUrl, o.wsUrl].map((serviceEndpoint, i) => ({ id: `#inline-${i}`, type: 'did-communication', recipientKeys: [didKey], routingKeys: [], serviceEndpoint })),
  };
  const invitationUrl = `${o.httpUrl}?oob=${Buffer.from(JSON.stringify(invitation)).toString('base64url')}`;
  return { key: o.key, didKey, did: longForm, invitation, invitationUrl, endpoints: [o.httpUrl, o.wsUrl] };
}
