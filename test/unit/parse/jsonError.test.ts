import assert from 'node:assert/strict';
import fc from 'fast-check';
import { describeJsonError, offsetToPosition } from '../../../src/core/parse/jsonError';

const parses = (text: string): boolean => {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
};

describe('describeJsonError', () => {
  const cases: [string, number, string][] = [
    ['{"a":1]', 6, "Expected ',' or '}' after property value but found ']'"],
    ['[1, 2}', 5, "Expected ',' or ']' after array element but found '}'"],
    ['{"a": "abc', 6, 'Unterminated string'],
    ['', 0, 'Expected a JSON value but found end of input'],
    ['{"a":1} x', 8, 'Unexpected text after the JSON value'],
    ['{"a":1,}', 7, "Expected a property name after ',' but found '}'"],
    ["{'a':1}", 1, "Expected a property name or '}' but found a single quote (JSON strings use double quotes)"],
    ['{"a" 1}', 5, "Expected ':' after property name but found '1'"],
    ['{"ok": True}', 7, "Expected a JSON value but found 'True'"],
    ['[1,]', 3, "Expected a JSON value but found ']'"],
    ['{"a": 01}', 7, 'Invalid number: leading zeros are not allowed'],
    ['[1.]', 3, "Invalid number: expected a digit after '.' but found ']'"],
    ['["a\\qb"]', 3, "Invalid escape sequence '\\q' in string"],
    ['["\\u12x4"]', 2, "Invalid Unicode escape '\\u12x4' in string"],
    ['["a\tb"]', 3, 'Invalid control character U+0009 in string (use an escape such as \\n)'],
    ['\uFEFF{}', 0, 'Expected a JSON value but found a byte order mark (U+FEFF)'],
    ['{"a":[1,2,{"b":null}]', 21, "Expected ',' or '}' after property value but found end of input"],
    ['{"a":-}', 6, "Invalid number: expected a digit after '-' but found '}'"],
  ];
  for (const [text, offset, message] of cases) {
    it(`explains ${JSON.stringify(text)}`, () => {
      assert.equal(parses(text), false);
      const info = describeJsonError(text);
      assert.ok(info);
      assert.equal(info.message, message);
      assert.equal(info.offset, offset);
    });
  }

  it('fills expected and found', () => {
    assert.deepEqual(describeJsonError('{"a":1]'), {
      offset: 6,
      expected: "',' or '}'",
      found: "']'",
      message: "Expected ',' or '}' after property value but found ']'",
    });
  });

  it('returns null for valid JSON, including deep nesting', () => {
    for (const text of ['{}', ' [ ] ', '"x"', '-0.5e+10', 'null', '{"a":[true,false,{"b":"\\u00e9\\n"}]}', '[1e5, 0, -0, 2.50]']) {
      assert.equal(describeJsonError(text), null, text);
    }
    const deep = '['.repeat(100_000) + ']'.repeat(100_000);
    assert.equal(describeJsonError(deep), null);
    assert.equal(describeJsonError('['.repeat(100_000))?.message, 'Expected a JSON value but found end of input');
  });

  it('agrees with JSON.parse on arbitrary JSON-ish text', () => {
    const fragment = fc.constantFrom('{', '}', '[', ']', ',', ':', '"', '"a"', '\\', '\\u00', '1', '-', '0', '.', 'e', 'true', 'nul', ' ', '\n', '\t', 'x', 'é');
    const jsonish = fc.array(fragment, { maxLength: 30 }).map((parts) => parts.join(''));
    const valid = fc.jsonValue().map((v) => JSON.stringify(v, null, 1));
    fc.assert(
      fc.property(fc.oneof(jsonish, valid, fc.string()), (text) => {
        const info = describeJsonError(text);
        assert.equal(info === null, parses(text), text);
        if (info) assert.ok(info.offset >= 0 && info.offset <= text.length);
      }),
      { numRuns: 3000 },
    );
  });
});

describe('offsetToPosition', () => {
  it('maps offsets in single- and multi-line text', () => {
    assert.deepEqual(offsetToPosition('{"a":1]', 6, 4), { line: 4, character: 6 });
    const text = '{\n  "a": 1,\n}';
    assert.deepEqual(offsetToPosition(text, 0, 10), { line: 10, character: 0 });
    assert.deepEqual(offsetToPosition(text, 1, 10), { line: 10, character: 1 });
    assert.deepEqual(offsetToPosition(text, 2, 10), { line: 11, character: 0 });
    assert.deepEqual(offsetToPosition(text, 12, 10), { line: 12, character: 0 });
    assert.deepEqual(offsetToPosition(text, 99, 10), { line: 12, character: 1 });
    assert.deepEqual(offsetToPosition(text, -5, 10), { line: 10, character: 0 });
  });
});
