// Builds the mocha suite that runs inside the VS Code extension host: test/integration/suite/index.ts and every
// *.test.ts beside it, each into its own CommonJS file in dist/test/integration/suite/ (index.js is the
// `extensionTestsPath` module; it finds the *.test.js files next to itself). `vscode` is provided by the host; mocha
// is bundled into index.js, so the suite needs nothing from node_modules at run time (and mocha 12's ESM entry is
// never require()d by an older host).
import { build } from 'esbuild';
import { readdirSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const suiteDir = join(root, 'test/integration/suite');
const outdir = join(root, 'dist/test/integration/suite');

const entries = readdirSync(suiteDir)
  .filter((name) => name === 'index.ts' || name.endsWith('.test.ts'))
  .map((name) => join(suiteDir, name));

const started = Date.now();
// A deleted test must not linger as a stale .js file that index.js would still load.
rmSync(outdir, { recursive: true, force: true });
await build({
  entryPoints: entries,
  outdir,
  outbase: suiteDir,
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  sourcemap: 'linked',
  logLevel: 'warning',
  // Mocha's parallel mode (never used in the host) resolves its worker files by path.
  logOverride: { 'require-resolve-not-external': 'silent' },
  external: ['vscode'],
});
console.log(`build-integration: ${entries.length} entries into ${outdir} in ${Date.now() - started} ms`);
