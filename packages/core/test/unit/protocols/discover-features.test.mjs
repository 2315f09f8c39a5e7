import { test } from 'node:test';
import assert from 'node:assert/strict';
import { discoverFeatures, discover, registerStandardProtocols, newId, ErrorCodes } from '../../../dist/index.js';
import { memoryAgent, newHub, newResolver, waiter } from './agents.mjs';

const { featureMatches, disclosuresFor, QUERIES, DISCLOSE } = discoverFeatures;

test('discover-features: `*` matching', () => {
  assert.equal(featureMatches('https://didcomm.org/tictactoe/1.*', 'https://didcomm.org/tictactoe/1.0'), true);
  assert.equal(featureMatches('https://didcomm.org/tictactoe/1.*', 'https://didcomm.org/tictactoe/2.0'), false);
  assert.equal(featureMatches('*', 'anything'), true);
  assert.equal(featureMatches('org.didcomm.*', 'org.didcommX'), false);
  assert.equal(featureMatches('a.b', 'aXb'), false, 'dots are literal');
  assert.equal(featureMatches('https://didcomm.org/trust-ping/2.0', 'https://didcomm.org/trust-ping/2.0'), true);
});

test('discover-features: disclosures by type, unknown feature types ignored, no duplicates', () => {
  const features = { protocols: [{ piuri: 'https://didcomm.org/tictactoe/1.0', roles: ['player'] }, { piuri: 'https://didcomm.org/trust-ping/2.0' }], goalCodes: ['org.didcomm.sell.goods.consumer'], headers: ['please_ack'], extra: [{ 'feature-type': 'constraint', id: 'max_receive_bytes', value: 1024 }] };
  const d = disclosuresFor([
    { 'feature-type': 'protocol', match: 'https://didcomm.org/tictactoe/1.*' },
    { 'feature-type': 'protocol', match: '*tictactoe*' },
    { 'feature-type': 'goal-code', match: 'org.didcomm.*' },
    { 'feature-type': 'martian', match: '*' },
    { 'feature-type': 'header', match: 'please_ack' },
    { 'feature-type': 'constraint', match: 'max_receive_bytes' },
  ], features);
  assert.deepEqual(d, [
    { 'feature-type': 'protocol', id: 'https://didcomm.org/tictactoe/1.0', roles: ['player'] },
    { 'feature-type': 'goal-code', id: 'org.didcomm.sell.goods.consumer' },
    { 'feature-type': 'header', id: 'please_ack' },
    { 'feature-type': 'constraint', id: 'max_receive_bytes', value: 1024 },
  ]);
});

test('discover-features: query and disclose between two agents, from the router registry', async () => {
  const hub = newHub(); const resolver = newResolver();
  const a = await memoryAgent(hub, resolver); const b = await memoryAgent(hub, resolver);
  registerStandardProtocols(a.agent);
  registerStandardProtocols(b.agent);
  b.agent.router.addGoalCode('org.didcomm.sell.goods.consumer');
  b.agent.on('https://example.org/tictactoe/1.0/move', () => undefined, { roles: ['player'] });
  const d = await discover(a.agent, b.did, [
    { 'feature-type': 'protocol', match: 'https://didcomm.org/*' },
    { 'feature-type': 'protocol', match: 'https://example.org/tictactoe/1.*' },
    { 'feature-type': 'goal-code', match: 'org.didcomm.*' },
    { 'feature-type': 'header', match: 'please_ack' },
    { 'feature-type': 'no-such-type', match: '*' },
  ]);
  const protocols = d.filter((x) => x['feature-type'] === 'protocol').map((x) => x.id).sort();
  assert.deepEqual(protocols, [
    'https://didcomm.org/basicmessage/2.0', 'https://didcomm.org/discover-features/2.0', 'https://didcomm.org/empty/1.0',
    'https://didcomm.org/report-problem/2.0', 'https://didcomm.org/trust-ping/2.0', 'https://example.org/tictactoe/1.0',
  ]);
  assert.deepEqual(d.find((x) => x.id === 'https://example.org/tictactoe/1.0').roles, ['player']);
  assert.deepEqual(d.find((x) => x.id === 'https://didcomm.org/trust-ping/2.0').roles.sort(), ['receiver', 'sender']);
  assert.ok(d.some((x) => x['feature-type'] === 'goal-code' && x.id === 'org.didcomm.sell.goods.consumer'));
  assert.ok(d.some((x) => x['feature-type'] === 'header' && x.id === 'please_ack'));
  assert.equal(d.length, 8);
});

test('discover-features: selective disclosure and proactive disclosures', async () => {
  const hub = newHub(); const resolver = newResolver();
  const a = await memoryAgent(hub, resolver); const b = await memoryAgent(hub, resolver);
  const proactive = waiter();
  discoverFeatures.register(a.agent, { onDisclose: (d, ctx) => { if (!ctx.state.awaited) proactive.push(d); } });
  discoverFeatures.register(b.agent, { select: (d, ctx) => (ctx.sender === a.did ? [] : d) });
  assert.deepEqual(await discover(a.agent, b.did, [{ 'feature-type': 'protocol', match: '*' }]), [], 'an empty disclosure means "not disclosing"');
  await discoverFeatures.discloseProactively(b.agent, a.did, [{ 'feature-type': 'protocol', id: 'https://didcomm.org/trust-ping/2.0' }]);
  assert.deepEqual(await proactive.promise, [{ 'feature-type': 'protocol', id: 'https://didcomm.org/trust-ping/2.0' }]);
});

test('discover-features: malformed queries get a problem report', async () => {
  const hub = newHub(); const resolver = newResolver();
  const a = await memoryAgent(hub, resolver); const b = await memoryAgent(hub, resolver);
  discoverFeatures.register(b.agent);
  for (const body of [{}, { queries: [] }, { queries: [{ 'feature-type': 'protocol' }] }, { queries: Array(65).fill({ 'feature-type': 'protocol', match: '*' }) }]) {
    await assert.rejects(a.agent.request({ id: newId(), type: QUERIES, from: a.did, to: [b.did], body }), (e) => e.code === ErrorCodes.PROBLEM_REPORT && e.cause.code === 'e.m.msg.invalid-queries', JSON.stringify(body).slice(0, 60));
  }
  assert.equal(DISCLOSE, 'https://didcomm.org/discover-features/2.0/disclose');
});
