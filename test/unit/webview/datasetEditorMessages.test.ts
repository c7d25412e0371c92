import assert from 'node:assert/strict';
import { parseHostMessage, parseWebviewMessage } from '../../../src/shared/datasetEditorMessages';
import type { HostMessage } from '../../../src/shared/datasetEditorMessages';
import type { DatasetHeader } from '../../../src/shared/datasetEditorMessages';

const header: DatasetHeader = {
  examples: 7,
  invalidRecords: 0,
  tokens: 334,
  encoding: 'o200k_base',
  countMode: 'raw',
  format: 'openai',
  qualityScore: 0,
  deductions: [{ code: 'exact-duplicate', points: 0.3, message: '2 exact duplicate examples (28.6%).' }],
  errors: 0,
  exactDuplicates: 2,
  nearDuplicates: 1,
  contradictions: 1,
  maxSeqLength: 2048,
  overLength: 0,
  billing: { billableTokens: 334, epochs: 14, chargedTokens: 4676 },
};

const row = { index: 2, line: 3, endLine: 3, format: 'openai', turns: 3, tokens: 26, severity: 'warning', codes: ['exact-duplicate'], duplicateOf: 1, cluster: null, contradiction: false, preview: 'Explain' };

describe('webview: Dataset Editor messages', () => {
  it('accepts each webview message of the contract, ready first', () => {
    const messages = [
      { type: 'ready' },
      { type: 'requestSummary', requestId: 1 },
      { type: 'requestRows', requestId: 2, offset: 0, limit: 200, filter: { duplicates: true }, sort: { by: 'tokens', direction: 'desc' } },
      { type: 'requestExample', requestId: 3, line: 5 },
      { type: 'editMessage', requestId: 4, version: 7, line: 5, messageIndex: 1, content: 'new text' },
      { type: 'editMessage', requestId: 5, version: 7, line: 5, messageIndex: 0, role: 'system' },
      { type: 'deleteExample', requestId: 6, version: 7, line: 5 },
      { type: 'applyFix', requestId: 7, version: null, line: 5, findingIndex: 0, fixIndex: 1 },
      { type: 'openInTextEditor', line: 9 },
      { type: 'chooseModel' },
    ];
    for (const m of messages) {
      const parsed = parseWebviewMessage(m);
      assert.ok(parsed.ok, `${m.type}: ${parsed.ok ? '' : parsed.error}`);
      assert.deepEqual(parsed.message, m);
    }
  });

  it('rejects malformed webview messages with where they are wrong', () => {
    const cases: [unknown, RegExp][] = [
      [{ type: 'launchMissiles' }, /type/],
      [{ type: 'requestExample', requestId: 1, line: 0 }, /line/],
      [{ type: 'editMessage', requestId: 1, line: 2, messageIndex: 0, content: 'x' }, /version/],
      [{ type: 'editMessage', requestId: 1, version: 3, line: 2, messageIndex: 0, role: 'wizard' }, /role/],
      [{ type: 'requestRows', requestId: 1, offset: -1, limit: 10 }, /offset/],
      ['ready', /message/],
      [null, /message/],
    ];
    for (const [data, where] of cases) {
      const parsed = parseWebviewMessage(data);
      assert.equal(parsed.ok, false, JSON.stringify(data));
      if (!parsed.ok) assert.match(parsed.error, where);
    }
  });

  it('accepts host messages carrying the language server answers and rejects ones that do not fit', () => {
    const good: HostMessage[] = [
      { type: 'init', version: 3, uri: 'file:///d/a.jsonl', fileName: 'a.jsonl', readOnly: false },
      { type: 'init', version: null, uri: 'file:///d/big.jsonl', fileName: 'big.jsonl', readOnly: true, readOnlyReason: 'too large' },
      { type: 'documentChanged', version: 4 },
      { type: 'rows', requestId: 2, result: { version: 4, totalRecords: 7, matching: 1, offset: 0, rows: [row as never] } },
      {
        type: 'summary',
        requestId: 1,
        version: 4,
        header,
        stats: { version: 4, histogram: { tokenBins: [{ from: 16, to: 32, count: 5 }], turns: [{ turns: 3, count: 7 }], roles: [], findingsByCode: [] }, p50: 34, p95: 88, p99: 89, maxSeqLength: 2048 },
      },
      {
        type: 'summary',
        requestId: 2,
        version: 5,
        header,
        stats: {
          version: 5,
          histogram: { tokenBins: [], turns: [], roles: [], findingsByCode: [] },
          p50: null,
          p95: null,
          p99: null,
          maxSeqLength: 2048,
          model: { id: 'qwen3-1.7b', name: 'Qwen3 1.7B', contextLength: 40_960, tokenizer: null, reason: 'not installed', state: 'counting', tokenBins: [], maxSeqLength: 2048, totalTokens: 0, totalTrainable: 0, truncated: 0, noTrainable: 0, p95: null, p99: null },
        },
      },
      { type: 'summaryChanged' },
      { type: 'editResult', requestId: 9, outcome: 'stale', message: 'changed' },
      { type: 'error', message: 'failed' },
    ];
    for (const m of good) assert.ok(parseHostMessage(m).ok, m.type);
    assert.equal(parseHostMessage({ type: 'rows', requestId: 2, result: { version: 4, rows: [row] } }).ok, false, 'rows without their counts');
    assert.equal(parseHostMessage({ type: 'summary', requestId: 1, version: 4, header: { ...header, tokens: '334' } }).ok, false);
    assert.equal(parseHostMessage({ type: 'editResult', requestId: 9, outcome: 'maybe' }).ok, false);
    assert.equal(parseHostMessage({ type: 'documentChanged' }).ok, false, 'a change without its version');
    const counting = good.find((m) => m.type === 'summary' && m.version === 5) as Extract<HostMessage, { type: 'summary' }>;
    const badState = { ...counting, stats: { ...counting.stats, model: { ...counting.stats.model!, state: 'almost' } } };
    assert.equal(parseHostMessage(badState).ok, false, "a model state outside counting / ready / failed");
  });
});
