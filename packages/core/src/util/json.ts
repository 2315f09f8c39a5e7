import { DIDCommError, ErrorCodes } from '../errors.js';

export type JsonObject = { [k: string]: unknown };

export const isObject = (v: unknown): v is JsonObject => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Parse untrusted JSON with a nesting limit, so a hostile document cannot exhaust the stack. */
export function parseJson(text: string, what: string, maxDepth = 64): unknown {
  let depth = 0;
  let max = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 92) i++;
      else if (c === 34) inString = false;
    } else if (c === 34) inString = true;
    else if (c === 123 || c === 91) {
      if (++depth > max) max = depth;
    } else if (c === 125 || c === 93) depth--;
  }
  if (max > maxDepth) throw new DIDCommError(ErrorCodes.LIMIT_EXCEEDED, `${what} nests deeper than ${maxDepth}`);
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new DIDCommError(ErrorCodes.MALFORMED, `${what} is not valid JSON`, { cause: e });
  }
}

export function parseJsonObject(text: string, what: string): JsonObject {
  const v = parseJson(text, what);
  if (!isObject(v)) throw new DIDCommError(ErrorCodes.MALFORMED, `${what} is not a JSON object`);
  return v;
}
