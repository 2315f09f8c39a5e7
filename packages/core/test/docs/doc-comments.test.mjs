// Every symbol @didcomm-ts/core and @didcomm-ts/core/node export carries a TSDoc comment, so the
// API reference `npm run docs` generates has no blank entries. Read from the sources with the
// TypeScript compiler (no type check, only binding), which takes a few seconds.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { dirname, join, relative } from 'node:path';
import ts from 'typescript';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const entries = { '@didcomm-ts/core': 'src/index.ts', '@didcomm-ts/core/node': 'src/node.ts' };

/** `entry: name (file)` for each exported symbol without a doc comment; namespaces are walked. */
function undocumented() {
  const configPath = join(root, 'tsconfig.json');
  const { config } = ts.readConfigFile(configPath, ts.sys.readFile);
  const { options } = ts.parseJsonConfigFileContent(config, ts.sys, root);
  const files = Object.values(entries).map((f) => join(root, f));
  const program = ts.createProgram(files, { ...options, noEmit: true, composite: false, incremental: false });
  const checker = program.getTypeChecker();
  const missing = [];
  const seen = new Set();

  const hasDoc = (symbol) =>
    (symbol.declarations ?? []).some((d) => ts.getJSDocCommentsAndTags(d).some((j) => ts.isJSDoc(j)));

  function visit(symbol, path, entry) {
    const target = symbol.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(symbol) : symbol;
    const decl = target.declarations?.[0];
    if (!decl) return;
    const file = decl.getSourceFile();
    // `export * as ns from './x.js'`: the namespace is a module, its members are the exports.
    if (ts.isSourceFile(decl)) {
      for (const member of checker.getExportsOfModule(target)) visit(member, `${path}.${member.name}`, entry);
      return;
    }
    const key = `${file.fileName}#${target.name}:${decl.pos}`;
    if (seen.has(key)) return;
    seen.add(key);
    if (!hasDoc(target)) missing.push(`${entry}: ${path} (${relative(root, file.fileName)})`);
  }

  for (const [entry, f] of Object.entries(entries)) {
    const source = program.getSourceFile(join(root, f));
    const moduleSymbol = checker.getSymbolAtLocation(source);
    for (const symbol of checker.getExportsOfModule(moduleSymbol)) visit(symbol, symbol.name, entry);
  }
  return missing;
}

test('every exported symbol of core and core/node has a doc comment', () => {
  const missing = undocumented();
  assert.equal(missing.length, 0, `${missing.length} exported symbols have no /** doc comment */:\n  ${missing.join('\n  ')}`);
});
