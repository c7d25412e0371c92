import assert from 'node:assert/strict';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { analyzeDatasetBytes } from '../../src/core/analysis/analyzeBytes';
import { estimateReadOptions } from '../../src/core/transform/datasetRecords';
import type { ConvertResult, DuplicatesResult, SarifResult, SplitResult } from '../../src/shared/lspProtocol';
import { CONVERT_METHOD, DUPLICATES_METHOD, SARIF_METHOD, SPLIT_METHOD } from '../../src/shared/lspProtocol';
import { LspTestClient, ROOT } from './lspClient';

const NEAR = readFileSync(join(ROOT, 'test/fixtures/workspace/near-duplicates.jsonl'), 'utf8');

describe('language server: duplicates, SARIF, split and convert requests', function () {
  this.timeout(60_000);
  let client: LspTestClient;
  let dir: string;
  let uri: string;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'slmgen-lsp-transform-'));
    client = new LspTestClient();
    await client.initialize();
    uri = pathToFileURL(join(dir, 'near.jsonl')).href;
    // The document's text differs from the (absent) file on disk: the requests must use the editor's text.
    await client.notify('textDocument/didOpen', { textDocument: { uri, languageId: 'jsonl', version: 1, text: NEAR } });
    await client.wholeFile(uri, 1);
  });

  after(() => {
    client.kill();
    rmSync(dir, { recursive: true, force: true });
  });

  it('slmgen/duplicates answers the groups a fresh analysis of the text finds', async () => {
    const result = await client.request<DuplicatesResult>(DUPLICATES_METHOD, { uri });
    const fresh = analyzeDatasetBytes(new TextEncoder().encode(NEAR), estimateReadOptions(0.8)).report;
    assert.equal(result.version, 1);
    assert.deepEqual(result.exact, fresh.duplicates.exact.groups);
    assert.deepEqual(result.near, fresh.duplicates.near.groups);
    assert.deepEqual(result.contradictions, fresh.contradictions.groups);
    assert.deepEqual(result.exact.map((g) => g.lines), [[6, 21]]);
    assert.deepEqual(result.near.map((g) => g.lines), [[4, 12, 19]]);
    assert.equal(result.nearThreshold, 0.8);
  });

  it('slmgen/sarif answers a SARIF 2.1.0 log of every finding, naming the file as asked', async () => {
    const result = await client.request<SarifResult>(SARIF_METHOD, { uri, artifactUri: 'data/near.jsonl' });
    const log = result.sarif as { version: string; runs: { results: { ruleId: string; locations: { physicalLocation: { artifactLocation: { uri: string }; region: { startLine: number } } }[] }[] }[] };
    assert.equal(log.version, '2.1.0');
    const results = log.runs[0]!.results;
    assert.equal(results.length, result.results);
    assert.ok(results.every((r) => r.locations[0]!.physicalLocation.artifactLocation.uri === 'data/near.jsonl'));
    assert.deepEqual(results.filter((r) => r.ruleId === 'invalid-json').map((r) => r.locations[0]!.physicalLocation.region.startLine), [13]);
  });

  it('slmgen/split writes two files with no group across them, lists the invalid lines, and never overwrites unasked', async () => {
    const trainPath = join(dir, 'out.train.jsonl');
    const valPath = join(dir, 'out.val.jsonl');
    const result = await client.request<SplitResult>(SPLIT_METHOD, { uri, valRatio: 0.2, seed: 5, trainPath, valPath });
    const sourceLines = NEAR.split('\n');
    // Each written line is a source line as written; identical lines (exact duplicates) are matched in turn.
    const used = new Set<number>();
    const lineNumbers = (path: string) =>
      readFileSync(path, 'utf8').trimEnd().split('\n').map((l) => {
        const i = sourceLines.findIndex((s, k) => s === l && !used.has(k));
        assert.ok(i >= 0, `written line not in the source: ${l}`);
        used.add(i);
        return i + 1;
      });
    const train = lineNumbers(trainPath);
    const val = lineNumbers(valPath);
    assert.equal(result.train, train.length);
    assert.equal(result.val, val.length);
    assert.equal(train.length + val.length, 27);
    assert.ok(val.length >= 1);
    assert.deepEqual(result.leftOut.map((r) => r.line), [13, 26]);
    assert.equal(result.leftOutCount, 2);
    assert.equal(result.groupsKeptTogether, 3);
    for (const group of [[6, 21], [4, 12, 19], [8, 23]]) {
      const sides = new Set(group.map((l) => (train.includes(l) ? 'train' : val.includes(l) ? 'val' : 'none')));
      assert.equal(sides.size, 1, `lines ${group.join(', ')} on one side`);
      assert.ok(!sides.has('none'));
    }
    await assert.rejects(client.request(SPLIT_METHOD, { uri, trainPath, valPath }), /already exists/);
    const again = await client.request<SplitResult>(SPLIT_METHOD, { uri, valRatio: 0.2, seed: 5, trainPath, valPath, overwrite: true });
    assert.deepEqual([again.train, again.val], [result.train, result.val], 'deterministic');
    await assert.rejects(client.request(SPLIT_METHOD, { uri, valRatio: 1.5 }), /valRatio/);
  });

  it('slmgen/convert writes NAME.openai.jsonl next to a file on disk and lists what it could not convert', async () => {
    const file = join(dir, 'chats.jsonl');
    copyFileSync(join(ROOT, 'test/fixtures/workspace/sharegpt.jsonl'), file);
    writeFileSync(file, `${readFileSync(file, 'utf8')}{"unknown": true}\n`);
    const result = await client.request<ConvertResult>(CONVERT_METHOD, { uri: pathToFileURL(file).href });
    assert.equal(result.path, join(dir, 'chats.openai.jsonl'));
    const lines = readFileSync(result.path, 'utf8').trimEnd().split('\n');
    assert.equal(lines.length, result.converted);
    assert.equal(result.converted, 4);
    assert.deepEqual(result.notConverted.map((r) => [r.line, r.code]), [[5, 'unknown-shape']]);
    for (const line of lines) assert.ok(Array.isArray((JSON.parse(line) as { messages: unknown[] }).messages));
    await assert.rejects(client.request(CONVERT_METHOD, { uri: pathToFileURL(file).href }), /already exists/);
  });
});

