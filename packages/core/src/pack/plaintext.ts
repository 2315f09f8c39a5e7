import { validateMessage } from '../message/validate.js';
import { PLAINTEXT_TYP, type Message } from '../message/types.js';

/** Serialize a plaintext message (JWM), checking its headers first. */
export async function packPlaintext(message: Message): Promise<string> {
  return JSON.stringify(withTyp(validateMessage(message)));
}

/** The message with `typ` set, as it is signed or encrypted. */
export const withTyp = (m: Message): Message => (m.typ === undefined ? { ...m, typ: PLAINTEXT_TYP } : m);
