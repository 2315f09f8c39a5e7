// Discover Features 2.0: answer queries from the router's registry (protocols, goal codes)
// and the headers the runtime honours; ask a peer what it supports.
import type { Agent, SendOptions } from '../../../agent/agent.js';
import { DIDCommError, ErrorCodes } from '../../../errors.js';
import { newId } from '../../../message/create.js';
import type { Message } from '../../../message/types.js';
import { isObject } from '../../../util/json.js';
import { ProblemReportError } from '../../report-problem/v2/messages.js';
import type { InboundContext } from '../../router.js';
import { DIDCOMM_V2, DISCLOSE, FeatureTypes, QUERIES, ROLES, type Disclosure, type FeatureQuery } from './messages.js';

export * from './messages.js';

/** Headers this runtime acts on (Agent: threading, ACKs, expiry, rotation, return routes). */
export const SUPPORTED_HEADERS = ['thid', 'pthid', 'please_ack', 'ack', 'created_time', 'expires_time', 'from_prior', 'return_route', 'lang'] as const;

const MAX_QUERIES = 64;
const MAX_MATCH = 512;

/** `*` matches any run of characters; everything else matches itself. */
export function featureMatches(pattern: string, id: string): boolean {
  const re = new RegExp(`^${pattern.split('*').map((p) => p.replace(/[.+?^${}()|[\]\\/]/g, '\\$&')).join('.*')}$`);
  return re.test(id);
}

/** What an agent could disclose: every feature it supports, before selection. */
export interface FeatureSet {
  protocols: Array<{ piuri: string; roles?: string[] }>;
  goalCodes: string[];
  headers: readonly string[];
  /** Further disclosures (gov-fw, constraint, ...), matched by type and id like the rest. */
  extra?: Disclosure[];
}

/** All the features of an agent: its router's protocols and goal codes, and the headers it honours. */
export function featuresOf(agent: Agent, extra: Disclosure[] = [], headers: readonly string[] = SUPPORTED_HEADERS): FeatureSet {
  return { protocols: agent.router.protocols(), goalCodes: agent.router.goalCodes(), headers, extra };
}

/** The disclosures that answer `queries`; unknown feature types match nothing (spec: ignore them). */
export function disclosuresFor(queries: readonly FeatureQuery[], features: FeatureSet): Disclosure[] {
  const all: Disclosure[] = [
    ...features.protocols.map((p) => ({ 'feature-type': FeatureTypes.PROTOCOL, id: p.piuri, ...(p.roles?.length ? { roles: [...p.roles] } : {}) })),
    ...features.goalCodes.map((id) => ({ 'feature-type': FeatureTypes.GOAL_CODE, id })),
    ...features.headers.map((id) => ({ 'feature-type': FeatureTypes.HEADER, id })),
    { 'feature-type': FeatureTypes.DIDCOMM_VERSION, id: DIDCOMM_V2 },
    ...(features.extra ?? []),
  ];
  const out: Disclosure[] = [];
  const seen = new Set<string>();
  for (const q of queries) {
    for (const d of all) {
      if (d['feature-type'] !== q['feature-type'] || !featureMatches(q.match, d.id)) continue;
      const key = `${d['feature-type']}\u0000${d.id}`;
      if (seen.has(key)) continue;
      seen.add(key);
      out.push(d);
    }
  }
  return out;
}

/** Check a queries body from the wire: a non-empty array of {feature-type, match} strings. */
export function parseQueries(body: unknown): FeatureQuery[] {
  const bad = (why: string) => new ProblemReportError('e.m.msg.invalid-queries', 'Invalid queries: {1}', [why]);
  if (!isObject(body) || !Array.isArray(body.queries)) throw bad('body.queries must be an array');
  if (body.queries.length === 0) throw bad('body.queries is empty');
  if (body.queries.length > MAX_QUERIES) throw bad(`more than ${MAX_QUERIES} queries`);
  return body.queries.map((q, i) => {
    if (!isObject(q) || typeof q['feature-type'] !== 'string' || typeof q.match !== 'string') throw bad(`query ${i} needs string "feature-type" and "match"`);
    if (q.match.length > MAX_MATCH) throw bad(`query ${i} match is longer than ${MAX_MATCH}`);
    return { 'feature-type': q['feature-type'], match: q.match };
  });
}

