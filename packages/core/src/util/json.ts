import { DIDCommError, ErrorCodes } from '../errors.js';

export type JsonObject = { [k: string]: unknown };

export const isObject = (v: unknown): v is JsonObject => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * Parse untrusted JSON with a nesting limit, so a hostile document cannot exhaust the stack of
 * whatever walks it later. V8's JSON.parse itself does not recurse, so the depth is checked on
 * the parsed value: that costs per node, not per character (a delivery of 30 kB of base64 has
 * a few dozen nodes).
 */
export function parseJson(text: string, what: string, maxDepth = 64): unknown {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    throw new DIDCommError(ErrorCodes.MALFORMED, `${what} is not valid JSON`, { cause: e });
  }
  if (nestsDeeperThan(value, maxDepth)) throw new DIDCommError(ErrorCodes.LIMIT_EXCEEDED, `${what} nests deeper than ${maxDepth}`);
  return value;
}

/** Does a parsed JSON value hold objects or arrays nested deeper than `max` (the top one is level 1)? */
function nestsDeeperThan(root: unknown, max: number): boolean {
  if (typeof root !== 'object' || root === null) return false;
  const values: object[] = [root];
  const depths: number[] = [1];
  while (values.length > 0) {
    const v = values.pop()!;
    const d = depths.pop()!;
    if (d > max) return true;
    // Indexed and for-in loops: Object.values allocated an array per object, on every unpack.
    if (Array.isArray(v)) {
      for (let i = 0; i < v.length; i++) {
        const c: unknown = v[i];
        if (typeof c === 'object' && c !== null) {
          values.push(c);
          depths.push(d + 1);
        }
      }
    } else {
      for (const k in v) {
        if (!Object.prototype.hasOwnProperty.call(v, k)) continue;
        const c: unknown = (v as Record<string, unknown>)[k];
        if (typeof c === 'object' && c !== null) {
          values.push(c);
          depths.push(d + 1);
        }
      }
    }
  }
  return false;
}

export function parseJsonObject(text: string, what: string): JsonObject {
  const v = parseJson(text, what);
  if (!isObject(v)) throw new DIDCommError(ErrorCodes.MALFORMED, `${what} is not a JSON object`);
  return v;
}
