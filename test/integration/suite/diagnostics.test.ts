// Diagnostics in the real editor are exactly the engine's findings: every finding `slmgen lint --format json` reports
// for a fixture (the same engine, run as the CLI) is a diagnostic with the same code, severity, range, message and
// related locations, from source SLMGEN with a link to the code's README row; and the related locations point where
// they should (a duplicate at its first copy, a near duplicate at its cluster, a contradiction at the other reply).
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { CliFinding } from './editorHelpers';
import { codeOf, lintWithCli, openWorkspaceFile, slmgenDiagnostics, slmgenOrSkip, summary, waitFor, workspaceFile } from './editorHelpers';

const SEVERITY: Record<CliFinding['severity'], vscode.DiagnosticSeverity> = {
  error: vscode.DiagnosticSeverity.Error,
  warning: vscode.DiagnosticSeverity.Warning,
  info: vscode.DiagnosticSeverity.Information,
};

/** A finding and a diagnostic in one comparable shape (0-based lines and columns). */
function keyOfFinding(f: CliFinding): string {
  const related = f.related.map((r) => `${r.line - 1}:${r.column - 1} ${r.message}`).join(' | ');
  return `${f.code} ${SEVERITY[f.severity]} ${f.line - 1}:${f.column - 1}-${f.end_line - 1}:${f.end_column - 1} ${f.message} [${related}]`;
}

function keyOfDiagnostic(d: vscode.Diagnostic): string {
  const related = (d.relatedInformation ?? []).map((r) => `${r.location.range.start.line}:${r.location.range.start.character} ${r.message}`).join(' | ');
  const { start, end } = d.range;
  return `${codeOf(d)} ${d.severity} ${start.line}:${start.character}-${end.line}:${end.character} ${d.message} [${related}]`;
}

function sorted(keys: string[]): string[] {
  return [...keys].sort();
}

