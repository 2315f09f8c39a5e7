// DID Exchange 1.1 (RFC 0023), responder role, on the mediator's multi-use invitation: the
// requester's connection key is the one it authcrypts with; we answer with our did:peer:4 and
// did_rotate~attach, our DID signed by the invitation key (Credo checks that signature).
// Nothing is stored: the account is created by mediate-request, named by that key.
import { v1 } from '@didcomm-ts/core';
import { problemReport, reply, type V1Context, type V1Inbound } from './context.js';

export async function didExchangeRequest(c: V1Context, inbound: V1Inbound): Promise<void> {
  const { message } = inbound;
  const pthid = v1.parentThreadIdOf(message);
  if (pthid !== c.id.invitation['@id']) {
    c.m.metrics.inc('didcomm_mediator_refused_total', { reason: 'v1_unknown_invitation' });
    return reply(c, inbound, problemReport(inbound, 'request_not_accepted', 'This request does not answer our invitation'));
  }
  const version = message['@type'].includes('/1.0/') ? '1.0' : '1.1';
  const response = v1.createV1Message(
    `https://didcomm.org/didexchange/${version}/response`,
    { did: c.id.did, 'did_rotate~attach': { '@id': crypto.randomUUID(), 'mime-type': 'text/string', data: await v1.signAttachmentData(c.id.did, c.id.key) } },
    { thid: v1.threadIdOf(message), pthid },
  );
  c.m.logger.info('v1 connection', { key: inbound.senderKey, label: typeof message.label === 'string' ? message.label.slice(0, 100) : undefined });
  await reply(c, inbound, response);
}
