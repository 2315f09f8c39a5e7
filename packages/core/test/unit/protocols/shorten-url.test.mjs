import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { shortenUrl, outOfBand, createInvitation, invitationUrl, ErrorCodes } from '../../../dist/index.js';
import { memoryAgent, newHub, newResolver } from './agents.mjs';

const { requestShortenedUrl, invalidateShortenedUrl, shortUrlResponse } = shortenUrl;

/** A tiny HTTP server for the short URLs of `store` on 127.0.0.1. */
async function shortUrlServer(storeRef) {
  const server = createServer(async (req, res) => {
    const base = `http://127.0.0.1:${server.address().port}/s`;
    const r = await shortUrlResponse(storeRef.store, base, new URL(req.url, base).toString());
    if (!r) return res.writeHead(404).end();
    res.writeHead(r.status, Object.fromEntries(r.headers)).end(await r.text());
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  return { base: `http://127.0.0.1:${server.address().port}/s`, close: () => new Promise((r) => { server.closeAllConnections(); server.close(r); }) };
}

async function setup(options = {}) {
  const hub = newHub(); const resolver = newResolver();
  const shortener = await memoryAgent(hub, resolver); const provider = await memoryAgent(hub, resolver); const other = await memoryAgent(hub, resolver);
  const ref = {};
  const http = await shortUrlServer(ref);
  ref.store = shortenUrl.register(shortener.agent, { shortener: { baseUrl: http.base, maxValiditySeconds: 600, ...options } }).store;
  shortenUrl.register(provider.agent);
  shortenUrl.register(other.agent);
  return { shortener, provider, other, http, store: ref.store };
}

const problem = (code) => (e) => e.code === ErrorCodes.PROBLEM_REPORT && e.cause.code === code;

test('shorten-url: an OOB invitation URL shortened to ?_oobid=, fetched back over HTTP, then invalidated', async () => {
  const { shortener, provider, other, http } = await setup();
  try {
    const inv = createInvitation({ from: provider.did, goal_code: 'org.didcomm.connect', attachments: [{ id: 'big', data: { json: { padding: 'x'.repeat(2000) } } }] });
    const long = invitationUrl(inv, 'https://provider.example/invite');
    const before = Math.floor(Date.now() / 1000);
    const r = await requestShortenedUrl(provider.agent, shortener.did, { url: long, requestedValiditySeconds: 60, goalCode: 'shorten.oobv2' });
    assert.ok(r.shortenedUrl.startsWith(`${http.base}?_oobid=`), r.shortenedUrl);
    assert.ok(r.shortenedUrl.length < 120);
    assert.ok(r.expiresTime >= before + 60 && r.expiresTime <= before + 62);
    const back = await outOfBand.resolveInvitationUrl(r.shortenedUrl);
    assert.deepEqual(back, inv);
    await assert.rejects(invalidateShortenedUrl(other.agent, shortener.did, r.shortenedUrl), problem('e.p.rejected_invalidation'));
    await invalidateShortenedUrl(provider.agent, shortener.did, r.shortenedUrl);
    await assert.rejects(outOfBand.resolveInvitationUrl(r.shortenedUrl), (e) => e.code === ErrorCodes.TRANSPORT && /404/.test(e.message));
    await assert.rejects(invalidateShortenedUrl(provider.agent, shortener.did, r.shortenedUrl), problem('e.p.short_url_invalid'));
  } finally { await http.close(); }
});

test('shorten-url: generic shortening with a slug answers 302 with Location', async () => {
  const { shortener, provider, http } = await setup();
  try {
    const r = await requestShortenedUrl(provider.agent, shortener.did, { url: 'https://example.com/a/very/long/path?q=1', requestedValiditySeconds: 30, goalCode: 'shorten', slug: 'my-link' });
    assert.equal(r.shortenedUrl, `${http.base}/my-link`);
    const res = await fetch(r.shortenedUrl, { redirect: 'manual' });
    assert.equal(res.status, 302);
    assert.equal(res.headers.get('location'), 'https://example.com/a/very/long/path?q=1');
    await assert.rejects(requestShortenedUrl(provider.agent, shortener.did, { url: 'https://example.com/b', goalCode: 'shorten', slug: 'my-link' }), problem('e.p.invalid_slug'));
  } finally { await http.close(); }
});

test('shorten-url: the protocol problem codes', async () => {
  const { shortener, provider, http } = await setup({ slugs: false });
  try {
    const req = (r) => requestShortenedUrl(provider.agent, shortener.did, { url: 'https://example.com/x', goalCode: 'shorten', ...r });
    await assert.rejects(req({ requestedValiditySeconds: 601 }), (e) => problem('e.p.validity_too_long')(e) && e.cause.problem_items[0].max_validity_seconds === 600);
    await assert.rejects(req({ requestedValiditySeconds: 0 }), problem('e.p.validity_too_long'));
    await assert.rejects(req({ url: 'not a url' }), problem('e.p.invalid_url'));
    await assert.rejects(req({ url: 'wss://example.com/x' }), problem('e.p.invalid_protocol_scheme'));
    await assert.rejects(req({ goalCode: 'shorten.everything' }), problem('e.p.invalid_goal_code'));
    await assert.rejects(req({ goalCode: 'shorten.oobv2' }), problem('e.p.invalid_url'), 'oobv2 needs _oob in the url');
    await assert.rejects(req({ slug: 'mine' }), problem('e.p.slugs_not_supported'));
    const ok = await req({});
    assert.equal(ok.expiresTime - Math.floor(Date.now() / 1000) <= 600, true, 'no validity asked: the shortener default');
  } finally { await http.close(); }
});

test('shorten-url: expired entries are gone from the store', async () => {
  const store = new shortenUrl.InMemoryShortUrlStore();
  await store.put({ id: 'a', url: 'https://x', shortenedUrl: 'https://s/a', expiresTime: 100 });
  assert.ok(await store.get('a', 99));
  assert.equal(await store.get('a', 100), undefined);
  assert.equal(await store.has('a'), false);
});

test('shorten-url: the same requester asking twice for one URL gets one link; maxUrlChars and newId', async () => {
  const { shortener, provider, other, http } = await setup({ maxUrlChars: 100, newId: (sender) => `id${sender.length}x${Math.random().toString(36).slice(2, 8)}` });
  try {
    const url = 'https://example.com/short';
    const a = await requestShortenedUrl(provider.agent, shortener.did, { url, goalCode: 'shorten' });
    const b = await requestShortenedUrl(provider.agent, shortener.did, { url, goalCode: 'shorten' });
    assert.equal(b.shortenedUrl, a.shortenedUrl);
    assert.ok(a.shortenedUrl.startsWith(`${http.base}/id${provider.did.length}x`), a.shortenedUrl);
    // Another requester gets its own link (it could not invalidate the first one).
    const c = await requestShortenedUrl(other.agent, shortener.did, { url, goalCode: 'shorten' });
    assert.notEqual(c.shortenedUrl, a.shortenedUrl);
    await assert.rejects(requestShortenedUrl(provider.agent, shortener.did, { url: `https://example.com/${'x'.repeat(100)}`, goalCode: 'shorten' }), problem('e.p.invalid_url'));
  } finally { await http.close(); }
});
