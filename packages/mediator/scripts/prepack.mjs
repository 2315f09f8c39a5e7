// `npm pack` / `npm publish` of @didcomm-ts/mediator: ship the chat page inside the package
// (dist/chat), because @didcomm-ts/chat is private and never installed next to a published
// mediator; without this an installed mediator answers 404 at GET /chat. The page is built by
// `npm run build` at the root; a tarball without it would be a broken release, so this fails.
import { cpSync, existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const pkg = join(dirname(fileURLToPath(import.meta.url)), '..');
const site = join(pkg, '..', 'chat', 'dist', 'site');
const target = join(pkg, 'dist', 'chat');

if (!existsSync(join(site, 'index.html'))) {
  console.error(`@didcomm-ts/mediator prepack: the chat page is not built (${site}). Run \`npm run build\` at the repository root, then pack again.`);
  process.exit(1);
}
// Left alone when it is already the same page, so packs running side by side (tests) do not
// pull it from under each other; otherwise replaced, not merged: old hashed assets must not ship.
const same = (a, b) => {
  if (!existsSync(b)) return false;
  const names = readdirSync(a).sort();
  if (names.join('\n') !== readdirSync(b).sort().join('\n')) return false;
  return names.every((n) => readFileSync(join(a, n)).equals(readFileSync(join(b, n))));
};
if (!same(site, target)) {
  rmSync(target, { recursive: true, force: true });
  cpSync(site, target, { recursive: true });
}
