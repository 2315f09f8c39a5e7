// The test page's script, bundled by harness.mjs with the `browser` condition together with
// @didcomm-ts/core. It only exposes the library to page.evaluate: every input (vectors, DID
// docs, secrets) comes from the test, every result goes back as JSON.
import * as didcomm from '@didcomm-ts/core';

/** A resolver over fixed documents and the secrets a test hands in. */
function setup({ docs, secrets, now }) {
  const byId = new Map(docs.map((d) => [d.id, d]));
  return {
    resolver: { resolve: async (did) => byId.get(did) ?? null },
    secrets: new didcomm.InMemorySecrets(secrets),
    now: now === undefined ? undefined : () => now,
  };
}

/** Runs `fn` and returns { ok, value } or { ok: false, code, message }; never throws across evaluate. */
async function settle(fn) {
  try {
    return { ok: true, value: await fn() };
  } catch (e) {
    return { ok: false, code: e?.code ?? null, name: e?.name, message: String(e?.message ?? e) };
  }
}

globalThis.harness = {
  userAgent: () => navigator.userAgent,
  /** True when the engine's WebCrypto has X25519 and Ed25519 (the backend then uses them). */
  async native25519() {
    const s = crypto.subtle;
    const x = await s.generateKey({ name: 'X25519' }, false, ['deriveBits']).then(() => true, () => false);
    const e = await s.generateKey({ name: 'Ed25519' }, false, ['sign', 'verify']).then(() => true, () => false);
    return { x25519: x, ed25519: e };
  },
  unpack: (wire, env) =>
    settle(async () => {
      const { resolver, secrets, now } = setup(env);
      const { message, metadata } = await didcomm.unpack(wire, { resolver, secrets, now });
      return JSON.stringify({ message, metadata });
    }),
  packEncrypted: (message, options, env) =>
    settle(async () => {
      const { resolver, secrets } = setup(env);
      return JSON.stringify(await didcomm.packEncrypted(message, { ...options, resolver, secrets }));
    }),
  packSigned: (message, options, env) =>
    settle(async () => {
      const { resolver, secrets } = setup(env);
      return JSON.stringify(await didcomm.packSigned(message, { ...options, resolver, secrets }));
    }),
};
globalThis.harnessReady = true;
