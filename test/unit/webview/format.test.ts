import assert from 'node:assert/strict';
import type { DatasetHeader } from '../../../src/shared/datasetEditorMessages';
import type { ExampleResult, Row, RowStatsResult } from '../../../src/shared/lspProtocol';
import { chartBars, labelStep, markerPosition, shortCount, tokenChart } from '../../../src/webview/datasetEditor/chartData';
import { bubbleKind, exampleTitle, formatDeduction, formatToolArguments, headerItems, listStatus, modelHeaderItems, rowCells } from '../../../src/webview/datasetEditor/format';
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
    assert.equal(markerPosition(stats.histogram.tokenBins, 4096), 3.5, 'the end of the last bin');
    assert.equal(markerPosition(stats.histogram.tokenBins, 32_768), 6.5, 'beyond the last bin, one bar per doubling');
    assert.deepEqual(chartBars(stats).tokens, { labels: ['<1', '<2', '<2k', '<4k'], counts: [0, 1, 4, 2] });
    assert.deepEqual(chartBars(stats).findings, { labels: ['too-long'], counts: [2] });
    assert.deepEqual([shortCount(512), shortCount(4096), shortCount(1_048_576), shortCount(1500)], ['512', '4k', '1M', '1500']);
  });
});

describe("webview: Dataset Editor with a chosen model's counts", () => {
  const base: RowStatsResult = {
    version: 3,
    histogram: { tokenBins: [{ from: 512, to: 1024, count: 3 }], turns: [], roles: [], findingsByCode: [] },
    p50: 600,
    p95: 900,
    p99: 1000,
    maxSeqLength: 2048,
  };
  const model: NonNullable<RowStatsResult['model']> = {
    id: 'qwen3-1.7b',
    name: 'Qwen3 1.7B',
    contextLength: 32_768,
    tokenizer: 'Qwen3 tokenizer',
    state: 'ready',
    tokenBins: [
      { from: 256, to: 512, count: 1 },
      { from: 512, to: 1024, count: 2 },
    ],
    maxSeqLength: 2048,
    totalTokens: 1900,
    totalTrainable: 700,
    truncated: 1,
    noTrainable: 2,
    p95: 800,
    p99: 810,
  };

  it('draws no model line and adds no header item while no model is chosen', () => {
    const chart = tokenChart(base);
    assert.deepEqual(chart.markers, [{ kind: 'maxSeqLength', tokens: 2048, label: 'max 2k' }]);
    assert.equal(chart.bins, base.histogram.tokenBins);
    assert.equal(chart.caption, 'Tokens per example (dashed: max sequence length)');
    assert.deepEqual(modelHeaderItems(base.model), []);
  });

  it("histograms the model's own counts with its context window marked once they are ready", () => {
    const chart = tokenChart({ ...base, model });
    assert.equal(chart.bins, model.tokenBins);
    assert.deepEqual(chart.markers, [
      { kind: 'maxSeqLength', tokens: 2048, label: 'max 2k' },
      { kind: 'context', tokens: 32_768, label: 'Qwen3 1.7B context 32k' },
    ]);
    assert.equal(chart.caption, "Qwen3 1.7B tokens (Qwen3 tokenizer) per example (dashed: max sequence length, Qwen3 1.7B's context)");
    assert.deepEqual(chartBars({ ...base, model }).tokens, { labels: ['<512', '<1k'], counts: [1, 2] });
    const items = modelHeaderItems(model);
    assert.deepEqual(
      items.map((i) => [i.id, i.label, i.value]),
      [
        ['model', 'Model', 'Qwen3 1.7B'],
        ['modelTokens', 'Model tokens (Qwen3 tokenizer)', '1,900'],
        ['modelTruncated', 'Over 2,048 for Qwen3 1.7B', '1'],
        ['noTrainable', 'Nothing to train', '2'],
      ],
    );
    assert.match(items[1]!.title, /700 of them trained/);
  });

  it('keeps the encoding histogram while counting, and says approximate counts are approximate', () => {
    const counting = { ...model, state: 'counting' as const, tokenBins: [] };
    const chart = tokenChart({ ...base, model: counting });
    assert.equal(chart.bins, base.histogram.tokenBins, "the model's bins are not known yet");
    assert.equal(chart.markers.length, 2, 'the context line is drawn already');
    assert.deepEqual(
      modelHeaderItems(counting).map((i) => i.value),
      ['Qwen3 1.7B', 'Counting…'],
    );
    const approximate = { ...model, id: 'phi-4-mini', name: 'Phi-4 mini', tokenizer: null, reason: 'its tokenizer is not on npm' };
    const items = modelHeaderItems(approximate);
    assert.equal(items[1]!.label, 'Model tokens (approximate)');
    assert.match(items[0]!.title, /Approximate: its tokenizer is not on npm/);
  });
});

describe('webview: Dataset Editor chart labels', () => {
  it('labels every bar when they fit, every n-th when the editor is narrow', () => {
    const labels = ['<1', '<2', '<4', '<8', '<16', '<32', '<64', '<128', '<256', '<512', '<1k', '<2k', '<4k', '<8k'];
    assert.equal(labelStep(labels, 1000, false), 1, '14 labels of 4 chars (36 px each) fit in 1000 px');
    assert.equal(labelStep(labels, 250, false), 3, 'in 250 px every third');
    assert.equal(labelStep(['invalid-json', 'exact-duplicate'], 100, true), 1, 'rotated labels need one line each');
    assert.equal(labelStep([], 100, false), 1);
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
