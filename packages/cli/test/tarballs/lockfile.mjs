// A package-lock.json for a consumer project that installs our tarballs, built from the
// repository's own lock: the same third-party versions `npm ci` put in npm's cache, so the
// install runs with --offline. npm 11 resolves a fresh dependency tree from full packuments,
// which `npm ci` never caches (it installs from the lock's tarballs), so without a lock an
// offline install fails with ENOTCACHED; with one, npm only needs the cached tarballs.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';

/** Where a lock resolves `name` required from the package at lock path `from` (Node's lookup, walking up). */
function resolveIn(packages, from, name) {
  for (let at = from; ; ) {
    const key = at ? `${at}/node_modules/${name}` : `node_modules/${name}`;
    if (packages[key]) return key;
    if (!at) return undefined;
    const i = at.lastIndexOf('/node_modules/');
    at = i >= 0 ? at.slice(0, i) : '';
  }
}

/**
 * @param rootLock   the repository's package-lock.json path
 * @param tarballs   { '@didcomm-ts/core': '/tmp/.../didcomm-ts-core-0.1.0.tgz', ... }
 * @param devDependencies  extra registry packages the consumer adds (e.g. @types/node), by name;
 *                   their versions come from the repository's lock
 * @returns { packageJson, lock } for the consumer project (tarballs referenced as ./<file>)
 */
export function consumerLock(rootLock, tarballs, devDependencies = []) {
  const { packages } = JSON.parse(readFileSync(rootLock, 'utf8'));
  const workspaceOf = (name) => Object.keys(packages).find((k) => k.startsWith('packages/') && packages[k].name === name);
  const out = {};
  const place = (from, to, name, dev) => {
    const key = resolveIn(packages, from, name);
    if (!key) throw new Error(`${name} (needed by ${from || 'the consumer'}) is not in the repository's lock`);
    const entry = packages[key];
    if (entry.link) throw new Error(`${name} is a workspace package: it must be one of the tarballs`);
    // The consumer's path: nested the way the repository nests it, under the consumer's copy.
    const target = key.startsWith('packages/') ? `${to}/${key.slice(key.indexOf('/node_modules/') + 1)}` : key;
    if (out[target]) {
      if (!dev) delete out[target].dev;
      return;
    }
    const { dev: _d, devOptional: _o, peer: _p, ...rest } = entry;
    out[target] = dev ? { ...rest, dev: true } : rest;
    for (const dep of Object.keys({ ...entry.dependencies, ...entry.optionalDependencies })) place(key, target, dep, dev);
  };
  const own = {};
  for (const [name, file] of Object.entries(tarballs)) {
    const ws = workspaceOf(name);
    if (!ws) throw new Error(`${name} is not a workspace of the repository`);
    const { version, dependencies = {}, bin, engines, license } = packages[ws];
    const integrity = `sha512-${createHash('sha512').update(readFileSync(file)).digest('base64')}`;
    own[name] = `file:${basename(file)}`;
    out[`node_modules/${name}`] = { version, resolved: `file:${basename(file)}`, integrity, license, dependencies, ...(bin && { bin }), ...(engines && { engines }) };
  }
  for (const [name] of Object.entries(tarballs)) {
    for (const dep of Object.keys(packages[workspaceOf(name)].dependencies ?? {})) {
      if (tarballs[dep]) continue;
      place(workspaceOf(name), `node_modules/${name}`, dep, false);
    }
  }
  const dev = {};
  for (const name of devDependencies) {
    place('', '', name, true);
    dev[name] = packages[`node_modules/${name}`].version;
  }
  const packageJson = { name: 'stranger', version: '1.0.0', private: true, type: 'module', dependencies: own, devDependencies: dev };
  const lock = { name: 'stranger', version: '1.0.0', lockfileVersion: 3, requires: true, packages: { '': { name: 'stranger', version: '1.0.0', dependencies: own, devDependencies: dev }, ...out } };
  return { packageJson, lock };
}
