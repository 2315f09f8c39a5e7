import type { Message } from './types.js';
import { PLAINTEXT_TYP } from './types.js';

/** A random UUID v4 (message ids: lower case, unreserved characters; spec "Threading"). */
export function newId(): string {
  return globalThis.crypto.randomUUID();
}

/** Build a message with an id, typ and created_time filled in unless given. */
export function createMessage(fields: Omit<Message, 'id'> & { id?: string }): Message {
  return { id: newId(), typ: PLAINTEXT_TYP, created_time: Math.floor(Date.now() / 1000), body: {}, ...fields } as Message;
}
