// Reading what the user hands us: a file or stdin, and JSON checked at the boundary.
import { readFile } from 'node:fs/promises';
import { isDid, type Message } from '@didcomm-ts/core';
import { usage, UserError } from '../ui/errors.js';

export const MAX_INPUT_BYTES = 16 * 1024 * 1024;

/** The contents of `file`, or of stdin when `file` is absent or `-`. */
export async function readInput(file: string | undefined, what: string): Promise<string> {
  if (file !== undefined && file !== '-') {
    try {
      const text = await readFile(file, 'utf8');
      if (text.length > MAX_INPUT_BYTES) throw new UserError(`${file} is larger than 16 MiB`, 'DIDComm messages are limited to 16 MiB');
      return text;
    } catch (e) {
      if (e instanceof UserError) throw e;
      const code = (e as NodeJS.ErrnoException).code;
      throw new UserError(`cannot read ${file}: ${code === 'ENOENT' ? 'no such file' : code ?? String(e)}`, 'check the path');
    }
  }
  if (process.stdin.isTTY) {
    throw usage(`no ${what} given`, `pipe it in (\`... | didcomm ${what === 'message' ? 'pack' : 'unpack'} ...\`) or name a file`);
  }
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of process.stdin) {
    size += (chunk as Buffer).length;
    if (size > MAX_INPUT_BYTES) throw new UserError('stdin is larger than 16 MiB', 'DIDComm messages are limited to 16 MiB');
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** Parse JSON, or fail with where it broke. */
export function parseJsonInput(text: string, source: string): unknown {
  if (text.trim() === '') throw new UserError(`${source} is empty`, 'give a JSON message');
  try {
    return JSON.parse(text);
  } catch (e) {
    const why = e instanceof Error ? e.message.replace(/^JSON\.parse: /, '') : String(e);
    throw new UserError(`${source} is not valid JSON (${why})`, 'check the input; `jq . < file` shows where it breaks');
  }
}

/** A plaintext message as the user wrote it: an object with at least a type. */
export function asMessage(value: unknown, source: string): Message {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new UserError(`${source} is not a JSON object`, 'a DIDComm message is an object like {"type": "...", "body": {...}}');
  }
  const m = value as Record<string, unknown>;
  if (typeof m.type !== 'string' || m.type === '') {
    throw new UserError(`${source} has no "type"`, 'add one, e.g. "type": "https://didcomm.org/basicmessage/2.0/message"');
  }
  return m as Message;
}

/** A DID (not a DID URL), or a usage error naming the option it came from. */
export function requireDid(value: string, what = ''): string {
  if (!isDid(value as unknown)) {
    throw usage(`${what ? `${what} ` : ''}${JSON.stringify(value.length > 80 ? `${value.slice(0, 80)}...` : value)} is not a DID`, 'a DID looks like did:peer:2..., did:key:z6Mk... or did:web:example.com');
  }
  return value;
}

/** A DID or DID URL (key id), checked for shape. */
export function requireDidUrl(value: string, what = ''): string {
  const did = value.split(/[#?/]/)[0];
  if (!isDid(did)) return requireDid(value, what);
  return value;
}
