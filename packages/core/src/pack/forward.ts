// Routing 2.0: wrap an encrypted message in anoncrypted forwards, one per routing key,
// innermost first (spec "Sender Process"), and find the endpoint to send it to.
import { DIDCommError, ErrorCodes } from '../errors.js';
import { didcommEndpoints, type DIDCommEndpoint } from '../did/document.js';
import type { DIDResolver } from '../did/types.js';
import { isDid, parseDidUrl } from '../did/url.js';
import { newId } from '../message/create.js';
import type { Message } from '../message/types.js';
import type { ContentEncAlg } from '../crypto/types.js';
import { anoncrypt } from './encrypt-layers.js';
import { resolveDocument } from './context.js';
import type { GeneralJwe } from '../jwe/types.js';
import { decode, fromUtf8 } from '../util/base64url.js';
import { parseJson } from '../util/json.js';

/**
 * The routing 2.0 forward message type: a mediator's instruction to pass its attachment on to `body.next`.
 * @see https://identity.foundation/didcomm-messaging/spec/#messages
 */
export const FORWARD_TYPE = 'https://didcomm.org/routing/2.0/forward';

/** The endpoint a message for `did` goes to, with the routing keys in wire order. */
export interface MessagingService {
  serviceId: string;
  uri: string;
  accept: string[];
  routingKeys: string[];
}

const acceptsV2 = (ep: DIDCommEndpoint) => ep.accept.length === 0 || ep.accept.includes('didcomm/v2');

/**
 * The DIDCommMessaging services of `did` we can use, in preference order. A DID as
 * `uri` (a mediator) is followed once: its endpoint is used and the mediator DID is
 * prepended to the routing keys (spec "Using a DID as an endpoint").
 */
export async function findMessagingServices(resolver: DIDResolver, did: string, serviceId?: string): Promise<MessagingService[]> {
  const doc = await resolveDocument(resolver, did);
  let endpoints = didcommEndpoints(doc).filter(acceptsV2);
  if (serviceId !== undefined) endpoints = endpoints.filter((e) => e.serviceId === serviceId || e.serviceId.endsWith(serviceId));
  const out: MessagingService[] = [];
  for (const ep of endpoints) {
    if (!isDid(ep.uri)) {
      out.push({ serviceId: ep.serviceId, uri: ep.uri, accept: ep.accept, routingKeys: ep.routingKeys });
      continue;
    }
    const mediatorDoc = await resolveDocument(resolver, ep.uri);
    const mediatorEndpoints = didcommEndpoints(mediatorDoc).filter(acceptsV2);
    if (mediatorEndpoints.length === 0) throw new DIDCommError(ErrorCodes.ROUTING, `mediator ${ep.uri} has no DIDCommMessaging service`);
    for (const m of mediatorEndpoints) {
      if (isDid(m.uri)) throw new DIDCommError(ErrorCodes.ROUTING, `mediator ${ep.uri} uses a DID as its endpoint: alternative endpoints may not recurse`);
      out.push({ serviceId: ep.serviceId, uri: m.uri, accept: ep.accept, routingKeys: [...m.routingKeys, ep.uri, ...ep.routingKeys] });
    }
  }
  return out;
}

export interface WrapOptions {
  resolver: DIDResolver;
  encAlgAnon: ContentEncAlg;
  /** Headers added to every forward (e.g. expires_time). */
  headers?: Record<string, unknown>;
}

/**
 * Wrap `packed` (already encrypted for `next`) in forwards for `routingKeys`, last key
 * innermost. Each forward names the hop after it in body.next and is anoncrypted to its key.
 */
export async function wrapInForward(packed: GeneralJwe | Record<string, unknown>, next: string, routingKeys: readonly string[], o: WrapOptions): Promise<GeneralJwe | Record<string, unknown>> {
  let current = packed;
  let target = next;
  for (let i = routingKeys.length - 1; i >= 0; i--) {
    const key = routingKeys[i];
    const forward: Message = {
      ...o.headers,
      id: newId(),
      type: FORWARD_TYPE,
      to: [parseDidUrl(key).did],
      body: { next: target },
      attachments: [{ data: { json: current } }],
    };
    current = (await anoncrypt(forward, key, o.resolver, o.encAlgAnon)).jwe;
    target = key;
  }
  return current;
}

/** Read a forward message: its `next` and the message it carries (for mediators and re-wrapping). */
export function parseForward(message: Message): { next: string; forwarded: unknown[] } | null {
  if (message.type !== FORWARD_TYPE) return null;
  const next = message.body?.next;
  if (typeof next !== 'string') throw new DIDCommError(ErrorCodes.MALFORMED, 'forward has no body.next');
  const forwarded = (message.attachments ?? []).map((a) => {
    const d = a.data;
    if (d.json !== undefined) return d.json;
    if (typeof d.base64 === 'string') return parseJson(fromUtf8(decode(d.base64.replace(/\+/g, '-').replace(/\//g, '_'), 'forward attachment', true)), 'forwarded message');
    throw new DIDCommError(ErrorCodes.MALFORMED, 'forward attachment has neither json nor base64 data');
  });
  if (forwarded.length === 0) throw new DIDCommError(ErrorCodes.MALFORMED, 'forward carries no attachment');
  return { next, forwarded };
}
