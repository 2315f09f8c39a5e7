// Turning a failed delivery into something a user can act on.
import { ErrorCodes, isDIDCommError } from '@didcomm-ts/core';
import { UserError } from '../ui/errors.js';

function innermost(e: unknown): string | undefined {
  let c: unknown = e;
  let found: string | undefined;
  for (let i = 0; c && i < 6; i++) {
    const code = (c as { code?: unknown }).code;
    if (typeof code === 'string' && !code.startsWith('ERR_')) found = code;
    else if (c instanceof Error && !found && c !== e) found = c.message;
    c = (c as { cause?: unknown }).cause;
  }
  return found;
}

/** Rethrow transport failures towards `who` as one actionable line. */
export function unreachable(e: unknown, who: string, hint: string): never {
  if (isDIDCommError(e, ErrorCodes.TRANSPORT)) {
    const why = innermost(e);
    throw new UserError(`cannot reach ${who}${why ? ` (${why})` : ''}`, hint, undefined, { cause: e });
  }
  if (isDIDCommError(e, ErrorCodes.TIMEOUT)) throw new UserError(`${who} did not answer in time`, hint, undefined, { cause: e });
  throw e;
}
