import assert from 'node:assert/strict';
import fc from 'fast-check';
import { detectWideEncoding } from '../../../src/core/parse/textEncoding';

const bytes = (...b: number[]) => Uint8Array.from(b);
const utf16le = (s: string) => Uint8Array.from(Buffer.from(s, 'utf16le'));
const utf16be = (s: string) => Uint8Array.from(Buffer.from(s, 'utf16le').swap16());

describe('parse/detectWideEncoding', () => {
  it('recognizes UTF-16 and UTF-32 byte order marks (UTF-32 LE before UTF-16 LE)', () => {
    assert.equal(detectWideEncoding(bytes(0xff, 0xfe, 0x7b, 0x00)), 'utf-16le');
    assert.equal(detectWideEncoding(bytes(0xfe, 0xff, 0x00, 0x7b)), 'utf-16be');
    assert.equal(detectWideEncoding(bytes(0xff, 0xfe)), 'utf-16le');
    assert.equal(detectWideEncoding(bytes(0xff, 0xfe, 0x00, 0x00, 0x7b, 0, 0, 0)), 'utf-32le');
    assert.equal(detectWideEncoding(bytes(0x00, 0x00, 0xfe, 0xff, 0, 0, 0, 0x7b)), 'utf-32be');
  });

  it('recognizes UTF-16 without a byte order mark, also with some non-ASCII text', () => {
    const text = '{"messages": [{"role": "user", "content": "Grüße, 你好"}]}\n';
    assert.equal(detectWideEncoding(utf16le(text)), 'utf-16le');
    assert.equal(detectWideEncoding(utf16be(text)), 'utf-16be');
  });

  it('does not flag UTF-8 text, a UTF-8 BOM, short input, or a UTF-8 file with one odd NUL-bearing line', () => {
    assert.equal(detectWideEncoding(Uint8Array.from(Buffer.from('{"messages": []}\n'))), null);
    assert.equal(detectWideEncoding(bytes(0xef, 0xbb, 0xbf, 0x7b)), null);
    assert.equal(detectWideEncoding(bytes(0x7b)), null);
    assert.equal(detectWideEncoding(bytes()), null);
    const record = JSON.stringify({ messages: [{ role: 'user', content: 'hi' }, { role: 'assistant', content: 'hello' }] });
    const oddFirstLine = Buffer.concat([Buffer.from([0x61, 0, 0x62, 0, 0x0a]), Buffer.from(`${record}\n`.repeat(12))]);
    assert.equal(detectWideEncoding(Uint8Array.from(oddFirstLine)), null);
  });

  it('never flags UTF-8 JSON text', () => {
    fc.assert(
      fc.property(fc.array(fc.json(), { minLength: 1, maxLength: 20 }), (records) => {
        assert.equal(detectWideEncoding(Uint8Array.from(Buffer.from(records.join('\n'), 'utf8'))), null);
      }),
      { numRuns: 1000 },
    );
  });
});
