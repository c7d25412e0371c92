import assert from 'node:assert/strict';
import fc from 'fast-check';
import { TextDocument } from 'vscode-languageserver-textdocument';
import type { TextDocumentContentChangeEvent } from 'vscode-languageserver/node';
import { LineText, splitLines } from '../../src/lsp/lineText';

// Text made of the characters that matter to lines: every kind of break, and surrogate pairs.
const piece = fc.constantFrom('a', 'b', '{"x": 1}', '\n', '\r', '\r\n', '😀', ' ');
const text = fc.array(piece, { maxLength: 30 }).map((parts) => parts.join(''));
const position = fc.record({ line: fc.integer({ min: -1, max: 12 }), character: fc.integer({ min: -1, max: 20 }) });
const change: fc.Arbitrary<TextDocumentContentChangeEvent> = fc.oneof(
  { weight: 9, arbitrary: fc.record({ range: fc.record({ start: position, end: position }), text }) },
  { weight: 1, arbitrary: fc.record({ text }) },
);

describe('language server: LineText (an open document as lines)', () => {
  it('splits at \\r\\n, \\r and \\n, keeping each break, the last line without one', () => {
    assert.deepEqual(splitLines('a\r\nb\rc\nd'), ['a\r\n', 'b\r', 'c\n', 'd']);
    assert.deepEqual(splitLines('x\n'), ['x\n', '']);
    assert.deepEqual(splitLines(''), ['']);
  });

  it('after any edits, holds exactly the text vscode-languageserver-textdocument holds and the line count of that text', () => {
    fc.assert(
      fc.property(text, fc.array(fc.array(change, { minLength: 1, maxLength: 3 }), { maxLength: 8 }), (initial, batches) => {
        let reference = TextDocument.create('file:///t.jsonl', 'jsonl', 1, initial);
        const ours = new LineText('file:///t.jsonl', 'jsonl', 1, initial);
        let version = 1;
        for (const batch of batches) {
          version++;
          // The library applied one change at a time to a fresh document: its line table drifts after a change that
          // puts text past the end (seen: "\r\n\r" inserted at line 8 of an empty text left it with 11 lines).
          for (const c of batch) reference = TextDocument.create('file:///t.jsonl', 'jsonl', version, TextDocument.update(reference, [c], version).getText());
          ours.update(batch, version);
          assert.equal(ours.getText(), reference.getText());
          assert.equal(ours.lineCount, reference.lineCount);
          assert.equal(ours.version, version);
        }
      }),
      { numRuns: 3000 },
    );
  });
});
