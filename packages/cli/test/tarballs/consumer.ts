// A stranger's TypeScript: the README's five lines against the installed @didcomm-ts/core,
// type-checked under node16 and bundler resolution and bundled for the browser.
import { createDID, InMemorySecrets, isDIDCommError, packEncrypted, packSigned, unpack, type Message, type UnpackMetadata } from '@didcomm-ts/core';

export interface RoundTrip {
  content: string;
  authcrypt: UnpackMetadata;
  signed: UnpackMetadata;
  tamperedCode: string;
}

export async function roundTrip(): Promise<RoundTrip> {
  const alice = await createDID('peer');
  const bob = await createDID('peer');
  const secrets = new InMemorySecrets([...alice.secrets, ...bob.secrets]);
  const message: Message = { id: '1', type: 'https://didcomm.org/basicmessage/2.0/message', from: alice.did, to: [bob.did], body: { content: 'hi' } };
  const { packed } = await packEncrypted(message, { to: bob.did, from: alice.did, secrets });
  const opened = await unpack(packed, { secrets });
  const signed = await unpack((await packSigned(message, { signBy: alice.did, secrets })).packed, { secrets });
  let tamperedCode = 'none';
  try {
    await unpack(packed.replace(/"ciphertext":"./, (m) => m.slice(0, -1) + (m.endsWith('A') ? 'B' : 'A')), { secrets });
  } catch (e) {
    tamperedCode = isDIDCommError(e) ? e.code : String(e);
  }
  return { content: String(opened.message.body?.content), authcrypt: opened.metadata, signed: signed.metadata, tamperedCode };
}
