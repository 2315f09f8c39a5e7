// did:web: URL mapping per the did:web spec, and resolution against a real local HTTPS
// server (127.0.0.1, self-signed certificate made here) through an injected fetch.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import https from 'node:https';
import { Readable } from 'node:stream';
import { didWebToUrl, resolveDidWeb, createResolver } from '../../../dist/did/index.js';

test('did:web URL mapping follows the spec examples', () => {
  assert.equal(didWebToUrl('did:web:w3c-ccg.github.io'), 'https://w3c-ccg.github.io/.well-known/did.json');
  assert.equal(didWebToUrl('did:web:w3c-ccg.github.io:user:alice'), 'https://w3c-ccg.github.io/user/alice/did.json');
  assert.equal(didWebToUrl('did:web:example.com%3A3000:user:alice'), 'https://example.com:3000/user/alice/did.json');
  assert.equal(didWebToUrl('did:web:example.com%3a8443'), 'https://example.com:8443/.well-known/did.json');
  assert.equal(didWebToUrl('did:web:Example.COM'), 'https://example.com/.well-known/did.json');
});

for (const bad of ['did:web:', 'did:web:exa_mple.com', 'did:web:example.com%3A', 'did:web:example.com%3A99999', 'did:web:example.com%2Fevil', 'did:web:example.com:..:x', 'did:web:example.com:a%2Fb', 'did:web:example.com::x', 'did:web:user@example.com', 'did:web:example.com:%2e%2e', 'did:web:-a.com']) {
  test(`malformed did:web ${bad} is ERR_MALFORMED`, async () => {
    assert.throws(() => didWebToUrl(bad), (e) => e.code === 'ERR_MALFORMED');
    await assert.rejects(resolveDidWeb(bad, { fetch: () => assert.fail('must not fetch') }), (e) => e.code === 'ERR_MALFORMED');
  });
}

