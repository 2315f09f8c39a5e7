// did:peer:2 service encoding. Two encodings are in use (ERRATA 16): the legacy
// {"t":"dm","s":"<uri>","r":[...],"a":[...]} and the clarified {"t":"dm","s":{"uri":...,"a":[...],"r":[...]}}.
// We read both and write the clarified one.
import { decode, encodeString, fromUtf8 } from '../../../util/base64url.js';
import { isObject, parseJson, type JsonObject } from '../../../util/json.js';
import type { Service } from '../../types.js';
import { asMalformed, malformedDid } from '../common.js';

const ABBREVIATIONS: Record<string, string> = { type: 't', serviceEndpoint: 's', routingKeys: 'r', accept: 'a' };
const EXPANSIONS: Record<string, string> = Object.fromEntries(Object.entries(ABBREVIATIONS).map(([k, v]) => [v, k]));
const MAX_SERVICE_CHARS = 4096;
const MAX_SERVICES = 32;

function renameKeys(v: unknown, table: Record<string, string>, depth = 0): unknown {
  if (depth > 8) throw malformedDid('peer', 'service nests too deeply');
  if (Array.isArray(v)) return v.map((x) => renameKeys(x, table, depth + 1));
  if (!isObject(v)) return v;
  const out: JsonObject = {};
  for (const [k, x] of Object.entries(v)) out[Object.prototype.hasOwnProperty.call(table, k) ? table[k] : k] = renameKeys(x, table, depth + 1);
  return out;
}

/** The `.S` element for a service (without the leading `.S`). */
export function encodeService(service: Record<string, unknown>): string {
  if (!isObject(service)) throw new TypeError('a did:peer:2 service must be an object');
  if (typeof service.id === 'string' && !service.id.startsWith('#')) throw new TypeError('did:peer:2 service ids must be relative (#...)');
  const abbreviated = renameKeys(service, ABBREVIATIONS) as JsonObject;
  if (abbreviated.t === 'DIDCommMessaging') abbreviated.t = 'dm';
  return encodeString(JSON.stringify(abbreviated));
}

/** Decode one `.S` element to the abbreviated JSON object(s) it holds; legacy DIDs may hold a list. */
export function decodeServiceElement(b64: string): JsonObject[] {
  if (b64.length === 0 || b64.length > MAX_SERVICE_CHARS) throw malformedDid('peer', 'service element is empty or too long');
  const value = asMalformed('peer', 'service element is not base64url JSON', () => parseJson(fromUtf8(decode(b64, 'did:peer:2 service', true)), 'did:peer:2 service', 10));
  const list = Array.isArray(value) ? value : [value];
  if (list.length > MAX_SERVICES) throw malformedDid('peer', 'too many services');
  for (const s of list) if (!isObject(s)) throw malformedDid('peer', 'service is not a JSON object');
  return list as JsonObject[];
}

/** The clarified spec's expansion: every abbreviated key name, recursively, and `dm` as type. */
export function expandCurrent(abbreviated: JsonObject): Service {
  const s = renameKeys(abbreviated, EXPANSIONS) as JsonObject;
  if (s.type === 'dm') s.type = 'DIDCommMessaging';
  return s as unknown as Service;
}

/** peer-did-python's expansion: ids `#<type lowercased>-<index>`, a missing type means DIDCommMessaging. */
export function expandLegacy(abbreviated: JsonObject, index: number): Service {
  const rawType = abbreviated.t ?? abbreviated.type;
  const type = rawType === undefined || rawType === 'dm' ? 'DIDCommMessaging' : String(rawType);
  const out: Record<string, unknown> = {
    id: typeof abbreviated.id === 'string' ? abbreviated.id : `#${type.toLowerCase()}-${index}`,
    type,
    serviceEndpoint: renameKeys(abbreviated.s ?? abbreviated.serviceEndpoint, EXPANSIONS),
  };
  const r = abbreviated.r ?? abbreviated.routingKeys;
  const a = abbreviated.a ?? abbreviated.accept;
  if (r !== undefined) out.routingKeys = r;
  if (a !== undefined) out.accept = a;
  for (const [k, v] of Object.entries(abbreviated)) if (!['t', 's', 'r', 'a', 'id', 'type', 'serviceEndpoint', 'routingKeys', 'accept'].includes(k)) out[k] = v;
  return out as Service;
}
