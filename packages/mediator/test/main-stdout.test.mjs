// `npm start > mediator.log`: with stdout not a terminal, main.js writes JSON lines only (no
// banner, no ANSI QR code), one of them naming the DID and the invitation with its short link.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { tempDir } from './helpers.mjs';

const MAIN = fileURLToPath(new URL('../dist/main.js', import.meta.url));

test('main.js with stdout a pipe: every stdout line is JSON, and the ready line names the invitation and its short link', async () => {
  const data = tempDir();
  const child = spawn(process.execPath, [MAIN, '--port', '0', '--host', '127.0.0.1', '--data', data, '--log-level', 'info', '--unwrap-workers', '0'], {
    env: { PATH: process.env.PATH, MEDIATOR_PASSPHRASE: 'test passphrase' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (d) => (stdout += d));
  child.stderr.setEncoding('utf8').on('data', (d) => (stderr += d));
  const exited = new Promise((resolve) => child.on('close', resolve));
  try {
    const deadline = Date.now() + 20_000;
    while (!stdout.includes('\n')) {
      if (child.exitCode !== null) assert.fail(`main.js exited (${child.exitCode}): ${stderr}`);
      if (Date.now() > deadline) assert.fail(`no ready line in 20 s\nstdout: ${stdout}\nstderr: ${stderr}`);
      await new Promise((r) => setTimeout(r, 50));
    }
    const ready = JSON.parse(stdout.split('\n')[0]);
    assert.equal(ready.msg, 'mediator ready');
    assert.match(ready.did, /^did:peer:2\./);
    assert.match(ready.invitationUrl, /[?&]_oob=/);
    assert.ok(ready.shortInvitationUrl.length < 100);
    // Listening on 127.0.0.1 without --public-url: the public URL is the address itself.
    const res = await fetch(ready.shortInvitationUrl, { redirect: 'manual', signal: AbortSignal.timeout(5000) });
    assert.equal(res.status, 302);
    assert.equal(res.headers.get('location'), ready.invitationUrl);
  } finally {
    child.kill('SIGTERM');
    const t = setTimeout(() => child.kill('SIGKILL'), 5000);
    await exited;
    clearTimeout(t);
    rmSync(data, { recursive: true, force: true });
  }
  assert.doesNotMatch(stdout, /\x1b\[/, 'no ANSI escapes (the terminal QR code)');
  const lines = stdout.split('\n').filter((l) => l !== '');
  assert.ok(lines.length >= 1);
  for (const line of lines) assert.doesNotThrow(() => JSON.parse(line), `not a JSON line: ${line.slice(0, 80)}`);
  // The logs (stderr) are JSON lines as before.
  for (const line of stderr.split('\n').filter((l) => l !== '')) assert.doesNotThrow(() => JSON.parse(line), `not a JSON log line: ${line.slice(0, 80)}`);
});
