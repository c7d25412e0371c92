import { decodeLine } from '../../../src/core/parse/decodeLine';
import type { RawLine } from '../../../src/core/parse/lineSplitter';
import { LineSplitter } from '../../../src/core/parse/lineSplitter';
import type { AssembledRecord } from '../../../src/core/parse/recordAssembler';
import { RecordAssembler } from '../../../src/core/parse/recordAssembler';

export const utf8 = (text: string): Uint8Array => new TextEncoder().encode(text);

/** Push `bytes` cut at the given offsets (sorted, in range) and collect every line. */
export function splitAt(bytes: Uint8Array, cuts: readonly number[]): { lines: RawLine[]; splitter: LineSplitter } {
  const splitter = new LineSplitter();
  const lines: RawLine[] = [];
  let prev = 0;
  for (const cut of [...cuts, bytes.length]) {
    for (const l of splitter.push(bytes.slice(prev, cut))) lines.push(copyLine(l));
    prev = cut;
  }
  for (const l of splitter.end()) lines.push(copyLine(l));
  return { lines, splitter };
}

/** Push in fixed-size chunks. */
export function splitEvery(bytes: Uint8Array, size: number): { lines: RawLine[]; splitter: LineSplitter } {
  const cuts: number[] = [];
  for (let at = size; at < bytes.length; at += size) cuts.push(at);
  return splitAt(bytes, cuts);
}

function copyLine(l: RawLine): RawLine {
  return { ...l, bytes: l.bytes.slice() };
}

/** The whole byte pipeline: split → decode → assemble. Also returns the number of lines seen. */
export function assembleBytes(bytes: Uint8Array, cuts: readonly number[] = []): { items: AssembledRecord[]; lineCount: number } {
  const { lines } = splitAt(bytes, cuts);
  const assembler = new RecordAssembler();
  const items: AssembledRecord[] = [];
  for (const raw of lines) {
    const decoded = decodeLine(raw.bytes);
    items.push(...assembler.push({ line: raw.line, byteOffset: raw.byteOffset, byteLength: raw.bytes.length, ...decoded }));
  }
  items.push(...assembler.end());
  return { items, lineCount: lines.length };
}

/** Checks that items account for lines 0..lineCount-1 exactly once, in order; returns a message or null. */
export function coverageProblem(items: readonly AssembledRecord[], lineCount: number): string | null {
  let next = 0;
  for (const item of items) {
    const start = item.kind === 'blank' ? item.line : item.span.startLine;
    const end = item.kind === 'blank' ? item.line : item.span.endLine;
    if (start !== next) return `expected line ${next}, got ${start}`;
    if (end < start) return `span ends before it starts at ${start}`;
    next = end + 1;
  }
  return next === lineCount ? null : `covered ${next} of ${lineCount} lines`;
}