/** Check a disclose body from the wire. Entries without a string feature-type and id are dropped. */
export function parseDisclosures(body: unknown): Disclosure[] {
  if (!isObject(body) || !Array.isArray(body.disclosures)) throw new DIDCommError(ErrorCodes.MALFORMED, 'disclose: body.disclosures must be an array');
  return body.disclosures.filter(
    (d): d is Disclosure => isObject(d) && typeof d['feature-type'] === 'string' && typeof d.id === 'string' && (d.roles === undefined || (Array.isArray(d.roles) && d.roles.every((r) => typeof r === 'string'))),
  );
}

/** Options of the discover-features responder and requester (register). */
export interface DiscoverFeaturesOptions {
  /** Extra features to disclose (gov-fw, constraint such as max_receive_bytes, ...). */
  extra?: Disclosure[];
  headers?: readonly string[];
  /** Selective disclosure: trim what a given peer is told (spec "Privacy Considerations"). */
  select?: (disclosures: Disclosure[], ctx: InboundContext) => Disclosure[] | Promise<Disclosure[]>;
  /** Every disclosure received; `ctx.state.awaited` is true when a discover() call was waiting for it. */
  onDisclose?: (disclosures: Disclosure[], ctx: InboundContext) => unknown;
}

/** Register both roles: answer queries from the agent's registry; accept disclosures. */
export function register(agent: Agent, o: DiscoverFeaturesOptions = {}): void {
  agent.on(
    QUERIES,
    async (ctx) => {
      const queries = parseQueries(ctx.message.body);
      let disclosures = disclosuresFor(queries, featuresOf(agent, o.extra, o.headers));
      if (o.select) disclosures = await o.select(disclosures, ctx);
      await ctx.reply({ type: DISCLOSE, body: { disclosures } });
    },
    { roles: [ROLES.responder] },
  );
  agent.on(
    DISCLOSE,
    async (ctx) => {
      const d = parseDisclosures(ctx.message.body);
      await o.onDisclose?.(d, ctx);
    },
    { roles: [ROLES.requester] },
  );
}

/** A queries message. */
export function buildQueries(o: { from?: string; to: string; queries: FeatureQuery[] }): Message {
  if (!Array.isArray(o.queries) || o.queries.length === 0) throw new TypeError('queries must be a non-empty array');
  return {
    id: newId(),
    type: QUERIES,
    ...(o.from !== undefined ? { from: o.from } : {}),
    to: [o.to],
    created_time: Math.floor(Date.now() / 1000),
    body: { queries: o.queries },
  };
}

/** Ask `did` which features matching `queries` it supports; resolves with its disclosures. */
export async function discover(agent: Agent, did: string, queries: FeatureQuery[], o: SendOptions & { timeoutMs?: number } = {}): Promise<Disclosure[]> {
  const { message } = await agent.request(buildQueries({ from: agent.did, to: did, queries }), o);
  if (message.type !== DISCLOSE) throw new DIDCommError(ErrorCodes.MALFORMED, `expected a disclose, got ${message.type}`);
  return parseDisclosures(message.body);
}

/** Disclose features without being asked (spec: disclosures may be proactive). */
export async function discloseProactively(agent: Agent, did: string, disclosures: Disclosure[], o?: SendOptions): Promise<void> {
  await agent.send({ id: newId(), type: DISCLOSE, from: agent.did, to: [did], created_time: Math.floor(Date.now() / 1000), body: { disclosures } }, o);
}
