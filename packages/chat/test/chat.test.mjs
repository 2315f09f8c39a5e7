// The chat page end to end, in real Chromium (found by scripts/chromium.mjs, driven by
// playwright-core) against a real mediator on 127.0.0.1 that serves the page built by
// `npm run build`: two pages in separate browser contexts (separate IndexedDB) chat; one is
// closed while the other sends, then reopened and catches up; a reload keeps the DID; bad
// invitations give readable errors; a page and a `didcomm` CLI profile chat. A screenshot after
// an exchange goes to artifacts/chat/ (not committed).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { silentLogger } from '@didcomm-ts/core';
import { startMediator } from '@didcomm-ts/mediator';
import { requireChromium } from '../../../scripts/chromium.mjs';

const ROOT = fileURLToPath(new URL('../../..', import.meta.url));
const SITE = join(ROOT, 'packages', 'chat', 'dist', 'site');
const CLI = join(ROOT, 'packages', 'cli', 'bin', 'didcomm.js');
const ARTIFACTS = join(ROOT, 'artifacts', 'chat');
const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];
const WAIT = 20_000;

let work;
let mediator;
let browser;
let alice; // { context, page }
let bob;
const problems = []; // page errors and console errors, from every page

before(async () => {
  const executablePath = requireChromium();
  if (!existsSync(join(SITE, 'index.html'))) throw new Error(`the chat page is not built at ${SITE}: run npm run build (npm test does)`);
  work = mkdtempSync(join(tmpdir(), 'didcomm-chat-test-'));
  mediator = await startMediator(
    { port: 0, host: '127.0.0.1', data: join(work, 'mediator'), passphrase: 'chat test passphrase', scryptN: 2 ** 10, logLevel: 'error', shutdownTimeoutMs: 2000 },
    { logger: silentLogger },
  );
  // launch() gives the browser a new, empty --user-data-dir of its own and removes it on close.
  browser = await chromium.launch({ executablePath, headless: true, args: ARGS, timeout: WAIT });
  alice = { context: await browser.newContext() };
  bob = { context: await browser.newContext() };
});

after(async () => {
  await browser?.close().catch(() => {});
  await mediator?.close().catch(() => {});
  if (work) rmSync(work, { recursive: true, force: true });
});

/** Open the chat page (or `url`) in a context and wait until it is ready (or failed). */
async function open(who, url = `${mediator.url}chat`) {
  const page = await who.context.newPage();
  page.setDefaultTimeout(WAIT);
  page.on('pageerror', (e) => problems.push(`pageerror: ${e}`));
  page.on('console', (m) => m.type() === 'error' && problems.push(`console: ${m.text()}`));
  await page.goto(url);
  await page.waitForFunction(() => ['ready', 'failed'].includes(document.body.dataset.state), null, { timeout: WAIT });
  who.page = page;
  return page;
}

const state = (page) =>
  page.evaluate(() => ({
    state: document.body.dataset.state,
    connection: document.body.dataset.connection,
    did: document.getElementById('my-did').textContent,
    error: document.getElementById('error').hidden ? null : document.getElementById('error-text').textContent,
    status: document.getElementById('status').textContent,
  }));

async function ready(page) {
  const s = await state(page);
  assert.equal(s.state, 'ready', `the page did not start: ${s.error ?? s.status}`);
  assert.equal(s.connection, 'live', s.status);
  assert.equal(s.error, null);
  assert.match(s.did, /^did:peer:2\./);
  return s.did;
}

const contact = (page, did) => page.locator(`#contacts button[data-did="${did}"]`);
const incoming = (page, text) => page.locator('#log li.in p', { hasText: text });

async function say(page, text) {
  await page.fill('#message-input', text);
  await page.click('#send-button');
  await page.locator('#log li.out p', { hasText: text }).waitFor();
  const s = await state(page);
  assert.equal(s.error, null, `sending showed an error: ${s.error}`);
}

function noProblems() {
  assert.deepEqual(problems.splice(0), [], 'the pages logged errors');
}

