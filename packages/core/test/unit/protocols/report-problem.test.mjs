import { test } from 'node:test';
import assert from 'node:assert/strict';
import { reportProblem, ErrorCodes, newId, trustPing } from '../../../dist/index.js';
import { memoryAgent, newHub, newResolver, sleep, waiter } from './agents.mjs';

const { buildProblemReport, parseProblemReport, interpolateComment, escalateWarning, ProblemReportError, PROBLEM_REPORT, codeMatches, parseProblemCode } = reportProblem;

test('report-problem: the spec example builds, parses and interpolates', () => {
  const m = buildProblemReport({ pthid: '1e513ad4-48c9-444e-9e7e-5b8b45c5e325', code: 'e.p.xfer.cant-use-endpoint', comment: 'Unable to use the {1} endpoint for {2}.', args: ['https://agents.r.us/inbox', 'did:sov:C805sNYhMrjHiqZDTUASHg'], escalate_to: 'mailto:admin@foo.org' });
  assert.equal(m.type, 'https://didcomm.org/report-problem/2.0/problem-report');
  const p = parseProblemReport(m);
  assert.equal(p.text, 'Unable to use the https://agents.r.us/inbox endpoint for did:sov:C805sNYhMrjHiqZDTUASHg.');
  assert.deepEqual([p.sorter, p.scope, p.descriptors], ['e', 'p', ['xfer', 'cant-use-endpoint']]);
  assert.equal(p.escalateTo, 'mailto:admin@foo.org');
  assert.equal(p.pthid, '1e513ad4-48c9-444e-9e7e-5b8b45c5e325');
  assert.throws(() => buildProblemReport({ code: 'e.p.x' }), TypeError, 'pthid is required');
});

test('report-problem: missing and null args become "?", extras are appended', () => {
  assert.equal(interpolateComment('a {1} b {2} c {3}', ['x', null]), 'a x b ? c ?');
  assert.equal(interpolateComment('only {1}', ['x', 'y', 'z']), 'only x, y, z');
});

test('report-problem: codes are checked and matched by whole-token prefix', () => {
  assert.throws(() => parseProblemCode('E.P.Bad'), (e) => e.code === ErrorCodes.MALFORMED);
  assert.throws(() => parseProblemCode('x.p.msg'), (e) => e.code === ErrorCodes.MALFORMED);
  assert.throws(() => parseProblemCode('e'), (e) => e.code === ErrorCodes.MALFORMED);
  assert.deepEqual(parseProblemCode('e.p.me.res.storage.message_too_big').descriptors, ['me', 'res', 'storage', 'message_too_big']);
  assert.equal(codeMatches('e.p.xfer.cant-use-endpoint', 'e.p.xfer'), true);
  assert.equal(codeMatches('e.p.xferx', 'e.p.xfer'), false);
  assert.throws(() => parseProblemReport({ id: '1', type: PROBLEM_REPORT, pthid: 'x', body: { code: 'e.p.msg', problem_items: 'no' } }), /problem_items/);
});

test('report-problem: problem_items ride in the body', () => {
  const e = new ProblemReportError('e.p.validity_too_long', 'max {1}', ['60'], { problem_items: [{ max_validity_seconds: 60 }] });
  const m = buildProblemReport({ ...e.body, pthid: 't' });
  assert.deepEqual(parseProblemReport(m).problemItems, [{ max_validity_seconds: 60 }]);
});

test('report-problem: escalating a warning keeps the thread and may not narrow the scope', () => {
  const warning = { id: 'w1', thid: 't1', pthid: 'p0', type: PROBLEM_REPORT, from: 'did:example:alice', body: { code: 'w.p.xfer.slow', comment: 'slow {1}', args: ['x'] } };
  assert.deepEqual(escalateWarning(warning), { code: 'e.p.xfer.slow', comment: 'slow {1}', args: ['x'] });
  assert.throws(() => escalateWarning(warning, { code: 'e.m.xfer.slow' }), /narrower/);
  assert.throws(() => escalateWarning({ ...warning, body: { code: 'e.p.xfer' } }), /only a warning/);
  const mWarning = { ...warning, body: { code: 'w.m.msg.odd' } };
  assert.equal(escalateWarning(mWarning, { code: 'e.p.msg.odd' }).code, 'e.p.msg.odd');
  assert.throws(() => escalateWarning({ ...warning, body: { code: 'w.state-a.x' } }, { code: 'e.state-b.x' }), /narrower/);
});

