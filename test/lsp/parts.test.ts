import assert from 'node:assert/strict';
import { makeFinding } from '../../src/core/checks/codes';
import type { Fix, TextEdit } from '../../src/core/types';
import { makeRange } from '../../src/core/types';
import { combineFixes, editsConflict } from '../../src/lsp/combineFixes';
import { limitDiagnostics, moveFindings, sameShown, wholeFileFindings } from '../../src/lsp/diagnostics';
import { globToRegExp, isDatasetDocument } from '../../src/lsp/documentSelection';
import { analysisDiffers, parseServerSettings } from '../../src/lsp/serverSettings';
import { DEFAULT_JSON_ARRAY_GLOB } from '../../src/shared/lspProtocol';

const edit = (l1: number, c1: number, l2: number, c2: number, newText = ''): TextEdit => ({ range: makeRange(l1, c1, l2, c2), newText });
const fix = (kind: Fix['kind'], ...edits: TextEdit[]): Fix => ({ title: kind, kind, edits, isSafe: true });

describe('language server parts', () => {
  it('limits the diagnostics published for a document: errors, then warnings, then infos, and a note of the rest', () => {
    const at = (line: number, severity: 1 | 2 | 3) => ({ range: { start: { line, character: 0 }, end: { line, character: 1 } }, severity, message: `m${line}` });
    const all = [at(0, 3), at(1, 2), at(2, 1), at(3, 2), at(4, 1), at(5, 3)];
    assert.deepEqual(limitDiagnostics(all, 0), all);
    assert.deepEqual(limitDiagnostics(all, 6), all);
    const three = limitDiagnostics(all, 3);
    assert.deepEqual(three.slice(0, 3).map((d) => d.message), ['m2', 'm4', 'm1']);
    assert.equal(three.length, 4);
    assert.equal(three[3]!.severity, 3);
    assert.match(String(three[3]!.message), /^3 more findings are not shown here \(slmgen\.analysis\.maxDiagnosticsPerFile is 3\).* all 6\.$/);
    assert.deepEqual(limitDiagnostics(all, 5).slice(0, 5).map((d) => d.message), ['m2', 'm4', 'm1', 'm3', 'm0']);
    // With the line of the last edit: errors still first, then within a severity the nearest to it.
    const near5 = limitDiagnostics(all, 3, 5);
    assert.deepEqual(near5.slice(0, 3).map((d) => d.message), ['m2', 'm4', 'm3']);
    assert.match(String(near5[3]!.message), /^3 more findings are not shown here \(those nearest the last edit are\) \(slmgen\.analysis\.maxDiagnosticsPerFile is 3\)/);
    const warnings = Array.from({ length: 10 }, (_, line) => at(line, 2));
    assert.deepEqual(limitDiagnostics(warnings, 3, 7).slice(0, 3).map((d) => d.message), ['m6', 'm7', 'm8']);
    assert.deepEqual(limitDiagnostics(warnings, 2, 0).slice(0, 2).map((d) => d.message), ['m0', 'm1']);
    assert.deepEqual(limitDiagnostics(warnings, 2, 100).slice(0, 2).map((d) => d.message), ['m8', 'm9']);
    const spanning = { range: { start: { line: 0, character: 0 }, end: { line: 20, character: 1 } }, severity: 2 as const, message: 'span' };
    assert.deepEqual(limitDiagnostics([...warnings, spanning], 1, 15).slice(0, 1).map((d) => d.message), ['span'], 'a range over the line is nearest');
  });

  it('tells publications apart by what an editor shows of them, not by the versions in their data', () => {
    const d = (line: number, message: string, version: number) => ({ range: makeRange(line, 0, line, 3), severity: 2 as const, code: 'exact-duplicate', source: 'SLMGEN', message, data: { version } });
    const shared = d(9, 'kept', 1);
    assert.equal(sameShown([shared, d(1, 'a', 1)], [shared, d(1, 'a', 2)]), true, 'only the version differs');
    assert.equal(sameShown([d(1, 'a', 1)], [d(1, 'b', 1)]), false, 'message');
    assert.equal(sameShown([d(1, 'a', 1)], [d(2, 'a', 1)]), false, 'range');
    assert.equal(sameShown([d(1, 'a', 1)], [{ ...d(1, 'a', 1), severity: 1 as const }]), false, 'severity');
    assert.equal(sameShown([d(1, 'a', 1)], [{ ...d(1, 'a', 1), relatedInformation: [{ location: { uri: 'file:///x', range: makeRange(0, 0, 0, 1) }, message: 'First copy' }] }]), false, 'related');
    assert.equal(sameShown([d(1, 'a', 1)], [d(1, 'a', 1), d(2, 'a', 1)]), false, 'count');
    assert.equal(sameShown([], []), true);
  });

  it('selects datasets: JSONL by language or extension, .json only through the glob', () => {
    const glob = globToRegExp(DEFAULT_JSON_ARRAY_GLOB);
    assert.equal(isDatasetDocument('file:///w/a.txt', 'jsonl', glob), true);
    assert.equal(isDatasetDocument('file:///w/A.NDJSON', 'plaintext', glob), true);
    assert.equal(isDatasetDocument('file:///w/data/train-v2.json', 'json', glob), true);
    assert.equal(isDatasetDocument('file:///w/my%20data/validation.json', 'json', glob), true);
    assert.equal(isDatasetDocument('file:///w/package.json', 'json', glob), false);
    assert.equal(isDatasetDocument('file:///w/train.json.bak', 'json', glob), false);
    assert.equal(isDatasetDocument('untitled:Untitled-1', 'json', glob), false);
    // Globs: ** across folders, * and ? within one, {a,b} nested, [!x], and a bare pattern at any depth.
    const cases: [string, string, boolean][] = [
      ['**/sets/**/*.json', '/w/sets/a/b/x.json', true],
      ['**/sets/**/*.json', '/w/sets/x.json', true],
      ['**/sets/*.json', '/w/sets/a/x.json', false],
      ['x?.json', '/w/deep/xy.json', true],
      ['x?.json', '/w/deep/xyz.json', false],
      ['{a,b{c,d}}.json', '/bd.json', true],
      ['{a,b{c,d}}.json', '/b.json', false],
      ['[!t]*.json', '/w/data.json', true],
      ['[!t]*.json', '/w/train.json', false],
      ['/w/*.json', '/w/x.json', true],
      ['/w/*.json', '/v/w/x.json', false],
      ['a.b+c(d).json', '/w/a.b+c(d).json', true],
      ['a.b+c(d).json', '/w/aXb+c(d).json', false],
    ];
    for (const [g, path, expected] of cases) assert.equal(globToRegExp(g).test(path), expected, `${g} on ${path}`);
    assert.throws(() => globToRegExp('{a,b'), /unclosed "\{"/);
  });

  it('settings: validated per section, a bad section falls back to its defaults and says why', () => {
    const warnings: string[] = [];
    const s = parseServerSettings({ slmgen: { tokens: { encoding: 'cl100k_base' }, analysis: { maxSeqLength: -5 }, files: { jsonArrayGlob: '{oops' } } }, (m) => warnings.push(m));
    assert.equal(s.tokens.encoding, 'cl100k_base');
    assert.equal(s.analysis.maxSeqLength, 2048);
    assert.equal(s.files.jsonArrayGlob, DEFAULT_JSON_ARRAY_GLOB);
    assert.equal(warnings.length, 2);
    assert.match(warnings[0]!, /slmgen\.analysis\.maxSeqLength/);
    assert.match(warnings[1]!, /jsonArrayGlob/);
    assert.deepEqual(parseServerSettings(null, () => assert.fail('no warning for no settings')), parseServerSettings({}, () => undefined));
    assert.equal(analysisDiffers(s, { ...s, files: { jsonArrayGlob: '*.json' } }), false, 'the glob only selects documents');
    assert.equal(analysisDiffers(s, { ...s, analysis: { ...s.analysis, wholeFileDelayMs: 0 } }), true);
  });

  it('whole-file findings move with the lines below an edit and are dropped on the lines it changed', () => {
    const dup = (line: number, first: number) => ({ ...makeFinding('exact-duplicate', 'dup', makeRange(line, 0, line, 10)), related: [{ message: 'First copy', range: makeRange(first, 0, first, 10) }] });
    const findings = [dup(3, 1), dup(6, 1), makeFinding('contradiction', 'c', makeRange(8, 0, 9, 2))];
    const lines = (fs: ReturnType<typeof moveFindings>) => fs.map((f) => [f.range.start.line, f.range.end.line, f.related?.map((r) => r.range.start.line)]);
    // Two lines inserted on top (whole lines: nothing changed, everything moves).
    assert.deepEqual(lines(moveFindings(findings, [{ range: makeRange(0, 0, 0, 0), text: 'a\nb\n' }])), [[5, 5, [3]], [8, 8, [3]], [10, 11, undefined]]);
    // Typing inside line 6: that finding goes, the others stay (or move by 0).
    assert.deepEqual(lines(moveFindings(findings, [{ range: makeRange(6, 4, 6, 4), text: 'x' }])), [[3, 3, [1]], [8, 9, undefined]]);
    // Line 1 (the first copy) deleted as a whole: the related locations on it go, the findings move up.
    assert.deepEqual(lines(moveFindings(findings, [{ range: makeRange(1, 0, 2, 0), text: '' }])), [[2, 2, []], [5, 5, []], [7, 8, undefined]]);
    // A line break typed inside line 4: lines after it move down one.
    assert.deepEqual(lines(moveFindings(findings, [{ range: makeRange(4, 2, 4, 2), text: '\n' }])), [[3, 3, [1]], [7, 7, [1]], [9, 10, undefined]]);
    assert.deepEqual(moveFindings(findings, [{ text: 'everything replaced' }]), []);
    // Findings an edit neither moved nor touched stay the same objects (their diagnostics are reused per edit); the
    // moved ones are copies, the input is never changed.
    const typed = moveFindings(findings, [{ range: makeRange(6, 4, 6, 4), text: 'x' }]);
    assert.equal(typed[0], findings[0]);
    assert.equal(typed[1], findings[2]);
    const shifted = moveFindings(findings, [{ range: makeRange(4, 2, 4, 2), text: '\n' }]);
    assert.equal(shifted[0], findings[0], 'above the edit');
    assert.notEqual(shifted[1], findings[1]);
    assert.equal(findings[1]!.range.start.line, 6, 'the input keeps its ranges');
    const relatedMoved = moveFindings(findings, [{ range: makeRange(0, 0, 0, 0), text: 'a\n' }]);
    assert.equal(findings[0]!.related![0]!.range.start.line, 1);
    assert.equal(relatedMoved[0]!.related![0]!.range.start.line, 2);
    // The whole-file part of a snapshot: what per-record analysis does not give, counted as a multiset.
    const alias = makeFinding('role-alias', 'r', makeRange(2, 3, 2, 9));
    assert.deepEqual(wholeFileFindings([alias, findings[0]!, alias], [alias]), [findings[0], alias]);
  });

  it('combines fixes into edits that never overlap: deletions first and merged, an edit inside a deletion left out', () => {
    assert.equal(editsConflict(edit(1, 0, 2, 0), edit(2, 0, 3, 0)), false, 'ranges that only touch');
    assert.equal(editsConflict(edit(1, 0, 2, 0), edit(1, 5, 1, 6, 'x')), true);
    assert.equal(editsConflict(edit(1, 0, 1, 0, 'a'), edit(1, 0, 1, 0, 'b')), true, 'two insertions at one point');
    assert.equal(editsConflict(edit(1, 0, 1, 4, 'a'), edit(1, 4, 1, 4, 'b')), true, 'an insertion at the end of a replacement');
    const combined = combineFixes([
      fix('rename-role', edit(3, 20, 3, 26, '"user"')),
      fix('delete-duplicate', edit(3, 0, 4, 0)),
      fix('delete-duplicate', edit(4, 0, 5, 0)),
      // The last line deleted with the line break before it: overlaps the deletion before, merged.
      fix('delete-duplicate', edit(4, 30, 5, 12)),
      // Deletions of other kinds merge too: the union is what applying one after the other deletes.
      fix('trim', edit(7, 10, 7, 11), edit(7, 40, 7, 41)),
      fix('join-lines', edit(7, 0, 8, 2)),
      // Of two replacements that overlap, the first (in document order) is taken.
      fix('redact', edit(9, 5, 9, 10, '[email]')),
      fix('rename-role', edit(9, 8, 9, 12, '"user"')),
      fix('trim', edit(9, 12, 9, 13)),
    ]);
    assert.deepEqual(combined, [edit(3, 0, 5, 12), edit(7, 0, 8, 2), edit(9, 5, 9, 10, '[email]'), edit(9, 12, 9, 13)]);
  });
});
