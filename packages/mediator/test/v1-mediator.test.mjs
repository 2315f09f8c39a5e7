// DIDComm v1 at the mediator, driven by a minimal v1 client on core's v1 API (no Credo): the
// refusals and limits, each with its status or problem report and its refused_total reason.
// The whole flow with real Credo agents is in credo/mediation.test.mjs.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { v1 } from '@didcomm-ts/core';
import { testMediator } from './helpers.mjs';

let med;
let mediatorKey;

before(async () => {
  med = await testMediator({ maxRecipients: 3, maxQueue: 2, maxMessageBytes: 64 * 1024 });
  const inv = await (await fetch(`${med.url}oob?version=1`)).json();
  mediatorKey = inv.services[0].recipientKeys[0];
});

after(async () => {
  await med?.stop();
});

const refused = (reason) => med.mediator.metrics.get('didcomm_mediator_refused_total', { reason });

/** A v1 client: its key, and requests with return route whose answer it opens. */
async function client() {
  const { key } = await v1.generateV1Key();
  return {
    key,
    account: v1.verkeyToDidKey(key.verkey),
    async post(body, { from = key, contentType = 'application/didcomm-envelope-enc' } = {}) {
      const message = { '@id': crypto.randomUUID(), '~transport': { return_route: 'all' }, ...body };
      const env = await v1.packV1(message, { to: [mediatorKey], from: from ?? undefined });
      const res = await fetch(med.url, { method: 'POST', headers: { 'content-type': contentType }, body: JSON.stringify(env) });
      const text = await res.text();
      return { status: res.status, reply: text && res.status === 200 ? v1.parseV1Message((await v1.unpackV1(text, { keys: (kid) => (kid === key.verkey ? key : undefined) })).message) : text ? JSON.parse(text) : undefined };
    },
  };
}

async function granted() {
  const c = await client();
  const { reply } = await c.post({ '@type': 'https://didcomm.org/coordinate-mediation/1.0/mediate-request' });
  assert.equal(reply['@type'], 'https://didcomm.org/coordinate-mediation/1.0/mediate-grant');
  return c;
}

/** A forward (Anoncrypt to the mediator) of an envelope for `to`; resolves with the HTTP status and body. */
async function forward(to, { contentType = 'application/ssi-agent-wire', size = 10 } = {}) {
  const { key: sender } = await v1.generateV1Key();
  const inner = await v1.packV1({ '@type': 'https://didcomm.org/basicmessage/1.0/message', '@id': crypto.randomUUID(), content: 'x'.repeat(size) }, { to: [to], from: sender });
  const env = await v1.wrapV1Forward(inner, to, [mediatorKey]);
  const res = await fetch(med.url, { method: 'POST', headers: { 'content-type': contentType }, body: JSON.stringify(env) });
  return { status: res.status, body: await res.text() };
}

test('mediation, keylist by base58 and did:key, a forward queued and picked up, acknowledged', async () => {
  const c = await granted();
  const { key: r1 } = await v1.generateV1Key();
  const { key: r2 } = await v1.generateV1Key();
  const { reply: upd } = await c.post({
    '@type': 'https://didcomm.org/coordinate-mediation/1.0/keylist-update',
    updates: [{ recipient_key: r1.verkey, action: 'add' }, { recipient_key: v1.verkeyToDidKey(r2.verkey), action: 'add' }, { recipient_key: 'not a key', action: 'add' }],
  });
  assert.deepEqual(upd.updated.map((u) => u.result), ['success', 'success', 'client_error']);
  const { reply: list } = await c.post({ '@type': 'https://didcomm.org/coordinate-mediation/1.0/keylist-query' });
  assert.deepEqual(list.keys.map((k) => k.recipient_key).sort(), [v1.verkeyToDidKey(r1.verkey), v1.verkeyToDidKey(r2.verkey)].sort());
  // A forward naming the key in base58 reaches the did:key registration, and the other way round.
  assert.equal((await forward(r1.verkey)).status, 202);
  assert.equal((await forward(v1.verkeyToDidKey(r2.verkey), { contentType: 'application/didcomm-envelope-enc' })).status, 202);
  const { reply: status } = await c.post({ '@type': 'https://didcomm.org/messagepickup/2.0/status-request' });
  assert.equal(status.message_count, 2);
  const { reply: delivery } = await c.post({ '@type': 'https://didcomm.org/messagepickup/2.0/delivery-request', limit: 10 });
  assert.equal(delivery['@type'], 'https://didcomm.org/messagepickup/2.0/delivery');
  const opened = await Promise.all(delivery['~attach'].map((a) => v1.unpackV1(a.data.json, { keys: (kid) => [r1, r2].find((k) => k.verkey === kid) })));
  assert.equal(opened.length, 2);
  const { reply: after } = await c.post({ '@type': 'https://didcomm.org/messagepickup/2.0/messages-received', message_id_list: delivery['~attach'].map((a) => a['@id']) });
  assert.equal(after.message_count, 0);
  const accounts = (await med.store.listAccounts()).map((a) => a.did);
  assert.ok(accounts.includes(c.account), 'the v1 account is listed with the others');
});

