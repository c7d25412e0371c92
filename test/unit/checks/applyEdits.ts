// Test helpers: apply text edits to a document, and build the span of a record inside a document.
import type { RecordSpan } from '../../../src/core/analysis/record';
import type { Position, TextEdit } from '../../../src/core/types';

function offsetOf(text: string, position: Position): number {
  let offset = 0;
  for (let line = 0; line < position.line; line++) {
    const next = text.indexOf('\n', offset);
    if (next < 0) throw new Error(`line ${position.line} is past the end`);
    offset = next + 1;
  }
  return offset + position.character;
}

/** Apply non-overlapping edits (in any order) to `text`. */
export function applyEdits(text: string, edits: readonly TextEdit[]): string {
  const located = edits
    .map((edit) => ({ start: offsetOf(text, edit.range.start), end: offsetOf(text, edit.range.end), newText: edit.newText }))
    .sort((a, b) => b.start - a.start);
  let out = text;
  for (const edit of located) out = out.slice(0, edit.start) + edit.newText + out.slice(edit.end);
  return out;
}

/** The span of `record` when it starts at column 0 of `startLine`. */
export function spanOf(record: string, startLine = 0): RecordSpan {
  const lines = record.split('\n');
  return {
    startLine,
    endLine: startLine + lines.length - 1,
    endCharacter: lines[lines.length - 1]!.length,
    byteOffset: 0,
    byteLength: new TextEncoder().encode(record).length,
  };
}
