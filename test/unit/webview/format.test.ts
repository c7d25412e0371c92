import assert from 'node:assert/strict';
import type { DatasetHeader } from '../../../src/shared/datasetEditorMessages';
import type { ExampleResult, Row, RowStatsResult } from '../../../src/shared/lspProtocol';
import { chartBars, markerPosition, shortCount } from '../../../src/webview/datasetEditor/chartData';
import { bubbleKind, exampleTitle, formatDeduction, formatToolArguments, headerItems, listStatus, rowCells } from '../../../src/webview/datasetEditor/format';
import { draftOf, editMessageRequest } from '../../../src/webview/datasetEditor/requests';
import { wordDiff } from '../../../src/webview/datasetEditor/wordDiff';

const row: Row = {
  index: 2,
  line: 3,
  endLine: 5,
  format: 'openai',
  turns: 3,
  tokens: 12345,
  severity: 'warning',
  codes: ['exact-duplicate', 'untrimmed'],
  duplicateOf: 1,
  cluster: 0,
  contradiction: true,
  preview: 'Explain photosynthesis',
};

const example: ExampleResult = {
  version: 4,
  index: 2,
  line: 3,
  endLine: 3,
  format: 'openai',
  encoding: 'o200k_base',
  countMode: 'raw',
  totalTokens: 1234,
  messages: [
    { role: 'user', content: 'Hi', tokens: 1, toolCalls: [] },
    { role: 'assistant', content: 'Hello', tokens: 1, toolCalls: [{ name: 'lookup', arguments: '{"q":"x"}' }] },
  ],
  raw: '{}',
  truncated: false,
  findings: [],
};

