// @vscode/test-cli configuration (`npx vscode-test`): the same compiled suite as the code-server harness, run the
// standard way in desktop VS Code, which @vscode/test-electron downloads (needs internet: contributors' machines, not
// CI here; CI runs scripts/run-editor-tests.sh). Build the suite first: node scripts/build-integration.mjs.
import { defineConfig } from '@vscode/test-cli';
import { cpSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

// The tests open a throwaway copy of the fixture workspace, as the harness does.
const workspace = join(mkdtempSync(join(tmpdir(), 'slmgen-vscode-test-')), 'workspace');
cpSync('test/fixtures/workspace', workspace, { recursive: true });

export default defineConfig({
  label: 'integration',
  files: 'dist/test/integration/suite/*.test.js',
  // The VS Code that code-server 4.139.1 embeds (scripts/vscode-test-env.mjs), so both harnesses test one version.
  version: '1.139.1',
  // Desktop VS Code loads several development extensions (the web workbench only one): ours and the harness fixture.
  extensionDevelopmentPath: ['.', 'test/integration/fixtures/hello-extension'],
  workspaceFolder: workspace,
  launchArgs: ['--disable-extensions', '--disable-workspace-trust', '--skip-welcome', '--skip-release-notes'],
  mocha: { ui: 'bdd', timeout: 60_000 },
});
