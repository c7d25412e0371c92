// The shipped artifact, as a user gets it: `vsce package` builds the .vsix, `code-server --install-extension`
// installs it into a scratch extensions folder, and a real VS Code (code-server + Debian Chromium) opens broken.jsonl
// with no extension under development. Diagnostics in the Problems panel prove that the package holds the client and
// the language server (dist/lsp.js); the code lens's exact token count proves the tokenizer's WASM and BPE ranks are
// inside too (an .vscodeignore allowlist that forgets a file fails here, not in a user's editor).
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { launchChromium } from '../helpers/chromium';
import { readEditorEnv, repoRoot, startCodeServer } from '../helpers/codeServer';
import { Cleanup, trapSignals } from '../helpers/processCleanup';
import { ARTIFACTS_DIR, quickOpen, readProblemRows, runCommand } from './editorSession';

/** Runs a command to completion; its output is shown only when it fails. */
function run(command: string, args: string[], env?: NodeJS.ProcessEnv): string {
  const result = spawnSync(command, args, { cwd: repoRoot, env, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  const output = `${result.stdout ?? ''}${result.stderr ?? ''}`;
  if (result.status !== 0) throw new Error(`${command} ${args.join(' ')} failed (${result.status ?? result.signal}):\n${output.slice(-4000)}`);
  return output;
}

describe('The packaged .vsix, installed with code-server --install-extension, checks broken.jsonl (code-server + Chromium)', function () {
  const cleanup = new Cleanup();
  let scratchDir: string;
  let page: Page;

  before(async function () {
    this.timeout(240_000);
    trapSignals(cleanup, 'e2e installed vsix');
    scratchDir = mkdtempSync(join(tmpdir(), 'slmgen-vsix-'));
    cleanup.add({ name: 'scratch folder', immediate: () => rmSync(scratchDir, { recursive: true, force: true }) });

    // `vsce package` runs vscode:prepublish (the production build) into dist/: put the test build back afterwards,
    // so that later scenarios keep their source maps.
    const vsix = join(scratchDir, 'slmgen.vsix');
    try {
      run(process.execPath, [join(repoRoot, 'node_modules/@vscode/vsce/vsce'), 'package', '--no-dependencies', '--no-rewrite-relative-links', '-o', vsix]);
    } finally {
      run(process.execPath, [join(repoRoot, 'esbuild.mjs')]);
    }
    const listing = run('unzip', ['-l', vsix]);
    console.log(`      ${vsix}: ${listing.trim().split('\n').pop()?.trim()}`);

    // Installed exactly as a user would, into the extensions folder the server below uses.
    const editor = readEditorEnv();
    const xdg = join(scratchDir, 'xdg');
    const env = { ...process.env, XDG_CONFIG_HOME: join(xdg, 'config'), XDG_DATA_HOME: join(xdg, 'data'), XDG_CACHE_HOME: join(xdg, 'cache') };
    const userData = join(scratchDir, 'user-data');
    mkdirSync(userData, { recursive: true });
    const installed = run(editor.nodeBin, [editor.codeServerEntry, '--user-data-dir', userData, '--extensions-dir', join(scratchDir, 'extensions'), '--install-extension', vsix], env);
    assert.match(installed, /successfully installed/);

    const workspace = join(scratchDir, 'workspace');
    cpSync(join(repoRoot, 'test/fixtures/workspace'), workspace, { recursive: true });
    const server = await startCodeServer({ scratchDir, workspace, cleanup });
    const { browser } = await launchChromium(cleanup);
    page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    // No payload: no extension under development, only what is installed.
    await page.goto(`${server.origin}/?${new URLSearchParams({ folder: workspace }).toString()}`);
    await page.locator('.monaco-workbench').waitFor({ timeout: 60_000 });
    await page.locator('.explorer-folders-view .monaco-list-row').first().waitFor({ timeout: 60_000 });
  });

  after(async function () {
    if (page) {
      mkdirSync(ARTIFACTS_DIR, { recursive: true });
      const path = join(ARTIFACTS_DIR, 'e2e-installed-vsix.png');
      await page.screenshot({ path }).then(
        () => console.log(`      screenshot: ${path}`),
        () => undefined,
      );
    }
    await cleanup.run();
  });

  it('lists SLMGEN diagnostics in the Problems panel and an exact token count in the code lens', async function () {
    await quickOpen(page, 'broken.jsonl');
    await runCommand(page, 'View: Focus Problems (Errors, Warnings, Infos)');
    await page.locator('.markers-panel .monaco-list-row .marker-source', { hasText: 'SLMGEN' }).first().waitFor({ timeout: 30_000 });
    const rows = await readProblemRows(page);
    const codes = new Set(rows.filter((row) => row.kind === 'problem' && row.source === 'SLMGEN').map((row) => row.code ?? ''));
    console.log(`      codes: ${[...codes].join(', ')}`);
    for (const code of ['invalid-json', 'role-alias', 'exact-duplicate', 'multiline-record']) {
      assert.ok([...codes].some((shown) => shown.includes(code)), `a SLMGEN problem with code ${code}`);
    }
    // The code lens on line 1 counts tokens with the tokenizer the package ships (WASM + o200k_base ranks).
    const lens = page.locator('.codelens-decoration', { hasText: 'o200k_base' }).first();
    await lens.waitFor({ timeout: 30_000 });
    const text = await lens.innerText();
    console.log(`      code lens: ${text.replace(/\s+/g, ' ')}`);
    assert.match(text, /[\d,.]+k? tokens \(o200k_base\)/);
  });
});
