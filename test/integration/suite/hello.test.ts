// The harness's own proof, with the throwaway fixture extension test/integration/fixtures/hello-extension: it
// activates, its command runs, and the diagnostics it sets are what `vscode.languages.getDiagnostics` returns.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { codeOf, openWorkspaceFile, waitFor, workspaceFile } from './editorHelpers';

const FIXTURE_ID = 'slmgen-test.hello-extension';
const FIXTURE_SOURCE = 'hello-fixture';

describe('harness fixture extension (hello-extension)', function () {
  let extension: vscode.Extension<unknown>;

  before(function () {
    const found = vscode.extensions.getExtension(FIXTURE_ID);
    if (!found) {
      console.log(`  skipped: ${FIXTURE_ID} is not loaded (pass --extension test/integration/fixtures/hello-extension)`);
      this.skip();
    }
    extension = found;
  });

  it('runs in the real extension host the harness promises', function () {
    console.log(`  VS Code ${vscode.version}, Node ${process.version}, appHost ${vscode.env.appHost}, remote ${vscode.env.remoteName ?? 'none'}`);
    assert.ok(vscode.workspace.workspaceFolders?.length, 'a workspace folder is open');
  });

  it('activates through vscode.extensions.getExtension', async function () {
    await extension.activate();
    assert.equal(extension.isActive, true);
  });

  it('runs its command hello.say', async function () {
    const commands = await vscode.commands.getCommands(true);
    assert.ok(commands.includes('hello.say'), 'hello.say is registered');
    assert.equal(await vscode.commands.executeCommand('hello.say'), 'Hello, SLMGEN!');
  });

  it('shows the diagnostic hello.say writes in vscode.languages.getDiagnostics', async function () {
    const uri = workspaceFile('clean.jsonl');
    await vscode.commands.executeCommand('hello.say', uri);
    const greeting = await waitFor('the hello diagnostic on clean.jsonl', 5_000, () =>
      vscode.languages.getDiagnostics(uri).find((d) => d.source === FIXTURE_SOURCE && codeOf(d) === 'hello'),
    );
    assert.equal(greeting.message, 'Hello from the fixture');
    assert.equal(greeting.severity, vscode.DiagnosticSeverity.Information);
  });

  it('reports the invalid JSON line of broken.jsonl (line 2) once the file is open', async function () {
    const document = await openWorkspaceFile('broken.jsonl');
    assert.equal(document.languageId, 'jsonl');
    const problems = await waitFor('hello-fixture diagnostics on broken.jsonl', 10_000, () => {
      const found = vscode.languages.getDiagnostics(document.uri).filter((d) => d.source === FIXTURE_SOURCE);
      return found.length > 0 ? found : undefined;
    });
    // The pretty-printed record's lines are not JSON on their own either; the first problem is the broken line.
    assert.equal(problems[0]!.range.start.line, 1);
    assert.equal(codeOf(problems[0]!), 'invalid-json');
  });
});