test('report-problem: replyToWarning sends e.* in the same thread with a new id', async () => {
  const hub = newHub(); const resolver = newResolver();
  const a = await memoryAgent(hub, resolver); const b = await memoryAgent(hub, resolver);
  const got = waiter();
  reportProblem.register(a.agent);
  reportProblem.register(b.agent, { onProblem: (r, ctx) => got.push({ r, ctx }) });
  const warning = buildProblemReport({ pthid: 'parent-1', thid: 'thread-1', code: 'w.p.xfer.slow', from: b.did, to: [a.did] });
  const reply = await reportProblem.replyToWarning(a.agent, { ...warning, from: b.did });
  const { r, ctx } = await got.promise;
  assert.equal(r.code, 'e.p.xfer.slow');
  assert.equal(ctx.message.thid, 'thread-1');
  assert.notEqual(ctx.message.id, warning.id);
  assert.equal(ctx.message.id, reply.id);
  assert.deepEqual(r.ack, [warning.id]);
});

test('report-problem: escalate_to is stamped on what we emit and surfaced on what we receive', async () => {
  const hub = newHub(); const resolver = newResolver();
  const a = await memoryAgent(hub, resolver); const b = await memoryAgent(hub, resolver);
  const escalations = waiter();
  reportProblem.register(a.agent, { onEscalate: (uri, r) => escalations.push({ uri, r }) });
  reportProblem.register(b.agent, { escalateTo: 'mailto:ops@b.example' });
  const id = newId();
  await a.agent.send({ id, type: 'https://example.org/nope/1.0/x', from: a.did, to: [b.did], body: {} });
  const { uri, r } = await escalations.promise;
  assert.equal(uri, 'mailto:ops@b.example');
  assert.equal(r.code, 'e.p.msg.unsupported');
  assert.equal(r.pthid, id);
  assert.deepEqual(r.ack, [id]);
  assert.equal(r.text, 'Message type https://example.org/nope/1.0/x is not supported');
});

test('report-problem: the circuit breaker sends max-errors-exceeded once, then stays silent on that thid', async () => {
  const hub = newHub(); const resolver = newResolver();
  const a = await memoryAgent(hub, resolver); const b = await memoryAgent(hub, resolver);
  const reports = [];
  reportProblem.register(a.agent, { maxErrors: 100, onProblem: (r) => reports.push(r) });
  reportProblem.register(b.agent, { maxErrors: 2 });
  trustPing.register(b.agent);
  const thid = newId();
  for (let i = 0; i < 5; i++) {
    await a.agent.send({ id: newId(), thid, type: 'https://example.org/nope/1.0/x', from: a.did, to: [b.did], body: {}, please_ack: [''] });
  }
  await sleep(50);
  assert.deepEqual(reports.map((r) => r.code), ['e.p.msg.unsupported', 'e.p.msg.unsupported', 'e.p.req.max-errors-exceeded']);
  assert.ok(reports.every((r) => r.pthid === thid));
  // Another thread is unaffected.
  const r = await trustPing.ping(a.agent, b.did);
  assert.equal(r.response.type, trustPing.PING_RESPONSE);
  // And a ping on the silenced thread gets nothing back.
  await assert.rejects(a.agent.request({ id: newId(), thid, type: trustPing.PING, from: a.did, to: [b.did], body: {} }, { timeoutMs: 200 }), (e) => e.code === ErrorCodes.TIMEOUT);
});

test('report-problem: received errors count too; crossing the limit answers max-errors-exceeded', async () => {
  const hub = newHub(); const resolver = newResolver();
  const a = await memoryAgent(hub, resolver); const b = await memoryAgent(hub, resolver);
  const atA = [];
  reportProblem.register(a.agent, { onProblem: (r) => atA.push(r.code) });
  const atB = [];
  reportProblem.register(b.agent, { maxErrors: 1, onProblem: (r) => atB.push(r.code) });
  for (let i = 0; i < 3; i++) await reportProblem.reportProblem(a.agent, b.did, { pthid: 'thread-x', code: 'e.p.xfer.broken' });
  await sleep(50);
  assert.deepEqual(atB, ['e.p.xfer.broken'], 'the second crosses the limit and the third is ignored');
  assert.deepEqual(atA, ['e.p.req.max-errors-exceeded']);
});
