import assert from 'node:assert/strict';
import fc from 'fast-check';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ArrayElement, ArrayError } from '../../../src/core/parse/jsonArraySplitter';
import { JsonArraySplitter } from '../../../src/core/parse/jsonArraySplitter';
import { offsetToPosition } from '../../../src/core/parse/jsonError';
import { utf8Length } from '../../../src/core/parse/recordAssembler';

const FIXTURES = join(__dirname, '..', '..', 'fixtures', 'parse');

function run(chunks: readonly string[], base?: number): { elements: ArrayElement[]; error?: ArrayError } {
  const splitter = new JsonArraySplitter(base === undefined ? {} : { byteOffsetBase: base });
  const elements: ArrayElement[] = [];
  for (const chunk of chunks) elements.push(...splitter.push(chunk));
  const end = splitter.end();
  elements.push(...end.elements);
  return end.error ? { elements, error: end.error } : { elements };
}

function offsetOf(text: string, line: number, character: number): number {
  let at = 0;
  for (let l = 0; l < line; l++) at = text.indexOf('\n', at) + 1;
  return at + character;
}

function cutEverywhere(text: string): string[][] {
  const out: string[][] = [];
  for (let a = 0; a <= text.length; a++) out.push([text.slice(0, a), text.slice(a)]);
  return out;
}

