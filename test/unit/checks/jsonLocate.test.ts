import assert from 'node:assert/strict';
import { locateKey, locateRecord, locateValue, mapStringOffsets, positionAt, rangeAt } from '../../../src/core/parse/jsonLocate';
import { spanOf } from './applyEdits';

const slice = (text: string, span: { start: number; end: number } | null): string | null =>
  span ? text.slice(span.start, span.end) : null;

describe('jsonLocate', () => {
  const text = '{"messages": [{"role": "system", "content": "a } ] \\" x"}, {"role": "User", "content": [1, {"k": null}]}], "n": -1.5e3}';

  it('locates a nested value including the quotes of a string', () => {
    assert.equal(slice(text, locateValue(text, ['messages', 1, 'role'])), '"User"');
    assert.equal(slice(text, locateValue(text, ['messages', 0, 'content'])), '"a } ] \\" x"');
    assert.equal(slice(text, locateValue(text, ['messages', 1, 'content', 1])), '{"k": null}');
    assert.equal(slice(text, locateValue(text, ['n'])), '-1.5e3');
    assert.equal(slice(text, locateValue(text, [])), text);
  });

  it('returns null for paths that do not exist or do not match the value type', () => {
    assert.equal(locateValue(text, ['messages', 5]), null);
    assert.equal(locateValue(text, ['nope']), null);
    assert.equal(locateValue(text, ['messages', 'role']), null);
    assert.equal(locateValue(text, ['n', 0]), null);
  });

  it('locates the key of the last path element, null for an index', () => {
    assert.equal(slice(text, locateKey(text, ['messages', 1, 'content'])), '"content"');
    assert.equal(locateKey(text, ['messages', 1]), null);
  });

  it('uses the last of duplicate keys, like JSON.parse', () => {
    const dup = '{"a": 1, "a": 22}';
    assert.equal(JSON.parse(dup).a, 22);
    assert.equal(slice(dup, locateValue(dup, ['a'])), '22');
  });

  it('matches escaped keys by their decoded value', () => {
    const escaped = '{"r\\u006fle": "x"}';
    assert.equal(slice(escaped, locateValue(escaped, ['role'])), '"x"');
  });

  it('trims whitespace and a BOM around the record', () => {
    const padded = '\uFEFF  {"a": 1} \r';
    assert.equal(slice(padded, locateRecord(padded)), '{"a": 1}');
  });

  it('maps decoded string offsets back to the source through escapes', () => {
    const literal = '{"c": "a\\nb\\u00e9c"}';
    const start = literal.indexOf('"a');
    const offsets = mapStringOffsets(literal, start);
    assert.equal(offsets.length, 'a\nbéc'.length + 1);
    assert.deepEqual(offsets, [start + 1, start + 2, start + 4, start + 5, start + 11, start + 12]);
  });

  it('converts offsets to document positions on multi-line records', () => {
    const record = '{\n  "a": "x",\r\n  "b": 1\n}';
    const span = spanOf(record, 7);
    const b = locateValue(record, ['b'])!;
    assert.deepEqual(positionAt(record, b.start, span), { line: 9, character: 7 });
    assert.deepEqual(rangeAt(record, locateRecord(record), span), {
      start: { line: 7, character: 0 },
      end: { line: 10, character: 1 },
    });
  });
});
