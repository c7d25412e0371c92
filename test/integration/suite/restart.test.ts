// The language server is a process of its own: killed, the client starts a new one (within its restart budget) and
// the open datasets are analysed by it, while the extension host carries on.
import * as assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import * as vscode from 'vscode';
import { hasCodeAt, openWorkspaceFile, revertAndClose, slmgenOrSkip, waitFor, waitForDiagnostics } from './editorHelpers';

/** The language servers this extension host started: its child processes running dist/lsp.js. */
function languageServerPids(): number[] {
  const pids: number[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const ppid = Number(/^PPid:\s+(\d+)/m.exec(readFileSync(`/proc/${name}/status`, 'utf8'))?.[1]);
      if (ppid !== process.pid) continue;
      const argv = readFileSync(`/proc/${name}/cmdline`, 'utf8').split('\0');
      if (argv.some((arg) => arg.endsWith('/dist/lsp.js'))) pids.push(Number(name));
    } catch {
      // The process ended while it was being read.
    }
  }
  return pids;
}

describe('The language server restarts after a crash', function () {
  before(async function () {
    await slmgenOrSkip(this);
  });

  it('after kill -9 a new server starts and analyses an edit of the open broken.jsonl', async function () {
    this.timeout(90_000);
    const document = await openWorkspaceFile('broken.jsonl');
    try {
      await waitForDiagnostics(document.uri, 'invalid-json on line 2 before the crash', (d) => hasCodeAt(d, 'invalid-json', 1));
      const [crashed] = await waitFor('exactly one language server process', 20_000, () => {
        const pids = languageServerPids();
        return pids.length === 1 ? pids : undefined;
      });
      process.kill(crashed!, 'SIGKILL');
      const restarted = await waitFor('a new language server process', 40_000, () => languageServerPids().find((pid) => pid !== crashed));
      assert.notEqual(restarted, crashed);

      // Only a working new server can find this: a line that is not JSON, appended after the restart.
      const end = document.lineAt(document.lineCount - 1);
      const last = end.isEmptyOrWhitespace ? end.lineNumber : end.lineNumber + 1;
      const edit = new vscode.WorkspaceEdit();
      edit.insert(document.uri, end.range.end, end.isEmptyOrWhitespace ? '{"messages": oops}\n' : '\n{"messages": oops}');
      assert.ok(await vscode.workspace.applyEdit(edit));
      await waitForDiagnostics(document.uri, `invalid-json on the appended line ${last + 1} from the new server`, (d) => hasCodeAt(d, 'invalid-json', last), 40_000);
    } finally {
      await revertAndClose(document);
    }
  });
});
