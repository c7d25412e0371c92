import assert from 'node:assert/strict';
import { parsePanelHostMessage, parsePanelWebviewMessage } from '../../../src/shared/recommendPanelMessages';
import { DEPLOYMENT_CHOICES, TASK_CHOICES } from '../../../src/shared/notebookChoices';
import { datasetTokensFromReport } from '../../../src/extension/recommendPanel/datasetTokens';
import { webviewPageHtml } from '../../../src/extension/datasetEditor/webviewHtml';

const recommendation = { rank: 1, model_id: 'qwen2.5-0.5b', model_name: 'Qwen 2.5 0.5B', size: '0.5B', score_100: 92, reasons: ['a'], is_gated: false, context_length: 32768 };

describe('Recommendation panel messages', () => {
  it('accepts the webview messages, with task and deployment only from the shared choices', () => {
    assert.ok(parsePanelWebviewMessage({ type: 'ready' }).ok);
    for (const t of TASK_CHOICES) for (const d of DEPLOYMENT_CHOICES) assert.ok(parsePanelWebviewMessage({ type: 'recommend', requestId: 1, task: t.id, deployment: d.id }).ok);
    const bad = parsePanelWebviewMessage({ type: 'recommend', requestId: 1, task: 'juggling', deployment: 'edge' });
    assert.equal(bad.ok, false);
    assert.match((bad as { error: string }).error, /^task: /);
    assert.ok(parsePanelWebviewMessage({ type: 'plan', requestId: 2, model: 'qwen2.5-0.5b', preset: 'fast', target: 'trl', config: { learning_rate: 5 } }).ok);
    assert.equal(parsePanelWebviewMessage({ type: 'plan', requestId: 2, model: 'm', preset: 'turbo', target: 'trl', config: {} }).ok, false);
    const generate = { type: 'generate', requestId: 3, task: 'qa', deployment: 'edge', model: 'm', preset: 'balanced', target: 'colab', config: {} };
    assert.deepEqual(parsePanelWebviewMessage(generate), { ok: true, message: { ...generate, data: 'embed' } }, 'data: embed unless said');
    assert.deepEqual(parsePanelWebviewMessage({ ...generate, data: 'sidecar' }), { ok: true, message: { ...generate, data: 'sidecar' } });
    assert.equal(parsePanelWebviewMessage({ ...generate, data: 'gist' }).ok, false);
    assert.equal(parsePanelWebviewMessage({ type: 'generate', requestId: 3, model: 'm', preset: 'balanced', target: 'colab', config: {} }).ok, false, 'generate names the task and deployment');
    assert.equal(parsePanelWebviewMessage({ type: 'openInColab', path: '' }).ok, false);
    assert.equal(parsePanelWebviewMessage({ type: 'delete everything' }).ok, false);
    assert.equal(parsePanelWebviewMessage({ type: 'recommend', requestId: -1, task: 'qa', deployment: 'edge' }).ok, false);
  });

  it('accepts the host messages and rejects a recommendation without its score', () => {
    assert.ok(parsePanelHostMessage({ type: 'init', uri: 'file:///a.jsonl', fileName: 'a.jsonl', tokens: null }).ok);
    assert.ok(parsePanelHostMessage({ type: 'recommendations', requestId: 1, task: 'qa', deployment: 'edge', result: { recommendations: [recommendation] } }).ok);
    const { score_100: _score, ...noScore } = recommendation;
    const bad = parsePanelHostMessage({ type: 'recommendations', requestId: 1, task: 'qa', deployment: 'edge', result: { recommendations: [noScore] } });
    assert.equal(bad.ok, false);
    assert.match((bad as { error: string }).error, /result\.recommendations\.0\.score_100/);
    assert.ok(parsePanelHostMessage({ type: 'plan', requestId: 4, result: { fieldRanges: { learning_rate: 'a number' }, errors: [{ field: 'learning_rate', message: 'must be …' }] } }).ok);
    assert.ok(parsePanelHostMessage({ type: 'generated', requestId: 5, path: '/d/a.ipynb', examples: 3, excluded: 0 }).ok);
    assert.ok(parsePanelHostMessage({ type: 'generated', requestId: 5, path: '/d/a.ipynb', datasetPath: '/d/a.normalized.jsonl', examples: 3, excluded: 0 }).ok);
    assert.ok(parsePanelHostMessage({ type: 'error', message: 'Cancelled.' }).ok);
  });

  it('reads p95 / p99 / max tokens from the report, and fails on a report without them', () => {
    const report = { encoding: 'o200k_base', total_examples: 3, token_stats: { total: { p95: 40, p99: 41.5, max: 42, mean: 20 } } };
    assert.deepEqual(datasetTokensFromReport(report), { examples: 3, encoding: 'o200k_base', p95: 40, p99: 41.5, max: 42 });
    assert.throws(() => datasetTokensFromReport({ encoding: 'o200k_base', total_examples: 3 }), /token_stats/);
  });

  it('pages: one custom element under the nonce CSP; a bad element name is refused', () => {
    const page = webviewPageHtml({ cspSource: 'vscode-resource:', nonce: 'abc', scriptUri: 's.js', styleUri: 's.css', title: 'T', element: 'slmgen-recommend-panel' });
    assert.match(page, /<slmgen-recommend-panel><\/slmgen-recommend-panel>/);
    assert.match(page, /script-src 'nonce-abc'/);
    assert.throws(() => webviewPageHtml({ cspSource: 'x', nonce: 'n', scriptUri: 's', styleUri: 'c', title: 't', element: 'script' }), /not a custom element name/);
  });
});
