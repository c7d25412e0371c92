import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { analyzeDatasetBytes } from '../../../src/core/analysis/analyzeBytes';
import { convertDatasetRecords } from '../../../src/core/transform/convertDataset';
import { estimateReadOptions, readDatasetRecords } from '../../../src/core/transform/datasetRecords';

const workspace = join(__dirname, '../../fixtures/workspace');
const encode = (text: string) => new TextEncoder().encode(text);

describe('transform: convert to OpenAI messages', () => {
  it('converts ShareGPT to messages, and the result is a valid OpenAI dataset with the same examples', () => {
    const bytes = readFileSync(join(workspace, 'sharegpt.jsonl'));
    const before = analyzeDatasetBytes(bytes, estimateReadOptions());
    const out = convertDatasetRecords(readDatasetRecords(bytes, estimateReadOptions()));
    assert.equal(out.converted, before.report.total_examples + before.report.invalid_examples);
    assert.deepEqual(out.notConverted, []);
    const after = analyzeDatasetBytes(encode(out.text), estimateReadOptions());
    assert.equal(after.report.format, 'openai');
    assert.deepEqual(after.examples, before.examples, 'the same normalized examples');
    const first = JSON.parse(out.text.split('\n')[0]!) as { messages: { role: string; content: string }[] };
    assert.deepEqual(first.messages.map((m) => m.role), ['user', 'assistant']);
  });

  it('converts a JSON array of Alpaca records, one line each', () => {
    const bytes = readFileSync(join(workspace, 'alpaca-array.json'));
    const out = convertDatasetRecords(readDatasetRecords(bytes, estimateReadOptions()));
    const lines = out.text.trimEnd().split('\n');
    assert.equal(lines.length, out.converted);
    assert.ok(out.converted > 0);
    for (const line of lines) assert.ok(Array.isArray((JSON.parse(line) as { messages: unknown }).messages));
  });

  it('lists records that cannot be converted with their lines, and keeps converting the rest', () => {
    const text = ['{"prompt": "a", "completion": "b c d"}', 'not json', '{"foo": 1}', '', '{"instruction": "x", "output": ""}', '[1]'].join('\n');
    const out = convertDatasetRecords(readDatasetRecords(encode(text), estimateReadOptions()));
    assert.equal(out.converted + out.notConverted.length, 5);
    assert.deepEqual(out.notConverted.map((r) => [r.line, r.code]), [[2, 'invalid-json'], [3, 'unknown-shape'], [6, 'not-an-object']]);
    assert.equal(JSON.parse(out.text.split('\n')[0]!).messages[1].content, 'b c d');
    // An empty Alpaca output normalizes but stays an error: converted as it is, and said so.
    assert.deepEqual(out.convertedWithErrors.map((r) => r.line), [5]);
  });
});
