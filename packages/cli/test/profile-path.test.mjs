// A profile path that is an object, not a string. A test once passed tempDir()'s { dir, cleanup }
// as --profile: spawn() turned it into the text "[object Object]" and the CLI, run from the
// repository root, made a profile folder of that name there (it was committed). The test helper
// now refuses non-string arguments, Profile.open refuses a non-string path with a TypeError, and
// the CLI refuses a path that is an object's text instead of creating the folder.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync } from 'node:fs';
import { didcomm, oneLine, tempDir } from './helpers.mjs';
import { Profile } from '../dist/profile/profile.js';

const PW = { DIDCOMM_PASSPHRASE: 'profile path test' };

test('the test helper refuses an argument that is not a string (spawn would stringify it)', async () => {
  const tmp = await tempDir();
  try {
    await assert.rejects(didcomm(['--profile', tmp, 'whoami']), TypeError);
  } finally {
    await tmp.cleanup();
  }
});

test('Profile.open refuses a non-string path with a TypeError and creates nothing', async () => {
  const tmp = await tempDir();
  try {
    await assert.rejects(Profile.open(tmp), (e) => e instanceof TypeError && /path string/.test(e.message));
    await assert.rejects(Profile.open(42), TypeError);
  } finally {
    await tmp.cleanup();
  }
});

test('the CLI refuses --profile "[object Object]" (or DIDCOMM_PROFILE) in one line and creates no folder', async () => {
  const { dir, cleanup } = await tempDir();
  try {
    const viaFlag = await didcomm(['--profile', '[object Object]', 'did', 'create', 'peer'], { env: PW, cwd: dir });
    assert.equal(viaFlag.code, 2, viaFlag.stderr);
    assert.ok(oneLine(viaFlag.stderr), viaFlag.stderr);
    assert.match(viaFlag.stderr, /object/);
    const viaEnv = await didcomm(['did', 'create', 'peer'], { env: { ...PW, DIDCOMM_PROFILE: `${dir}/[object Object]` }, cwd: dir });
    assert.equal(viaEnv.code, 2, viaEnv.stderr);
    assert.deepEqual(readdirSync(dir), [], 'nothing created in the working folder');
    assert.equal(existsSync(`${dir}/[object Object]`), false);
  } finally {
    await cleanup();
  }
});
