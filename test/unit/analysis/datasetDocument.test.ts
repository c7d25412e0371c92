import assert from 'node:assert/strict';
import { DatasetDocument } from '../../../src/core/analysis/datasetDocument';
import { createEstimateEncoder } from '../../../src/core/tokens/estimate';
import { TokenCounter } from '../../../src/core/tokens/tokenCounter';

const ex = (q: string, a: string) => JSON.stringify({ messages: [{ role: 'user', content: q }, { role: 'assistant', content: a }] });

function makeDoc() {
  return new DatasetDocument({
    counter: new TokenCounter(createEstimateEncoder('o200k_base')),
    countMode: 'raw',
    maxSeqLength: 2048,
    encoding: 'o200k_base',
    tokensExact: false,
  });
}

describe('DatasetDocument (incremental re-checks for editors)', () => {
  it('re-checks only the edited record and shifts later findings', () => {
    const doc = makeDoc();
    const lines = [ex('What is one plus one?', 'Two.'), 'not json', ex('Name a fruit.', 'An apple is a fruit.'), '{"bad": 1}'];
    doc.setText(lines.join('\n') + '\n');
    assert.deepEqual(
      doc.findings().filter((f) => f.severity === 'error').map((f) => [f.code, f.range.start.line]),
      [['invalid-json', 1], ['unknown-shape', 3]],
    );
    // Fix line 1 and insert a new line before line 3: later findings move down by one.
    const change = doc.applyChange(1, 2, ex('Say hi.', 'Hi there, nice to meet you.') + '\n' + ex('Count to three.', 'One, two, three.'));
    assert.equal(change.records, 2 + (change.recheckedTo - change.recheckedFrom - 2));
    assert.ok(change.recheckedTo - change.recheckedFrom <= 4, 'only the neighbourhood of the edit is re-checked');
    const errors = doc.findings().filter((f) => f.severity === 'error').map((f) => [f.code, f.range.start.line]);
    assert.deepEqual(errors, [['unknown-shape', 4]]);
    assert.equal(doc.report().total_examples, 4);
  });

  it('reports a new exact duplicate at once and matches a full re-analysis', () => {
    const doc = makeDoc();
    const a = ex('What colour is the sky?', 'The sky is usually blue during the day.');
    const b = ex('What colour is grass?', 'Grass is green.');
    doc.setText([a, b].join('\n'));
    const change = doc.applyChange(1, 2, ex('What colour is the sky?', 'The  sky is usually blue during the day.'));
    assert.deepEqual(change.duplicates, [{ line: 1, firstCopyLine: 0 }]);
    const fresh = makeDoc();
    fresh.setText([a, ex('What colour is the sky?', 'The  sky is usually blue during the day.')].join('\n'));
    assert.deepEqual(doc.report(), fresh.report());
    assert.equal(doc.report().duplicates.count, 1);
  });

  it('handles deleting every line', () => {
    const doc = makeDoc();
    doc.setText([ex('a b c d e f', 'g h i j k l'), ex('m n o p', 'q r s t')].join('\n'));
    doc.applyChange(0, 2, '');
    assert.equal(doc.lineCount, 0);
    assert.equal(doc.report().total_examples, 0);
    assert.ok(doc.findings().some((f) => f.code === 'no-examples'));
  });
});
