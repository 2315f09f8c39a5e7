#!/usr/bin/env node
// The `didcomm` command. The TypeScript is compiled by `npm run build`, which `npm ci`
// runs through the root `prepare` script, so a fresh clone has dist/ before this runs.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const main = new URL('../dist/main.js', import.meta.url);
if (!existsSync(fileURLToPath(main))) {
  process.stderr.write('didcomm: the CLI is not built yet. Run `npm run build` at the repository root, then try again.\n');
  process.exit(1);
}
const { run } = await import(main.href);
process.exitCode = await run(process.argv);
