// The packages as a stranger receives them (issue 12): `npm pack` core, mediator and cli, install
// the three tarballs into an empty project outside the repository (offline: the tarballs plus
// npm's cache), and use them there the ways a user would: Node ESM, tsc under node16 and
// bundler resolution, an esbuild browser bundle in Chromium, the `didcomm` bin, and the
// `didcomm-mediator` bin serving /healthz and the chat page. Needs `npm run build` first (the
// tarballs are made from dist/, as `npm publish` would).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { builtinModules, createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ARGS, CHROMIUM, requireChromium, serve } from '../../core/test/browser/harness.mjs';
import { consumerLock } from './tarballs/lockfile.mjs';

const ROOT = fileURLToPath(new URL('../../..', import.meta.url));
const FIXTURES = fileURLToPath(new URL('./tarballs/', import.meta.url));
const PACKAGES = { '@didcomm-ts/core': 'packages/core', '@didcomm-ts/mediator': 'packages/mediator', '@didcomm-ts/cli': 'packages/cli' };

// npm run by `npm test` passes its state down as npm_* variables; the stranger's npm keeps the
// settings (cache, registry, certificates: the cache is what makes the install work offline)
// but not the project it was started in (local prefix, workspaces) nor the lifecycle.
const NPM_ENV = Object.fromEntries(
  Object.entries(process.env).filter(([k]) => !/^npm_/i.test(k) || (/^npm_config_/i.test(k) && !/^npm_config_(local_prefix|workspaces?|include_workspace_root|global)$/i.test(k))),
);
NPM_ENV.npm_config_update_notifier = 'false';

