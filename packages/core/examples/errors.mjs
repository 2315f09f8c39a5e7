// Errors: everything the library throws on bad input is a DIDCommError with a stable `code`
// (branch on the code, never on the message text); misuse by the caller is a TypeError. A peer
// that cannot handle a request answers with a problem report, which request() rejects with.
import {
  Agent, createDID, createMessage, createResolver, DIDCommError, InMemorySecrets, isDIDCommError, MemoryHub, MemoryTransport,
  packEncrypted, ProblemCodes, ProblemReportError, unpack,
} from '@didcomm-ts/core';

const alice = await createDID('peer');
const bob = await createDID('peer');
const bobSecrets = new InMemorySecrets(bob.secrets);
const message = createMessage({ type: 'https://example.org/notes/1.0/note', from: alice.did, to: [bob.did], body: {} });
const { packed } = await packEncrypted(message, { to: bob.did });

/** The code an operation failed with (or 'TypeError' for misuse). */
const codeOf = (promise) => promise.then(() => 'no error', (e) => (e instanceof DIDCommError ? e.code : e.name));

// Tampered ciphertext. Every decryption failure looks the same; the detail is only in `cause`.
const jwe = JSON.parse(packed);
jwe.ciphertext = jwe.ciphertext.replace(/^./, (c) => (c === 'A' ? 'B' : 'A'));
console.log(await codeOf(unpack(JSON.stringify(jwe), { secrets: bobSecrets }))); // prints: ERR_DECRYPTION_FAILED

console.log(await codeOf(unpack('{"not":"didcomm"}'))); // prints: ERR_MALFORMED
console.log(await codeOf(unpack(packed, { secrets: new InMemorySecrets(alice.secrets) }))); // prints: ERR_SECRET_NOT_FOUND
console.log(await codeOf(unpack(packed, { secrets: bobSecrets, maxBytes: 100 }))); // prints: ERR_LIMIT_EXCEEDED
// Authcrypt as someone other than the message's `from`: the layers would disagree.
console.log(await codeOf(packEncrypted(message, { to: bob.did, from: bob.did, secrets: bobSecrets }))); // prints: ERR_LAYER_MISMATCH
console.log(await codeOf(packEncrypted(message, {}))); // prints: TypeError

// isDIDCommError narrows, optionally to one code. Here the recipient's DID does not resolve.
try {
  await packEncrypted(message, { to: bob.did, resolver: { resolve: async () => null } });
} catch (e) {
  if (!isDIDCommError(e, 'ERR_DID_NOT_FOUND')) throw e;
  console.log(e.code); // prints: ERR_DID_NOT_FOUND
}

// Problem reports between agents (in memory here: MemoryHub delivers within the process).
const hub = new MemoryHub();
const resolver = createResolver();
async function agentAt(uri) {
  const { did, secrets } = await createDID('peer', { services: [{ uri }] });
  const agent = new Agent({ did, secrets: new InMemorySecrets(secrets), resolver, transports: [new MemoryTransport(hub)] });
  hub.register(uri, agent);
  return agent;
}
const server = await agentAt('memory://server');
const client = await agentAt('memory://client');
// A handler throws ProblemReportError to choose the problem code the sender gets.
server.on('https://example.org/orders/1.0/order', () => {
  throw new ProblemReportError('e.p.req.out-of-stock', 'No {1} left', ['apples']);
});
const order = { id: crypto.randomUUID(), type: 'https://example.org/orders/1.0/order', from: client.did, to: [server.did], body: {} };
try {
  await client.request(order, { timeoutMs: 2000 });
} catch (e) {
  console.log(e.code, e.cause.code, e.cause.comment, e.cause.args[0]); // prints: ERR_PROBLEM_REPORT e.p.req.out-of-stock No {1} left apples
}
// A type nobody handles is answered with e.p.msg.unsupported.
const unknown = { ...order, id: crypto.randomUUID(), type: 'https://example.org/unknown/1.0/thing' };
const err = await client.request(unknown, { timeoutMs: 2000 }).catch((e) => e);
console.log(err.cause.code === ProblemCodes.UNSUPPORTED_MESSAGE); // prints: true
await client.stop();
await server.stop();
