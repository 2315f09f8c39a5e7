// Report Problem 2.0: building and reading problem reports, replying to warnings, and the
// circuit breaker the spec asks for ("Cascading Problems").
import type { Agent } from '../../../agent/agent.js';
import { DIDCommError, ErrorCodes } from '../../../errors.js';
import { newId } from '../../../message/create.js';
import type { Message } from '../../../message/types.js';
import { isObject } from '../../../util/json.js';
import type { InboundContext } from '../../router.js';
import {
  PIURI, PROBLEM_REPORT, ProblemCodes, ProblemReportError, interpolateComment, parseProblemCode, problemBodyFor,
  type ParsedProblemCode, type ProblemReportBody,
} from './messages.js';

export * from './messages.js';

/** The fields of a problem report to build: the body, and the thread it reports on. */
export interface BuildProblemReportOptions extends ProblemReportBody {
  /** The thid of the thread where the problem happened (REQUIRED by the spec). */
  pthid: string;
  /** Ids of the messages that triggered it (SHOULD, when a message did). */
  ack?: string[];
  from?: string;
  to?: string[];
  /** Continue an existing problem thread (replying to a warning). */
  thid?: string;
  id?: string;
}

/** A problem-report message (spec "Problem Reports"). */
export function buildProblemReport(o: BuildProblemReportOptions): Message {
  if (typeof o.pthid !== 'string' || o.pthid.length === 0) throw new TypeError('a problem report needs pthid: the thid where the problem happened');
  parseProblemCode(o.code);
  const body: ProblemReportBody = { code: o.code };
  if (o.comment !== undefined) body.comment = o.comment;
  if (o.args !== undefined) body.args = o.args.map(String);
  if (o.escalate_to !== undefined) body.escalate_to = o.escalate_to;
  if (o.problem_items !== undefined) body.problem_items = o.problem_items;
  return {
    id: o.id ?? newId(),
    type: PROBLEM_REPORT,
    pthid: o.pthid,
    ...(o.thid !== undefined ? { thid: o.thid } : {}),
    ...(o.ack !== undefined ? { ack: o.ack } : {}),
    ...(o.from !== undefined ? { from: o.from } : {}),
    ...(o.to !== undefined ? { to: o.to } : {}),
    created_time: Math.floor(Date.now() / 1000),
    body: { ...body },
  };
}

/** A received problem report, validated: its code split, its comment interpolated, its thread. */
export interface ParsedProblemReport extends ParsedProblemCode {
  code: string;
  comment?: string;
  args: string[];
  /** The comment with args interpolated (missing args as "?", extras appended). */
  text: string;
  escalateTo?: string;
  problemItems: Array<Record<string, unknown>>;
  pthid?: string;
  thid: string;
  ack: string[];
}

const malformed = (msg: string) => new DIDCommError(ErrorCodes.MALFORMED, `problem report: ${msg}`);

/** Read and check a received problem report. Throws ERR_MALFORMED with a precise message. */
export function parseProblemReport(message: Message): ParsedProblemReport {
  if (message.type !== PROBLEM_REPORT && !/\/report-problem\/2\.\d+\/problem-report$/.test(message.type)) throw malformed(`not a problem report (${message.type})`);
  const body = message.body;
  if (!isObject(body)) throw malformed('body is not an object');
  if (typeof body.code !== 'string') throw malformed('body.code is missing');
  const parsedCode = parseProblemCode(body.code);
  if (body.comment !== undefined && typeof body.comment !== 'string') throw malformed('body.comment is not a string');
  if (body.args !== undefined && !Array.isArray(body.args)) throw malformed('body.args is not an array');
  if (body.escalate_to !== undefined && typeof body.escalate_to !== 'string') throw malformed('body.escalate_to is not a string');
  if (body.problem_items !== undefined && (!Array.isArray(body.problem_items) || !body.problem_items.every(isObject))) throw malformed('body.problem_items is not an array of objects');
  const args = ((body.args as unknown[] | undefined) ?? []).map((a) => (a === null || a === undefined ? '?' : typeof a === 'string' ? a : JSON.stringify(a)));
  const comment = body.comment as string | undefined;
  return {
    ...parsedCode,
    code: body.code,
    comment,
    args,
    text: comment !== undefined ? interpolateComment(comment, args) : body.code,
    escalateTo: body.escalate_to as string | undefined,
    problemItems: (body.problem_items as Array<Record<string, unknown>> | undefined) ?? [],
    pthid: message.pthid,
    thid: message.thid ?? message.id,
    ack: Array.isArray(message.ack) ? message.ack : [],
  };
}