test('GET /chat serves the built page: content types, cache headers, CSP', async () => {
  const page = await fetch(`${mediator.url}chat`);
  assert.equal(page.status, 200);
  assert.equal(page.headers.get('content-type'), 'text/html; charset=utf-8');
  assert.equal(page.headers.get('cache-control'), 'no-cache');
  const csp = page.headers.get('content-security-policy');
  assert.match(csp, /default-src 'none'/);
  assert.match(csp, /script-src 'self'(;|$)/);
  const ws = new URL('ws', mediator.publicUrl);
  ws.protocol = 'ws:';
  assert.ok(csp.includes(`connect-src 'self' ${mediator.publicUrl} ${ws.href};`), csp);
  assert.equal(page.headers.get('x-content-type-options'), 'nosniff');
  const html = await page.text();
  const js = html.match(/src="chat\/(app-[\w]+\.js)"/)?.[1];
  const css = html.match(/href="chat\/(app-[\w]+\.css)"/)?.[1];
  assert.ok(js && css, 'the page names its hashed script and stylesheet');
  for (const [, ref] of html.matchAll(/(?:src|href)="([^"]*)"/g)) assert.match(ref, /^chat\/[\w.-]+$/, 'everything loads from here, nothing from a CDN');

  const script = await fetch(`${mediator.url}chat/${js}`);
  assert.equal(script.status, 200);
  assert.equal(script.headers.get('content-type'), 'text/javascript; charset=utf-8');
  assert.equal(script.headers.get('cache-control'), 'public, max-age=31536000, immutable');
  assert.equal((await fetch(`${mediator.url}chat/${css}`)).headers.get('content-type'), 'text/css; charset=utf-8');
  assert.equal((await fetch(`${mediator.url}chat/icon.svg`)).headers.get('content-type'), 'image/svg+xml');
  const etag = script.headers.get('etag');
  assert.equal((await fetch(`${mediator.url}chat/${js}`, { headers: { 'if-none-match': etag } })).status, 304);
  assert.equal((await fetch(`${mediator.url}chat`, { method: 'HEAD' })).status, 200);

  // /chat/ would break the relative asset paths: it redirects, keeping the query.
  const slash = await fetch(`${mediator.url}chat/?_oob=x`, { redirect: 'manual' });
  assert.equal(slash.status, 301);
  assert.equal(slash.headers.get('location'), '../chat?_oob=x');
  for (const path of ['chat/nope.js', 'chat/index.html', 'chat/..%2Fpassphrase', 'chat/a/b.js']) {
    const r = await fetch(`${mediator.url}${path}`);
    assert.equal(r.status, 404, path);
    await r.body?.cancel();
  }
  // The mediator's own routes are untouched.
  assert.equal((await fetch(`${mediator.url}oob`)).status, 200);
  assert.equal((await fetch(`${mediator.url}chat`, { method: 'POST' })).status, 405);
});

let aliceDid;
let bobDid;
let aliceQr;

test('two pages in separate browser contexts chat through the mediator', async () => {
  const a = await open(alice);
  aliceDid = await ready(a);
  const link = await a.inputValue('#my-link');
  assert.ok(link.startsWith(`${mediator.url}chat?_oob=`), link);
  assert.equal(await a.locator('#qr svg path').count(), 1, 'the QR code is drawn');
  // The QR code carries the mediator's short link (a sparse code), which leads to the whole link.
  const qrLink = await a.getAttribute('#qr', 'data-link');
  assert.ok(qrLink.startsWith(`${mediator.url}s?_oobid=`) && qrLink.length < 100, qrLink);
  const redirect = await fetch(qrLink, { redirect: 'manual' });
  assert.equal(redirect.status, 302);
  assert.equal(redirect.headers.get('location'), link);
  aliceQr = qrLink;

  // Bob opens Alice's link: the page accepts the invitation in its address.
  const b = await open(bob, link);
  bobDid = await ready(b);
  assert.notEqual(bobDid, aliceDid);
  assert.equal(new URL(b.url()).search, '', 'the invitation is dropped from the address once accepted');
  await contact(b, aliceDid).waitFor();
  // Alice learns of Bob from his trust ping in the invitation's thread; his conversation opens.
  await contact(a, bobDid).waitFor();
  assert.equal(await contact(a, bobDid).getAttribute('aria-pressed'), 'true');

  await say(b, 'Hello Alice, this is Bob');
  await incoming(a, 'Hello Alice, this is Bob').waitFor();
  await say(a, 'Hi Bob! Alice here ✓');
  await incoming(b, 'Hi Bob! Alice here ✓').waitFor();
  assert.equal(await a.locator('#log li').count(), 2);
  assert.equal(await b.locator('#log li').count(), 2);

  mkdirSync(ARTIFACTS, { recursive: true });
  await a.screenshot({ path: join(ARTIFACTS, 'alice-after-exchange.png'), fullPage: true });
  await b.screenshot({ path: join(ARTIFACTS, 'bob-after-exchange.png'), fullPage: true });
  noProblems();
});

test('a closed page gets what was sent meanwhile when it is opened again', async () => {
  await bob.page.close();
  await say(alice.page, 'sent while you were away');
  await say(alice.page, 'and a second one');
  // Sent means stored by the mediator (its 202 follows the durable write); Bob comes back.
  const b = await open(bob);
  assert.equal(await ready(b), bobDid, 'same DID from IndexedDB');
  await incoming(b, 'sent while you were away').waitFor();
  await incoming(b, 'and a second one').waitFor();
  // The earlier conversation is still there, in order.
  const texts = await b.locator('#log li p').allTextContents();
  assert.deepEqual(texts, ['Hello Alice, this is Bob', 'Hi Bob! Alice here ✓', 'sent while you were away', 'and a second one']);
  noProblems();
});

test('a reload keeps the same DID and mediation, and live delivery resumes', async () => {
  await alice.page.reload();
  await alice.page.waitForFunction(() => ['ready', 'failed'].includes(document.body.dataset.state), null, { timeout: WAIT });
  assert.equal(await ready(alice.page), aliceDid);
  assert.equal(await alice.page.inputValue('#my-link').then((l) => l.includes('_oob=')), true);
  assert.equal(await alice.page.getAttribute('#qr', 'data-link'), aliceQr, 'the same short link after a reload');
  await contact(alice.page, bobDid).waitFor();
  await say(bob.page, 'still there after your reload?');
  await incoming(alice.page, 'still there after your reload?').waitFor();
  noProblems();
});

