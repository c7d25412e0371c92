import assert from 'node:assert/strict';
import fc from 'fast-check';
import type { AnalyzedRecord } from '../../../src/core/analysis/analyzeRecord';
import { analyzeDatasetBytes } from '../../../src/core/analysis/analyzeBytes';
import { RecordPipeline } from '../../../src/core/analysis/pipeline';
import type { EmptyLineRun, RawLine } from '../../../src/core/parse/lineSplitter';
import { LineSplitter } from '../../../src/core/parse/lineSplitter';
import type { AssembledRecord } from '../../../src/core/parse/recordAssembler';
import { RecordAssembler, assembleText } from '../../../src/core/parse/recordAssembler';
import { createEstimateEncoder } from '../../../src/core/tokens/estimate';
import { TokenCounter } from '../../../src/core/tokens/tokenCounter';
import { splitAt, utf8 } from './parseHelpers';

/** Lines through `pushTo`/`endTo`, runs expanded line by line, and how many sink calls it took. */
function splitToSink(bytes: Uint8Array, cuts: readonly number[]): { lines: RawLine[]; calls: number; endsWithNewline: boolean } {
  const splitter = new LineSplitter();
  const lines: RawLine[] = [];
  let calls = 0;
  const sink = {
    line: (raw: RawLine) => {
      calls++;
      lines.push({ ...raw, bytes: raw.bytes.slice(), lastLine: false });
    },
    emptyLines: (run: EmptyLineRun) => {
      calls++;
      assert.ok(run.count > 0);
      for (let k = 0; k < run.count; k++) {
        lines.push({ line: run.line + k, byteOffset: run.byteOffset + k * run.lineBytes, bytes: new Uint8Array(0), hadCR: run.lineBytes === 2, lastLine: false });
      }
    },
  };
  let prev = 0;
  for (const cut of [...cuts, bytes.length]) {
    splitter.pushTo(bytes.slice(prev, cut), sink);
    prev = cut;
  }
  splitter.endTo(sink);
  return { lines, calls, endsWithNewline: splitter.endsWithNewline };
}

const lineBreaky = fc
  .array(fc.constantFrom('\n', '\r\n', '\r', '\n\n\n', '\r\n\r\n', 'a', ' ', '{', '}', '\uFEFF', 'é'), { maxLength: 60 })
  .map((parts) => utf8(parts.join('')));
const withCuts = lineBreaky.chain((b) => fc.tuple(fc.constant(b), fc.uniqueArray(fc.nat({ max: b.length }), { maxLength: 8 }).map((c) => [...c].sort((x, y) => x - y))));

/** The shape of assembled items with blank runs expanded to one item per line. */
function expanded(items: readonly AssembledRecord[]): string[] {
  const out: string[] = [];
  for (const item of items) {
    if (item.kind === 'blank') for (let k = 0; k < item.count; k++) out.push(`blank ${item.line + k}`);
    else out.push(`record ${item.span.startLine}-${item.span.endLine} @${item.span.byteOffset}+${item.span.byteLength} ${JSON.stringify(item.text)}`);
  }
  return out;
}

/** Assemble `text` with empty lines handed over as runs (what the byte pipeline does). */
function assembleWithRuns(text: string): AssembledRecord[] {
  const assembler = new RecordAssembler();
  const out: AssembledRecord[] = [];
  const { lines } = splitAt(utf8(text), []);
  let i = 0;
  while (i < lines.length) {
    const l = lines[i] as RawLine;
    if (l.bytes.length === 0) {
      let j = i + 1;
      while (j < lines.length && (lines[j] as RawLine).bytes.length === 0 && (lines[j] as RawLine).hadCR === l.hadCR) j++;
      out.push(...assembler.pushEmpty({ line: l.line, count: j - i, byteOffset: l.byteOffset, lineBytes: l.hadCR ? 2 : 1 }));
      i = j;
      continue;
    }
    const t = new TextDecoder().decode(l.bytes);
    out.push(...assembler.push({ line: l.line, byteOffset: l.byteOffset, byteLength: l.bytes.length, text: t }));
    i++;
  }
  out.push(...assembler.end());
  return out;
}