const scopeRank = (scope: string) => (scope === 'm' ? 0 : scope === 'p' ? 2 : 1);

/**
 * The body of an error that answers a received warning (spec "Replying to Warnings"): the
 * sorter becomes `e`, and the scope must be at least as broad as the warning's (m < a state
 * name < p). Send it in the warning's thread with `replyToWarning`.
 */
export function escalateWarning(warning: Message, o: { code?: string; comment?: string; args?: string[] } = {}): ProblemReportBody {
  const w = parseProblemReport(warning);
  if (w.sorter !== 'w') throw new TypeError(`only a warning (w.*) can be escalated, not ${w.code}`);
  const code = o.code ?? `e.${[w.scope, ...w.descriptors].join('.')}`;
  const e = parseProblemCode(code);
  if (e.sorter !== 'e') throw new TypeError(`an escalation is an error (e.*), not ${code}`);
  const narrower = scopeRank(e.scope) < scopeRank(w.scope) || (scopeRank(e.scope) === 1 && scopeRank(w.scope) === 1 && e.scope !== w.scope);
  if (narrower) throw new TypeError(`scope ${e.scope} is narrower than the warning's ${w.scope}`);
  return { code, ...(o.comment ?? w.comment ? { comment: o.comment ?? w.comment } : {}), ...(o.args ?? (w.args.length ? w.args : undefined) ? { args: o.args ?? w.args } : {}) };
}

/** Answer a warning with an escalated error in the same thread, with a new id. */
export async function replyToWarning(agent: Agent, warning: Message, o: { code?: string; comment?: string; args?: string[] } = {}): Promise<Message> {
  if (!warning.from) throw new TypeError('the warning names no sender to answer');
  const body = escalateWarning(warning, o);
  const reply = buildProblemReport({
    ...body,
    pthid: warning.pthid ?? warning.thid ?? warning.id,
    thid: warning.thid ?? warning.id,
    ack: [warning.id],
    from: agent.did,
    to: [warning.from],
  });
  await agent.send(reply);
  return reply;
}

/** Send a problem report about thread `pthid` to `to` outside any handler. */
export async function reportProblem(agent: Agent, to: string, o: Omit<BuildProblemReportOptions, 'from' | 'to'>): Promise<Message> {
  const report = buildProblemReport({ ...o, from: agent.did, to: [to] });
  await agent.send(report);
  return report;
}

/**
 * Counts problems per thread (both those we emit and those we receive) and trips once a
 * thread has had `maxErrors`: the spec then wants one `e.p.req.max-errors-exceeded` and
 * silence on that thid. Entries are bounded in number and age.
 */
export class ProblemCircuitBreaker {
  readonly #counts = new Map<string, { n: number; at: number; tripped: boolean }>();
  constructor(readonly maxErrors = 5, readonly windowMs = 3600_000, readonly maxThreads = 10_000) {
    if (!Number.isSafeInteger(maxErrors) || maxErrors < 1) throw new TypeError('maxErrors must be a positive integer');
  }
  isTripped(thid: string, now = Date.now()): boolean {
    const e = this.#fresh(thid, now);
    return !!e?.tripped;
  }
  /** Count one problem on `thid`; true when this one crosses the limit (and trips the breaker). */
  record(thid: string, now = Date.now()): boolean {
    let e = this.#fresh(thid, now);
    if (!e) {
      e = { n: 0, at: now, tripped: false };
      this.#counts.set(thid, e);
      if (this.#counts.size > this.maxThreads) this.#counts.delete(this.#counts.keys().next().value!);
    }
    e.n++;
    if (e.n > this.maxErrors && !e.tripped) {
      e.tripped = true;
      return true;
    }
    return false;
  }
  #fresh(thid: string, now: number) {
    const e = this.#counts.get(thid);
    if (e && now - e.at > this.windowMs) {
      this.#counts.delete(thid);
      return undefined;
    }
    return e;
  }
}

