// The newcomer's first minute: `didcomm demo`, --help everywhere, colours only when asked for.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { didcomm } from './helpers.mjs';

const COMMANDS = [
  ['did', 'create'], ['did', 'resolve'], ['did', 'use'], ['whoami'], ['pack'], ['unpack'], ['ping'], ['send'], ['inbox'],
  ['mediate'], ['invite'], ['accept'], ['mediator', 'start'], ['mediator', 'accounts'], ['mediator', 'allow'], ['mediator', 'deny'], ['demo'],
];

test('every command has --help with an example', async () => {
  const top = await didcomm(['--help']);
  assert.equal(top.code, 0);
  for (const c of ['did', 'whoami', 'pack', 'unpack', 'ping', 'send', 'inbox', 'mediate', 'invite', 'accept', 'mediator', 'demo']) {
    assert.match(top.stdout, new RegExp(`^  ${c}\\b`, 'm'), `${c} is listed`);
  }
  await Promise.all(
    COMMANDS.map(async (c) => {
      const h = await didcomm([...c, '--help']);
      assert.equal(h.code, 0, c.join(' '));
      assert.match(h.stdout, /Examples:\n\s+\$ .*didcomm/, `${c.join(' ')} --help has an example`);
    }),
  );
});

test('didcomm demo runs the whole exchange, narrated, and cleans up', async () => {
  const r = await didcomm(['demo'], { timeoutMs: 60_000 });
  assert.equal(r.code, 0, r.stderr);
  for (const step of [/A mediator is running/, /Alice and Bob mediate/, /while Bob is offline/, /holds 1 message for Bob/, /Bob picks up/, /Hi Bob! Are you there\?/, /Live delivery/, /Yes, live now!" \d+ ms/, /Hello Alice, got both/, /trust-pings Bob: \d+ ms/]) {
    assert.match(r.stdout, step);
  }
  assert.doesNotMatch(r.stdout, /\x1b\[/, 'no colours when stdout is not a terminal');
});

test('colours: never with NO_COLOR, only when forced off a terminal', async () => {
  const plain = await didcomm(['did', 'resolve', 'did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK'], { env: { NO_COLOR: '1' } });
  assert.equal(plain.code, 0, plain.stderr);
  assert.doesNotMatch(plain.stdout, /\x1b\[/);
  const forced = await didcomm(['did', 'resolve', 'did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK'], { env: { NO_COLOR: '', FORCE_COLOR: '1' } });
  assert.match(forced.stdout, /\x1b\[/);
  const noColorFlag = await didcomm(['--no-color', 'did', 'resolve', 'did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK'], { env: { NO_COLOR: '', FORCE_COLOR: '1' } });
  assert.doesNotMatch(noColorFlag.stdout, /\x1b\[/);
});