test('refusals: anoncrypt requests, forwards to unknown keys, ungranted accounts, unknown types, wrong media type', async () => {
  const c = await client();
  const anon = await c.post({ '@type': 'https://didcomm.org/coordinate-mediation/1.0/mediate-request' }, { from: null });
  assert.equal(anon.status, 400);
  assert.equal(anon.reply.error, 'v1_anoncrypt');
  assert.equal(refused('v1_anoncrypt'), 1);

  const { key: nobody } = await v1.generateV1Key();
  const fwd = await forward(nobody.verkey);
  assert.equal(fwd.status, 404);
  assert.equal(JSON.parse(fwd.body).error, 'recipient_unknown');

  const before = refused('not_granted');
  const { reply: notGranted } = await c.post({ '@type': 'https://didcomm.org/messagepickup/2.0/status-request' });
  assert.equal(notGranted['@type'], 'https://didcomm.org/report-problem/1.0/problem-report');
  assert.equal(notGranted.description.code, 'e.p.req.not-granted');
  assert.equal(refused('not_granted'), before + 1);

  const { reply: unknown } = await c.post({ '@type': 'https://didcomm.org/unknown/1.0/thing' });
  assert.equal(unknown.description.code, 'e.p.msg.unsupported-type');

  const env = await v1.packV1({ '@type': 'https://didcomm.org/trust_ping/1.0/ping', '@id': '1' }, { to: [mediatorKey], from: c.key });
  const wrongType = await fetch(med.url, { method: 'POST', headers: { 'content-type': 'text/plain' }, body: JSON.stringify(env) });
  assert.equal(wrongType.status, 415);

  // An envelope for some other key is not ours to open.
  const { key: other } = await v1.generateV1Key();
  const notOurs = await fetch(med.url, { method: 'POST', headers: { 'content-type': 'application/didcomm-envelope-enc' }, body: JSON.stringify(await v1.packV1({ '@type': 'x', '@id': '1' }, { to: [other.verkey], from: c.key })) });
  assert.equal(notOurs.status >= 400 && notOurs.status < 500, true);
  assert.equal((await notOurs.json()).error, 'ERR_SECRET_NOT_FOUND');
});

test('limits apply to v1 too: maxRecipients, maxQueue (507), maxMessageBytes (413)', async () => {
  const c = await granted();
  const keys = await Promise.all(Array.from({ length: 4 }, async () => (await v1.generateV1Key()).key));
  const { reply: tooMany } = await c.post({ '@type': 'https://didcomm.org/coordinate-mediation/1.0/keylist-update', updates: keys.map((k) => ({ recipient_key: k.verkey, action: 'add' })) });
  assert.equal(tooMany.description.code, 'e.p.req.max-recipients-exceeded');
  assert.equal((await med.store.listRecipients(c.account, 0, 10)).total, 0, 'nothing of it applied');
  const { reply: ok } = await c.post({ '@type': 'https://didcomm.org/coordinate-mediation/1.0/keylist-update', updates: [{ recipient_key: keys[0].verkey, action: 'add' }] });
  assert.equal(ok.updated[0].result, 'success');
  assert.equal((await forward(keys[0].verkey)).status, 202);
  assert.equal((await forward(keys[0].verkey)).status, 202);
  const full = await forward(keys[0].verkey);
  assert.equal(full.status, 507);
  assert.equal(JSON.parse(full.body).error, 'queue_full');
  const big = await forward(keys[0].verkey, { size: 70 * 1024 });
  assert.equal(big.status, 413);
});

