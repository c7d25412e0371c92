import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { decodeLine } from '../../../src/core/parse/decodeLine';
import type { InvalidUtf8At } from '../../../src/core/parse/utf8Locator';
import { Utf8Locator } from '../../../src/core/parse/utf8Locator';
import { analyzeFile } from '../../../src/node/analyzeFile';

/** Oracle: split on \n and decode each line on its own, as the JSONL path does. */
function perLine(bytes: Uint8Array): InvalidUtf8At[] {
  const out: InvalidUtf8At[] = [];
  let start = 0;
  let line = 0;
  for (let i = 0; i <= bytes.length; i++) {
    if (i === bytes.length || bytes[i] === 10) {
      const decoded = decodeLine(bytes.subarray(start, i));
      if (decoded.invalidUtf8) out.push({ line, character: decoded.invalidUtf8.character });
      start = i + 1;
      line++;
    }
  }
  return out;
}

function locatedWithBytes(bytes: Uint8Array, cuts: number[], skip = 0, everySequence = false): InvalidUtf8At[] {
  const locator = new Utf8Locator(skip, everySequence);
  const out: InvalidUtf8At[] = [];
  let at = 0;
  for (const cut of [...cuts.filter((c) => c < bytes.length).sort((a, b) => a - b), bytes.length]) {
    out.push(...locator.push(bytes.subarray(at, cut)));
    at = cut;
  }
  return [...out, ...locator.end()];
}

/** Positions only. */
function located(bytes: Uint8Array, cuts: number[], skip = 0): InvalidUtf8At[] {
  return locatedWithBytes(bytes, cuts, skip).map(({ line, character }) => ({ line, character }));
}

// Bytes that make every kind of sequence: ASCII, newlines, valid 2/3/4-byte characters, and every invalid shape.
const piece = fc.constantFrom(
  [0x61], [0x20], [0x0a], [0x0d, 0x0a], [0xc3, 0xa9], [0xe2, 0x82, 0xac], [0xf0, 0x9f, 0x98, 0x80], [0xef, 0xbb, 0xbf],
  [0xff], [0xfe], [0x80], [0xbf], [0xc0, 0xaf], [0xc1, 0xbf], [0xe0, 0x80, 0x80], [0xed, 0xa0, 0x80], [0xf4, 0x90, 0x80, 0x80],
  [0xf5, 0x80], [0xc3], [0xe2, 0x82], [0xf0, 0x9f, 0x98], [0xe2, 0x28, 0xa1],
);
const stream = fc.array(piece, { maxLength: 60 }).map((parts) => Uint8Array.from(parts.flat()));

describe('parse/utf8Locator (invalid UTF-8 in a stream decoded as a whole)', () => {
  it('finds the first invalid sequence of each line where decoding the line alone does, however the stream is cut', () => {
    fc.assert(
      fc.property(stream, fc.array(fc.nat(300), { maxLength: 6 }), (bytes, cuts) => {
        assert.deepEqual(located(bytes, cuts), perLine(bytes));
      }),
      { numRuns: 3000 },
    );
  });

  it('with every sequence: one per U+FFFD the decoder writes, each with the bytes it replaced', () => {
    fc.assert(
      fc.property(stream, fc.array(fc.nat(300), { maxLength: 6 }), (bytes, cuts) => {
        const all = locatedWithBytes(bytes, cuts, 0, true);
        const decoded = new TextDecoder('utf-8', { ignoreBOM: true }).decode(bytes);
        assert.equal(all.length, [...decoded].filter((c) => c === '\ufffd').length, 'one sequence per U+FFFD');
        // Re-encoding the decoded text spends 3 bytes per U+FFFD: the difference is what the sequences held.
        const extra = all.reduce((sum, at) => sum + 3 - (at.bytes ?? 0), 0);
        assert.equal(new TextEncoder().encode(decoded).length - bytes.length, extra);
        const lines = decoded.split('\n');
        for (const at of all) assert.equal(lines[at.line]?.charAt(at.character), '\ufffd', 'each points at its U+FFFD');
      }),
      { numRuns: 3000 },
    );
  });

  it('skips a byte order mark the decoder drops, and reports a sequence cut off by the end of the stream', () => {
    const bom = Uint8Array.from([0xef, 0xbb, 0xbf, 0x61, 0xff]);
    assert.deepEqual(located(bom, [1, 2], 3), [{ line: 0, character: 1 }]);
    assert.deepEqual(located(Uint8Array.from([0x61, 0x0a, 0x62, 0xe2, 0x82]), [4]), [{ line: 1, character: 1 }]);
    assert.deepEqual(located(Uint8Array.from([0x61, 0xf0, 0x9f, 0x98, 0x80, 0xff]), []), [{ line: 0, character: 3 }], 'an emoji is two UTF-16 units');
  });

  it('reports invalid UTF-8 in a JSON array file on the element it falls in, and between elements on the file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'slmgen-utf8-'));
    try {
      const file = join(dir, 'bad.json');
      const record = (content: string) => `{"messages":[{"role":"user","content":"${content}"},{"role":"assistant","content":"A reply that is long enough."}]}`;
      // A bad byte inside the first element's content, and one on a line of its own between the elements.
      const bad = Buffer.concat([
        Buffer.from(`[${record('hi ').slice(0, 42)}`),
        Buffer.from([0xff]),
        Buffer.from(`${record('hi ').slice(42)},\n `),
        Buffer.from([0xfe]),
        Buffer.from(`\n ${record('fine')}\n]\n`),
      ]);
      writeFileSync(file, bad);
      const { findings, report } = await analyzeFile(file, { exact: false });
      const utf8 = findings.filter((f) => f.code === 'invalid-utf8');
      assert.deepEqual(utf8.map((f) => [f.range.start.line, f.range.start.character, f.severity]), [[0, 43, 'error'], [1, 1, 'error']]);
      assert.equal(report.invalid_examples >= 1, true, 'the element with the bad byte is not a usable example');
      // An element spread over lines with bad bytes on two of them: one error (its first), and the analysis ends.
      writeFileSync(file, Buffer.from([0x5b, 0x80, 0x0a, 0x80]));
      const spread = await analyzeFile(file, { exact: false });
      assert.deepEqual(spread.findings.filter((f) => f.code === 'invalid-utf8').map((f) => [f.range.start.line, f.range.start.character]), [[0, 1]]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