describe('Diagnostics match the engine (slmgen lint --format json) on fixture files', function () {
  let extension: vscode.Extension<unknown>;

  before(async function () {
    ({ extension } = await slmgenOrSkip(this));
  });

  /** Opens a fixture and waits until its diagnostics are exactly the CLI's findings (whole-file ones come last). */
  async function expectEngineDiagnostics(name: string, mustHave: string[]): Promise<vscode.Diagnostic[]> {
    const uri = workspaceFile(name);
    const findings = await lintWithCli(extension, uri);
    const codes = new Set(findings.map((f) => f.code));
    for (const code of mustHave) assert.ok(codes.has(code), `the fixture ${name} makes the engine report ${code} (it reported ${[...codes].join(', ')})`);
    const expected = sorted(findings.map(keyOfFinding));
    const document = await openWorkspaceFile(name);
    let last: vscode.Diagnostic[] = [];
    try {
      await waitFor(`the diagnostics of ${name} to equal slmgen lint's ${findings.length} findings`, 20_000, () => {
        last = slmgenDiagnostics(document.uri);
        return JSON.stringify(sorted(last.map(keyOfDiagnostic))) === JSON.stringify(expected) ? true : undefined;
      });
    } catch (error) {
      assert.deepEqual(sorted(last.map(keyOfDiagnostic)), expected, String(error));
    }
    for (const d of last) {
      const code = d.code;
      assert.ok(typeof code === 'object' && code.target instanceof vscode.Uri, `${codeOf(d)} has a codeDescription link`);
      assert.match(code.target.toString(true), new RegExp(`README\\.md#code-${String(code.value)}$`), `${codeOf(d)} links to its README row`);
      for (const r of d.relatedInformation ?? []) assert.equal(r.location.uri.toString(), document.uri.toString(), 'related information points into the same file');
    }
    console.log(`    ${name}: ${summary(last).join(', ')}`);
    return last;
  }

  function only(diagnostics: vscode.Diagnostic[], code: string, line: number): vscode.Diagnostic {
    const found = diagnostics.filter((d) => codeOf(d) === code && d.range.start.line === line);
    assert.equal(found.length, 1, `one ${code} on line ${line + 1}; have ${summary(diagnostics).join(', ')}`);
    return found[0]!;
  }

  function relatedLines(d: vscode.Diagnostic): string[] {
    return (d.relatedInformation ?? []).map((r) => `${r.location.range.start.line}:${r.message}`);
  }

  it('broken.jsonl: invalid-json, role-alias, exact-duplicate (related: the first copy), multiline-record', async function () {
    const diagnostics = await expectEngineDiagnostics('broken.jsonl', ['invalid-json', 'role-alias', 'exact-duplicate', 'multiline-record']);
    const invalid = only(diagnostics, 'invalid-json', 1);
    assert.equal(invalid.severity, vscode.DiagnosticSeverity.Error);
    // The role value "human" (with its quotes) on line 3.
    const alias = only(diagnostics, 'role-alias', 2);
    const line3 = (await vscode.workspace.openTextDocument(workspaceFile('broken.jsonl'))).lineAt(2).text;
    assert.equal(line3.slice(alias.range.start.character, alias.range.end.character), '"human"');
    assert.deepEqual(relatedLines(only(diagnostics, 'exact-duplicate', 4)), ['0:First copy']);
    const multiline = only(diagnostics, 'multiline-record', 5);
    assert.equal(multiline.range.end.line, 20, 'the pretty-printed record spans lines 6-21');
  });

  it('duplicates.jsonl: exact duplicates point at the first copy, the near duplicate at its cluster, the contradiction at the other reply', async function () {
    const diagnostics = await expectEngineDiagnostics('duplicates.jsonl', ['exact-duplicate', 'near-duplicate', 'contradiction']);
    assert.deepEqual(relatedLines(only(diagnostics, 'exact-duplicate', 2)), ['0:First copy']);
    assert.deepEqual(relatedLines(only(diagnostics, 'exact-duplicate', 6)), ['0:First copy']);
    assert.deepEqual(relatedLines(only(diagnostics, 'near-duplicate', 3)), ['1:Representative of the near-duplicate cluster']);
    assert.deepEqual(relatedLines(only(diagnostics, 'contradiction', 5)), ['4:Same prompt, other reply']);
    // A whole-record range: the duplicate line from its first to its last character.
    const document = await vscode.workspace.openTextDocument(workspaceFile('duplicates.jsonl'));
    assert.deepEqual(only(diagnostics, 'exact-duplicate', 2).range, document.lineAt(2).range);
  });

  it('fixes.jsonl: one finding per fixable problem, at the exact span (role value, misplaced turn, reply, e-mail, key)', async function () {
    const diagnostics = await expectEngineDiagnostics('fixes.jsonl', [
      'role-alias',
      'system-not-first',
      'consecutive-same-role',
      'untrimmed-reply',
      'pii-email',
      'secret-api-key',
      'multiline-record',
      'mixed-formats',
    ]);
    const document = await vscode.workspace.openTextDocument(workspaceFile('fixes.jsonl'));
    const text = (d: vscode.Diagnostic) => document.getText(d.range);
    assert.equal(text(only(diagnostics, 'role-alias', 0)), '"User"');
    assert.equal(text(only(diagnostics, 'pii-email', 4)), 'jane.doe@example.com');
    assert.equal(text(only(diagnostics, 'secret-api-key', 5)), 'sk-3Xa9Qm7LpT2vR8nY4kW1zB6cD0e');
    assert.equal(only(diagnostics, 'secret-api-key', 5).severity, vscode.DiagnosticSeverity.Error);
    assert.equal(only(diagnostics, 'untrimmed-reply', 3).severity, vscode.DiagnosticSeverity.Information);
    assert.deepEqual(relatedLines(only(diagnostics, 'mixed-formats', 13)), ['0:First openai record']);
  });
});
