import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { AssembledRecord, AssembledText } from '../../../src/core/parse/recordAssembler';
import { MAX_MULTILINE_LINES, RecordAssembler, assembleText, utf8Length } from '../../../src/core/parse/recordAssembler';
import { assembleBytes, coverageProblem, utf8 } from './parseHelpers';

const FIXTURES = join(__dirname, '..', '..', 'fixtures', 'parse');
const records = (items: AssembledRecord[]): AssembledText[] => items.filter((i): i is AssembledText => i.kind === 'record');
const shape = (items: AssembledRecord[]): string[] =>
  items.map((i) => (i.kind === 'blank' ? `blank ${i.line}` : `${i.multiline ? 'multi' : 'single'} ${i.span.startLine}-${i.span.endLine}`));

describe('RecordAssembler', () => {
  it('emits one record per line and counts blank and whitespace-only lines', () => {
    const items = assembleText('{"a":1}\n\n   \t\n{"b":2}\n');
    assert.deepEqual(shape(items), ['single 0-0', 'blank 1', 'blank 2', 'single 3-3']);
    assert.deepEqual(records(items)[1]!.span, { startLine: 3, endLine: 3, endCharacter: 7, byteOffset: 14, byteLength: 7 });
  });

  it('joins a pretty-printed object between two normal lines into one record', () => {
    const pretty = JSON.stringify({ messages: [{ role: 'user', content: 'a [ { "' }, { role: 'assistant', content: 'b' }] }, null, 2);
    const doc = `{"x":1}\n${pretty}\n{"y":2}\n`;
    const items = assembleText(doc);
    const lines = pretty.split('\n');
    assert.deepEqual(shape(items), ['single 0-0', `multi 1-${lines.length}`, `single ${lines.length + 1}-${lines.length + 1}`]);
    const multi = records(items)[1]!;
    assert.equal(multi.text, pretty);
    assert.deepEqual(JSON.parse(multi.text), JSON.parse(pretty));
    assert.equal(multi.span.endCharacter, 1);
    assert.equal(multi.span.byteOffset, 8);
    assert.equal(multi.span.byteLength, utf8Length(pretty));
    assert.equal(coverageProblem(items, lines.length + 2), null);
  });

  it('does the same through the byte pipeline with CRLF line ends', () => {
    const pretty = JSON.stringify({ a: [1, { b: 'c' }] }, null, 2).replace(/\n/g, '\r\n');
    const bytes = utf8(`{"x":1}\r\n${pretty}\r\n{"y":2}\r\n`);
    const { items, lineCount } = assembleBytes(bytes, [5, 17]);
    const multi = records(items)[1]!;
    assert.equal(multi.multiline, true);
    assert.deepEqual(JSON.parse(multi.text), { a: [1, { b: 'c' }] });
    assert.equal(multi.span.byteLength, utf8Length(pretty));
    assert.equal(coverageProblem(items, lineCount), null);
  });

  it('never swallows normal lines after an unbalanced { line', () => {
    const doc = '{"messages": [{"role": "user"\n{"a":1}\n\n{"b":2}\n[\n{"c":3}';
    const items = assembleText(doc);
    assert.deepEqual(shape(items), ['single 0-0', 'single 1-1', 'blank 2', 'single 3-3', 'single 4-4', 'single 5-5']);
  });

  it('finds a valid pretty-printed record after a broken opener', () => {
    const items = assembleText('{"a": 1,\n{\n  "b": 1\n}\n{"c":2}');
    assert.deepEqual(shape(items), ['single 0-0', 'multi 1-3', 'single 4-4']);
  });

  it('emits the lines one by one when the balanced group does not parse', () => {
    const items = assembleText('{\n  "a": 1,\n}\n');
    assert.deepEqual(shape(items), ['single 0-0', 'single 1-1', 'single 2-2']);
  });

  it('keeps single-line records that fail to parse', () => {
    const items = assembleText('{"a":1}}\nnot json\n[]]');
    assert.deepEqual(shape(items), ['single 0-0', 'single 1-1', 'single 2-2']);
    assert.equal(records(items)[1]!.text, 'not json');
  });

  it('ignores brackets and escaped quotes inside strings when balancing', () => {
    const items = assembleText('{"a": "}\\" {"\n}\n');
    assert.deepEqual(shape(items), ['multi 0-1']);
    assert.deepEqual(JSON.parse(records(items)[0]!.text), { a: '}" {' });
  });

  it('gives up after MAX_MULTILINE_LINES lines', () => {
    const lines = ['{', ...Array.from({ length: MAX_MULTILINE_LINES + 5 }, (_, i) => `"k${i}": ${i},`), '"end": 0', '}'];
    const items = assembleText(lines.join('\n'));
    assert.equal(items.length, lines.length);
    assert.ok(items.every((i) => i.kind === 'record' && !i.multiline));
  });

  it('stays linear and complete on adversarial openers', () => {
    for (const opener of ['[', '{"a": [', '{"a": 1,']) {
      const lines = Array.from({ length: 30_000 }, (_, i) => (i % 7 === 3 ? '{"ok":1}' : opener));
      const items = assembleText(lines.join('\n'));
      assert.equal(coverageProblem(items, lines.length), null, opener);
      assert.equal(items.length, lines.length);
    }
  });

  it('carries the first invalid UTF-8 position into the record', () => {
    const bytes = new Uint8Array([...utf8('{"a":"x'), 0xff, ...utf8('"}\n{"b":1}\n')]);
    const { items } = assembleBytes(bytes);
    assert.deepEqual(records(items)[0]!.invalidUtf8, { line: 0, character: 7 });
    assert.equal(records(items)[1]!.invalidUtf8, undefined);
    assert.equal(records(items)[1]!.text, '{"b":1}');
  });

  it('holds a group open across push calls and flushes it at end()', () => {
    const asm = new RecordAssembler();
    assert.deepEqual(asm.push({ line: 0, byteOffset: 0, byteLength: 1, text: '{' }), []);
    assert.deepEqual(asm.push({ line: 1, byteOffset: 2, byteLength: 6, text: '"a": 1' }), []);
    const tail = asm.end();
    assert.deepEqual(shape(tail), ['single 0-0', 'single 1-1']);
  });

  it('assembleText gives no extra line for a final newline and nothing for an empty document', () => {
    assert.deepEqual(assembleText(''), []);
    assert.deepEqual(shape(assembleText('{}\n')), ['single 0-0']);
    assert.deepEqual(shape(assembleText('{}\n\n')), ['single 0-0', 'blank 1']);
  });

  it('reads the pretty-printed fixture', () => {
    const { items, lineCount } = assembleBytes(new Uint8Array(readFileSync(join(FIXTURES, 'pretty.jsonl'))));
    assert.equal(coverageProblem(items, lineCount), null);
    assert.deepEqual(
      records(items).map((r) => r.multiline),
      [false, true, false, true],
    );
    assert.equal(items.filter((i) => i.kind === 'blank').length, 1);
  });
});