describe('runs of empty lines (bounded memory on files of newlines)', () => {
  it('pushTo gives the same lines as push, for any chunking, with runs of empty lines as one call', () => {
    fc.assert(
      fc.property(withCuts, ([bytes, cuts]) => {
        const reference = splitAt(bytes, cuts);
        const sunk = splitToSink(bytes, cuts);
        assert.deepEqual(
          sunk.lines.map((l) => [l.line, l.byteOffset, [...l.bytes], l.hadCR]),
          reference.lines.map((l) => [l.line, l.byteOffset, [...l.bytes], l.hadCR]),
        );
        assert.equal(sunk.endsWithNewline, reference.splitter.endsWithNewline);
      }),
      { numRuns: 2000 },
    );
  });

  it('hands a million newlines over in one call per chunk', () => {
    const bytes = new Uint8Array(1_000_000).fill(10);
    const splitter = new LineSplitter();
    const runs: EmptyLineRun[] = [];
    const sink = { line: () => assert.fail('no line has content'), emptyLines: (run: EmptyLineRun) => runs.push({ ...run }) };
    for (let at = 0; at < bytes.length; at += 250_000) splitter.pushTo(bytes.subarray(at, at + 250_000), sink);
    splitter.endTo(sink);
    assert.deepEqual(
      runs.map((r) => [r.line, r.count, r.byteOffset, r.lineBytes]),
      [0, 1, 2, 3].map((k) => [250_000 * k, 250_000, 250_000 * k, 1]),
    );
    const crlf = utf8('\r\n'.repeat(100_000));
    const sunk = splitToSink(crlf, [1, 77_777]);
    assert.equal(sunk.lines.length, 100_000);
    assert.ok(sunk.calls <= 3, `${sunk.calls} calls`);
    assert.ok(sunk.lines.every((l, k) => l.byteOffset === 2 * k && l.hadCR));
  });

  it('assembles runs exactly as line by line, also inside and around pretty-printed records', () => {
    const pieces = fc.constantFrom('\n', '\n\n\n\n', '\r\n\r\n', '{', '}', '[', ']', '"a"', ':', ',', '1', ' ', '{"a":1}', '{\n"k": [\n\n1\n\n]\n}');
    fc.assert(
      fc.property(fc.array(pieces, { maxLength: 40 }), (parts) => {
        const text = parts.join('');
        assert.deepEqual(expanded(assembleWithRuns(text)), expanded(assembleText(text)));
      }),
      { numRuns: 2000 },
    );
  });

  it('an open group takes at most its line limit from a long run, the rest stays one item', () => {
    const text = `{\n${'\n'.repeat(200_000)}}\n`;
    const items = assembleWithRuns(text);
    assert.deepEqual(expanded(items), expanded(assembleText(text)));
    assert.ok(items.length < 10_100, `${items.length} items`);
  });

  it('the pipeline reports every blank line of a generated file with few sink calls, records at their true lines', () => {
    const record = '{"messages":[{"role":"user","content":"hi"},{"role":"assistant","content":"hello"}]}';
    const text = `${record}\n${'\n'.repeat(300_000)}${record.replace('hi', 'ho')}\r\n${'\r\n'.repeat(50_000)}  \n${record.replace('hi', 'hu')}`;
    const options = { counter: new TokenCounter(createEstimateEncoder('o200k_base')), countMode: 'raw' as const, maxSeqLength: 2048 };
    const records: AnalyzedRecord[] = [];
    let blankCalls = 0;
    let blankLines = 0;
    const pipeline = new RecordPipeline(options, {
      record: (r) => records.push(r),
      blank: (_line, count) => {
        blankCalls++;
        blankLines += count;
      },
    });
    const bytes = utf8(text);
    for (let at = 0; at < bytes.length; at += 1 << 16) pipeline.push(bytes.subarray(at, at + (1 << 16)));
    pipeline.end();
    assert.equal(blankLines, 300_000 + 50_000 + 1);
    assert.ok(blankCalls < 20, `${blankCalls} blank calls`);
    assert.deepEqual(
      records.map((r) => [r.result.span.startLine, r.result.span.byteOffset, r.result.valid]),
      [
        [0, 0, true],
        [300_001, record.length + 1 + 300_000, true],
        [350_003, record.length + 1 + 300_000 + record.length + 2 + 100_000 + 3, true],
      ],
    );
    const { report } = analyzeDatasetBytes(bytes, { ...options, encoding: 'o200k_base', tokensExact: false });
    assert.equal(report.blank_lines, 350_001);
    assert.equal(report.total_lines, 350_004);
    assert.equal(report.total_examples, 3);
  });
});