let server;
let dir;
let cert;
let port;
let requests = [];
const hasOpenssl = (() => {
  try {
    execFileSync('openssl', ['version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();

/** A WHATWG fetch over node:https that trusts our test certificate only. */
function trustingFetch(url, init) {
  return new Promise((resolve, reject) => {
    const req = https.request(url, { method: init.method, headers: init.headers, ca: cert, signal: init.signal }, (res) => {
      const headers = new Headers();
      for (const [k, v] of Object.entries(res.headers)) if (typeof v === 'string') headers.set(k, v);
      const body = res.statusCode === 204 ? null : Readable.toWeb(res);
      resolve(new Response(body, { status: res.statusCode, headers }));
    });
    req.on('error', reject);
    req.end();
  });
}

const didFor = (path = '') => `did:web:127.0.0.1%3A${port}${path}`;
const docFor = (did) => ({ '@context': ['https://www.w3.org/ns/did/v1'], id: did, verificationMethod: [{ id: `${did}#k`, type: 'JsonWebKey2020', controller: did, publicKeyJwk: { kty: 'OKP', crv: 'X25519', x: '3p7bfXt9wbTTW2HC7OQ1Nz-DQ8hbeGdNrfx-FG-IK08' } }], keyAgreement: [`${did}#k`] });

before(async () => {
  if (!hasOpenssl) return;
  dir = mkdtempSync(join(tmpdir(), 'didweb-'));
  execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-days', '1', '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1', '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem')], { stdio: 'ignore' });
  cert = readFileSync(join(dir, 'cert.pem'));
  server = https.createServer({ key: readFileSync(join(dir, 'key.pem')), cert }, (req, res) => {
    requests.push(req.url);
    const send = (status, body, headers = {}) => {
      res.writeHead(status, { 'content-type': 'application/json', ...headers });
      res.end(body);
    };
    switch (req.url) {
      case '/.well-known/did.json':
        return send(200, JSON.stringify(docFor(didFor())));
      case '/users/alice/did.json':
        return send(200, JSON.stringify(docFor(didFor(':users:alice'))));
      case '/malformed/did.json':
        return send(200, '{"id": "did:web:...", oops');
      case '/wrongid/did.json':
        return send(200, JSON.stringify(docFor('did:web:elsewhere.example')));
      case '/array/did.json':
        return send(200, '[1,2,3]');
      case '/big/did.json':
        return send(200, JSON.stringify({ ...docFor(didFor(':big')), pad: 'x'.repeat(300_000) }));
      case '/bigchunked/did.json': {
        // No content-length: the cap must hold while streaming.
        res.writeHead(200, { 'content-type': 'application/json' });
        const chunk = 'x'.repeat(16 * 1024);
        let n = 0;
        const pump = () => {
          while (n < 64 && res.write(chunk)) n++;
          if (n < 64) res.once('drain', pump);
          else res.end();
        };
        return pump();
      }
      case '/slow/did.json':
        return setTimeout(() => send(200, JSON.stringify(docFor(didFor(':slow')))), 2000).unref();
      case '/slowbody/did.json':
        res.writeHead(200, { 'content-type': 'application/json' });
        res.write('{"id":');
        return setTimeout(() => res.end(`"${didFor(':slowbody')}"}`), 2000).unref();
      case '/error/did.json':
        return send(500, 'boom');
      case '/gone/did.json':
        return send(410, '');
      default:
        return send(404, '{"error":"not found"}');
    }
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  port = server.address().port;
});

after(() => {
  server?.closeAllConnections?.();
  server?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const opts = (extra = {}) => ({ fetch: trustingFetch, ...extra });
const skip = !hasOpenssl && 'openssl is not installed';

test('found: the root DID reads /.well-known/did.json', { skip }, async () => {
  const doc = await resolveDidWeb(didFor(), opts());
  assert.deepStrictEqual(doc, docFor(didFor()));
  assert.equal(requests.at(-1), '/.well-known/did.json');
});

test('found: a path DID reads <path>/did.json, through createResolver with the injected fetch', { skip }, async () => {
  const resolver = createResolver({ fetch: trustingFetch });
  const did = didFor(':users:alice');
  assert.equal((await resolver.resolve(did)).id, did);
  assert.equal(requests.at(-1), '/users/alice/did.json');
  const n = requests.length;
  assert.equal((await resolver.resolve(`${did}#k`)).id, did, 'a DID URL resolves its DID, from the cache');
  assert.equal(requests.length, n);
});

test('the default fetch does not trust the self-signed certificate', { skip }, async () => {
  await assert.rejects(resolveDidWeb(didFor(), { timeoutMs: 3000 }), (e) => e.code === 'ERR_RESOLUTION_FAILED');
});

test('not found (404, 410) resolves to null', { skip }, async () => {
  assert.equal(await resolveDidWeb(didFor(':nobody'), opts()), null);
  assert.equal(await resolveDidWeb(didFor(':gone'), opts()), null);
});

test('server error is ERR_RESOLUTION_FAILED', { skip }, async () => {
  await assert.rejects(resolveDidWeb(didFor(':error'), opts()), (e) => e.code === 'ERR_RESOLUTION_FAILED' && /500/.test(e.message));
});

test('malformed document, non-object and wrong id are ERR_RESOLUTION_FAILED', { skip }, async () => {
  for (const p of [':malformed', ':array', ':wrongid']) {
    await assert.rejects(resolveDidWeb(didFor(p), opts()), (e) => e.code === 'ERR_RESOLUTION_FAILED', p);
  }
});

test('oversized document is ERR_LIMIT_EXCEEDED, with and without content-length', { skip }, async () => {
  await assert.rejects(resolveDidWeb(didFor(':big'), opts({ maxBytes: 100_000 })), (e) => e.code === 'ERR_LIMIT_EXCEEDED');
  await assert.rejects(resolveDidWeb(didFor(':bigchunked'), opts({ maxBytes: 100_000 })), (e) => e.code === 'ERR_LIMIT_EXCEEDED');
  // the same document passes under a larger cap
  assert.equal((await resolveDidWeb(didFor(':big'), opts({ maxBytes: 1_000_000 }))).id, didFor(':big'));
});

test('slow server: headers or body past the deadline time out as ERR_RESOLUTION_FAILED', { skip }, async () => {
  for (const p of [':slow', ':slowbody']) {
    const t0 = Date.now();
    await assert.rejects(resolveDidWeb(didFor(p), opts({ timeoutMs: 300 })), (e) => e.code === 'ERR_RESOLUTION_FAILED' && /timed out/.test(e.message), p);
    assert.ok(Date.now() - t0 < 1500, `${p} took ${Date.now() - t0} ms`);
  }
});

test('no fetch available is ERR_UNSUPPORTED', async () => {
  const saved = globalThis.fetch;
  globalThis.fetch = undefined;
  try {
    await assert.rejects(resolveDidWeb('did:web:example.com'), (e) => e.code === 'ERR_UNSUPPORTED');
  } finally {
    globalThis.fetch = saved;
  }
});
