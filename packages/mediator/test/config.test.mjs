// Flags over environment variables over defaults; the store from --store or DATABASE_URL.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseConfig, DEFAULTS } from '../dist/index.js';

test('defaults: port 8080, data in ./data, SQLite, open access', () => {
  const c = parseConfig([], {});
  assert.equal(c.port, 8080);
  assert.equal(c.data, 'data');
  assert.equal(c.store, undefined);
  assert.equal(c.access, 'open');
  assert.equal(c.maxMessageBytes, DEFAULTS.maxMessageBytes);
});

test('flags win over environment variables of the same names', () => {
  const env = { PORT: '9000', DATA: '/env/data', PUBLIC_URL: 'https://env.example/', DATABASE_URL: 'postgres://db/env', MEDIATOR_PASSPHRASE: 'p', MAX_QUEUE: '5' };
  const fromEnv = parseConfig([], env);
  assert.deepEqual([fromEnv.port, fromEnv.data, fromEnv.publicUrl, fromEnv.store, fromEnv.passphrase, fromEnv.maxQueue], [9000, '/env/data', 'https://env.example/', 'postgres://db/env', 'p', 5]);
  const c = parseConfig(['--port', '9100', '--data=/flag/data', '--public-url', 'https://m.example/', '--store', 'postgres://db/flag', '--access', 'allow-list'], env);
  assert.deepEqual([c.port, c.data, c.publicUrl, c.store, c.access], [9100, '/flag/data', 'https://m.example/', 'postgres://db/flag', 'allow-list']);
  assert.equal(parseConfig([], { STORE: 'postgres://db/store', DATABASE_URL: 'postgres://db/env' }).store, 'postgres://db/store');
});

test('bad values are refused with a message naming them', () => {
  assert.throws(() => parseConfig(['--port', 'eighty'], {}), /port must be an integer/);
  assert.throws(() => parseConfig(['--access', 'everyone'], {}), /access must be open or allow-list/);
  assert.throws(() => parseConfig(['--frobnicate', '1'], {}), /unknown option --frobnicate/);
  assert.throws(() => parseConfig(['--public-url', 'ftp://x'], {}), /public-url must be http/);
  assert.throws(() => parseConfig(['--port'], {}), /--port needs a value/);
  assert.throws(() => parseConfig(['--sqlite-writer', 'sometimes'], {}), /sqlite-writer must be auto, thread or inline/);
});

test('SQLite commits: auto unless told (flag or SQLITE_WRITER); auto measures the disk', async () => {
  assert.equal(parseConfig([], {}).sqliteWriter, undefined, 'unset: the server uses auto');
  assert.equal(parseConfig(['--sqlite-writer', 'thread'], {}).sqliteWriter, 'thread');
  assert.equal(parseConfig([], { SQLITE_WRITER: 'inline' }).sqliteWriter, 'inline');
  const { measureFsync, openStore } = await import('../dist/index.js');
  const { mkdtempSync, readdirSync, rmSync } = await import('node:fs');
  const { tmpdir } = await import('node:os');
  const { join } = await import('node:path');
  const dir = mkdtempSync(join(tmpdir(), 'fsync-probe-'));
  try {
    const ms = measureFsync(dir);
    assert.ok(Number.isFinite(ms) && ms >= 0);
    assert.deepEqual(readdirSync(dir), [], 'the probe file is removed');
    for (const mode of ['thread', 'inline']) {
      const store = await openStore({ data: join(dir, mode), sqliteWriter: mode });
      try {
        assert.equal(store.commits, mode);
      } finally {
        await store.close();
      }
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