test('trust-ping 1.0 and discover-features 1.0 are answered', async () => {
  const c = await client();
  const { reply: pong } = await c.post({ '@type': 'https://didcomm.org/trust_ping/1.0/ping', response_requested: true });
  assert.equal(pong['@type'], 'https://didcomm.org/trust_ping/1.0/ping_response');
  const { reply: disclose } = await c.post({ '@type': 'https://didcomm.org/discover-features/1.0/query', query: 'https://didcomm.org/messagepickup/*' });
  assert.deepEqual(disclose.protocols, [{ pid: 'https://didcomm.org/messagepickup/1.0' }, { pid: 'https://didcomm.org/messagepickup/2.0' }]);
});

test('replays: the same Authcrypt request or forward sent again is refused 409 ERR_DUPLICATE, per sender', async () => {
  const c = await granted();
  const other = await client();
  const ping = (from) => v1.packV1({ '@type': 'https://didcomm.org/trust_ping/1.0/ping', '@id': 'fixed-id-1', response_requested: false }, { to: [mediatorKey], from });
  const post = (body) => fetch(med.url, { method: 'POST', headers: { 'content-type': 'application/didcomm-envelope-enc' }, body: typeof body === 'string' ? body : JSON.stringify(body) });
  const env = JSON.stringify(await ping(c.key));
  assert.equal((await post(env)).status, 202);
  const again = await post(env);
  assert.equal(again.status, 409);
  assert.equal((await again.json()).error, 'ERR_DUPLICATE');
  assert.equal((await post(await ping(c.key))).status, 409, 'the same @id from the same sender, packed anew');
  assert.equal((await post(await ping(other.key))).status, 202, 'ids are remembered per sender key');
  const { key: r } = await v1.generateV1Key();
  await c.post({ '@type': 'https://didcomm.org/coordinate-mediation/1.0/keylist-update', updates: [{ recipient_key: r.verkey, action: 'add' }] });
  const { key: s } = await v1.generateV1Key();
  const fwd = JSON.stringify(await v1.wrapV1Forward(await v1.packV1({ '@type': 'https://didcomm.org/basicmessage/1.0/message', '@id': '1', content: 'x' }, { to: [r.verkey], from: s }), r.verkey, [mediatorKey]));
  assert.equal((await post(fwd)).status, 202);
  assert.equal((await post(fwd)).status, 409, 'a replayed forward is not queued twice');
  assert.equal((await med.store.status(c.account)).messageCount, 1);
});

test('accountRateLimit applies to v1 accounts: past it, pickup requests get e.p.req.rate-limited', async () => {
  const limited = await testMediator({ accountRateLimit: 2 });
  try {
    const inv = await (await fetch(`${limited.url}oob?version=1`)).json();
    const to = inv.services[0].recipientKeys[0];
    const { key } = await v1.generateV1Key();
    const post = async (type) => {
      const env = await v1.packV1({ '@type': type, '@id': crypto.randomUUID(), '~transport': { return_route: 'all' } }, { to: [to], from: key });
      const res = await fetch(limited.url, { method: 'POST', headers: { 'content-type': 'application/didcomm-envelope-enc' }, body: JSON.stringify(env) });
      return v1.parseV1Message((await v1.unpackV1(await res.text(), { keys: () => key })).message);
    };
    assert.match((await post('https://didcomm.org/coordinate-mediation/1.0/mediate-request'))['@type'], /mediate-grant$/);
    const answers = [];
    for (let i = 0; i < 8; i++) answers.push(await post('https://didcomm.org/messagepickup/2.0/status-request'));
    const refusedNow = answers.filter((a) => a.description?.code === 'e.p.req.rate-limited').length;
    assert.ok(refusedNow >= 3, `rate-limited answers: ${refusedNow} of 8`);
    assert.ok(answers[0]['@type'].endsWith('/status'), 'the first ones are answered');
    assert.equal(limited.mediator.metrics.get('didcomm_mediator_refused_total', { reason: 'account_rate_limited' }), refusedNow);
  } finally {
    await limited.stop();
  }
});

