// The one place that finds the browser the browser tests drive (through playwright-core, which
// never downloads one here), and that installs Debian's chromium for `npm test` when it can.
// Used by scripts/test.mjs, packages/core/test/browser/harness.mjs and packages/chat/test.
import { accessSync, constants, statSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { spawnSync } from 'node:child_process';

/** Where Chromium or Chrome usually is, after CHROME_PATH. */
const PATHS = ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome', '/usr/bin/google-chrome-stable', '/snap/bin/chromium', '/Applications/Google Chrome.app/Contents/MacOS/Google Chrome', '/Applications/Chromium.app/Contents/MacOS/Chromium'];
const NAMES = ['chromium', 'chromium-browser', 'google-chrome', 'google-chrome-stable'];

/** The one line a browser test fails with when there is no browser. */
export const INSTALL_HINT =
  'no Chromium or Chrome for the browser tests (looked at CHROME_PATH, /usr/bin/chromium, chromium-browser, google-chrome and PATH): install one (Debian/Ubuntu: `sudo apt-get install chromium`; `npm test` does it when run as root) or set CHROME_PATH to its executable';

const executable = (p) => {
  try {
    accessSync(p, constants.X_OK);
    return statSync(p).isFile();
  } catch {
    return false;
  }
};

function onPath(name, env) {
  for (const dir of (env.PATH ?? '').split(delimiter)) if (dir && executable(join(dir, name))) return join(dir, name);
  return undefined;
}

/** The browser's executable: CHROME_PATH when set (and only it), else the usual places and PATH. */
export function chromiumPath(env = process.env) {
  if (env.CHROME_PATH) return executable(env.CHROME_PATH) ? env.CHROME_PATH : undefined;
  return PATHS.find(executable) ?? NAMES.map((n) => onPath(n, env)).find(Boolean);
}

/** The browser's path, or an Error whose whole report is the one line that says how to get one. */
export function requireChromium(env = process.env) {
  const path = chromiumPath(env);
  if (path) return path;
  const message = env.CHROME_PATH ? `CHROME_PATH=${env.CHROME_PATH} is not an executable file; ${INSTALL_HINT}` : INSTALL_HINT;
  const error = new Error(message);
  error.stack = `Error: ${message}`; // the test runner prints the stack: keep the report to this line
  throw error;
}

/** Can this user install Debian's chromium (root, with apt-get)? */
export function canInstall(env = process.env) {
  return process.getuid?.() === 0 && onPath('apt-get', env) !== undefined;
}

/**
 * For the test command: the browser's path, installing Debian's chromium first when none is
 * found and this user can (saying so on stderr). Undefined when there is still none.
 */
export function ensureChromium({ env = process.env, log = (line) => process.stderr.write(`${line}\n`) } = {}) {
  const found = chromiumPath(env);
  if (found || env.CHROME_PATH || !canInstall(env)) return found;
  log('npm test: no Chromium for the browser tests; installing Debian\'s chromium (apt-get update && apt-get install -y chromium)');
  const run = (args) => spawnSync('apt-get', args, { stdio: ['ignore', 'ignore', 'inherit'], env: { ...env, DEBIAN_FRONTEND: 'noninteractive' } }).status === 0;
  if (!run(['update', '-qq'])) log('npm test: apt-get update failed');
  if (!run(['install', '-y', '-qq', 'chromium'])) log('npm test: apt-get install chromium failed');
  const path = chromiumPath(env);
  log(path ? `npm test: installed ${path}` : 'npm test: the install gave no browser');
  return path;
}