describe('language server: the sensitive-data scan setting', function () {
  this.timeout(60_000);
  it('slmgen.analysis.sensitiveDataScan false re-checks open datasets without pii/secret findings, true brings them back', async () => {
    const client = new LspTestClient();
    try {
      await client.initialize();
      const uri = 'file:///tmp/slmgen-sensitive-test.jsonl';
      const record = JSON.stringify({ messages: [{ role: 'user', content: 'Mail me at jane.doe@example.com please.' }, { role: 'assistant', content: 'I will write to you there shortly.' }] });
      await client.notify('textDocument/didOpen', { textDocument: { uri, languageId: 'jsonl', version: 1, text: `${record}\n` } });
      const hasPii = (p: { diagnostics: { code?: string | number }[] }) => p.diagnostics.some((d) => d.code === 'pii-email');
      assert.ok(hasPii(await client.wholeFile(uri, 1)), 'found with the default settings');
      const seen = client.published(uri).length;
      client.settings = { analysis: { sensitiveDataScan: false } };
      await client.notify('workspace/didChangeConfiguration', { settings: null });
      const off = await client.waitForDiagnostics(uri, (p) => p.diagnostics.length > 0 && !hasPii(p), seen);
      assert.ok(off.diagnostics.every((d) => !/^(pii|secret)-/.test(String(d.code))));
      const seenOff = client.published(uri).length;
      client.settings = { analysis: { sensitiveDataScan: true } };
      await client.notify('workspace/didChangeConfiguration', { settings: null });
      await client.waitForDiagnostics(uri, hasPii, seenOff);
    } finally {
      client.kill();
    }
  });
});