test('v1 envelopes are opened in the unwrap pool when it runs, with the answers the main thread gives (nesting past the limit: 413)', async () => {
  const answers = {};
  for (const unwrapWorkers of [0, 1]) {
    const m = await testMediator({ unwrapWorkers });
    try {
      const inv = await (await fetch(`${m.url}oob?version=1`)).json();
      const to = inv.services[0].recipientKeys[0];
      const { key } = await v1.generateV1Key();
      const ping = async () => v1.packV1({ '@type': 'https://didcomm.org/trust_ping/1.0/ping', '@id': crypto.randomUUID(), response_requested: true, '~transport': { return_route: 'all' } }, { to: [to], from: key });
      const post = async (env) => {
        const res = await fetch(m.url, { method: 'POST', headers: { 'content-type': 'application/didcomm-envelope-enc' }, body: typeof env === 'string' ? env : JSON.stringify(env) });
        const text = await res.text();
        if (res.status !== 200) return { status: res.status, error: JSON.parse(text).error };
        return { status: 200, type: v1.parseV1Message((await v1.unpackV1(text, { keys: (kid) => (kid === key.verkey ? key : undefined) })).message)['@type'] };
      };
      const tampered = await ping();
      tampered.ciphertext = (tampered.ciphertext[0] === 'A' ? 'B' : 'A') + tampered.ciphertext.slice(1);
      const notOurs = await v1.packV1({ '@type': 'https://didcomm.org/trust_ping/1.0/ping', '@id': crypto.randomUUID() }, { to: [key.verkey], from: key });
      const before = { worker: m.mediator.metrics.get('didcomm_mediator_unpacked_total', { thread: 'worker' }), main: m.mediator.metrics.get('didcomm_mediator_unpacked_total', { thread: 'main' }) };
      // Nested past v2's limit (its worker reply could not be cloned back: a 500 before).
      const deepText = `{"@type":"https://didcomm.org/trust_ping/1.0/ping","@id":"${crypto.randomUUID()}","deep":${'['.repeat(100_000)}${']'.repeat(100_000)}}`;
      const deep = await v1.packV1(deepText, { to: [to], from: key });
      answers[unwrapWorkers] = { ping: await post(await ping()), tampered: await post(tampered), notOurs: await post(notOurs), deep: await post(deep) };
      const thread = unwrapWorkers > 0 ? 'worker' : 'main';
      const other = unwrapWorkers > 0 ? 'main' : 'worker';
      assert.equal(m.mediator.metrics.get('didcomm_mediator_unpacked_total', { thread }) - before[thread], 4, `the four envelopes were opened on the ${thread} thread`);
      assert.equal(m.mediator.metrics.get('didcomm_mediator_unpacked_total', { thread: other }) - before[other], 0);
    } finally {
      await m.stop();
    }
  }
  assert.equal(answers[1].ping.type, 'https://didcomm.org/trust_ping/1.0/ping_response');
  assert.ok(answers[1].tampered.status >= 400 && answers[1].notOurs.status >= 400, JSON.stringify(answers[1]));
  assert.deepEqual(answers[1].deep, { status: 413, error: 'ERR_LIMIT_EXCEEDED' });
  assert.deepEqual(answers[1], answers[0]);
});

test('maxMessageAgeSeconds applies to a v1 message\'s ~timing.out_time: too old or too far ahead is 410 ERR_EXPIRED', async () => {
  const c = await client();
  const ping = (out_time) => c.post({ '@type': 'https://didcomm.org/trust_ping/1.0/ping', response_requested: true, ...(out_time !== undefined ? { '~timing': { out_time } } : {}) });
  const iso = (offsetS) => new Date(Date.now() + offsetS * 1000).toISOString();
  assert.equal((await ping(iso(0))).reply['@type'], 'https://didcomm.org/trust_ping/1.0/ping_response');
  assert.equal((await ping(iso(-60))).status, 200);
  // RFC 0032's own example writes a space for the T.
  assert.equal((await ping(iso(-60).replace('T', ' '))).status, 200);
  for (const old of [iso(-2 * 3600), iso(-2 * 3600).replace('T', ' '), iso(2 * 3600)]) {
    const r = await ping(old);
    assert.equal(r.status, 410, old);
    assert.equal(r.reply.error, 'ERR_EXPIRED');
  }
  // No time, or one that does not parse: not judged.
  assert.equal((await ping()).status, 200);
  assert.equal((await ping('yesterday')).status, 200);
});
