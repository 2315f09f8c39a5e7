import { DIDCommError, ErrorCodes } from '../../../errors.js';

/** @see https://identity.foundation/didcomm-messaging/spec/#problem-reports */
export const PROBLEM_REPORT = 'https://didcomm.org/report-problem/2.0/problem-report';
/** The protocol identifier of report-problem 2.0. */
export const PIURI = 'https://didcomm.org/report-problem/2.0';

/** Problem codes the runtime uses (sorter.scope.descriptors). */
export const ProblemCodes = {
  UNSUPPORTED_MESSAGE: 'e.p.msg.unsupported',
  BAD_MESSAGE: 'e.p.msg',
  TRUST: 'e.p.trust',
  TRUST_CRYPTO: 'e.p.trust.crypto',
  NOT_AUTHORIZED: 'e.p.req.not-authorized',
  EXPIRED: 'e.p.req.time',
  INTERNAL: 'e.p.me',
  MESSAGE_TOO_BIG: 'e.p.me.res.storage.message_too_big',
  MAX_ERRORS: 'e.p.req.max-errors-exceeded',
  LIVE_MODE_NOT_SUPPORTED: 'e.m.live-mode-not-supported',
} as const;

/** The body of a problem report (spec "Problem Reports"): a code, a human-readable comment with `{1}`-style args. */
export interface ProblemReportBody {
  code: string;
  comment?: string;
  args?: string[];
  escalate_to?: string;
  /** Structured detail (Aries RFC 0035 `problem_items`), e.g. shorten-url's `[{max_validity_seconds}]`. */
  problem_items?: Array<Record<string, unknown>>;
}

/** Fill `{1}`, `{2}` from args; missing become "?", extras are appended (spec "Problem Reports"). */
export function interpolateComment(comment: string, args: readonly unknown[] = []): string {
  const used = new Set<number>();
  const text = comment.replace(/\{(\d+)\}/g, (_, n) => {
    const i = Number(n) - 1;
    used.add(i);
    const v = args[i];
    return v === undefined || v === null ? '?' : String(v);
  });
  const extra = args.filter((_, i) => !used.has(i)).map((v) => (v === undefined || v === null ? '?' : String(v)));
  return extra.length ? `${text}, ${extra.join(', ')}` : text;
}

/**
 * An error that carries the problem report to answer with. Handlers throw it; the router
 * turns it into a reply in the message's thread.
 */
export class ProblemReportError extends Error {
  readonly body: ProblemReportBody;
  constructor(code: string, comment?: string, args?: string[], extra: Pick<ProblemReportBody, 'escalate_to' | 'problem_items'> = {}) {
    super(comment ? interpolateComment(comment, args) : code);
    this.name = 'ProblemReportError';
    this.body = { code, ...(comment ? { comment } : {}), ...(args ? { args } : {}), ...extra };
  }
  static fromBody(body: ProblemReportBody): ProblemReportError {
    const { code, comment, args, ...extra } = body;
    return new ProblemReportError(code, comment, args, extra);
  }
}

/**
 * The problem report body for an error a handler threw: its own body when it carries one,
 * a generic one otherwise (the detail stays in our logs, never on the wire).
 */
export function problemBodyFor(e: unknown): ProblemReportBody {
  if (e instanceof ProblemReportError) return { ...e.body };
  if (e instanceof DIDCommError && (e.code === ErrorCodes.KEY_NOT_AUTHORIZED || e.code === ErrorCodes.LAYER_MISMATCH)) {
    return { code: ProblemCodes.NOT_AUTHORIZED, comment: 'Not authorized' };
  }
  return { code: ProblemCodes.INTERNAL, comment: 'The message could not be processed' };
}

// Lower kebab-case tokens (underscores too: `message_too_big` is a code the spec uses).
const CODE = /^[ew]\.[a-z0-9][a-z0-9_-]*(\.[a-z0-9][a-z0-9_-]*)*$/;

/** A problem code split into sorter (error or warning), scope and descriptors. */
export interface ParsedProblemCode {
  sorter: 'e' | 'w';
  /** `p` (protocol), `m` (message) or a state name. */
  scope: string;
  descriptors: string[];
}

/** Split a problem code into sorter, scope and descriptors (spec "Problem Codes"). */
export function parseProblemCode(code: string): ParsedProblemCode {
  if (typeof code !== 'string' || code.length > 256 || !CODE.test(code)) {
    throw new DIDCommError(ErrorCodes.MALFORMED, `invalid problem code ${JSON.stringify(String(code).slice(0, 64))}: want sorter.scope.descriptors in lower kebab-case`);
  }
  const [sorter, scope, ...descriptors] = code.split('.');
  return { sorter: sorter as 'e' | 'w', scope, descriptors };
}

/** True when `code` equals `prefix` or extends it by whole tokens (recipients MAY match by prefix). */
export function codeMatches(code: string, prefix: string): boolean {
  return code === prefix || code.startsWith(prefix.endsWith('.') ? prefix : `${prefix}.`);
}
