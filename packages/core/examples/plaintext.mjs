// Plaintext: no protection at all. For messages inside an encrypted channel, or public ones.
import { createMessage, packPlaintext, unpack } from '@didcomm-ts/core';

const message = createMessage({
  type: 'https://didcomm.org/basicmessage/2.0/message',
  from: 'did:example:alice',
  to: ['did:example:bob'],
  body: { content: 'hello' },
}); // createMessage fills in a fresh id and created_time

const packed = await packPlaintext(message); // checks the headers, sets typ
const { message: received, metadata } = await unpack(packed);
console.log(received.body.content, metadata.encrypted, metadata.authenticated); // prints: hello false false
