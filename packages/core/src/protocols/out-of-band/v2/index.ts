// Out-of-Band 2.0: create an invitation, encode it as a URL (`?_oob=`) or QR data, read one
// back (including `?_oobid=` short URLs), and accept one by starting a child thread whose
// pthid is the invitation's id.
import type { Agent, SendOptions } from '../../../agent/agent.js';
import { DIDCommError, ErrorCodes } from '../../../errors.js';
import { isDid } from '../../../did/url.js';
import { newId } from '../../../message/create.js';
import type { Attachment, Message } from '../../../message/types.js';
import { validateMessage } from '../../../message/validate.js';
import { decode, encodeString, fromUtf8 } from '../../../util/base64url.js';
import { isObject, parseJson } from '../../../util/json.js';
import { parseMessageType } from '../../piuri.js';
import type { InboundContext } from '../../router.js';
import { PING } from '../../trust-ping/v2/messages.js';
import { INVITATION, OOB_PARAM, OOBID_PARAM, type InvitationBody } from './messages.js';

export * from './messages.js';

/** Longest URL or JSON we read an invitation from (QR codes top out far below this). */
export const MAX_INVITATION_CHARS = 64 * 1024;

const bad = (msg: string, cause?: unknown) => new DIDCommError(ErrorCodes.MALFORMED, `out-of-band invitation: ${msg}`, cause === undefined ? undefined : { cause });

/** Options of createInvitation: the inviter, the goal, and the requests attached. */
export interface CreateInvitationOptions {
  /** The inviter's DID (REQUIRED for OOB): answers go there. */
  from: string;
  goal_code?: string;
  goal?: string;
  accept?: string[];
  /** Alternative requests in order of preference: messages (attached as JSON) or attachments as they are. */
  attachments?: Array<Message | Attachment>;
  id?: string;
  /** Epoch seconds after which the invitation should not be accepted. */
  expires_time?: number;
}

const isAttachment = (a: Message | Attachment): a is Attachment => isObject((a as Attachment).data) && typeof (a as Message).type !== 'string';

/** An invitation message. Fields are in the spec's order, so the minified JSON is stable. */
export function createInvitation(o: CreateInvitationOptions): Message {
  if (!isDid(o.from)) throw new TypeError('an invitation needs `from`: the inviter DID');
  const body: InvitationBody = {};
  if (o.goal_code !== undefined) body.goal_code = o.goal_code;
  if (o.goal !== undefined) body.goal = o.goal;
  if (o.accept !== undefined) body.accept = [...o.accept];
  const inv: Message = { type: INVITATION, id: o.id ?? newId(), from: o.from, body };
  if (o.expires_time !== undefined) inv.expires_time = o.expires_time;
  if (o.attachments?.length) {
    inv.attachments = o.attachments.map((a, i) => (isAttachment(a) ? a : { id: `request-${i}`, media_type: 'application/json', data: { json: a } }));
  }
  return validateInvitation(inv);
}

/** Check an invitation's shape: type, id, from (a DID), body fields, attachments. */
export function validateInvitation(value: unknown): Message {
  let m: Message;
  try {
    m = validateMessage(value);
  } catch (e) {
    throw bad('not a valid plaintext message', e);
  }
  const t = parseMessageType(m.type);
  if (!t || t.docUri !== 'https://didcomm.org/' || t.protocol !== 'out-of-band' || t.major !== 2 || t.name !== 'invitation') throw bad(`type is ${m.type}, not ${INVITATION}`);
  if (!isDid(m.from)) throw bad('`from` must be the inviter DID');
  const body = m.body ?? {};
  if (!isObject(body)) throw bad('body is not an object');
  for (const k of ['goal_code', 'goal'] as const) if (body[k] !== undefined && typeof body[k] !== 'string') throw bad(`body.${k} must be a string`);
  if (body.accept !== undefined && (!Array.isArray(body.accept) || !body.accept.every((a) => typeof a === 'string'))) throw bad('body.accept must be an array of strings');
  return m;
}

/** Minified JSON, base64url without padding (spec "Standard Message Encoding"). */
export function encodeInvitation(invitation: Message): string {
  return encodeString(JSON.stringify(invitation));
}

/** `base?_oob=<encoded>`; other query parameters of `base` are kept. */
export function invitationUrl(invitation: Message, base: string): string {
  const url = new URL(base);
  url.searchParams.delete(OOBID_PARAM);
  url.searchParams.set(OOB_PARAM, encodeInvitation(invitation));
  return url.toString();
}

