// The entry the extension host loads as `extensionTestsPath` (code-server harness and desktop VS Code alike): mocha
// runs every compiled *.test.js beside this file and `run()` rejects when any test fails (the @vscode/test-electron
// contract). The last line it logs, "integration: N passed, N failed, N skipped", is what scripts/run-editor-tests.sh
// reads, because the host's exit code only says pass or fail.
import Mocha from 'mocha';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';

/** Runs the suite inside the extension host; resolves when every test passed or was skipped. */
export function run(): Promise<void> {
  const mocha = new Mocha({ ui: 'bdd', reporter: 'spec', color: false, timeout: 60_000 });
  // The harness passes --grep through code-server's environment, which the extension host inherits.
  const grep = process.env.SLMGEN_TEST_GREP;
  if (grep) mocha.grep(grep);

  // Activation is tested first (before any other test opens a dataset); the slow 200 MB analysis runs last.
  const rank = (name: string) => (name === 'extension.test.js' ? 0 : name === 'largeFile.test.js' ? 2 : 1);
  const files = readdirSync(__dirname)
    .filter((name) => name.endsWith('.test.js'))
    .sort((a, b) => rank(a) - rank(b) || a.localeCompare(b));
  if (files.length === 0) return Promise.reject(new Error(`no *.test.js files in ${__dirname}: build the suite first`));
  for (const name of files) mocha.addFile(join(__dirname, name));

  return new Promise((resolve, reject) => {
    try {
      const runner = mocha.run((failures) => {
        const stats = runner.stats ?? { passes: 0, failures, pending: 0 };
        console.log(`integration: ${stats.passes} passed, ${stats.failures} failed, ${stats.pending} skipped`);
        if (failures > 0) reject(new Error(`${failures} integration test(s) failed`));
        else resolve();
      });
    } catch (error) {
      // A test file that throws while loading lands here (the harness then exits with 1).
      console.error(error);
      reject(error instanceof Error ? error : new Error(String(error)));
    }
  });
}
