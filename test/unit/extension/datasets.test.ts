import assert from 'node:assert/strict';
import { BYTES_PER_MB, MERGE_CONFLICT_ADVICE_BYTES, VSCODE_SYNC_LIMIT_BYTES, adviseMergeConflictOff, analysisSource, datasetDocumentSelector, diskThresholdBytes, editorGlob, isDatasetPath, tabNeedsDiskAnalysis } from '../../../src/extension/datasets';
import { globToRegExp } from '../../../src/lsp/documentSelection';
import { DEFAULT_JSON_ARRAY_GLOB } from '../../../src/shared/lspProtocol';

describe('extension: datasets and large files', () => {
  it('recognises JSON Lines paths by extension, in any case', () => {
    for (const p of ['/a/train.jsonl', '/a/B.NDJSON', 'c:/x/y.JsonL']) assert.equal(isDatasetPath(p), true, p);
    for (const p of ['/a/train.json', '/a/jsonl', '/a/x.jsonl.gz', '/a/x.jsonlx']) assert.equal(isDatasetPath(p), false, p);
  });

  it('reads from disk above the threshold, and always above VS Code sync limit of 50 MB', () => {
    assert.equal(VSCODE_SYNC_LIMIT_BYTES, 50 * 1024 * 1024);
    assert.equal(diskThresholdBytes(10), 10 * BYTES_PER_MB);
    assert.equal(diskThresholdBytes(50), VSCODE_SYNC_LIMIT_BYTES);
    assert.equal(diskThresholdBytes(500), VSCODE_SYNC_LIMIT_BYTES, 'a file above 50 MB has no document to analyse');
    assert.equal(diskThresholdBytes(Number.NaN), VSCODE_SYNC_LIMIT_BYTES);
  });

  it('analyses an open document as a document, whatever its size', () => {
    assert.equal(analysisSource({ hasTextDocument: true, sizeBytes: 10 * VSCODE_SYNC_LIMIT_BYTES, thresholdMB: 1 }), 'document');
    assert.equal(analysisSource({ hasTextDocument: false, sizeBytes: 20 * BYTES_PER_MB, thresholdMB: 50 }), 'document');
    assert.equal(analysisSource({ hasTextDocument: false, sizeBytes: 20 * BYTES_PER_MB, thresholdMB: 10 }), 'disk');
    assert.equal(analysisSource({ hasTextDocument: false, sizeBytes: 50 * BYTES_PER_MB, thresholdMB: 50 }), 'document', 'at the threshold, not above it');
    assert.equal(analysisSource({ hasTextDocument: false, sizeBytes: 50 * BYTES_PER_MB + 1, thresholdMB: 100 }), 'disk');
  });

  it("offers to turn off the merge-conflict scan once, for a JSON Lines file of 10 MB or more, while the scan is on", () => {
    const base = { path: '/w/train.jsonl', sizeBytes: MERGE_CONFLICT_ADVICE_BYTES, decorators: true, codeLens: true, extensionPresent: true, asked: false };
    assert.equal(MERGE_CONFLICT_ADVICE_BYTES, 10 * BYTES_PER_MB);
    assert.equal(adviseMergeConflictOff(base), true);
    assert.equal(adviseMergeConflictOff({ ...base, sizeBytes: MERGE_CONFLICT_ADVICE_BYTES - 1 }), false, 'a smaller file');
    assert.equal(adviseMergeConflictOff({ ...base, path: '/w/notes.txt' }), false, 'not a dataset');
    assert.equal(adviseMergeConflictOff({ ...base, decorators: false }), true, 'code lenses still scan');
    assert.equal(adviseMergeConflictOff({ ...base, decorators: false, codeLens: false }), false, 'the scan is off already');
    assert.equal(adviseMergeConflictOff({ ...base, extensionPresent: false }), false, 'no merge-conflict extension');
    assert.equal(adviseMergeConflictOff({ ...base, asked: true }), false, 'asked already (or never again)');
  });

  it('sends a tab to disk analysis only for a large JSON Lines file without a document', () => {
    const big = 60 * BYTES_PER_MB;
    assert.equal(tabNeedsDiskAnalysis({ path: '/d/big.jsonl', hasTextDocument: false, sizeBytes: big, thresholdMB: 50 }), true);
    assert.equal(tabNeedsDiskAnalysis({ path: '/d/big.ndjson', hasTextDocument: false, sizeBytes: big, thresholdMB: 50 }), true);
    assert.equal(tabNeedsDiskAnalysis({ path: '/d/big.jsonl', hasTextDocument: true, sizeBytes: big, thresholdMB: 50 }), false);
    assert.equal(tabNeedsDiskAnalysis({ path: '/d/big.csv', hasTextDocument: false, sizeBytes: big, thresholdMB: 50 }), false);
    assert.equal(tabNeedsDiskAnalysis({ path: '/d/small.jsonl', hasTextDocument: false, sizeBytes: 1024, thresholdMB: 50 }), false, 'a small tab is waiting for its document');
  });

  it('selects JSON Lines (saved and untitled), .ndjson files, and JSON arrays only through the glob', () => {
    assert.deepEqual(datasetDocumentSelector(''), [
      { language: 'jsonl', scheme: 'file' },
      { language: 'jsonl', scheme: 'untitled' },
      { scheme: 'file', pattern: '**/*.ndjson' },
    ]);
    assert.deepEqual(datasetDocumentSelector('  **/data/*.json ').at(-1), { language: 'json', scheme: 'file', pattern: '**/data/*.json' });
  });

  it('matches JSON array files at any depth, as the server does', () => {
    assert.equal(editorGlob(DEFAULT_JSON_ARRAY_GLOB), DEFAULT_JSON_ARRAY_GLOB);
    assert.equal(editorGlob('train*.json'), '**/train*.json');
    assert.equal(editorGlob('/abs/data.json'), '/abs/data.json');
    assert.equal(editorGlob('  '), '');
    // The prefix changes nothing on the server's side: both spellings select the same paths there.
    for (const path of ['/w/train.json', '/w/sub/train_v2.json', '/w/package.json', '/w/sub/x/train.jsonc']) {
      assert.equal(globToRegExp(editorGlob('train*.json')).test(path), globToRegExp('train*.json').test(path), path);
    }
  });
});
