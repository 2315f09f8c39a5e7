// The bench scenarios: for each, how ours and didcomm-node pack a fresh message, and how each
// unpacks the same wire (packed once by us before timing). Identities and the didcomm-node
// adapter are the interop tests' own, so the bench measures what the tests prove works.
import { InMemorySecrets, packEncrypted, packPlaintext, packSigned, parseForward, unpack } from '../packages/core/dist/index.js';
import { docResolver, freshMessage, makeIdentity } from '../packages/core/test/interop/identities.mjs';
import { theirPackEncrypted, theirPackPlaintext, theirPackSigned, theirResolver, theirSecrets, theirUnpack } from '../packages/core/test/interop/didcomm-node-adapter.mjs';
import { makeFloors } from './floors.mjs';

export async function buildScenarios() {
  const mediator = await makeIdentity('did:example:mediator', { agreement: ['X25519'] });
  const alice = await makeIdentity('did:example:alice', { agreement: ['X25519', 'P-256', 'P-384', 'P-521'], auth: ['Ed25519', 'P-256', 'secp256k1'] });
  const bob = await makeIdentity('did:example:bob', { agreement: ['X25519', 'P-256', 'P-384', 'P-521'], auth: ['Ed25519'] });
  const carol = await makeIdentity('did:example:carol', { agreement: Array(10).fill('X25519') });
  const dave = await makeIdentity('did:example:dave', { agreement: ['X25519'], routingKeys: [mediator.agreement[0]] });
  const docs = [mediator, alice, bob, carol, dave].map((p) => p.doc);
  const R = docResolver(docs);
  const TR = theirResolver(docs);
  // The crypto floor of each scenario (bench/floors.mjs): the same operation by hand on node:crypto.
  const F = makeFloors(docs);
  // Each party's secrets resolver, made once for both sides, as an agent holds its own.
  const once = (make) => {
    const made = new Map();
    return (p) => made.get(p) ?? made.set(p, make(p.secrets)).get(p);
  };
  const S = once((secrets) => new InMemorySecrets(secrets));
  const TS = once(theirSecrets);
  const kid = (p, frag) => `${p.did}#${frag}`;
  // Recipients hold their own secrets only; carol holds one of her ten keys.
  const carolOne = { secrets: carol.secrets.slice(0, 1) };

  const msg = (to, from) => () => freshMessage({ from: from?.did, to: [to.did] });

  /** An encrypted scenario: same options for both sides (ours names), unpacked by `recipient`. */
  const encrypted = (name, o, recipient, sender) => ({
    name,
    message: msg(o.toParty, o.fromParty),
    ours: {
      pack: (m) => packEncrypted(m, { to: o.to, from: o.from, signBy: o.signBy, protectSender: o.protectSender, encAlgAnon: o.encAlgAnon, forward: o.forward ?? false, resolver: R, secrets: sender && S(sender) }).then((r) => r.packed),
      unpack: (w) => unpack(w, { resolver: R, secrets: S(recipient) }),
    },
    theirs: {
      pack: (m) => theirPackEncrypted(m, { to: o.to, from: o.from, signBy: o.signBy, protectSender: o.protectSender, encAlgAnon: o.encAlgAnon, forward: o.forward ?? false }, TR, TS(sender ?? mediator)).then((r) => r.packed),
      unpack: (w) => theirUnpack(w, TR, TS(recipient)),
    },
    floor: {
      pack: async (m) => F.pack(m, { to: o.to, from: o.from, signBy: o.signBy, protectSender: o.protectSender, encAlgAnon: o.encAlgAnon, forward: o.forward ?? false }, sender?.secrets),
      unpack: async (w) => F.unpack(w, { secrets: recipient.secrets }),
    },
  });

  const signed = (name, signBy) => ({
    name,
    message: msg(bob, alice),
    ours: { pack: (m) => packSigned(m, { signBy, resolver: R, secrets: S(alice) }).then((r) => r.packed), unpack: (w) => unpack(w, { resolver: R }) },
    theirs: { pack: (m) => theirPackSigned(m, signBy, TR, TS(alice)).then((r) => r.packed), unpack: (w) => theirUnpack(w, TR, TS(bob)) },
    floor: { pack: async (m) => F.pack(m, { signBy }, alice.secrets), unpack: async (w) => F.unpack(w) },
  });

  const x = { toParty: bob, fromParty: alice };
  const scenarios = [
    {
      name: 'plaintext',
      message: msg(bob, alice),
      ours: { pack: (m) => packPlaintext(m), unpack: (w) => unpack(w, { resolver: R }) },
      theirs: { pack: (m) => theirPackPlaintext(m, TR), unpack: (w) => theirUnpack(w, TR, TS(bob)) },
      floor: { pack: async (m) => F.pack(m), unpack: async (w) => F.unpack(w) },
    },
    signed('signed EdDSA', kid(alice, 'auth-ed25519-1')),
    signed('signed ES256', kid(alice, 'auth-p256-1')),
    signed('signed ES256K', kid(alice, 'auth-secp256k1-1')),
    encrypted('anoncrypt X25519 XC20P', { ...x, fromParty: undefined, to: kid(bob, 'ka-x25519-1'), encAlgAnon: 'XC20P' }, bob),
    encrypted('anoncrypt X25519 A256CBC-HS512', { ...x, fromParty: undefined, to: kid(bob, 'ka-x25519-1'), encAlgAnon: 'A256CBC-HS512' }, bob),
    encrypted('anoncrypt X25519 A256GCM', { ...x, fromParty: undefined, to: kid(bob, 'ka-x25519-1'), encAlgAnon: 'A256GCM' }, bob),
    encrypted('anoncrypt P-256 A256CBC-HS512', { ...x, fromParty: undefined, to: kid(bob, 'ka-p256-1'), encAlgAnon: 'A256CBC-HS512' }, bob),
    // didcomm-node cannot do P-384 / P-521 (see the interop tests): its column reads "n/a".
    { ...encrypted('anoncrypt P-384 A256CBC-HS512', { ...x, fromParty: undefined, to: kid(bob, 'ka-p384-1'), encAlgAnon: 'A256CBC-HS512' }, bob), theirs: null },
    { ...encrypted('anoncrypt P-521 A256CBC-HS512', { ...x, fromParty: undefined, to: kid(bob, 'ka-p521-1'), encAlgAnon: 'A256CBC-HS512' }, bob), theirs: null },
    encrypted('authcrypt X25519', { ...x, to: kid(bob, 'ka-x25519-1'), from: kid(alice, 'ka-x25519-1') }, bob, alice),
    encrypted('authcrypt P-256', { ...x, to: kid(bob, 'ka-p256-1'), from: kid(alice, 'ka-p256-1') }, bob, alice),
    encrypted('sign-then-encrypt (EdDSA, authcrypt X25519)', { ...x, to: kid(bob, 'ka-x25519-1'), from: kid(alice, 'ka-x25519-1'), signBy: kid(alice, 'auth-ed25519-1') }, bob, alice),
    encrypted('protectSender (authcrypt in anoncrypt XC20P, X25519)', { ...x, to: kid(bob, 'ka-x25519-1'), from: kid(alice, 'ka-x25519-1'), protectSender: true, encAlgAnon: 'XC20P' }, bob, alice),
    encrypted('10 recipients (anoncrypt X25519 A256CBC-HS512)', { toParty: carol, to: carol.did, encAlgAnon: 'A256CBC-HS512' }, carolOne),
    forwardScenario(),
  ];
  return scenarios;

  /** Pack through dave's mediator; unpack = the mediator unwraps the forward, then dave unpacks. */
  function forwardScenario() {
    const o = { to: dave.did, encAlgAnon: 'XC20P', forward: true };
    return {
      name: 'forward (anoncrypt X25519 XC20P via 1 mediator)',
      message: msg(dave),
      ours: {
        pack: (m) => packEncrypted(m, { ...o, resolver: R }).then((r) => r.packed),
        unpack: async (w) => {
          const outer = await unpack(w, { resolver: R, secrets: S(mediator) });
          const inner = parseForward(outer.message).forwarded[0];
          return unpack(inner, { resolver: R, secrets: S(dave) });
        },
      },
      theirs: {
        pack: (m) => theirPackEncrypted(m, o, TR, TS(mediator)).then((r) => r.packed),
        unpack: async (w) => {
          const outer = await theirUnpack(w, TR, TS(mediator), {}, { parseForward: true });
          return theirUnpack(JSON.stringify(outer.forward.forwarded_msg), TR, TS(dave));
        },
      },
      floor: {
        pack: async (m) => F.pack(m, o),
        unpack: async (w) => {
          const outer = F.unpack(w, { secrets: mediator.secrets });
          return F.unpack(F.parseForward(outer.message).forwarded, { secrets: dave.secrets });
        },
      },
    };
  }
}
