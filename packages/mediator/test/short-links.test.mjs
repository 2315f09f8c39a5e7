// Short links: the mediator's own invitation as a short URL for its QR code, GET /s answering
// 302 to the full invitation, and shorten-url 1.0 for granted clients only (bounded).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createInvitation, createResolver, ErrorCodes, invitationUrl, isDIDCommError, outOfBand, shortenUrl } from '@didcomm-ts/core';
import { makeClient, mediatedClient, tempDir, testMediator } from './helpers.mjs';
import { rmSync } from 'node:fs';

const OOBV2 = shortenUrl.GoalCodes.OOB_V2;
let mediator;
let data;

before(async () => {
  data = tempDir();
  mediator = await testMediator({ data, unwrapWorkers: 0 }, { chatDir: null });
});

after(async () => {
  await mediator?.stop();
  rmSync(data, { recursive: true, force: true });
});

const get = (url) => fetch(url, { redirect: 'manual', signal: AbortSignal.timeout(5000) });
const refused = async (reason) => {
  const text = await (await get(`${mediator.url}metrics`)).text();
  return Number(text.match(new RegExp(`didcomm_mediator_refused_total\\{reason="${reason}"\\} (\\d+)`))?.[1] ?? 0);
};

test("the mediator's invitation has a short link: small enough for a QR code, 302 to the full URL, the same after a restart", async () => {
  const short = mediator.shortInvitationUrl;
  assert.ok(short.length < 100, `${short} is ${short.length} characters`);
  assert.ok(mediator.invitationUrl.length > 500, 'the full invitation URL is the long one');
  assert.ok(short.startsWith(mediator.publicUrl));
  const res = await get(short);
  assert.equal(res.status, 302);
  assert.equal(res.headers.get('location'), mediator.invitationUrl);
  // What a client does with a pasted short link.
  const inv = await outOfBand.resolveInvitationUrl(short, { timeoutMs: 5000 });
  assert.equal(inv.from, mediator.did);
  assert.equal(inv.id, mediator.invitation.id);

  const missing = await get(`${mediator.publicUrl}s?_oobid=nosuchlink123`);
  assert.equal(missing.status, 404);
  await missing.body?.cancel();

  // The same address (so the same DID) and data folder.
  const port = Number(new URL(mediator.url).port);
  await mediator.stop({ keepData: true });
  mediator = await testMediator({ data, port, unwrapWorkers: 0 }, { chatDir: null });
  assert.equal(mediator.shortInvitationUrl, short, 'printed QR codes keep working across restarts');
});

test('a granted client gets a short link to its own invitation; asking again gives the same one', async () => {
  const resolver = createResolver();
  const bob = await mediatedClient(mediator.did, resolver);
  const long = invitationUrl(createInvitation({ from: bob.did, goal: 'Chat with me', accept: ['didcomm/v2'] }), `${mediator.publicUrl}chat`);
  const { shortenedUrl, expiresTime } = await shortenUrl.requestShortenedUrl(bob.agent, mediator.did, { url: long, goalCode: OOBV2 }, { timeoutMs: 5000 });
  assert.ok(shortenedUrl.length < 100, shortenedUrl);
  assert.ok(shortenedUrl.startsWith(`${mediator.publicUrl}s?_oobid=`), shortenedUrl);
  assert.ok(expiresTime > Date.now() / 1000);
  const res = await get(shortenedUrl);
  assert.equal(res.status, 302);
  assert.equal(res.headers.get('location'), long);
  const again = await shortenUrl.requestShortenedUrl(bob.agent, mediator.did, { url: long, goalCode: OOBV2 }, { timeoutMs: 5000 });
  assert.equal(again.shortenedUrl, shortenedUrl);

  // Invalidated by its owner: gone.
  await shortenUrl.invalidateShortenedUrl(bob.agent, mediator.did, shortenedUrl, { timeoutMs: 5000 });
  assert.equal((await get(shortenedUrl)).status, 404);
  await bob.agent.stop();
});

test('refused, and counted: a client without mediation, a link to someone else\'s invitation, a URL over the size limit, more links than the per-account cap', async () => {
  const resolver = createResolver();
  const stranger = await makeClient(resolver);
  const own = invitationUrl(createInvitation({ from: stranger.did, accept: ['didcomm/v2'] }), 'https://example.org/');
  const before = await refused('shorten_not_granted');
  await assert.rejects(shortenUrl.requestShortenedUrl(stranger.agent, mediator.did, { url: own, goalCode: OOBV2 }, { timeoutMs: 5000 }), (e) => isDIDCommError(e, ErrorCodes.PROBLEM_REPORT));
  assert.equal(await refused('shorten_not_granted'), before + 1);

  const carol = await mediatedClient(mediator.did, resolver);
  const foreign = invitationUrl(createInvitation({ from: stranger.did, accept: ['didcomm/v2'] }), 'https://example.org/');
  await assert.rejects(shortenUrl.requestShortenedUrl(carol.agent, mediator.did, { url: foreign, goalCode: OOBV2 }, { timeoutMs: 5000 }), (e) => isDIDCommError(e, ErrorCodes.PROBLEM_REPORT));
  assert.equal(await refused('shorten_not_own_invitation'), 1);

  const huge = invitationUrl(createInvitation({ from: carol.did, goal: 'x'.repeat(5000), accept: ['didcomm/v2'] }), 'https://example.org/');
  await assert.rejects(shortenUrl.requestShortenedUrl(carol.agent, mediator.did, { url: huge, goalCode: OOBV2 }, { timeoutMs: 5000 }), (e) => isDIDCommError(e, ErrorCodes.PROBLEM_REPORT));
  assert.equal(await refused('shorten_url_too_long'), 1);

  const links = new Set();
  for (let i = 0; i < 20; i++) {
    const url = invitationUrl(createInvitation({ from: carol.did, accept: ['didcomm/v2'] }), 'https://example.org/');
    links.add((await shortenUrl.requestShortenedUrl(carol.agent, mediator.did, { url, goalCode: OOBV2 }, { timeoutMs: 5000 })).shortenedUrl);
  }
  assert.equal(links.size, 20);
  const over = invitationUrl(createInvitation({ from: carol.did, accept: ['didcomm/v2'] }), 'https://example.org/');
  await assert.rejects(shortenUrl.requestShortenedUrl(carol.agent, mediator.did, { url: over, goalCode: OOBV2 }, { timeoutMs: 5000 }), (e) => isDIDCommError(e, ErrorCodes.PROBLEM_REPORT) && e.cause?.code === 'e.p.req.limit');
  assert.equal(await refused('shorten_limit'), 1);
  // The links it has still work.
  assert.equal((await get([...links][0])).status, 302);
  await stranger.agent.stop();
  await carol.agent.stop();
});
