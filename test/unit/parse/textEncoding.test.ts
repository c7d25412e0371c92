import assert from 'node:assert/strict';
import fc from 'fast-check';
import { detectUtf16 } from '../../../src/core/parse/textEncoding';

const bytes = (...b: number[]) => Uint8Array.from(b);

describe('parse/detectUtf16', () => {
  it('recognizes UTF-16 byte order marks', () => {
    assert.equal(detectUtf16(bytes(0xff, 0xfe, 0x7b, 0x00)), 'utf-16le');
    assert.equal(detectUtf16(bytes(0xfe, 0xff, 0x00, 0x7b)), 'utf-16be');
    assert.equal(detectUtf16(bytes(0xff, 0xfe)), 'utf-16le');
  });

  it('recognizes UTF-16 without a byte order mark from NUL-interleaved ASCII', () => {
    assert.equal(detectUtf16(Uint8Array.from(Buffer.from('{"messages"', 'utf16le'))), 'utf-16le');
    assert.equal(detectUtf16(Uint8Array.from(Buffer.from('{"messages"', 'utf16le').swap16())), 'utf-16be');
  });

  it('does not flag UTF-8 text, a UTF-8 BOM, or short input', () => {
    assert.equal(detectUtf16(Uint8Array.from(Buffer.from('{"messages": []}\n'))), null);
    assert.equal(detectUtf16(bytes(0xef, 0xbb, 0xbf, 0x7b)), null);
    assert.equal(detectUtf16(bytes(0x7b)), null);
    assert.equal(detectUtf16(bytes()), null);
  });

  it('never flags valid UTF-8 JSON text (it has no NUL bytes)', () => {
    fc.assert(
      fc.property(fc.json(), (json) => {
        assert.equal(detectUtf16(Uint8Array.from(Buffer.from(json, 'utf8'))), null);
      }),
      { numRuns: 2000 },
    );
  });
});
