// What the v1 handlers share, and the inbound message they handle.
import { v1, type Session } from '@didcomm-ts/core';
import type { MediatorContext } from '../mediator.js';
import type { V1Identity } from './identity.js';
import type { V1Live } from './live.js';

export interface V1Context {
  /** The v2 mediator's context: store, limits, metrics, logger, access policy. */
  m: MediatorContext;
  id: V1Identity;
  /** The public HTTP endpoint grants name. */
  endpoint: string;
  live: V1Live;
  /** Pack a message to `verkey` from our key (Authcrypt) and send it on `session`. */
  send(session: Session, verkey: string, message: v1.V1Message): Promise<void>;
}

export interface V1Inbound {
  message: v1.V1Message;
  /** The sender's verkey (base58): present only for Authcrypt. */
  senderKey?: string;
  session?: Session;
}

/** A v1 account is named by the did:key of the connection key it authcrypts with. */
export const accountOf = (senderKey: string): string => v1.verkeyToDidKey(senderKey);

/** Reply on the request's return route (`~transport.return_route` all or thread); else there is no channel for it. */
export async function reply(c: V1Context, inbound: V1Inbound, message: v1.V1Message): Promise<void> {
  const { session, senderKey } = inbound;
  if (senderKey && session?.open && v1.returnRouteOf(inbound.message) !== 'none') return c.send(session, senderKey, message);
  c.m.logger.debug('v1: no return route, answer dropped', { type: message['@type'], thid: inbound.message['@id'] });
}

/** A v1 problem report (RFC 0035) in the thread of `inbound`. */
export function problemReport(inbound: V1Inbound, code: string, en: string): v1.V1Message {
  return v1.createV1Message('https://didcomm.org/report-problem/1.0/problem-report', { description: { code, en } }, { thid: v1.threadIdOf(inbound.message) });
}
