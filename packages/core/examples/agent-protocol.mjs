// An agent with a protocol of its own. Bob serves HTTP on 127.0.0.1 and answers quote
// requests; Alice, a wallet with no endpoint of her own, asks for her answers to come back on
// the same HTTP exchange (return_route), so she needs no server.
import { Agent, createDID, createResolver, HttpTransport, InMemorySecrets, ping, registerStandardProtocols } from '@didcomm-ts/core';
import { serve } from '@didcomm-ts/core/node';

// The protocol: message types named after a PIURI, https://example.org/quotes/1.0.
const REQUEST = 'https://example.org/quotes/1.0/request';
const QUOTE = 'https://example.org/quotes/1.0/quote';

const resolver = createResolver();

// Bob: listen first (port 0 picks a free port), then make a DID whose service is that URL.
let bob;
const server = await serve({ receive: (packed, session) => bob.receive(packed, session) }, { host: '127.0.0.1', port: 0 });
const bobDid = await createDID('peer', { services: [{ uri: server.url }] });
bob = new Agent({ did: bobDid.did, secrets: new InMemorySecrets(bobDid.secrets), resolver, transports: [new HttpTransport()] });
registerStandardProtocols(bob); // trust-ping, discover-features, report-problem, empty, basicmessage

bob.on(REQUEST, async (ctx) => {
  // ctx.sender is set only when the sender proved who it is (authcrypt or a signature).
  if (!ctx.sender) throw new Error('quotes are for known customers');
  await ctx.reply({ type: QUOTE, body: { item: ctx.message.body.item, price: 42 } }); // same thread, packed for the sender
}, { roles: ['quoter'] });

// Middleware runs around every handler: logging, metrics, authorisation.
const seen = [];
bob.router.use(async (ctx, next) => {
  seen.push(ctx.message.type);
  await next();
});

// Alice: no service, so what Bob sends her must ride back on her own request (return_route).
const aliceDid = await createDID('peer');
const alice = new Agent({ did: aliceDid.did, secrets: new InMemorySecrets(aliceDid.secrets), resolver, transports: [new HttpTransport()] });

try {
  // request() sends and waits for the first message in its thread (thid = the request's id).
  const { message: quote, metadata } = await alice.request(
    { id: crypto.randomUUID(), type: REQUEST, from: alice.did, to: [bob.did], return_route: 'all', body: { item: 'apples' } },
    { timeoutMs: 5000 },
  );
  console.log(quote.type === QUOTE, quote.body.price, metadata.authenticated); // prints: true 42 true

  const { rttMs } = await ping(alice, bob.did, { headers: { return_route: 'all' }, timeoutMs: 5000 });
  console.log(typeof rttMs, seen.length); // prints: number 2
} finally {
  await alice.stop();
  await bob.stop();
  await server.close();
}