/** What to put in a QR code: the URL form (spec "URL & QR Codes"). Rendering is the caller's job. */
export const invitationQrData = invitationUrl;

/**
 * Read an invitation from a `?_oob=` URL, its JSON text, or an object. A `?_oobid=` URL
 * needs fetching first: use resolveInvitationUrl.
 */
export function parseInvitation(input: string | Record<string, unknown>): Message {
  if (typeof input !== 'string') return validateInvitation(input);
  if (input.length > MAX_INVITATION_CHARS) throw new DIDCommError(ErrorCodes.LIMIT_EXCEEDED, `invitation is longer than ${MAX_INVITATION_CHARS} characters`);
  const text = input.trim();
  if (text.startsWith('{')) return validateInvitation(parseJson(text, 'invitation'));
  let url: URL;
  try {
    url = new URL(text);
  } catch (e) {
    throw bad('neither a URL nor JSON', e);
  }
  const oob = url.searchParams.get(OOB_PARAM);
  if (oob === null) {
    if (url.searchParams.has(OOBID_PARAM)) throw bad('this is a short URL (_oobid): fetch it with resolveInvitationUrl');
    throw bad('the URL has no _oob parameter');
  }
  // Tolerate padding and the standard alphabet, which some encoders emit.
  const json = fromUtf8(decode(oob.replace(/\+/g, '-').replace(/\//g, '_').replace(/ /g, '-'), '_oob', true));
  return validateInvitation(parseJson(json, 'invitation'));
}

/**
 * Read an invitation from any URL form. For `?_oobid=` it does an HTTP GET (spec "Short
 * URL Message Retrieval") and accepts a redirect to the long URL or an invitation body.
 */
export async function resolveInvitationUrl(input: string, o: { fetch?: typeof globalThis.fetch; timeoutMs?: number } = {}): Promise<Message> {
  const url = new URL(input);
  if (!url.searchParams.has(OOBID_PARAM) || url.searchParams.has(OOB_PARAM)) return parseInvitation(input);
  const fetch = o.fetch ?? globalThis.fetch.bind(globalThis);
  const signal = AbortSignal.timeout(o.timeoutMs ?? 10_000);
  let res: Response;
  try {
    res = await fetch(url, { redirect: 'manual', signal, headers: { accept: 'application/json, application/didcomm-plain+json' } });
  } catch (e) {
    throw new DIDCommError(ErrorCodes.TRANSPORT, `GET ${url.origin}${url.pathname} failed`, { cause: e });
  }
  const location = res.headers.get('location');
  if (res.status >= 300 && res.status < 400 && location) {
    await res.body?.cancel();
    return parseInvitation(new URL(location, url).toString());
  }
  if (res.type === 'opaqueredirect') {
    // Browsers hide the Location of a manual redirect: follow it and read where we landed.
    res = await fetch(url, { redirect: 'follow', signal });
    if (new URL(res.url).searchParams.has(OOB_PARAM)) {
      await res.body?.cancel();
      return parseInvitation(res.url);
    }
  }
  if (!res.ok) {
    await res.body?.cancel();
    throw new DIDCommError(ErrorCodes.TRANSPORT, `GET ${url.origin}${url.pathname} answered ${res.status}: the short URL is unknown or expired`);
  }
  const text = await res.text();
  if (text.length > MAX_INVITATION_CHARS) throw new DIDCommError(ErrorCodes.LIMIT_EXCEEDED, 'invitation is too long');
  return parseInvitation(text);
}

/** The messages attached to an invitation, in order of preference (undecodable ones skipped). */
export function attachedMessages(invitation: Message): Message[] {
  const out: Message[] = [];
  for (const a of invitation.attachments ?? []) {
    try {
      const raw = a.data.json !== undefined ? a.data.json : typeof a.data.base64 === 'string' ? parseJson(fromUtf8(decode(a.data.base64, 'attachment', true)), 'attachment') : undefined;
      if (raw !== undefined) out.push(validateMessage(raw));
    } catch {
      // Not a message we can read; another alternative may do.
    }
  }
  return out;
}

/** Options of acceptInvitation: the first message to send, whether to wait for the answer, and send options. */
export interface AcceptOptions extends SendOptions {
  /** Send this as the first message of the child thread (pthid, from, to are filled in). */
  message?: Omit<Message, 'id' | 'from' | 'to'> & { id?: string };
  /** Wait for the first answer to our message (default true). */
  waitForReply?: boolean;
  timeoutMs?: number;
}

/** What acceptInvitation did: the invitation, the message that started the thread, how, and the inviter's answer. */
export interface Accepted {
  invitation: Message;
  /** What we sent or handled to start the child thread. */
  started: Message;
  /** How: our own message, an attached request we handled, or a trust ping (no attachment fits). */
  via: 'message' | 'attachment' | 'ping';
  /** The inviter's first answer, when we waited for one. */
  reply?: Message;
}

/**
 * Accept an invitation: start a thread with pthid = the invitation id. With `message`, send
 * it. Otherwise act on the first attached request this agent has a handler for (its answer
 * carries the pthid); when none fits, ping the inviter to open the relationship.
 */
export async function acceptInvitation(agent: Agent, input: string | Message, o: AcceptOptions = {}): Promise<Accepted> {
  const invitation =
    typeof input !== 'string' ? validateInvitation(input) : input.trim().startsWith('{') ? parseInvitation(input) : await resolveInvitationUrl(input.trim());
  const accept = invitation.body?.accept;
  if (Array.isArray(accept) && accept.length > 0 && !accept.some((p) => p === 'didcomm/v2')) {
    throw new DIDCommError(ErrorCodes.UNSUPPORTED, `the inviter accepts ${accept.join(', ')}; we speak didcomm/v2`);
  }
  if (typeof invitation.expires_time === 'number' && invitation.expires_time < Date.now() / 1000) throw new DIDCommError(ErrorCodes.EXPIRED, 'the invitation has expired');
  const inviter = invitation.from!;
  const wait = o.waitForReply ?? true;
  const send = async (m: Message, via: Accepted['via']): Promise<Accepted> => {
    if (!wait) {
      await agent.send(m, o);
      return { invitation, started: m, via };
    }
    const { message } = await agent.request(m, o);
    return { invitation, started: m, via, reply: message };
  };
  if (o.message) {
    const m = { id: newId(), created_time: Math.floor(Date.now() / 1000), body: {}, ...o.message, pthid: invitation.id, from: agent.did, to: [inviter] } as Message;
    return send(m, 'message');
  }
  const handled = attachedMessages(invitation).find((m) => (m.from === undefined || m.from === inviter) && agent.router.handlerFor(m.type));
  if (handled) {
    // The inviter's request, received as if it had come over the wire (unauthenticated, as
    // the invitation is); its answer goes to the inviter as a child of the invitation.
    const request: Message = { ...handled, from: inviter, pthid: handled.pthid ?? invitation.id };
    await agent.receive(JSON.stringify(request));
    return { invitation, started: request, via: 'attachment' };
  }
  return send({ id: newId(), type: PING, from: agent.did, to: [inviter], pthid: invitation.id, created_time: Math.floor(Date.now() / 1000), body: { response_requested: true } }, 'ping');
}

/** Options of the inviter role (register). */
export interface OutOfBandOptions {
  /** A message arrived in the child thread of one of our invitations (its first, and any later). */
  onAccept?: (invitation: Message, ctx: InboundContext) => unknown;
}

/** The inviter role: invitations made and remembered by this agent. */
export interface Inviter {
  /** Create an invitation from this agent and remember it, so answers can be matched. */
  invite(o?: Omit<CreateInvitationOptions, 'from'> & { from?: string }): Message;
  /** Forget an invitation (single-use invitations, expiry). */
  revoke(id: string): boolean;
  invitations(): Message[];
}

/**
 * The sender role: invitations created here are remembered, and any inbound message whose
 * pthid names one is reported to onAccept before it is dispatched as usual.
 */
export function register(agent: Agent, o: OutOfBandOptions = {}): Inviter {
  const mine = new Map<string, Message>();
  agent.router.use(async (ctx, next) => {
    const inv = ctx.message.pthid !== undefined ? mine.get(ctx.message.pthid) : undefined;
    if (inv) await o.onAccept?.(inv, ctx);
    await next();
  });
  return {
    invite(opts = {}) {
      const inv = createInvitation({ ...opts, from: opts.from ?? agent.did });
      mine.set(inv.id, inv);
      return inv;
    },
    revoke: (id) => mine.delete(id),
    invitations: () => [...mine.values()],
  };
}

