import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { LineSplitter } from '../../../src/core/parse/lineSplitter';
import { splitAt, splitEvery, utf8 } from './parseHelpers';

const text = (b: Uint8Array): string => new TextDecoder().decode(b);
const FIXTURES = join(__dirname, '..', '..', 'fixtures', 'parse');

describe('LineSplitter', () => {
  it('splits on \\n with 0-based line numbers and true byte offsets', () => {
    const { lines } = splitAt(utf8('ab\ncdé\n\nx'), []);
    assert.deepEqual(
      lines.map((l) => [l.line, l.byteOffset, text(l.bytes), l.hadCR, l.lastLine]),
      [
        [0, 0, 'ab', false, false],
        [1, 3, 'cdé', false, false],
        [2, 8, '', false, false],
        [3, 9, 'x', false, true],
      ],
    );
  });

  it('emits a final line without newline from end() and no extra line after a final \\n', () => {
    const s = new LineSplitter();
    assert.equal(s.push(utf8('a\nb')).length, 1);
    const tail = s.end();
    assert.equal(tail.length, 1);
    assert.equal(text(tail[0]!.bytes), 'b');
    assert.equal(tail[0]!.lastLine, true);
    assert.equal(s.endsWithNewline, false);

    const { lines, splitter } = splitAt(utf8('a\nb\n'), []);
    assert.deepEqual(lines.map((l) => text(l.bytes)), ['a', 'b']);
    assert.equal(lines[1]!.lastLine, true);
    assert.equal(splitter.endsWithNewline, true);
  });

  it('returns nothing for an empty stream and one empty line for "\\n"', () => {
    assert.deepEqual(splitAt(new Uint8Array(0), []).lines, []);
    const { lines } = splitAt(utf8('\n'), []);
    assert.equal(lines.length, 1);
    assert.equal(lines[0]!.bytes.length, 0);
    assert.equal(lines[0]!.lastLine, true);
  });

  it('strips CR before LF and at the end of the stream, keeping byte offsets exact', () => {
    const { lines } = splitAt(utf8('{"a":1}\r\n{"b":2}\r\nlast\r'), []);
    assert.deepEqual(lines.map((l) => [text(l.bytes), l.hadCR, l.byteOffset]), [
      ['{"a":1}', true, 0],
      ['{"b":2}', true, 9],
      ['last', true, 18],
    ]);
  });

  it('strips a UTF-8 BOM from line 0 and reports it, even when split across chunks', () => {
    const bytes = utf8('\uFEFF{"a":1}\n{"b":2}\n');
    for (const cuts of [[], [1], [2], [1, 2], [3]]) {
      const { lines, splitter } = splitAt(bytes, cuts);
      assert.equal(splitter.hasBom, true, `cuts ${cuts.join(',')}`);
      assert.equal(text(lines[0]!.bytes), '{"a":1}');
      assert.equal(lines[0]!.byteOffset, 3);
      assert.equal(lines[1]!.byteOffset, 11);
    }
    assert.equal(splitAt(utf8('{"a":1}\n'), []).splitter.hasBom, false);
    // A BOM in a later line is content, not a BOM.
    const later = splitAt(utf8('a\n\uFEFFb\n'), []);
    assert.equal(later.splitter.hasBom, false);
    assert.equal(later.lines[1]!.bytes.length, 4);
  });

  it('handles streams shorter than a BOM', () => {
    const { lines, splitter } = splitAt(new Uint8Array([0xef, 0xbb]), [1]);
    assert.equal(splitter.hasBom, false);
    assert.deepEqual([...lines[0]!.bytes], [0xef, 0xbb]);
    assert.deepEqual(splitAt(new Uint8Array([0xef, 0xbb, 0xbf]), [1]).lines, []);
  });

  it('gives the same lines for a chunk boundary at every position', () => {
    const input = utf8('\uFEFF{"a":"é"}\r\n\n  \n{"b":[1,\n2]}\nno newline 😀');
    const expected = splitAt(input, []).lines;
    assert.equal(expected.length, 6);
    for (let a = 0; a <= input.length; a++) {
      assert.deepEqual(splitAt(input, [a]).lines, expected, `cut at ${a}`);
      for (let b = a; b <= input.length; b += 3) assert.deepEqual(splitAt(input, [a, b]).lines, expected, `cuts ${a},${b}`);
    }
    assert.deepEqual(splitEvery(input, 1).lines, expected);
  });

  it('does not depend on the caller keeping its chunk buffer', () => {
    const s = new LineSplitter();
    const buffer = new Uint8Array(4);
    const seen: string[] = [];
    for (const part of ['ab\nc', 'd\nef', '\n']) {
      buffer.set(utf8(part));
      seen.push(...s.push(buffer.subarray(0, part.length)).map((l) => text(l.bytes)));
      buffer.fill(0x58);
    }
    seen.push(...s.end().map((l) => text(l.bytes)));
    assert.deepEqual(seen, ['ab', 'cd', 'ef']);
  });

  it('splits a 20 MB line pushed in 64 KB chunks', () => {
    const big = new Uint8Array(20 * 1024 * 1024 + 2);
    big.fill(0x61);
    big[0] = 0x7b;
    big[big.length - 2] = 0x7d;
    big[big.length - 1] = 0x0a;
    const tail = utf8('{"next":true}\n');
    const all = new Uint8Array(big.length + tail.length);
    all.set(big);
    all.set(tail, big.length);
    const { lines } = splitEvery(all, 64 * 1024);
    assert.equal(lines.length, 2);
    assert.equal(lines[0]!.bytes.length, big.length - 1);
    assert.equal(lines[0]!.bytes[0], 0x7b);
    assert.equal(lines[0]!.bytes[big.length - 2], 0x7d);
    assert.equal(lines[1]!.byteOffset, big.length);
    assert.equal(text(lines[1]!.bytes), '{"next":true}');
  });

  it('reads the CRLF + BOM fixture', () => {
    const { lines, splitter } = splitEvery(new Uint8Array(readFileSync(join(FIXTURES, 'bom-crlf.jsonl'))), 7);
    assert.equal(splitter.hasBom, true);
    assert.equal(lines.length, 3);
    assert.ok(lines.every((l) => l.hadCR));
    assert.equal(text(lines[0]!.bytes), '{"messages":[{"role":"user","content":"hi"},{"role":"assistant","content":"hello"}]}');
  });
});
