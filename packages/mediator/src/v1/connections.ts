// Connections 1.0 (RFC 0160), responder role, for wallets that offer it rather than DID
// Exchange: our legacy DID document (an unqualified DID, our v1 key, an IndyAgent service per
// endpoint) in connection~sig, signed by the invitation key over an 8-byte timestamp and the
// connection's JSON (ed25519Sha512_single, RFC 0234). Nothing is stored, as for DID Exchange.
import { v1 } from '@didcomm-ts/core';
import { problemReport, reply, type V1Context, type V1Inbound } from './context.js';

export const CONNECTIONS = {
  request: 'https://didcomm.org/connections/1.0/request',
  response: 'https://didcomm.org/connections/1.0/response',
  protocol: 'https://didcomm.org/connections/1.0',
} as const;
const SIGNATURE_TYPE = 'https://didcomm.org/signature/1.0/ed25519Sha512_single';

/** Our legacy DID document: the unqualified DID is the first 16 bytes of the verkey, base58. */
export function legacyConnection(c: V1Context): { DID: string; DIDDoc: Record<string, unknown> } {
  const { key } = c.id;
  const did = v1.toBase58(key.publicKey.subarray(0, 16));
  return {
    DID: did,
    DIDDoc: {
      '@context': 'https://w3id.org/did/v1',
      id: did,
      publicKey: [{ id: `${did}#1`, type: 'Ed25519VerificationKey2018', controller: did, publicKeyBase58: key.verkey }],
      authentication: [{ type: 'Ed25519SignatureAuthentication2018', publicKey: `${did}#1` }],
      service: c.id.endpoints.map((serviceEndpoint, priority) => ({ id: `${did};indy-${priority}`, type: 'IndyAgent', priority, recipientKeys: [key.verkey], routingKeys: [], serviceEndpoint })),
    },
  };
}

export async function connectionRequest(c: V1Context, inbound: V1Inbound): Promise<void> {
  const { message } = inbound;
  const pthid = v1.parentThreadIdOf(message);
  if (pthid !== undefined && pthid !== c.id.invitation['@id']) {
    c.m.metrics.inc('didcomm_mediator_refused_total', { reason: 'v1_unknown_invitation' });
    return reply(c, inbound, problemReport(inbound, 'request_not_accepted', 'This request does not answer our invitation'));
  }
  const connection = legacyConnection(c);
  const time = new Uint8Array(8);
  new DataView(time.buffer).setBigUint64(0, BigInt(Math.floor(Date.now() / 1000)));
  const json = new TextEncoder().encode(JSON.stringify(connection));
  const data = new Uint8Array(8 + json.length);
  data.set(time);
  data.set(json, 8);
  const sig = {
    '@type': SIGNATURE_TYPE,
    signature: Buffer.from(await v1.signWithV1Key(c.id.key, data)).toString('base64url'),
    sig_data: Buffer.from(data).toString('base64url'),
    signer: c.id.key.verkey,
  };
  c.m.logger.info('v1 connection', { key: inbound.senderKey, protocol: 'connections/1.0' });
  await reply(c, inbound, v1.createV1Message(CONNECTIONS.response, { 'connection~sig': sig }, { thid: v1.threadIdOf(message) }));
}
