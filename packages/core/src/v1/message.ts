// v1 plaintext messages (Aries RFC 0020 types, 0008 threading, 0092 return routes) and the
// routing 1.0 forward (RFC 0094) a mediator unwraps.
import { DIDCommError, ErrorCodes, malformed } from '../errors.js';
import { newId } from '../message/create.js';
import { parseJsonObject } from '../util/json.js';
import { packV1 } from './pack.js';
import type { V1Envelope, V1Message } from './types.js';

/** The old type prefix some agents still write (Aries RFC 0348); read as `https://didcomm.org/`. */
export const DID_SOV_PREFIX = 'did:sov:BzCbsNYhMrjHiqZDTUASHg;spec/';
/** The type prefix we write. */
export const DIDCOMM_ORG_PREFIX = 'https://didcomm.org/';

/**
 * Routing 1.0 forward.
 * @see https://github.com/hyperledger/aries-rfcs/tree/main/concepts/0094-cross-domain-messaging
 */
export const V1_FORWARD_TYPE = 'https://didcomm.org/routing/1.0/forward';

/** A message type with the did:sov prefix rewritten to `https://didcomm.org/`. */
export const normalizeV1Type = (type: string): string => (type.startsWith(DID_SOV_PREFIX) ? DIDCOMM_ORG_PREFIX + type.slice(DID_SOV_PREFIX.length) : type);

/** Check a decrypted JSON object is a v1 message (string `@type` and `@id`); the type normalized. */
export function parseV1Message(value: Record<string, unknown>): V1Message {
  const type = value['@type'];
  const id = value['@id'];
  if (typeof type !== 'string' || type.length === 0 || type.length > 512) throw malformed('a v1 message has a string @type');
  if (typeof id !== 'string' || id.length === 0 || id.length > 512) throw malformed('a v1 message has a string @id');
  return { ...value, '@type': normalizeV1Type(type), '@id': id };
}

/** The thread a message belongs to: `~thread.thid`, else its own `@id` (RFC 0008). */
export function threadIdOf(message: V1Message): string {
  const thread = message['~thread'] as { thid?: unknown } | undefined;
  return typeof thread?.thid === 'string' ? thread.thid : message['@id'];
}

/** The parent thread (`~thread.pthid`), if any. */
export function parentThreadIdOf(message: V1Message): string | undefined {
  const thread = message['~thread'] as { pthid?: unknown } | undefined;
  return typeof thread?.pthid === 'string' ? thread.pthid : undefined;
}

/** `~transport.return_route` (RFC 0092): 'all', 'thread' or 'none' (also when absent or unknown). */
export function returnRouteOf(message: V1Message): 'all' | 'thread' | 'none' {
  const t = message['~transport'] as { return_route?: unknown } | undefined;
  return t?.return_route === 'all' || t?.return_route === 'thread' ? t.return_route : 'none';
}

/** A new v1 message: fresh `@id`, and `~thread` when it answers or continues one. */
export function createV1Message(type: string, body: Record<string, unknown> = {}, thread?: { thid?: string; pthid?: string }): V1Message {
  const message: V1Message = { '@type': type, '@id': newId(), ...body };
  if (thread && (thread.thid || thread.pthid)) message['~thread'] = { ...(thread.thid ? { thid: thread.thid } : {}), ...(thread.pthid ? { pthid: thread.pthid } : {}) };
  return message;
}

/** A forward's next hop and payload; MALFORMED when `to` or `msg` is missing or wrong. */
export function parseV1Forward(message: V1Message): { to: string; msg: V1Envelope | Record<string, unknown> } {
  const { to, msg } = message as { to?: unknown; msg?: unknown };
  if (typeof to !== 'string' || to.length === 0 || to.length > 256) throw malformed('a forward has a string `to`');
  if (typeof msg !== 'object' || msg === null || Array.isArray(msg)) {
    // Some agents send the inner envelope as JSON text.
    if (typeof msg === 'string') {
      try {
        return { to, msg: parseJsonObject(msg, 'forward msg') };
      } catch {
        /* fall through */
      }
    }
    throw malformed('a forward has a JSON object `msg`');
  }
  return { to, msg: msg as Record<string, unknown> };
}

/**
 * Wrap an envelope for `to` in forwards through `routingKeys` (first key: the last hop before
 * `to`, as Credo orders them), each layer Anoncrypt to its routing key.
 */
export async function wrapV1Forward(envelope: V1Envelope, to: string, routingKeys: readonly string[]): Promise<V1Envelope> {
  if (routingKeys.length > 8) throw new DIDCommError(ErrorCodes.LIMIT_EXCEEDED, 'more than 8 routing keys');
  let packed = envelope;
  let next = to;
  for (const key of routingKeys) {
    packed = await packV1({ '@type': V1_FORWARD_TYPE, '@id': newId(), to: next, msg: packed }, { to: [key] });
    next = key;
  }
  return packed;
}