/** Options of report-problem's register: the circuit breaker's limits and callbacks for reports received. */
export interface ReportProblemOptions {
  /** Problems per thread before `e.p.req.max-errors-exceeded` and silence (default 5). */
  maxErrors?: number;
  /** The window the count is kept for (default one hour). */
  windowMs?: number;
  /** A URI stamped as `escalate_to` on the problem reports this agent emits. */
  escalateTo?: string;
  /** Every problem report received (after its circuit-breaker accounting). */
  onProblem?: (report: ParsedProblemReport, ctx: InboundContext) => unknown;
  /** Received reports that name an `escalate_to`, for the operator to follow up. */
  onEscalate?: (escalateTo: string, report: ParsedProblemReport, ctx: InboundContext) => unknown;
}

/** The thread a message's problems count against: a report's parent thread, else its own. */
const problemThread = (m: Message) => (m.type === PROBLEM_REPORT ? m.pthid ?? m.thid ?? m.id : m.thid ?? m.id);

/**
 * Handle received problem reports and guard every thread with a circuit breaker. Emitted
 * reports pass through here as thrown ProblemReportErrors, so the agent still sends them.
 */
export function register(agent: Agent, o: ReportProblemOptions = {}): ProblemCircuitBreaker {
  const breaker = new ProblemCircuitBreaker(o.maxErrors, o.windowMs);
  agent.router.use(async (ctx, next) => {
    const thid = problemThread(ctx.message);
    if (breaker.isTripped(thid)) {
      ctx.state.silenced = true;
      agent.logger.debug('thread silenced after too many errors', { thid, id: ctx.message.id });
      return;
    }
    if (ctx.message.type === PROBLEM_REPORT && ctx.message.body?.code !== ProblemCodes.MAX_ERRORS && String(ctx.message.body?.code).startsWith('e.')) {
      if (breaker.record(thid)) {
        ctx.state.silenced = true;
        // Crossed on a report we received: abort the protocol, then say no more on it.
        await ctx
          .reply({ type: PROBLEM_REPORT, pthid: thid, ack: [ctx.message.id], body: maxErrorsBody(o.escalateTo) })
          .catch((err) => agent.logger.warn('could not send max-errors-exceeded', { thid, error: String(err) }));
        return;
      }
    }
    try {
      await next();
    } catch (e) {
      // Problem reports are never answered, and without `from` there is nobody to answer.
      if (ctx.message.type === PROBLEM_REPORT || !ctx.message.from) throw e;
      if (!(e instanceof ProblemReportError)) agent.logger.warn('handler failed', { id: ctx.message.id, type: ctx.message.type, error: e instanceof Error ? e.message : String(e) });
      const crossed = breaker.record(thid);
      // Crossed on a report we would emit: send max-errors-exceeded instead of it.
      const body = crossed ? maxErrorsBody(o.escalateTo) : { ...problemBodyFor(e), ...(o.escalateTo ? { escalate_to: o.escalateTo } : {}) };
      if (crossed) ctx.state.silenced = true;
      throw ProblemReportError.fromBody(body);
    }
  });
  agent.on(
    PROBLEM_REPORT,
    async (ctx) => {
      let report: ParsedProblemReport;
      try {
        report = parseProblemReport(ctx.message);
      } catch (e) {
        agent.logger.warn('malformed problem report ignored', { id: ctx.message.id, error: String(e) });
        return;
      }
      agent.logger.info('problem report received', { from: ctx.sender, code: report.code, pthid: report.pthid });
      await o.onProblem?.(report, ctx);
      if (report.escalateTo !== undefined) await o.onEscalate?.(report.escalateTo, report, ctx);
    },
    { roles: ['notified'] },
  );
  return breaker;
}

const maxErrorsBody = (escalateTo?: string): ProblemReportBody => ({
  code: ProblemCodes.MAX_ERRORS,
  comment: 'Too many errors on this thread; it is abandoned',
  ...(escalateTo ? { escalate_to: escalateTo } : {}),
});
