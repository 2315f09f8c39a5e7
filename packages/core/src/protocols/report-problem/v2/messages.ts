/** @see https://identity.foundation/didcomm-messaging/spec/#problem-reports */
export const PROBLEM_REPORT = 'https://didcomm.org/report-problem/2.0/problem-report';
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

export interface ProblemReportBody {
  code: string;
  comment?: string;
  args?: string[];
  escalate_to?: string;
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
  const extra = args.filter((_, i) => !used.has(i)).map(String);
  return extra.length ? `${text}, ${extra.join(', ')}` : text;
}

/**
 * An error that carries the problem report to answer with. Handlers throw it; the router
 * turns it into a reply in the message's thread.
 */
export class ProblemReportError extends Error {
  readonly body: ProblemReportBody;
  constructor(code: string, comment?: string, args?: string[]) {
    super(comment ? interpolateComment(comment, args) : code);
    this.name = 'ProblemReportError';
    this.body = { code, ...(comment ? { comment } : {}), ...(args ? { args } : {}) };
  }
}
