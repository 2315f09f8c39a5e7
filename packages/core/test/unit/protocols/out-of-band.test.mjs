import { test } from 'node:test';
import assert from 'node:assert/strict';
import { outOfBand, trustPing, registerStandardProtocols, createInvitation, invitationUrl, invitationQrData, parseInvitation, acceptInvitation, ErrorCodes } from '../../../dist/index.js';
import { loadVector } from '../../helpers.mjs';
import { memoryAgent, newHub, newResolver, waiter } from './agents.mjs';

const vector = loadVector('spec/oob.json');

test('out-of-band: the spec example round-trips exactly (minified JSON, base64url, URL)', () => {
  const v = vector.invitation;
  const inv = createInvitation({ id: v.id, from: v.from, goal_code: v.body.goal_code, goal: v.body.goal, attachments: v.attachments });
  assert.equal(JSON.stringify(inv), vector.minified);
  assert.equal(outOfBand.encodeInvitation(inv), vector.base64url);
  assert.ok(!vector.base64url.includes('='), 'no padding');
  assert.equal(invitationUrl(inv, 'https://example.com/path'), vector.url);
  assert.equal(invitationQrData(inv, 'https://example.com/path'), vector.url, 'QR data is the URL form');
  assert.deepEqual(parseInvitation(vector.url), v);
  assert.deepEqual(parseInvitation(vector.minified), v);
  assert.deepEqual(parseInvitation(JSON.parse(vector.minified)), v);
});

test('out-of-band: padded or standard-alphabet _oob still parses; bad input is refused precisely', () => {
  const padded = `https://example.com/path?_oob=${vector.base64url}${'='.repeat((4 - (vector.base64url.length % 4)) % 4)}`;
  assert.deepEqual(parseInvitation(padded), vector.invitation);
  assert.throws(() => parseInvitation('https://example.com/path?x=1'), (e) => e.code === ErrorCodes.MALFORMED && /no _oob/.test(e.message));
  assert.throws(() => parseInvitation('https://example.com/path?_oobid=abc'), (e) => e.code === ErrorCodes.MALFORMED && /resolveInvitationUrl/.test(e.message));
  assert.throws(() => parseInvitation('not a url'), (e) => e.code === ErrorCodes.MALFORMED);
  assert.throws(() => parseInvitation({ ...vector.invitation, from: undefined }), (e) => e.code === ErrorCodes.MALFORMED && /from/.test(e.message));
  assert.throws(() => parseInvitation({ ...vector.invitation, type: 'https://didcomm.org/out-of-band/1.1/invitation' }), (e) => e.code === ErrorCodes.MALFORMED);
  assert.throws(() => parseInvitation({ ...vector.invitation, body: { accept: 'didcomm/v2' } }), /accept/);
  assert.throws(() => parseInvitation(`https://e.x/?_oob=${'A'.repeat(70000)}`), (e) => e.code === ErrorCodes.LIMIT_EXCEEDED);
  const minor = parseInvitation({ ...vector.invitation, type: 'https://didcomm.org/out-of-band/2.1/invitation' });
  assert.equal(minor.id, vector.invitation.id, 'a later minor version is read');
  assert.throws(() => createInvitation({ goal: 'x' }), TypeError);
});

test('out-of-band: an invitation created by one agent and accepted by another (ping, pthid = invitation id)', async () => {
  const hub = newHub(); const resolver = newResolver();
  const bob = await memoryAgent(hub, resolver); const alice = await memoryAgent(hub, resolver);
  registerStandardProtocols(alice.agent); registerStandardProtocols(bob.agent);
  const accepted = waiter();
  const inviter = outOfBand.register(bob.agent, { onAccept: (inv, ctx) => accepted.push({ inv, ctx }) });
  const inv = inviter.invite({ goal_code: 'org.didcomm.connect', goal: 'Say hello', accept: ['didcomm/v2'] });
  const url = invitationUrl(inv, 'https://bob.example/oob');
  const r = await acceptInvitation(alice.agent, url);
  assert.equal(r.via, 'ping');
  assert.equal(r.started.pthid, inv.id);
  assert.equal(r.reply.type, trustPing.PING_RESPONSE);
  assert.equal(r.reply.pthid, inv.id, 'the answer stays in the child thread');
  const { inv: seenInv, ctx } = await accepted.promise;
  assert.equal(seenInv.id, inv.id);
  assert.equal(ctx.sender, alice.did);
  assert.equal(ctx.message.pthid, inv.id);
});

test('out-of-band: accepting acts on the first attached request we can handle; the answer carries the pthid', async () => {
  const hub = newHub(); const resolver = newResolver();
  const bob = await memoryAgent(hub, resolver); const alice = await memoryAgent(hub, resolver);
  registerStandardProtocols(alice.agent); registerStandardProtocols(bob.agent);
  const accepted = waiter();
  const inviter = outOfBand.register(bob.agent, { onAccept: (inv, ctx) => accepted.push({ inv, ctx }) });
  const attachedPing = trustPing.buildPing({ from: bob.did, to: alice.did });
  const inv = inviter.invite({ attachments: [{ id: 'x', type: 'https://example.org/unknown/1.0/thing', from: bob.did, body: {} }, attachedPing] });
  const r = await acceptInvitation(alice.agent, JSON.stringify(inv));
  assert.equal(r.via, 'attachment');
  assert.equal(r.started.id, attachedPing.id, 'the second alternative: the first has no handler here');
  const { ctx } = await accepted.promise;
  assert.equal(ctx.message.type, trustPing.PING_RESPONSE);
  assert.equal(ctx.message.thid, attachedPing.id);
  assert.equal(ctx.message.pthid, inv.id);
  assert.equal(ctx.sender, alice.did);
});

test('out-of-band: an explicit first message; refusals for foreign profiles and expired invitations', async () => {
  const hub = newHub(); const resolver = newResolver();
  const bob = await memoryAgent(hub, resolver); const alice = await memoryAgent(hub, resolver);
  registerStandardProtocols(bob.agent);
  const got = waiter();
  const inviter = outOfBand.register(bob.agent, { onAccept: (inv, ctx) => got.push(ctx.message) });
  const inv = inviter.invite({});
  const r = await acceptInvitation(alice.agent, inv, { message: { type: 'https://didcomm.org/basicmessage/2.0/message', body: { content: 'hi' } }, waitForReply: false });
  assert.equal(r.via, 'message');
  const m = await got.promise;
  assert.equal(m.body.content, 'hi');
  assert.equal(m.pthid, inv.id);
  await assert.rejects(acceptInvitation(alice.agent, createInvitation({ from: bob.did, accept: ['didcomm/aip2;env=rfc19'] })), (e) => e.code === ErrorCodes.UNSUPPORTED);
  await assert.rejects(acceptInvitation(alice.agent, createInvitation({ from: bob.did, expires_time: 1 })), (e) => e.code === ErrorCodes.EXPIRED);
});
