import assert from 'node:assert/strict';
import { headerFromReport } from '../../../src/extension/datasetEditor/headerFromReport';
import { locateJsonValue, messageEdits, recordDeletionRange, recordsDeletionRanges } from '../../../src/extension/datasetEditor/recordEdits';
import type { OffsetEdit } from '../../../src/extension/datasetEditor/recordEdits';
import { contentSecurityPolicy, datasetEditorHtml, makeNonce } from '../../../src/extension/datasetEditor/webviewHtml';
import { analyzeText, estimateOptions } from '../analysis/analyzeText';

function apply(text: string, edits: OffsetEdit[]): string {
  let out = text;
  for (const e of [...edits].sort((a, b) => b.start - a.start)) out = out.slice(0, e.start) + e.newText + out.slice(e.end);
  return out;
}

const OPENAI = '{"messages": [{"role": "system", "content": "Be brief."}, {"role": "user", "content": "Say \\"hi\\""}, {"role": "assistant", "content": "hi"}], "meta": {"content": 1}}';

describe('webview host: Dataset Editor record edits', () => {
  it('finds a JSON value by its path, escapes and nesting included', () => {
    const span = locateJsonValue(OPENAI, ['messages', 1, 'content'])!;
    assert.equal(OPENAI.slice(span.start, span.end), '"Say \\"hi\\""');
    assert.equal(OPENAI.slice(...Object.values(locateJsonValue(OPENAI, ['meta', 'content'])!) as [number, number]), '1');
    assert.equal(locateJsonValue(OPENAI, ['messages', 3]), undefined);
    assert.equal(locateJsonValue(OPENAI, ['nothing']), undefined);
    assert.throws(() => locateJsonValue('{"a": [1, 2}', ['a']), /expected "," or "\]" at offset 11/);
    assert.throws(() => locateJsonValue('{"a": 1} x', ['a']), /unexpected text/);
  });

  it('replaces only the message content or role, keeping the rest of the record byte for byte', () => {
    const edited = apply(OPENAI, messageEdits(OPENAI, 'openai', 3, 1, { content: 'Say "hello"\nplease' }));
    assert.equal(edited, OPENAI.replace('"Say \\"hi\\""', '"Say \\"hello\\"\\nplease"'));
    const role = apply(OPENAI, messageEdits(OPENAI, 'openai', 3, 0, { role: 'user', content: 'Hi' }));
    assert.equal(role, OPENAI.replace('{"role": "system", "content": "Be brief."}', '{"role": "user", "content": "Hi"}'));
    // A record laid out over several lines (CRLF) keeps its layout.
    const multi = '{\r\n  "messages": [\r\n    {"role": "user", "content": "a"},\r\n    {"role": "assistant", "content": "b"}\r\n  ]\r\n}';
    assert.equal(apply(multi, messageEdits(multi, 'openai', 2, 1, { content: 'c' })), multi.replace('"b"', '"c"'));
  });

  it('maps roles to ShareGPT names and refuses formats or records it cannot edit in place', () => {
    const sharegpt = '{"conversations": [{"from": "human", "value": "Q"}, {"from": "gpt", "value": "A"}]}';
    assert.equal(apply(sharegpt, messageEdits(sharegpt, 'sharegpt', 2, 0, { role: 'assistant' })), sharegpt.replace('"human"', '"gpt"'));
    assert.throws(() => messageEdits('{"instruction": "a", "output": "b"}', 'alpaca', 2, 0, { content: 'x' }), /alpaca records cannot be edited here/);
    assert.throws(() => messageEdits(OPENAI, 'openai', 2, 0, { content: 'x' }), /does not hold the 2 messages shown/);
    assert.throws(() => messageEdits('{"messages": [{"role": "user"}]}', 'openai', 1, 0, { content: 'x' }), /no "content"/);
  });

  it('deletes a record with exactly one line break', () => {
    const lengths = [10, 20, 30];
    const len = (l: number) => lengths[l] ?? 0;
    assert.deepEqual(recordDeletionRange(2, 2, 3, len), { startLine: 1, startCharacter: 0, endLine: 2, endCharacter: 0 }, 'a middle line takes its own break');
    assert.deepEqual(recordDeletionRange(3, 3, 3, len), { startLine: 1, startCharacter: 20, endLine: 2, endCharacter: 30 }, 'the last line (no final break) takes the one before');
    assert.deepEqual(recordDeletionRange(1, 3, 3, len), { startLine: 0, startCharacter: 0, endLine: 2, endCharacter: 30 }, 'the only record');
    assert.deepEqual(recordDeletionRange(1, 2, 4, len), { startLine: 0, startCharacter: 0, endLine: 2, endCharacter: 0 }, 'a record over two lines');
  });
});

