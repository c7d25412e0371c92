import assert from 'node:assert/strict';
import { decodeLine, findInvalidUtf8, isBlank } from '../../../src/core/parse/decodeLine';
import { utf8 } from './parseHelpers';

describe('decodeLine', () => {
  it('decodes valid UTF-8 without an invalidUtf8 marker', () => {
    assert.deepEqual(decodeLine(utf8('{"a":"é😀中"}')), { text: '{"a":"é😀中"}' });
    assert.deepEqual(decodeLine(new Uint8Array(0)), { text: '' });
  });

  it('keeps a stray U+FEFF instead of stripping it', () => {
    assert.equal(decodeLine(utf8('\uFEFF{}')).text, '\uFEFF{}');
  });

  it('locates the first invalid byte and its UTF-16 column', () => {
    // "😀" is 4 bytes / 2 UTF-16 units; then a lone continuation byte.
    const bytes = new Uint8Array([...utf8('{"😀é'), 0x80, ...utf8('x"}'), 0xff]);
    const decoded = decodeLine(bytes);
    assert.deepEqual(decoded.invalidUtf8, { byte: 8, character: 5 });
    assert.equal(decoded.text, '{"😀é\uFFFDx"}\uFFFD');
  });

  it('reports truncated, overlong and surrogate sequences at their lead byte', () => {
    assert.equal(findInvalidUtf8(new Uint8Array([0x61, 0xe2, 0x82])), 1);
    assert.equal(findInvalidUtf8(new Uint8Array([0xc0, 0xaf])), 0);
    assert.equal(findInvalidUtf8(new Uint8Array([0xe0, 0x80, 0xaf])), 0);
    assert.equal(findInvalidUtf8(new Uint8Array([0x61, 0xed, 0xa0, 0x80])), 1);
    assert.equal(findInvalidUtf8(new Uint8Array([0xf4, 0x90, 0x80, 0x80])), 0);
    assert.equal(findInvalidUtf8(utf8('ok é € 😀')), -1);
    assert.deepEqual(decodeLine(new Uint8Array([0x61, 0xe2, 0x82])).invalidUtf8, { byte: 1, character: 1 });
  });

  it('agrees with the fatal TextDecoder on every 2-byte input with a non-ASCII lead', () => {
    const fatal = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
    for (let a = 0x80; a < 256; a++) {
      for (let b = 0; b < 256; b++) {
        const bytes = new Uint8Array([a, b]);
        let valid = true;
        try {
          fatal.decode(bytes);
        } catch {
          valid = false;
        }
        assert.equal(findInvalidUtf8(bytes) === -1, valid, `${a},${b}`);
      }
    }
  });

  it('isBlank accepts empty and whitespace-only text', () => {
    assert.equal(isBlank(''), true);
    assert.equal(isBlank(' \t \r'), true);
    assert.equal(isBlank('\u00a0'), true);
    assert.equal(isBlank(' {} '), false);
    assert.equal(isBlank('x'), false);
  });
});
