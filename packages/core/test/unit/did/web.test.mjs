// did:web: URL mapping per the did:web spec, and resolution against a real local HTTPS
// server (127.0.0.1, self-signed certificate made here) through an injected fetch and through
// the Node default (guardedFetch); private and local hosts refused unless allowed; no redirects.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import https from 'node:https';
import { Readable } from 'node:stream';
import { spawnSync } from 'node:child_process';
import fc from 'fast-check';
import { didWebToUrl, resolveDidWeb, createResolver } from '../../../dist/did/index.js';
import { guardedFetch, isPrivateAddress } from '../../../dist/node.js';
import { isPrivateIPv4 } from '../../../dist/did/methods/private-network.js';

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
      case '/redirect/did.json':
        return send(302, '', { location: '/.well-known/did.json' });
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

const opts = (extra = {}) => ({ fetch: trustingFetch, allowPrivateNetwork: true, ...extra });
const skip = !hasOpenssl && 'openssl is not installed';

test('found: the root DID reads /.well-known/did.json', { skip }, async () => {
  const doc = await resolveDidWeb(didFor(), opts());
  assert.deepStrictEqual(doc, docFor(didFor()));
  assert.equal(requests.at(-1), '/.well-known/did.json');
});

test('found: a path DID reads <path>/did.json, through createResolver with the injected fetch', { skip }, async () => {
  const resolver = createResolver({ fetch: trustingFetch, web: { allowPrivateNetwork: true } });
  const did = didFor(':users:alice');
  assert.equal((await resolver.resolve(did)).id, did);
  assert.equal(requests.at(-1), '/users/alice/did.json');
  const n = requests.length;
  assert.equal((await resolver.resolve(`${did}#k`)).id, did, 'a DID URL resolves its DID, from the cache');
  assert.equal(requests.length, n);
});

test('the default fetch does not trust the self-signed certificate', { skip }, async () => {
  await assert.rejects(resolveDidWeb(didFor(), { timeoutMs: 3000, allowPrivateNetwork: true }), (e) => e.code === 'ERR_RESOLUTION_FAILED');
});

test('private and local hosts are refused before any request unless allowPrivateNetwork', { skip }, async () => {
  const n = requests.length;
  for (const did of [didFor(), 'did:web:10.1.2.3', 'did:web:192.168.1.1%3A8443:x', 'did:web:169.254.169.254', 'did:web:100.64.0.1', 'did:web:0.0.0.0', 'did:web:localhost', 'did:web:api.localhost%3A3000']) {
    await assert.rejects(resolveDidWeb(did, { fetch: () => assert.fail('must not fetch') }), (e) => e.code === 'ERR_RESOLUTION_FAILED' && /private or local/.test(e.message), did);
    await assert.rejects(createResolver({ fetch: () => assert.fail('must not fetch') }).resolve(did), (e) => e.code === 'ERR_RESOLUTION_FAILED', did);
  }
  assert.equal(requests.length, n, 'no request reached the server');
});

test('the Node default fetch refuses a host whose DNS answer is private, and connects when allowed', { skip }, async () => {
  const n = requests.length;
  const init = { method: 'GET', headers: {}, signal: AbortSignal.timeout(3000) };
  // localhost resolves (through DNS, not our name check) to a loopback address.
  await assert.rejects(guardedFetch()(`https://localhost:${port}/.well-known/did.json`, init), (e) => e.code === 'ERR_PRIVATE_ADDRESS');
  await assert.rejects(guardedFetch()(`https://127.0.0.1:${port}/.well-known/did.json`, init), (e) => e.code === 'ERR_PRIVATE_ADDRESS');
  assert.equal(requests.length, n, 'no request reached the server');
  // Allowed, with the test CA: the whole resolution through the default client.
  const doc = await resolveDidWeb(didFor(), { fetch: guardedFetch({ allowPrivateNetwork: true, ca: cert }), allowPrivateNetwork: true });
  assert.equal(doc.id, didFor());
});

test('redirects are not followed (a redirect could lead past the host checks)', { skip }, async () => {
  await assert.rejects(resolveDidWeb(didFor(':redirect'), opts()), (e) => e.code === 'ERR_RESOLUTION_FAILED' && /redirect/.test(e.message));
  await assert.rejects(resolveDidWeb(didFor(':redirect'), { fetch: guardedFetch({ allowPrivateNetwork: true, ca: cert }), allowPrivateNetwork: true }), (e) => e.code === 'ERR_RESOLUTION_FAILED' && /redirect/.test(e.message));
});

test('private address ranges: IPv4, IPv6, IPv4-mapped and NAT64; the portable IPv4 check agrees with Node\'s', () => {
  for (const a of ['127.0.0.1', '10.0.0.1', '172.16.5.4', '172.31.255.255', '192.168.0.1', '169.254.169.254', '100.64.0.1', '0.0.0.0', '224.0.0.1', '255.255.255.255', '::1', '::', 'fe80::1', 'fd00::1', 'ff02::1', '::ffff:127.0.0.1', '::ffff:10.0.0.1', '64:ff9b::10.0.0.1']) {
    assert.ok(isPrivateAddress(a), a);
  }
  for (const a of ['8.8.8.8', '1.1.1.1', '172.32.0.1', '100.128.0.1', '2606:4700::1111', '::ffff:8.8.8.8', '64:ff9b::8.8.8.8']) assert.ok(!isPrivateAddress(a), a);
  fc.assert(
    fc.property(fc.ipV4(), (ip) => {
      assert.equal(isPrivateIPv4(ip), isPrivateAddress(ip), ip);
    }),
    { numRuns: 5000 },
  );
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

test('in a browser build without fetch, did:web is ERR_UNSUPPORTED', () => {
  // The browser build's default is globalThis.fetch; run it under the browser condition.
  const script = "globalThis.fetch = undefined; const { resolveDidWeb } = await import(process.argv[1]); try { await resolveDidWeb('did:web:example.com'); console.log('resolved'); } catch (e) { console.log(e.code); }";
  const r = spawnSync(process.execPath, ['--conditions=browser', '--input-type=module', '-e', script, new URL('../../../dist/did/index.js', import.meta.url).href], { encoding: 'utf8' });
  assert.equal(r.stdout.trim(), 'ERR_UNSUPPORTED', r.stderr);
});
