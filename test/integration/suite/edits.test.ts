// Diagnostics follow the text: a WorkspaceEdit that repairs the invalid line removes its invalid-json, one that
// breaks a line adds one, and closing the file clears its diagnostics.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { codeOf, hasCodeAt, openWorkspaceFile, revertAndClose, slmgenDiagnostics, slmgenOrSkip, summary, waitFor, waitForDiagnostics, workspaceFile } from './editorHelpers';

describe('Diagnostics follow edits and closing (edits.jsonl, close.jsonl)', function () {
  before(async function () {
    await slmgenOrSkip(this);
  });

  it('edits.jsonl: inserting the missing comma removes invalid-json; deleting a closing brace adds it on that line', async function () {
    const document = await openWorkspaceFile('edits.jsonl');
    const { uri } = document;
    try {
      await waitForDiagnostics(uri, 'invalid-json on line 2', (ds) => hasCodeAt(ds, 'invalid-json', 1));
      const line2 = document.lineAt(1).text;
      const gap = line2.indexOf('} {"role": "assistant"');
      assert.ok(gap > 0, 'line 2 lacks the comma between its messages');

      const repair = new vscode.WorkspaceEdit();
      repair.insert(uri, new vscode.Position(1, gap + 1), ',');
      assert.ok(await vscode.workspace.applyEdit(repair));
      const repaired = await waitForDiagnostics(uri, 'no invalid-json left', (ds) => !ds.some((d) => codeOf(d) === 'invalid-json'));
      assert.ok(!repaired.some((d) => d.range.start.line === 1 && d.severity === vscode.DiagnosticSeverity.Error), `no error on line 2: ${summary(repaired).join(', ')}`);

      const line4 = document.lineAt(3).text;
      const breakIt = new vscode.WorkspaceEdit();
      breakIt.delete(uri, new vscode.Range(3, line4.length - 1, 3, line4.length));
      assert.ok(await vscode.workspace.applyEdit(breakIt));
      const broken = await waitForDiagnostics(uri, 'invalid-json on line 4', (ds) => hasCodeAt(ds, 'invalid-json', 3));
      assert.ok(!hasCodeAt(broken, 'invalid-json', 1), 'line 2 stays repaired');
    } finally {
      await revertAndClose(document);
    }
  });

  it('close.jsonl: closing its editor clears its diagnostics', async function () {
    const uri = workspaceFile('close.jsonl');
    // Opened as a person opens it (vscode.open), so that no extension holds the document open after its tab closes.
    await vscode.commands.executeCommand('vscode.open', uri);
    await waitForDiagnostics(uri, 'role-alias on line 2', (ds) => hasCodeAt(ds, 'role-alias', 1));
    const closed = new Promise<void>((resolve) => {
      const listener = vscode.workspace.onDidCloseTextDocument((d) => {
        if (d.uri.toString() === uri.toString()) {
          listener.dispose();
          resolve();
        }
      });
    });
    await vscode.commands.executeCommand('workbench.action.closeActiveEditor');
    await Promise.race([closed, new Promise((_, reject) => setTimeout(() => reject(new Error('close.jsonl was not closed within 20 s')), 20_000))]);
    await waitFor('no SLMGEN diagnostics on close.jsonl', 10_000, () => (slmgenDiagnostics(uri).length === 0 ? true : undefined));
  });
});