/** Runs a command to completion; { code, stdout, stderr }; killed (and rejected) after timeoutMs. */
function run(cmd, args, { cwd, env = NPM_ENV, timeoutMs = 60_000 } = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d) => (stderr += d));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${cmd} ${args.join(' ')} did not finish in ${timeoutMs} ms\nstdout: ${stdout}\nstderr: ${stderr}`));
    }, timeoutMs);
    child.on('error', (e) => (clearTimeout(timer), reject(e)));
    child.on('close', (code) => (clearTimeout(timer), resolve({ code, stdout, stderr })));
  });
}

function ok(r, what) {
  assert.equal(r.code, 0, `${what} exited ${r.code}\nstdout: ${r.stdout}\nstderr: ${r.stderr}`);
  return r;
}

function walk(dir, out = []) {
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) walk(p, out);
    else out.push(p);
  }
  return out;
}

describe('the packages as a stranger receives them', { timeout: 300_000 }, () => {
  let work;
  let project;
  /** name -> { filename, files: [paths in the tarball] } from `npm pack --json`. */
  const packed = {};
  const installed = (name) => join(project, 'node_modules', name);

  before(async () => {
    work = mkdtempSync(join(tmpdir(), 'didcomm-tarballs-'));
    project = join(work, 'stranger');
    mkdirSync(project);
    const workspaces = Object.values(PACKAGES).flatMap((p) => ['--workspace', p]);
    const pack = ok(await run('npm', ['pack', ...workspaces, '--pack-destination', work, '--json', '--silent'], { cwd: ROOT }), 'npm pack');
    for (const p of JSON.parse(pack.stdout.slice(pack.stdout.indexOf('[')))) packed[p.name] = { filename: p.filename, files: p.files.map((f) => f.path) };
    assert.deepEqual(Object.keys(packed).sort(), Object.keys(PACKAGES).sort());

    const tarballs = {};
    for (const [name, { filename }] of Object.entries(packed)) {
      copyFileSync(join(work, filename), join(project, filename));
      tarballs[name] = join(project, filename);
    }
    // @types/node: what a stranger's Node project has; the only package not from our tarballs.
    const { packageJson, lock } = consumerLock(join(ROOT, 'package-lock.json'), tarballs, ['@types/node']);
    const native = Object.entries(lock.packages).filter(([, e]) => e.hasInstallScript).map(([k]) => k);
    assert.deepEqual(native, ['node_modules/better-sqlite3'], 'a dependency with an install script other than better-sqlite3: teach this test to provide its build');
    writeFileSync(join(project, 'package.json'), JSON.stringify(packageJson, null, 2));
    writeFileSync(join(project, 'package-lock.json'), JSON.stringify(lock, null, 2));
    ok(await run('npm', ['ci', '--offline', '--ignore-scripts', '--no-audit', '--no-fund'], { cwd: project, timeoutMs: 90_000 }), 'npm ci --offline');
    // better-sqlite3's install script downloads a prebuilt binary or compiles SQLite (minutes);
    // offline, the stranger gets the one `npm ci` built here, for the same version and Node.
    const repoSqlite = dirname(createRequire(join(ROOT, 'packages/mediator/package.json')).resolve('better-sqlite3/package.json'));
    const version = (dir) => JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')).version;
    assert.equal(version(installed('better-sqlite3')), version(repoSqlite));
    mkdirSync(join(installed('better-sqlite3'), 'build', 'Release'), { recursive: true });
    copyFileSync(join(repoSqlite, 'build', 'Release', 'better_sqlite3.node'), join(installed('better-sqlite3'), 'build', 'Release', 'better_sqlite3.node'));
    for (const f of ['consumer.ts', 'consumer-node.ts', 'browser.ts', 'node-check.mjs', 'tsconfig.node16.json', 'tsconfig.bundler.json']) copyFileSync(join(FIXTURES, f), join(project, f));
  });

  after(() => {
    if (work) rmSync(work, { recursive: true, force: true });
  });

  test('each tarball: complete metadata, README and LICENSE, typed exports, bins, nothing from the repository beyond the build', () => {
    for (const [name, dir] of Object.entries(PACKAGES)) {
      const files = packed[name].files;
      const at = installed(name);
      const pkg = JSON.parse(readFileSync(join(at, 'package.json'), 'utf8'));
      for (const f of ['package.json', 'README.md', 'LICENSE']) assert.ok(files.includes(f), `${name}: the tarball has no ${f}`);
      assert.match(readFileSync(join(at, 'LICENSE'), 'utf8'), /Apache License\s+Version 2\.0/);
      assert.equal(pkg.license, 'Apache-2.0');
      assert.ok(pkg.description?.length > 20, `${name}: description`);
      assert.ok(Array.isArray(pkg.keywords) && pkg.keywords.includes('didcomm'), `${name}: keywords`);
      assert.equal(pkg.repository?.type, 'git');
      assert.match(pkg.repository?.url ?? '', /^git\+https:\/\/.+\.git$/);
      assert.equal(pkg.repository?.directory, dir);
      assert.equal(pkg.engines?.node, '>=20');
      assert.equal(pkg.publishConfig?.access, 'public', `${name}: a scoped package is published restricted unless told`);
      assert.equal(pkg.type, 'module');
      // Every entry point resolves to a file in the tarball and has types.
      for (const [entry, target] of Object.entries(pkg.exports)) {
        if (entry === './package.json') continue;
        assert.ok(target.types && files.includes(target.types.replace(/^\.\//, '')), `${name} exports ${entry}: types ${target.types}`);
        for (const [cond, file] of Object.entries(target)) assert.ok(files.includes(file.replace(/^\.\//, '')), `${name} exports ${entry} (${cond}): ${file} is not in the tarball`);
      }
      for (const [bin, file] of Object.entries(pkg.bin ?? {})) {
        assert.ok(files.includes(file.replace(/^\.\//, '')), `${name} bin ${bin}`);
        assert.match(readFileSync(join(at, file), 'utf8'), /^#!\/usr\/bin\/env node\n/, `${name} bin ${bin}: shebang`);
        assert.ok(existsSync(join(project, 'node_modules', '.bin', bin)), `${name} bin ${bin} is not linked`);
      }
      const stray = files.filter((f) => /(^|\/)(test|node_modules)\/|\.tsbuildinfo$|(^|\/)tsconfig[^/]*\.json$/.test(f));
      assert.deepEqual(stray, [], `${name}: files that are not for users`);
    }
    const core = JSON.parse(readFileSync(join(installed('@didcomm-ts/core'), 'package.json'), 'utf8'));
    assert.ok(core.exports['./node']?.types, '@didcomm-ts/core/node has types');
    assert.equal(core.imports['#crypto-backend'].browser, './dist/crypto/web.js');
    // The chat page ships inside the mediator (the chat package is private).
    const chat = packed['@didcomm-ts/mediator'].files.filter((f) => f.startsWith('dist/chat/'));
    assert.ok(chat.includes('dist/chat/index.html') && chat.some((f) => f.endsWith('.js')), `the mediator's tarball has no chat page: ${chat.join(', ')}`);
  });

  test('what the built code imports is in each package\'s dependencies (a dev dependency would be missing here)', async () => {
    const esbuild = await import('esbuild');
    for (const name of Object.keys(PACKAGES)) {
      const at = installed(name);
      const pkg = JSON.parse(readFileSync(join(at, 'package.json'), 'utf8'));
      const allowed = new Set([name, ...Object.keys(pkg.dependencies ?? {})]);
      // esbuild parses every module the package ships (both crypto backends, the lazily loaded
      // ones, the bins) and lists each bare import it leaves external.
      const entryPoints = walk(at).filter((f) => f.endsWith('.js') && !f.startsWith(join(at, 'dist', 'chat')) && !f.slice(at.length).includes('node_modules'));
      const { metafile } = await esbuild.build({ entryPoints, absWorkingDir: project, bundle: true, packages: 'external', platform: 'node', format: 'esm', write: false, outdir: join(work, 'scan'), metafile: true, logLevel: 'silent' });
      const missing = new Set();
      for (const [file, input] of Object.entries(metafile.inputs)) {
        for (const { path, external } of input.imports) {
          if (!external || path.startsWith('node:') || builtinModules.includes(path)) continue;
          const pkgName = path.startsWith('@') ? path.split('/').slice(0, 2).join('/') : path.split('/')[0];
          if (!allowed.has(pkgName)) missing.add(`${pkgName} (${file})`);
        }
      }
      assert.deepEqual([...missing], [], `${name} imports what it does not depend on`);
    }
  });

  test('Node ESM: import @didcomm-ts/core and @didcomm-ts/core/node, pack and unpack', async () => {
    const r = ok(await run(process.execPath, ['node-check.mjs'], { cwd: project, timeoutMs: 20_000 }), 'node node-check.mjs');
    assert.deepEqual(JSON.parse(r.stdout), { content: 'hello from node', authenticated: true, encrypted: true, fileStore: 'function' });
  });

  for (const config of ['tsconfig.node16.json', 'tsconfig.bundler.json']) {
    test(`tsc type-checks a consumer under ${config} (skipLibCheck off: our .d.ts files are checked too)`, async () => {
      ok(await run(join(ROOT, 'node_modules', '.bin', 'tsc'), ['-p', config], { cwd: project, timeoutMs: 120_000 }), `tsc -p ${config}`);
    });
  }

  test('esbuild bundles the consumer for the browser (WebCrypto backend, no Node built-ins) and it runs in Chromium', async () => {
    requireChromium();
    const esbuild = await import('esbuild');
    const site = join(work, 'site');
    // A stranger's settings: platform browser (which selects the `browser` condition), no
    // conditions of ours; splitting so the chunks the core loads on demand come over HTTP.
    const result = await esbuild.build({
      entryPoints: [join(project, 'browser.ts')],
      absWorkingDir: project,
      bundle: true,
      format: 'esm',
      platform: 'browser',
      target: 'es2022',
      minify: true,
      splitting: true,
      metafile: true,
      outdir: site,
      entryNames: 'page',
      logLevel: 'silent',
    });
    const inputs = Object.keys(result.metafile.inputs);
    assert.ok(inputs.some((p) => p.endsWith('@didcomm-ts/core/dist/crypto/web.js')), 'the WebCrypto backend is in the bundle');
    assert.ok(!inputs.some((p) => p.endsWith('@didcomm-ts/core/dist/crypto/node.js')), 'the node:crypto backend is not');
    writeFileSync(join(site, 'index.html'), '<!doctype html><meta charset="utf-8"><link rel="icon" href="data:,"><script type="module" src="./page.js"></script>\n');
    const server = await serve(site);
    const { chromium } = await import('playwright-core');
    const context = await chromium.launchPersistentContext(join(work, 'profile'), { executablePath: CHROMIUM, headless: true, args: ARGS });
    try {
      const page = context.pages()[0] ?? (await context.newPage());
      const errors = [];
      page.on('pageerror', (e) => errors.push(String(e)));
      await page.goto(`http://127.0.0.1:${server.address().port}/`);
      await page.waitForFunction(() => globalThis.outcome !== undefined, null, { timeout: 20_000 });
      const outcome = await page.evaluate(() => globalThis.outcome);
      assert.deepEqual(errors, []);
      assert.equal(outcome.error, undefined, outcome.error);
      assert.equal(outcome.content, 'hi');
      assert.equal(outcome.authcrypt.authenticated, true);
      assert.equal(outcome.authcrypt.encrypted, true);
      assert.equal(outcome.signed.nonRepudiation, true);
      assert.equal(outcome.tamperedCode, 'ERR_DECRYPTION_FAILED');
    } finally {
      await context.close().catch(() => {});
      await new Promise((r) => server.close(r));
    }
  });

  test('the installed `didcomm` bin: --help, and a DID created in a fresh profile', async () => {
    const bin = join(project, 'node_modules', '.bin', 'didcomm');
    const env = { PATH: process.env.PATH, HOME: work, NO_COLOR: '1', DIDCOMM_PASSPHRASE: 'a stranger', DIDCOMM_SCRYPT_N: '1024' };
    const help = ok(await run(bin, ['--help'], { cwd: project, env, timeoutMs: 20_000 }), 'didcomm --help');
    assert.match(help.stdout, /Usage: didcomm/);
    const created = ok(await run(bin, ['--profile', join(work, 'profile-cli'), 'did', 'create', 'peer'], { cwd: project, env, timeoutMs: 30_000 }), 'didcomm did create peer');
    assert.match(created.stdout.trim(), /^did:peer:2\./);
  });

  test('the installed `didcomm-mediator` bin: GET /healthz 200 and the chat page at GET /chat', async () => {
    const data = join(work, 'mediator-data');
    const env = { PATH: process.env.PATH, HOME: work, MEDIATOR_PASSPHRASE: 'a stranger', NO_COLOR: '1' };
    const child = spawn(join(project, 'node_modules', '.bin', 'didcomm-mediator'), ['--host', '127.0.0.1', '--port', '0', '--data', data, '--unwrap-workers', '0', '--log-level', 'warn'], { cwd: project, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.setEncoding('utf8').on('data', (d) => (out += d));
    child.stderr.setEncoding('utf8').on('data', (d) => (out += d));
    const exited = new Promise((r) => child.on('exit', (code, signal) => r({ code, signal })));
    try {
      const base = await new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`the mediator did not start in 20 s:\n${out}`)), 20_000);
        // Without a terminal it prints one JSON line, `"msg":"mediator ready"` with its `url`.
        const check = () => {
          const m = /"url":"(http:\/\/127\.0\.0\.1:\d+\/)"|listening on (http:\/\/127\.0\.0\.1:\d+\/)/.exec(out);
          if (m) (clearTimeout(timer), resolve(m[1] ?? m[2]));
        };
        child.stdout.on('data', check);
        child.stderr.on('data', check);
        exited.then(() => (clearTimeout(timer), reject(new Error(`the mediator exited:\n${out}`))));
      });
      const health = await fetch(new URL('healthz', base));
      assert.equal(health.status, 200);
      await health.arrayBuffer();
      const chat = await fetch(new URL('chat', base));
      const html = await chat.text();
      assert.equal(chat.status, 200, `GET /chat: ${chat.status} ${html}`);
      assert.match(chat.headers.get('content-type'), /^text\/html/);
      const script = /<script type="module" src="(chat\/[^"]+\.js)"/.exec(html);
      assert.ok(script, 'the page names its script');
      const asset = await fetch(new URL(script[1], base));
      assert.equal(asset.status, 200);
      assert.ok((await asset.arrayBuffer()).byteLength > 1000);
    } finally {
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
      await exited;
      clearTimeout(timer);
    }
  });
});