describe('JsonArraySplitter', () => {
  const fixture = readFileSync(join(FIXTURES, 'array.json'), 'utf8');

  it('emits each top-level element of the fixture with its location', () => {
    const { elements, error } = run([fixture]);
    assert.equal(error, undefined);
    assert.equal(elements.length, 4);
    for (const el of elements) {
      JSON.parse(el.text);
      // The recorded start/end positions point at the element's first and past its last character.
      const start = fixture.indexOf(el.text);
      assert.deepEqual(offsetToPosition(fixture, start, 0), { line: el.startLine, character: el.startCharacter });
      assert.deepEqual(offsetToPosition(fixture, start + el.text.length, 0), { line: el.endLine, character: el.endCharacter });
      assert.equal(el.byteOffset, utf8Length(fixture.slice(0, start)));
      assert.equal(el.byteLength, utf8Length(el.text));
    }
    assert.deepEqual(JSON.parse(elements[1]!.text), {
      messages: [
        { role: 'user', content: 'brackets ] } [ { and "quotes" and \\' },
        { role: 'assistant', content: 'nested', extra: [[1, [2]], { a: ['}'] }] },
      ],
    });
    assert.equal(elements[3]!.text, '"é😀"');
  });

  it('gives the same elements for a chunk boundary at every position', () => {
    const expected = run([fixture]);
    for (const chunks of cutEverywhere(fixture)) assert.deepEqual(run(chunks), expected);
    assert.deepEqual(run([...fixture]), expected);
  });

  it('handles empty arrays, primitives and surrounding whitespace', () => {
    assert.deepEqual(run([' [ ] \n']), { elements: [] });
    const { elements } = run(['[1, "a,b" ,\n null ]']);
    assert.deepEqual(elements.map((e) => e.text), ['1', '"a,b"', 'null']);
    assert.deepEqual([elements[2]!.startLine, elements[2]!.startCharacter, elements[2]!.endCharacter], [1, 1, 5]);
  });

  it('skips a leading U+FEFF and offsets bytes by byteOffsetBase', () => {
    const splitter = new JsonArraySplitter();
    const [el] = splitter.push('\uFEFF[{"a":1}]');
    assert.equal(splitter.hasBom, true);
    assert.deepEqual([el!.startCharacter, el!.byteOffset], [1, 4]);
    assert.equal(run(['[{"a":1}]'], 3).elements[0]!.byteOffset, 4);
  });

  it('reports a top level that is not an array', () => {
    assert.deepEqual(run(['\n  {"a": 1}']).error, {
      line: 1,
      character: 2,
      message: "Expected '[' to start a top-level array of records but found '{'",
    });
    assert.deepEqual(run(['']).error?.message, "Expected '[' to start a top-level array of records but found end of input");
  });

  it('reports an unterminated array at the end and still emits the open element', () => {
    const { elements, error } = run(['[{"a":1},\n{"b":[2,']);
    assert.deepEqual(elements.map((e) => e.text), ['{"a":1}', '{"b":[2,']);
    assert.deepEqual(error, { line: 1, character: 8, message: "Unterminated array: expected ',' or ']' but found end of input" });
    assert.equal(run(['[1,']).error?.message, "Unterminated array: expected ',' or ']' but found end of input");
    assert.equal(run(['[ "a]']).elements[0]!.text, '"a]');
  });

  it('reports empty elements and text after the array', () => {
    assert.deepEqual(run(['[1,]']).error, { line: 0, character: 3, message: "Expected a JSON value after ',' but found ']'" });
    assert.deepEqual(run(['[1,,2]']).elements.map((e) => e.text), ['1', '2']);
    assert.equal(run(['[,1]']).error?.message, "Expected a JSON value or ']' but found ','");
    assert.deepEqual(run(['[1]\n x']).error, { line: 1, character: 1, message: "Unexpected text after the top-level array: 'x'" });
  });

  it('leaves a missing comma to the element parser', () => {
    assert.deepEqual(run(['[{"a":1} {"b":2}]']).elements.map((e) => e.text), ['{"a":1} {"b":2}']);
  });

  it('round-trips arbitrary arrays at arbitrary chunk boundaries (property)', () => {
    fc.assert(
      fc.property(fc.array(fc.jsonValue(), { maxLength: 8 }), fc.nat({ max: 4 }), fc.array(fc.nat(), { maxLength: 5 }), (values, indent, cuts) => {
        const text = JSON.stringify(values, null, indent);
        const offsets = [...new Set(cuts.map((c) => c % (text.length + 1)))].sort((a, b) => a - b);
        const chunks: string[] = [];
        let prev = 0;
        for (const at of [...offsets, text.length]) {
          chunks.push(text.slice(prev, at));
          prev = at;
        }
        const { elements, error } = run(chunks);
        assert.equal(error, undefined);
        assert.deepEqual(elements.map((e) => JSON.parse(e.text)), JSON.parse(text));
        for (const el of elements) {
          const at = offsetOf(text, el.startLine, el.startCharacter);
          assert.equal(text.slice(at, at + el.text.length), el.text);
          assert.deepEqual(offsetToPosition(text, at + el.text.length, 0), { line: el.endLine, character: el.endCharacter });
          assert.equal(el.byteOffset, utf8Length(text.slice(0, at)));
          assert.equal(el.byteLength, utf8Length(el.text));
        }
      }),
      { numRuns: 500 },
    );
  });

  it('notes every structural problem (the first is the one reported), and resumes at an element as a full run would be there', () => {
    const text = '[\n  {"a": 1},,\n  {"b": 2},\n  3,\n]';
    const full = new JsonArraySplitter();
    const all = full.push(text);
    const fullEnd = full.end();
    all.push(...fullEnd.elements);
    assert.deepEqual(fullEnd.errors.map((e) => [e.line, e.character]), [[1, 11], [4, 0]]);
    assert.deepEqual(fullEnd.error, fullEnd.errors[0]);
    // From the second element on (after a comma), the rest splits exactly as it did in the full run.
    const second = all[1]!;
    const lines = text.split('\n');
    const rest = [lines[second.startLine]!.slice(second.startCharacter), ...lines.slice(second.startLine + 1)].join('\n');
    const resumed = new JsonArraySplitter({ resume: { line: second.startLine, character: second.startCharacter, first: false } });
    const tail = resumed.push(rest);
    const resumedEnd = resumed.end();
    tail.push(...resumedEnd.elements);
    const positions = (els: ArrayElement[]) => els.map((e) => [e.text, e.startLine, e.startCharacter, e.endLine, e.endCharacter]);
    assert.deepEqual(positions(tail), positions(all.slice(1)));
    assert.deepEqual(resumedEnd.errors, fullEnd.errors.slice(1));
  });
});

