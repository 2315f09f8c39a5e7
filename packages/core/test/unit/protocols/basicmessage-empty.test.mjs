import { test } from 'node:test';
import assert from 'node:assert/strict';
import { basicMessage, empty, sendBasicMessage, newId, ErrorCodes, EMPTY_TYPE } from '../../../dist/index.js';
import { memoryAgent, newHub, newResolver, waiter, sleep } from './agents.mjs';

test('basicmessage: content, lang and created_time arrive; both directions', async () => {
  const hub = newHub(); const resolver = newResolver();
  const a = await memoryAgent(hub, resolver); const b = await memoryAgent(hub, resolver);
  const atA = waiter(); const atB = waiter();
  basicMessage.register(a.agent, { onMessage: (m) => atA.push(m) });
  const inbox = basicMessage.register(b.agent);
  inbox.subscribe((m) => atB.push(m));
  const before = Math.floor(Date.now() / 1000);
  const sent = await sendBasicMessage(a.agent, b.did, 'Your hovercraft is full of eels.', { lang: 'en' });
  const m = await atB.promise;
  assert.equal(m.content, 'Your hovercraft is full of eels.');
  assert.equal(m.lang, 'en');
  assert.equal(m.from, a.did);
  assert.ok(m.createdTime >= before);
  assert.equal(m.message.id, sent.id);
  await sendBasicMessage(b.agent, a.did, 'Mein Luftkissenfahrzeug ist voller Aale.', { lang: 'de' });
  const back = await atA.promise;
  assert.equal(back.content, 'Mein Luftkissenfahrzeug ist voller Aale.');
  assert.equal(back.lang, 'de');
  assert.equal(back.from, b.did);
});

test('basicmessage: non-string content gets a problem report', async () => {
  const hub = newHub(); const resolver = newResolver();
  const a = await memoryAgent(hub, resolver); const b = await memoryAgent(hub, resolver);
  let calls = 0;
  basicMessage.register(b.agent, { onMessage: () => calls++ });
  await assert.rejects(a.agent.request({ id: newId(), type: basicMessage.MESSAGE, from: a.did, to: [b.did], created_time: 1, body: { content: 42 } }), (e) => e.code === ErrorCodes.PROBLEM_REPORT && e.cause.code === 'e.m.msg.invalid-content');
  assert.equal(calls, 0);
  assert.throws(() => basicMessage.buildBasicMessage({ to: b.did, content: 1 }), TypeError);
});

test('empty: headers only; a pure ACK answers please_ack and never asks for one', async () => {
  const hub = newHub(); const resolver = newResolver();
  const a = await memoryAgent(hub, resolver); const b = await memoryAgent(hub, resolver);
  const atA = []; const atB = [];
  empty.register(a.agent, { onEmpty: (ctx) => atA.push(ctx.message) });
  empty.register(b.agent, { onEmpty: (ctx) => atB.push(ctx.message) });
  const id = newId();
  await a.agent.send({ id, type: EMPTY_TYPE, from: a.did, to: [b.did], body: {}, please_ack: [''] });
  await sleep(50);
  assert.equal(atB.length, 1);
  assert.equal(atA.length, 1, 'the ACK came back');
  assert.deepEqual(atA[0].ack, [id]);
  assert.equal(atA[0].please_ack, undefined);
  assert.deepEqual(atA[0].body, {});
  await empty.sendAck(b.agent, a.did, ['x1', 'x2']);
  await sleep(20);
  assert.deepEqual(atA[1].ack, ['x1', 'x2']);
  assert.equal(empty.EMPTY, EMPTY_TYPE);
});
