import assert from 'node:assert/strict';
import fc from 'fast-check';
import type { AssembledRecord } from '../../../src/core/parse/recordAssembler';
import { assembleText } from '../../../src/core/parse/recordAssembler';
import { assembleBytes, coverageProblem, splitAt, utf8 } from './parseHelpers';

/** Sorted cut offsets inside `[0, length]`. */
const withCuts = <T extends { length: number }>(data: fc.Arbitrary<T>) =>
  data.chain((d) => fc.tuple(fc.constant(d), fc.uniqueArray(fc.nat({ max: d.length }), { maxLength: 6 }).map((c) => [...c].sort((a, b) => a - b))));

const fragments = fc.constantFrom(
  '{', '}', '[', ']', '"', '\\', ',', ':', ' ', '\t', '\n', '\r\n', '\n\n', '{"a":1}', '"x\\"]"', '{\n  "k": [\n    1\n  ]\n}', 'é', '😀', 'true',
);
const jsonishBytes = fc.array(fragments, { maxLength: 40 }).map((parts) => utf8(parts.join('')));
const messyBytes = fc.array(fc.oneof(jsonishBytes, fc.uint8Array({ maxLength: 12 }), fc.constant(new Uint8Array([0xef, 0xbb, 0xbf]))), { maxLength: 5 }).map(
  (parts) => {
    const all = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
    let at = 0;
    for (const p of parts) {
      all.set(p, at);
      at += p.length;
    }
    return all;
  },
);

/** The spec followed literally (no early give-up, no caching): item shapes as "blank N" / "single N" / "multi A-B". */
function referenceShapes(text: string): string[] {
  const lines = text === '' ? [] : text.replace(/\n$/, '').split('\n').map((l) => l.replace(/\r$/, ''));
  const depthOf = (t: string): number => {
    let depth = 0;
    let inString = false;
    for (let i = 0; i < t.length; i++) {
      const c = t[i];
      if (inString) {
        if (c === '\\') i++;
        else if (c === '"') inString = false;
      } else if (c === '"') inString = true;
      else if (c === '{' || c === '[') depth++;
      else if (c === '}' || c === ']') depth--;
    }
    return depth;
  };
  const parses = (t: string): boolean => {
    try {
      JSON.parse(t);
      return true;
    } catch {
      return false;
    }
  };
  const out: string[] = [];
  let i = 0;
  while (i < lines.length) {
    const t = lines[i]!;
    if (!/\S/.test(t)) {
      out.push(`blank ${i++}`);
      continue;
    }
    if (/^\s*[[{]/.test(t) && depthOf(t) > 0) {
      let end = -1;
      for (let j = i + 1; j < lines.length; j++) {
        const joined = lines.slice(i, j + 1).join('\n');
        if (depthOf(joined) <= 0) {
          if (parses(joined)) end = j;
          break;
        }
      }
      if (end >= 0) {
        out.push(`multi ${i}-${end}`);
        i = end + 1;
        continue;
      }
    }
    out.push(`single ${i++}`);
  }
  return out;
}

const shapes = (items: AssembledRecord[]): string[] =>
  items.map((it) => (it.kind === 'blank' ? `blank ${it.line}` : it.multiline ? `multi ${it.span.startLine}-${it.span.endLine}` : `single ${it.span.startLine}`));

describe('parse pipeline (property)', () => {
  it('matches a literal reference implementation of the assembly rules', () => {
    fc.assert(
      fc.property(fc.array(fragments, { maxLength: 40 }), (parts) => {
        const text = parts.join('');
        assert.deepEqual(shapes(assembleText(text)), referenceShapes(text));
      }),
      { numRuns: 3000 },
    );
  });

  it('accounts for every line exactly once, in order, whatever the bytes and chunk boundaries', () => {
    fc.assert(
      fc.property(withCuts(fc.oneof(fc.uint8Array({ maxLength: 200 }), jsonishBytes, messyBytes)), ([bytes, cuts]) => {
        const { items, lineCount } = assembleBytes(bytes, cuts);
        assert.equal(coverageProblem(items, lineCount), null);
        // Chunking never changes the result.
        assert.deepEqual(assembleBytes(bytes, []).items, items);
        const blanks = items.filter((i) => i.kind === 'blank').length;
        const covered = items.reduce((n, i) => n + (i.kind === 'record' ? i.span.endLine - i.span.startLine + 1 : 0), 0);
        assert.equal(blanks + covered, lineCount);
      }),
      { numRuns: 2000 },
    );
  });

  it('splitter lines rebuild the input bytes', () => {
    fc.assert(
      fc.property(withCuts(fc.oneof(fc.uint8Array({ maxLength: 200 }), messyBytes)), ([bytes, cuts]) => {
        const { lines, splitter } = splitAt(bytes, cuts);
        const parts: number[] = splitter.hasBom ? [0xef, 0xbb, 0xbf] : [];
        for (const l of lines) {
          assert.equal(l.byteOffset, parts.length);
          parts.push(...l.bytes);
          if (l.hadCR) parts.push(13);
          if (!l.lastLine || splitter.endsWithNewline) parts.push(10);
        }
        assert.deepEqual(new Uint8Array(parts), bytes);
        assert.equal(lines.filter((l) => l.lastLine).length, lines.length > 0 ? 1 : 0);
      }),
      { numRuns: 2000 },
    );
  });

  it('assembleText agrees with the byte pipeline on valid text', () => {
    fc.assert(
      fc.property(fc.array(fragments, { maxLength: 40 }), (parts) => {
        const text = parts.join('');
        assert.deepEqual(assembleText(text), assembleBytes(utf8(text)).items);
      }),
      { numRuns: 1000 },
    );
  });
});