test('a malformed invitation shows a readable error on the page', async () => {
  const a = alice.page;
  await a.fill('#invite-input', 'this is not an invitation');
  await a.click('#accept-button');
  await a.locator('#error').waitFor({ state: 'visible' });
  assert.match(await a.textContent('#error-text'), /^Could not accept the invitation: out-of-band invitation: neither a URL nor JSON/);
  await a.click('#error-close');
  assert.equal(await a.isHidden('#error'), true);

  // A link whose _oob is not an invitation, opened in the address bar.
  // (A second tab of Alice's context: same identity, and her first tab stays open.)
  const p = await open({ context: alice.context }, `${mediator.url}chat?_oob=bm90IGFuIGludml0YXRpb24`);
  assert.equal((await state(p)).state, 'ready', 'a bad invitation does not stop the page');
  await p.locator('#error').waitFor({ state: 'visible' });
  assert.match(await p.textContent('#error-text'), /^Could not accept the invitation in the address: .*invitation/);
  await p.close();

  // One's own invitation is refused with a sentence too.
  await a.fill('#invite-input', await a.inputValue('#my-link'));
  await a.click('#accept-button');
  await a.locator('#error').waitFor({ state: 'visible' });
  assert.equal(await a.textContent('#error-text'), 'That is your own invitation: share it with someone else.');
  await a.click('#error-close');
  noProblems();
});

test('when the mediator restarts, the pages reconnect and go live again', async () => {
  const port = Number(new URL(mediator.url).port);
  const config = { port, host: '127.0.0.1', data: join(work, 'mediator'), passphrase: 'chat test passphrase', scryptN: 2 ** 10, logLevel: 'error', shutdownTimeoutMs: 2000 };
  const before = mediator.did;
  await mediator.close();
  await alice.page.waitForFunction(() => document.body.dataset.connection === 'offline', null, { timeout: WAIT });
  mediator = await startMediator(config, { logger: silentLogger });
  assert.equal(mediator.did, before, 'same data folder, same mediator DID');
  for (const page of [alice.page, bob.page]) await page.waitForFunction(() => document.body.dataset.connection === 'live', null, { timeout: WAIT });
  await say(bob.page, 'after the restart');
  await incoming(alice.page, 'after the restart').waitFor();
  noProblems();
});

/** Run the `didcomm` CLI with a deadline; resolves { code, stdout, stderr }. */
function didcomm(args, timeoutMs = 30_000) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], {
      env: { PATH: process.env.PATH, HOME: work, NO_COLOR: '1', DIDCOMM_PASSPHRASE: 'cli passphrase', DIDCOMM_SCRYPT_N: '1024' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d) => (stderr += d));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`didcomm ${args.join(' ')} took over ${timeoutMs} ms\n${stdout}\n${stderr}`));
    }, timeoutMs);
    child.on('error', (e) => (clearTimeout(timer), reject(e)));
    child.on('close', (code) => (clearTimeout(timer), resolve({ code, stdout, stderr })));
  });
}

test('a page and a didcomm CLI profile chat with each other', async () => {
  assert.ok(existsSync(CLI), `the didcomm CLI is not at ${CLI}`);
  const profile = join(work, 'cli-profile');
  const m = await didcomm(['--profile', profile, 'mediate', mediator.invitationUrl, '--json']);
  assert.equal(m.code, 0, m.stderr);
  const cliDid = JSON.parse(m.stdout).did;
  assert.match(cliDid, /^did:peer:2\./);

  const s = await didcomm(['--profile', profile, 'send', aliceDid, 'hello from the terminal', '--json']);
  assert.equal(s.code, 0, s.stderr);
  const a = alice.page;
  await contact(a, cliDid).waitFor();
  await contact(a, cliDid).click();
  await incoming(a, 'hello from the terminal').waitFor();
  await say(a, 'hello, terminal; the browser answers');

  // The CLI picks up from its mediator; the answer may take a moment to be queued.
  let lines = [];
  for (let i = 0; i < 20 && lines.length === 0; i++) {
    const r = await didcomm(['--profile', profile, 'inbox', '--json']);
    assert.equal(r.code, 0, r.stderr);
    lines = r.stdout.trim().split('\n').filter(Boolean).map((l) => JSON.parse(l)).filter((x) => x.type === 'https://didcomm.org/basicmessage/2.0/message');
    if (lines.length === 0) await new Promise((r) => setTimeout(r, 250));
  }
  assert.equal(lines.length, 1);
  assert.equal(lines[0].from, aliceDid);
  assert.deepEqual(lines[0].body, { content: 'hello, terminal; the browser answers' });
  await a.screenshot({ path: join(ARTIFACTS, 'alice-with-cli.png'), fullPage: true });
  noProblems();
});
