// net.ts on its own: how addresses are counted, whose X-Forwarded-For is believed, and that the
// rate and connection bookkeeping stays bounded.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { addressKey, clientAddressOf, ConnectionCounter, RateLimiter } from '../dist/net.js';

const req = (peer, xff) => ({ socket: { remoteAddress: peer }, headers: xff === undefined ? {} : { 'x-forwarded-for': xff } });

test('addresses: IPv4-mapped IPv6 unwrapped, IPv6 counted by its /64', () => {
  assert.equal(addressKey('::ffff:127.0.0.2'), '127.0.0.2');
  assert.equal(addressKey('2001:db8:1:2:3:4:5:6'), '2001:db8:1:2::/64');
  assert.equal(addressKey('2001:db8:1:2::ffff'), '2001:db8:1:2::/64');
  assert.equal(addressKey('2001:0db8:0001:0002:0:0:0:1'), '2001:db8:1:2::/64');
  assert.equal(addressKey(undefined), 'unknown');
});

test('X-Forwarded-For: read only from a trusted proxy, right-most untrusted entry', () => {
  const of = clientAddressOf(['loopback', '10.0.0.0/8']);
  assert.equal(of(req('127.0.0.1', '1.2.3.4')), '1.2.3.4');
  // Entries the client wrote itself (left) are passed over; trusted hops (right) are skipped.
  assert.equal(of(req('127.0.0.1', '9.9.9.9, 1.2.3.4, 10.1.1.1')), '1.2.3.4');
  assert.equal(of(req('::ffff:127.0.0.1', '5.5.5.5')), '5.5.5.5');
  // Not from a trusted proxy: the header is ignored.
  assert.equal(of(req('8.8.8.8', '1.2.3.4')), '8.8.8.8');
  // No header, or a malformed right-most entry: the proxy stands for the client.
  assert.equal(of(req('127.0.0.1')), '127.0.0.1');
  assert.equal(of(req('127.0.0.1', '1.2.3.4, not-an-ip')), '127.0.0.1');
  // Without trusted proxies nobody's header counts.
  assert.equal(clientAddressOf([])(req('127.0.0.1', '1.2.3.4')), '127.0.0.1');
});

test('token buckets: rate a second, bursts of twice that, at most maxKeys kept', () => {
  const r = new RateLimiter(5, 3);
  let allowed = 0;
  for (let i = 0; i < 20; i++) if (r.take('a', 1000)) allowed++;
  assert.equal(allowed, 10);
  assert.equal(r.take('a', 1200), true, 'one token back after 200 ms');
  for (const k of ['b', 'c', 'd', 'e']) r.take(k, 1200);
  assert.equal(r.size, 3);
});

test('connection counter: per key and in all, released on close', () => {
  const c = new ConnectionCounter(2, 3);
  assert.equal(c.acquire('a'), null);
  assert.equal(c.acquire('a'), null);
  assert.equal(c.acquire('a'), 'connections_per_ip');
  assert.equal(c.acquire(undefined), null, 'a trusted proxy counts in the total only');
  assert.equal(c.acquire('b'), 'connections');
  c.release('a');
  assert.equal(c.acquire('b'), null);
  c.release('a');
  c.release('b');
  c.release(undefined);
  assert.equal(c.total, 0);
  assert.equal(c.count('a'), 0);
});
