// Errors a user can act on: what went wrong and what to do, on one line, with a non-zero exit.
// A stack trace is printed only for bugs, or when DIDCOMM_DEBUG is set.
import { CommanderError } from 'commander';
import { ErrorCodes, isDIDCommError, type DIDCommError } from '@didcomm-ts/core';
import { err } from './style.js';

/** Exit codes: 1 for a failure at run time, 2 for a usage mistake (as commander uses). */
export const EXIT = { FAILURE: 1, USAGE: 2 } as const;

/** A failure the user caused or can fix; `hint` says what to do. */
export class UserError extends Error {
  constructor(
    message: string,
    readonly hint?: string,
    readonly exitCode: number = EXIT.FAILURE,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'UserError';
  }
}

export const usage = (message: string, hint?: string) => new UserError(message, hint, EXIT.USAGE);

// What each stable library code means to someone at a terminal, and what to try.
const FRIENDLY: Record<string, { what: string; hint: string }> = {
  [ErrorCodes.MALFORMED]: { what: 'malformed input', hint: 'check the DID, JSON or message you gave' },
  [ErrorCodes.UNSUPPORTED]: { what: 'not supported', hint: 'see `didcomm <command> --help` for what is accepted' },
  [ErrorCodes.DECRYPTION_FAILED]: { what: 'could not decrypt the message', hint: 'it is not addressed to a key of this profile, or it was changed on the way; check --profile' },
  [ErrorCodes.SIGNATURE_INVALID]: { what: 'the signature does not verify', hint: 'the message was changed after signing, or signed by another key' },
  [ErrorCodes.DID_NOT_FOUND]: { what: 'the DID could not be resolved', hint: 'check the DID for typos' },
  [ErrorCodes.DID_URL_NOT_FOUND]: { what: 'the key or service is not in its DID document', hint: 'check the DID URL' },
  [ErrorCodes.RESOLUTION_FAILED]: { what: 'the DID could not be resolved', hint: 'check the DID and your network' },
  [ErrorCodes.SECRET_NOT_FOUND]: { what: 'this profile holds no key for it', hint: 'run `didcomm whoami` to see the DIDs of this profile, or pick another with --profile' },
  [ErrorCodes.NO_COMPATIBLE_CRYPTO]: { what: 'sender and recipient share no key type', hint: 'create a DID on the same curve as the recipient (`didcomm did create peer --curve ...`)' },
  [ErrorCodes.KEY_NOT_AUTHORIZED]: { what: 'a key was used for something its DID does not allow', hint: 'the sender or its DID document is at fault' },
  [ErrorCodes.INVALID_KEY]: { what: 'a public key is invalid', hint: 'the DID or message carries a bad key' },
  [ErrorCodes.LAYER_MISMATCH]: { what: 'the message layers disagree', hint: 'check that `from`/`to` in the message match --from/--to' },
  [ErrorCodes.EXPIRED]: { what: 'the message has expired', hint: 'ask the sender for a new one' },
  [ErrorCodes.LIMIT_EXCEEDED]: { what: 'a size or count limit was exceeded', hint: 'send something smaller' },
  [ErrorCodes.FROM_PRIOR_INVALID]: { what: 'the DID rotation (from_prior) is invalid', hint: 'the sender must rotate again' },
  [ErrorCodes.ROUTING]: { what: 'no way to reach that DID', hint: 'the DID has no DIDCommMessaging service; ask its owner for a DID with an endpoint (one made by `didcomm mediate`)' },
  [ErrorCodes.TRANSPORT]: { what: 'delivery failed', hint: 'is the other side (or its mediator) running and reachable? Try again later' },
  [ErrorCodes.DUPLICATE]: { what: 'the message was received before', hint: 'nothing to do' },
  [ErrorCodes.PROBLEM_REPORT]: { what: 'the other side refused the request', hint: 'see the reason above; for a mediator, ask its operator (`didcomm mediator allow <did>`)' },
  [ErrorCodes.TIMEOUT]: { what: 'no answer in time', hint: 'is the other side online? Try again, or raise --timeout' },
  [ErrorCodes.MEDIATION_DENIED]: { what: 'the mediator denied mediation', hint: 'it keeps an allow-list: ask its operator to run `didcomm mediator allow <your DID>`' },
  [ErrorCodes.STORE]: { what: 'the profile could not be read', hint: 'check the passphrase (DIDCOMM_PASSPHRASE) and --profile' },
};

const cap = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);
const oneLine = (s: string) => s.replace(/\s*\n\s*/g, ' ').trim();

function rootCause(e: unknown): string | undefined {
  let c = (e as { cause?: unknown })?.cause;
  let last: string | undefined;
  for (let i = 0; c && i < 5; i++) {
    if (c instanceof Error) last = c.message || last;
    else if (typeof c === 'object' && c !== null && 'comment' in c) last = String((c as { comment: unknown }).comment);
    c = (c as { cause?: unknown }).cause;
  }
  return last;
}

/** What to print for `e`: one line, plus the exit code; `bug` when it is not the user's doing. */
export function describe(e: unknown): { line: string; exitCode: number; bug: boolean } {
  if (e instanceof UserError) {
    return { line: oneLine(`${e.message}${e.hint ? `. ${cap(e.hint)}` : ''}`), exitCode: e.exitCode, bug: false };
  }
  if (isDIDCommError(e)) {
    const f = FRIENDLY[e.code];
    const why = (e as DIDCommError).message;
    const cause = e.code === ErrorCodes.TRANSPORT || e.code === ErrorCodes.PROBLEM_REPORT ? rootCause(e) : undefined;
    const what = f ? `${f.what}: ${why}${cause ? ` (${cause})` : ''}` : why;
    return { line: oneLine(`${what}${f ? `. ${cap(f.hint)}` : ''} [${e.code}]`), exitCode: EXIT.FAILURE, bug: false };
  }
  if (e instanceof CommanderError) return { line: oneLine(e.message), exitCode: e.exitCode === 0 ? 0 : EXIT.USAGE, bug: false };
  const sys = e as NodeJS.ErrnoException;
  if (sys && typeof sys.code === 'string' && typeof sys.path === 'string') {
    const what = sys.code === 'ENOENT' ? 'no such file' : sys.code === 'EACCES' ? 'permission denied' : sys.code;
    return { line: `${what}: ${sys.path}`, exitCode: EXIT.FAILURE, bug: false };
  }
  const msg = e instanceof Error ? e.message : String(e);
  return { line: oneLine(`unexpected error: ${msg}. This is a bug in didcomm; run again with DIDCOMM_DEBUG=1 and report the trace`), exitCode: EXIT.FAILURE, bug: true };
}

/** Print `e` as one line on stderr and return the exit code. */
export function report(e: unknown): number {
  const d = describe(e);
  if (d.exitCode === 0) return 0;
  process.stderr.write(`${err.red('didcomm:')} ${d.line}\n`);
  const debug = process.env.DIDCOMM_DEBUG !== undefined && process.env.DIDCOMM_DEBUG !== '' && process.env.DIDCOMM_DEBUG !== '0';
  if (debug && e instanceof Error && e.stack) process.stderr.write(`${e.stack}\n`);
  return d.exitCode;
}
