// Hovers and the code lens, as the editor asks for them (vscode.executeHoverProvider / executeCodeLensProvider), with
// their numbers checked against `slmgen analyze --json` on the same file (the same engine, run as the CLI).
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { analyzeWithCli, hasCodeAt, openWorkspaceFile, slmgenOrSkip, waitForDiagnostics } from './editorHelpers';

/** The SLMGEN hover markdown at a position (the first hover that starts with "**SLMGEN**"). */
async function slmgenHover(uri: vscode.Uri, position: vscode.Position): Promise<string> {
  const hovers = (await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', uri, position)) ?? [];
  const texts = hovers.flatMap((h) => h.contents.map((c) => (typeof c === 'string' ? c : c.value)));
  const ours = texts.find((t) => t.startsWith('**SLMGEN**'));
  assert.ok(ours !== undefined, `an SLMGEN hover at ${position.line + 1}:${position.character + 1}; hovers: ${JSON.stringify(texts)}`);
  return ours;
}

/** The per-message rows of a hover's token table: role and tokens. */
function tokenRows(markdown: string): { role: string; tokens: number }[] {
  return [...markdown.matchAll(/^\| (\d+) \| (\w+) \| ([\d,]+) \|$/gm)].map((m) => ({ role: m[2]!, tokens: Number(m[3]!.replace(/,/g, '')) }));
}

function totalOf(markdown: string): number {
  const m = /^Total: \*\*([\d,]+)\*\* tokens \(o200k_base; raw count: message contents, tool calls and declared tools\)$/m.exec(markdown);
  assert.ok(m, `a total naming the encoding and count mode in:\n${markdown}`);
  return Number(m[1]!.replace(/,/g, ''));
}

describe('Hover on a record and the code lens on line 1', function () {
  let extension: vscode.Extension<unknown>;

  before(async function () {
    ({ extension } = await slmgenOrSkip(this));
  });

  it('clean.jsonl: each record shows its example index and per-message tokens, and the totals add up to the report', async function () {
    const document = await openWorkspaceFile('clean.jsonl');
    const report = await analyzeWithCli(extension, document.uri);
    await waitForDiagnostics(document.uri, 'the whole-file analysis (too-few-examples)', (ds) => hasCodeAt(ds, 'too-few-examples', 0));
    let sum = 0;
    for (let line = 0; line < document.lineCount - 1; line++) {
      const markdown = await slmgenHover(document.uri, new vscode.Position(line, 5));
      assert.ok(markdown.startsWith(`**SLMGEN** · record #${line} · example #${line} · line ${line + 1} · openai`), markdown.split('\n')[0]);
      const rows = tokenRows(markdown);
      assert.deepEqual(rows.map((r) => r.role), ['system', 'user', 'assistant']);
      assert.ok(rows.every((r) => r.tokens > 0), `every message has tokens: ${JSON.stringify(rows)}`);
      const total = totalOf(markdown);
      assert.equal(total, rows.reduce((a, r) => a + r.tokens, 0), 'raw count: the total is the sum of the messages');
      sum += total;
    }
    assert.equal(sum, report.total_tokens, "the hovers' totals add up to slmgen analyze's total_tokens");
  });

  it('broken.jsonl: the record after an invalid one is example #1 of record #3, the invalid record says why, a duplicate lists its finding', async function () {
    const document = await openWorkspaceFile('broken.jsonl');
    await waitForDiagnostics(document.uri, 'exact-duplicate on line 5', (ds) => hasCodeAt(ds, 'exact-duplicate', 4));
    const invalid = await slmgenHover(document.uri, new vscode.Position(1, 3));
    assert.match(invalid, /^\*\*SLMGEN\*\* · record #1 · not a usable example · line 2/);
    assert.match(invalid, /^- `invalid-json` \(error\): /m);
    const afterIt = await slmgenHover(document.uri, new vscode.Position(3, 3));
    assert.match(afterIt, /^\*\*SLMGEN\*\* · record #3 · example #1 · line 4 · openai/);
    assert.equal(tokenRows(afterIt).length, 3);
    const duplicate = await slmgenHover(document.uri, new vscode.Position(4, 3));
    assert.match(duplicate, /^- `exact-duplicate` \(warning\): Exact duplicate of the example on line 1/m);
    const pretty = await slmgenHover(document.uri, new vscode.Position(10, 3));
    assert.match(pretty, /· lines 6–21 · openai/);
  });

  it('clean.jsonl: the code lens on line 1 reads examples · tokens · quality (as slmgen analyze) and opens the report, with Recommend model / Generate notebook', async function () {
    const document = await openWorkspaceFile('clean.jsonl');
    const report = await analyzeWithCli(extension, document.uri);
    const lenses = (await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', document.uri, 10)) ?? [];
    const ours = lenses.filter((l) => l.command?.command.startsWith('slmgen.'));
    assert.equal(ours.length, 3, `three SLMGEN lenses; got ${JSON.stringify(lenses.map((l) => l.command?.title))}`);
    for (const lens of ours) assert.equal(lens.range.start.line, 0, 'on line 1');
    const [stats, recommend, generate] = ours;
    assert.equal(
      stats!.command!.title,
      `${report.total_examples} examples · ${report.total_tokens.toLocaleString('en-US')} tokens (${report.encoding}) · quality ${report.quality_score.toFixed(2)}`,
    );
    assert.equal(stats!.command!.command, 'slmgen.analyzeDataset');
    assert.equal(recommend!.command!.title, 'Recommend model');
    assert.equal(recommend!.command!.command, 'slmgen.recommendModel');
    assert.equal(generate!.command!.title, 'Generate notebook');
    assert.equal(generate!.command!.command, 'slmgen.generateNotebook');
    for (const lens of ours) assert.deepEqual(lens.command!.arguments, [document.uri.toString()]);
    const commands = await vscode.commands.getCommands(true);
    assert.ok(['slmgen.analyzeDataset', 'slmgen.recommendModel', 'slmgen.generateNotebook'].every((c) => commands.includes(c)), 'the lens commands exist');
  });
});