describe('webview host: Dataset Editor header and page', () => {
  it('takes the header numbers from the report unchanged', () => {
    const chat = (u: string, a: string) => JSON.stringify({ messages: [{ role: 'user', content: u }, { role: 'assistant', content: a }] });
    const text = [chat('What is 2+2?', 'Four.'), chat('What is 2+2?', 'Four.'), '{"messages": ['].join('\n');
    const report = JSON.parse(JSON.stringify(analyzeText(text, estimateOptions()).report)) as Record<string, unknown>;
    const h = headerFromReport(report);
    const r = report as Record<string, unknown>;
    assert.equal(h.examples, r['total_examples']);
    assert.equal(h.tokens, r['total_tokens']);
    assert.equal(h.encoding, 'o200k_base');
    assert.equal(h.qualityScore, r['quality_score']);
    assert.deepEqual(h.deductions, r['quality_issues']);
    assert.equal(h.exactDuplicates, 1);
    assert.equal(h.errors, 1, 'the broken line');
    assert.equal(h.billing.chargedTokens, (r['billing'] as { charged_tokens: number }).charged_tokens);
    assert.throws(() => headerFromReport({ ...report, total_tokens: 'many' }), /total_tokens/);
  });

  it('writes a page with a strict CSP, a nonce and no remote resources', () => {
    const nonce = makeNonce((n) => new Uint8Array(n).fill(251));
    assert.equal(nonce, 'fb'.repeat(16));
    const csp = contentSecurityPolicy('vscode-webview://abc', nonce);
    assert.equal(csp, `default-src 'none'; script-src 'nonce-${nonce}'; style-src vscode-webview://abc 'nonce-${nonce}'; font-src vscode-webview://abc; img-src vscode-webview://abc data:`);
    const page = datasetEditorHtml({ cspSource: 'vscode-webview://abc', nonce, scriptUri: 'https://file+.vscode-resource/x/dist/webview/datasetEditor.js', styleUri: 'https://file+.vscode-resource/x/dist/webview/datasetEditor.css', title: 'A <b> "title"' });
    assert.ok(page.includes(`<script nonce="${nonce}" src="https://file+.vscode-resource/x/dist/webview/datasetEditor.js"></script>`));
    assert.ok(page.includes('<title>A &lt;b&gt; &quot;title&quot;</title>'));
    assert.equal((page.match(/<script/g) ?? []).length, 1, 'one script, no inline code');
  });
});

describe('webview host: deleting a cluster\'s other members', () => {
  it('merges touching records so that no two deletions overlap', () => {
    const len = (l: number) => 10 + l;
    assert.deepEqual(recordsDeletionRanges([{ line: 4, endLine: 4 }, { line: 2, endLine: 2 }], 8, len), [
      { startLine: 1, startCharacter: 0, endLine: 2, endCharacter: 0 },
      { startLine: 3, startCharacter: 0, endLine: 4, endCharacter: 0 },
    ]);
    // Lines 6 and 7 of a 7-line file without a final break: one block, taking the break before line 6.
    assert.deepEqual(recordsDeletionRanges([{ line: 7, endLine: 7 }, { line: 6, endLine: 6 }], 7, len), [{ startLine: 4, startCharacter: 14, endLine: 6, endCharacter: 16 }]);
  });
});
