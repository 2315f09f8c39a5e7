// An out-of-band invitation from what a user pastes: a `?_oob=` URL, a `?_oobid=` short URL,
// the JSON itself, or a mediator's base URL (whose GET /oob answers with the invitation).
import { ErrorCodes, isDIDCommError, outOfBand, type Message } from '@didcomm-ts/core';
import { UserError } from '../ui/errors.js';

export async function loadInvitation(input: string, timeoutMs: number): Promise<Message> {
  try {
    return await load(input, timeoutMs);
  } catch (e) {
    if (isDIDCommError(e, ErrorCodes.MALFORMED) || isDIDCommError(e, ErrorCodes.LIMIT_EXCEEDED)) {
      throw new UserError(`not a valid invitation: ${e.message.replace(/^out-of-band invitation: /, '')}`, 'copy the whole invitation URL again', undefined, { cause: e });
    }
    throw e;
  }
}

/** The innermost code (ECONNREFUSED, ENOTFOUND, ...) or message of a failed fetch. */
export function failureReason(e: unknown): string {
  let c: unknown = e;
  let msg = e instanceof Error ? e.message : String(e);
  for (let i = 0; c && i < 6; i++) {
    const code = (c as { code?: unknown }).code;
    if (typeof code === 'string') return code;
    if (c instanceof Error && c.name === 'TimeoutError') return 'timed out';
    if (c instanceof Error) msg = c.message;
    c = (c as { cause?: unknown }).cause;
  }
  return msg;
}

async function load(input: string, timeoutMs: number): Promise<Message> {
  const text = input.trim();
  if (text.startsWith('{')) return outOfBand.parseInvitation(text);
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new UserError(`"${text.slice(0, 60)}" is not an invitation URL`, 'paste the whole URL with its ?_oob=... part (a mediator prints it when it starts)');
  }
  if (url.searchParams.has(outOfBand.OOB_PARAM)) return outOfBand.parseInvitation(text);
  if (url.searchParams.has(outOfBand.OOBID_PARAM)) return outOfBand.resolveInvitationUrl(text, { timeoutMs });
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new UserError(`${url.protocol}// URLs carry no invitation without ?_oob=`, 'paste the whole invitation URL');
  }
  // A mediator's address: ask it for its invitation.
  const oobUrl = new URL(url.pathname.endsWith('/oob') ? url.href : new URL('oob', url.href.endsWith('/') ? url.href : `${url.href}/`).href);
  let res: Response;
  try {
    res = await fetch(oobUrl, { headers: { accept: 'application/json' }, signal: AbortSignal.timeout(timeoutMs) });
  } catch (e) {
    throw new UserError(`cannot reach ${oobUrl.origin} (${failureReason(e)})`, 'is the mediator running? Check the URL');
  }
  if (!res.ok) {
    await res.body?.cancel();
    throw new UserError(`${oobUrl.href} answered ${res.status}, not an invitation`, 'paste the invitation URL (with ?_oob=) the mediator printed');
  }
  const body = await res.text();
  if (body.length > outOfBand.MAX_INVITATION_CHARS) throw new UserError(`${oobUrl.href} sent more than an invitation`, 'check the URL');
  return outOfBand.parseInvitation(body.trim());
}