describe('webview: Dataset Editor formatting', () => {
  it('writes a row as its cells and badges', () => {
    const cells = rowCells(row);
    assert.deepEqual({ ...cells, badges: undefined }, { lines: '3–5', format: 'openai', turns: '3', tokens: '12,345', preview: 'Explain photosynthesis', badges: undefined });
    assert.deepEqual(
      cells.badges.map((b) => `${b.kind}:${b.label}`),
      ['group:copy of 1', 'group:cluster 1', 'group:contradiction', 'warning:exact-duplicate', 'warning:untrimmed'],
    );
    const invalid = rowCells({ ...row, line: 7, endLine: 7, format: null, tokens: null, severity: 'error', codes: ['invalid-json'], duplicateOf: null, cluster: null, contradiction: false });
    assert.deepEqual([invalid.lines, invalid.format, invalid.tokens, invalid.badges.map((b) => b.kind).join()], ['7', 'invalid', '–', 'error']);
  });

  it('shows every header number as the report has it, the encoding named', () => {
    const header: DatasetHeader = {
      examples: 1200,
      invalidRecords: 3,
      tokens: 45678,
      encoding: 'cl100k_base',
      countMode: 'openai',
      format: 'sharegpt',
      qualityScore: 0.8,
      deductions: [{ code: 'near-duplicate', points: 0.1, message: '1 near-duplicate example (14.3%).' }],
      errors: 4,
      exactDuplicates: 2,
      nearDuplicates: 1,
      contradictions: 5,
      maxSeqLength: 2048,
      overLength: 6,
      billing: { billableTokens: 45678, epochs: 3, chargedTokens: 137034 },
    };
    const items = Object.fromEntries(headerItems(header).map((i) => [i.id, `${i.label}=${i.value}`]));
    assert.deepEqual(items, {
      examples: 'Examples=1,200',
      tokens: 'Tokens (cl100k_base)=45,678',
      quality: 'Quality=0.80',
      format: 'Format=sharegpt',
      errors: 'Errors=4',
      duplicates: 'Duplicates=2',
      nearDuplicates: 'Near duplicates=1',
      contradictions: 'Contradictions=5',
      overLength: 'Over 2,048 tokens=6',
      billing: 'Billing estimate=137,034 tokens',
    });
    assert.equal(formatDeduction(header.deductions[0]!), '−0.10 near-duplicate: 1 near-duplicate example (14.3%).');
  });

  it('formats messages, tool calls, titles and the list status', () => {
    assert.deepEqual(['System', 'user', 'assistant', 'tool', 'function'].map(bubbleKind), ['system', 'user', 'assistant', 'tool', 'other']);
    assert.equal(formatToolArguments('{"q":"x"}'), '{\n  "q": "x"\n}');
    assert.equal(formatToolArguments('not json'), 'not json');
    assert.equal(exampleTitle(example), 'Lines 3 · openai · 2 messages · 1,234 tokens (o200k_base, raw)');
    assert.equal(listStatus(null, null), 'Loading records…');
    assert.equal(listStatus(7, 7), '7 records');
    assert.equal(listStatus(3, 1000), '3 of 1,000 records match');
  });

  it('builds an edit request with only what changed', () => {
    const draft = draftOf(example, 1);
    assert.equal(editMessageRequest(1, 4, example, draft), undefined, 'nothing changed');
    assert.deepEqual(editMessageRequest(2, 4, example, { ...draft, content: 'Hello there' }), {
      type: 'editMessage',
      requestId: 2,
      version: 4,
      line: 3,
      messageIndex: 1,
      content: 'Hello there',
      role: undefined,
    });
    assert.deepEqual(editMessageRequest(3, 4, example, { ...draft, role: 'tool' })?.type === 'editMessage' && editMessageRequest(3, 4, example, { ...draft, role: 'tool' }), {
      type: 'editMessage',
      requestId: 3,
      version: 4,
      line: 3,
      messageIndex: 1,
      content: undefined,
      role: 'tool',
    });
    assert.throws(() => draftOf(example, 5), /no message 6/);
  });

  it('places the max sequence length on the log-spaced token histogram', () => {
    const stats: RowStatsResult = {
      version: 1,
      histogram: {
        tokenBins: [
          { from: 0, to: 1, count: 0 },
          { from: 1, to: 2, count: 1 },
          { from: 1024, to: 2048, count: 4 },
          { from: 2048, to: 4096, count: 2 },
        ],
        turns: [{ turns: 2, count: 5 }],
        roles: [{ role: 'user', count: 7 }],
        findingsByCode: [{ code: 'too-long', severity: 'warning', count: 2 }],
      },
      p50: 1500,
      p95: 3000,
      p99: 4000,
      maxSeqLength: 2048,
    };
    assert.equal(markerPosition(stats.histogram.tokenBins, 2048), 2.5, 'the start of its bin');
    assert.ok(Math.abs(markerPosition(stats.histogram.tokenBins, 2896) - (3 - 0.5 + Math.log2(2896 / 2048))) < 1e-9, 'inside its bin, on a log scale');
    assert.equal(markerPosition(stats.histogram.tokenBins, 100_000), 3.5, 'beyond the last bin');
    assert.deepEqual(chartBars(stats).tokens, { labels: ['<1', '<2', '<2k', '<4k'], counts: [0, 1, 4, 2] });
    assert.deepEqual(chartBars(stats).findings, { labels: ['too-long'], counts: [2] });
    assert.deepEqual([shortCount(512), shortCount(4096), shortCount(1_048_576), shortCount(1500)], ['512', '4k', '1M', '1500']);
  });
});

describe('webview: Dataset Editor word differences', () => {
  it('marks the words of a text that its base does not have', () => {
    const parts = wordDiff('Explain the tides in a few sentences.', 'Explain the tides in a few short sentences.');
    assert.deepEqual(parts, [
      { text: 'Explain the tides in a few ', changed: false },
      { text: 'short ', changed: true },
      { text: 'sentences.', changed: false },
    ]);
    assert.equal(parts.map((p) => p.text).join(''), 'Explain the tides in a few short sentences.', 'the text is kept whole');
    assert.deepEqual(wordDiff('same text', 'same text'), [{ text: 'same text', changed: false }]);
    assert.deepEqual(wordDiff('a b c', 'x y'), [{ text: 'x y', changed: true }]);
    assert.deepEqual(wordDiff('a b c', ''), []);
  });
});
