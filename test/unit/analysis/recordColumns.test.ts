import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { DatasetDocument } from '../../../src/core/analysis/datasetDocument';
import { DatasetStream } from '../../../src/core/analysis/datasetStream';
import type { RecordColumns } from '../../../src/core/analysis/recordColumns';
import { RecordColumnsBuilder, formatOfColumn } from '../../../src/core/analysis/recordColumns';
import { analyzeFile } from '../../../src/node/analyzeFile';
import { readRecordTexts, searchRecords } from '../../../src/node/rowIndex';
import { estimateOptions } from './analyzeText';

const ex = (q: string, a: string) => JSON.stringify({ messages: [{ role: 'user', content: q }, { role: 'assistant', content: a }] });
/** Lines a document is made of: usable records, invalid ones, an Alpaca record, blanks, a pretty-printed record. */
const POOL = [
  ex('What is the capital of France?', 'Paris is the capital of France.'),
  ex('Name a colour.', 'Blue is a colour I like a lot.'),
  JSON.stringify({ instruction: 'Add two and two.', input: '', output: 'Two and two make four.' }),
  'not json',
  JSON.stringify({ messages: [{ role: 'user', content: 'No reply.' }] }),
  '',
  '{\n  "messages": [{"role": "user", "content": "Say hi."}, {"role": "assistant", "content": "Hi there!"}]\n}',
];

/** The columns of a fresh pass of the core stream over the text (the reference), without byte ranges. */
function freshColumns(text: string): RecordColumns {
  const builder = new RecordColumnsBuilder();
  const stream = new DatasetStream(estimateOptions(), { record: (r) => builder.add(r.result), blank: () => undefined, fileFinding: () => undefined });
  stream.push(new TextEncoder().encode(text));
  stream.end();
  return builder.finish(null);
}

/** What a row list reads of the columns. */
function facts(c: RecordColumns) {
  return Array.from({ length: c.count }, (_, i) => [c.startLine[i], c.endLine[i], formatOfColumn(c.format[i] as number), c.messages[i], c.tokens[i]]);
}

describe('record columns (per-record facts for row lists)', () => {
  it('an edited document\'s columns equal a fresh pass over its text, after any line edits', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: POOL.length - 1 }), { minLength: 1, maxLength: 12 }),
        fc.array(fc.tuple(fc.nat(), fc.nat({ max: 2 }), fc.integer({ min: 0, max: POOL.length - 1 })), { maxLength: 6 }),
        (initial, edits) => {
          let lines = initial.map((k) => POOL[k] as string).join('\n').split('\n');
          const doc = new DatasetDocument(estimateOptions());
          doc.open(1, `${lines.join('\n')}\n`);
          let version = 1;
          for (const [at, deleteCount, k] of edits) {
            const line = at % (lines.length + 1);
            const removed = Math.min(deleteCount, lines.length - line);
            const inserted = (POOL[k] as string).split('\n');
            doc.applyChanges(++version, [{ range: { start: { line, character: 0 }, end: { line: line + removed, character: 0 } }, text: inserted.map((l) => `${l}\n`).join('') }]);
            lines = [...lines.slice(0, line), ...inserted, ...lines.slice(line + removed)];
            const columns = doc.recordColumns();
            assert.equal(columns.version, version);
            assert.deepEqual(facts(columns), facts(freshColumns(`${lines.join('\n')}\n`)));
          }
        },
      ),
      { numRuns: 60 },
    );
  });

  it('analyzeFile keeps each record\'s byte range, facts and own finding codes, on one thread or several', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'slmgen-columns-'));
    try {
      const lines = Array.from({ length: 300 }, (_, i) => (POOL[i % POOL.length] as string).replace('France', `France (${i})`));
      const text = `\ufeff${lines.join('\n')}\n`;
      const path = join(dir, 'data.jsonl');
      writeFileSync(path, text);
      const options = { exact: false, nearDuplicates: false, collectColumns: true };
      const one = (await analyzeFile(path, { ...options, workers: 0 })).columns!;
      const several = (await analyzeFile(path, { ...options, workers: 2, blockBytes: 2048 })).columns!;
      assert.deepEqual(facts(one), facts(freshColumns(text)));
      assert.deepEqual(several, one);
      const records = await readRecordTexts(path, one, Array.from({ length: one.count }, (_, i) => i));
      assert.deepEqual(records, lines.filter((l) => l !== ''));
      assert.deepEqual(one.codes?.get(records.indexOf('not json')), ['invalid-json']);
      assert.equal(one.codes?.has(0), false);
      const hits = await searchRecords(path, one, 'france (12)');
      assert.deepEqual([...hits.keys()].filter((i) => hits[i] === 1).map((i) => records[i]), records.filter((r) => r.toLowerCase().includes('france (12)')));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
