// More live accounts than the resolver's cache holds (issue 14, "Many live clients"): each live
// delivery is packed to its account's DID, so with 1,050 accounts live and a cache of 1,000,
// deliveries to every account in turn missed the cache each time (resolve, import the keys,
// compute the ECDH-1PU static agreement again). The documents of live accounts are now held
// while they are live: a second round of deliveries resolves no account at all, and closing the
// connections lets go of them.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import WebSocket from 'ws';
import { FORWARD_TYPE, PICKUP, createDID, createResolver, InMemorySecrets, newId, packEncrypted, silentLogger } from '@didcomm-ts/core';
import { startMediator } from '../dist/index.js';

const ACCOUNTS = 1050;

test('live accounts beyond the resolver cache: repeated deliveries resolve none of them again', { timeout: 120_000 }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'didcomm-live-many-'));
  // Resolutions of the accounts' DIDs that reach the did:peer method, under the mediator's cache.
  const accountDids = new Set();
  let resolutions = 0;
  const plain = createResolver({ cache: false });
  const resolver = createResolver({ methods: { peer: { resolve: (did) => ((resolutions += accountDids.has(did) ? 1 : 0), plain.resolve(did)) } } });
  const m = await startMediator(
    { port: 0, host: '127.0.0.1', data: join(dir, 'data'), passphrase: 'test', scryptN: 2 ** 10, logLevel: 'error', unwrapWorkers: 0, maxConnectionsPerIp: 5000, rateLimit: 1_000_000 },
    { logger: silentLogger, chatDir: null, resolver },
  );
  const sockets = [];
  try {
    const clientResolver = createResolver({ cache: { maxEntries: 2 * ACCOUNTS } });
    const secrets = new InMemorySecrets([]);
    const accounts = [];
    for (let i = 0; i < ACCOUNTS; i++) {
      const a = await createDID('peer');
      secrets.add(...a.secrets);
      accounts.push(a.did);
      accountDids.add(a.did);
      // As mediate-request and a keylist-update (of its own DID) leave it.
      await m.store.grant(a.did);
      await m.store.updateRecipients(a.did, [{ recipientDid: a.did, action: 'add' }]);
    }
    // Each account live on its own WebSocket; frames[i] counts what arrived on it.
    const frames = new Array(ACCOUNTS).fill(0);
    let next = 0;
    const openOne = async (i) => {
      const packed = (await packEncrypted({ id: newId(), type: PICKUP[4].liveDeliveryChange, from: accounts[i], to: [m.did], created_time: Math.floor(Date.now() / 1000), return_route: 'all', body: { live_delivery: true } }, { to: m.did, from: accounts[i], resolver: clientResolver, secrets, forward: false })).packed;
      const ws = new WebSocket(m.wsUrl, { perMessageDeflate: false });
      sockets.push(ws);
      await new Promise((resolve, reject) => {
        ws.on('error', reject);
        ws.on('open', () => ws.send(packed));
        ws.on('message', () => {
          frames[i]++;
          resolve();
        });
      });
    };
    await Promise.all(Array.from({ length: 32 }, async () => {
      while (next < ACCOUNTS) await openOne(next++);
    }));
    assert.equal(m.mediator.live.count(), ACCOUNTS);

    const round = async () => {
      const before = frames.map((n) => n);
      for (const did of accounts) {
        const jwe = { protected: 'e30', recipients: [{ header: { kid: `${did}#key-2` }, encrypted_key: 'AA' }], iv: 'AA', ciphertext: newId(), tag: 'AA' };
        await m.mediator.forward({ id: newId(), type: FORWARD_TYPE, to: [m.did], body: { next: did }, attachments: [{ data: { json: jwe } }] });
      }
      const until = Date.now() + 60_000;
      while (frames.some((n, i) => n === before[i]) && Date.now() < until) await new Promise((r) => setTimeout(r, 20));
      assert.ok(frames.every((n, i) => n > before[i]), 'every account got its delivery');
    };
    await round();
    resolutions = 0;
    await round();
    assert.equal(resolutions, 0, `the second round resolved ${resolutions} account DIDs again`);

    // Held only while live: closed connections let go of the documents.
    assert.ok(m.mediator.agent.resolver.pinned >= ACCOUNTS);
    for (const ws of sockets) ws.terminate();
    const until = Date.now() + 10_000;
    while (m.mediator.agent.resolver.pinned > 0 && Date.now() < until) await new Promise((r) => setTimeout(r, 20));
    assert.equal(m.mediator.agent.resolver.pinned, 0);
  } finally {
    for (const ws of sockets) ws.terminate();
    await m.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
