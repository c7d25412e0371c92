import assert from 'node:assert/strict';
import fc from 'fast-check';
import { DatasetAggregator } from '../../../src/core/analysis/aggregate';
import type { ChatExample } from '../../../src/core/formats/chat';
import { RecordPipeline } from '../../../src/core/analysis/pipeline';
import { createEstimateEncoder } from '../../../src/core/tokens/estimate';
import { TokenCounter } from '../../../src/core/tokens/tokenCounter';

interface SeenRecord {
  startLine: number;
  endLine: number;
  valid: boolean;
  errorLines: [number, number][];
}

/** The pipeline and aggregator over `bytes` pushed in `chunk`-byte pieces: the report, each record and blank line. */
function analyzeBytes(bytes: Uint8Array, chunk: number) {
  const options = { counter: new TokenCounter(createEstimateEncoder('o200k_base')), countMode: 'raw' as const, maxSeqLength: 2048 };
  const agg = new DatasetAggregator({ encoding: 'o200k_base', countMode: 'raw', tokensExact: false, maxSeqLength: 2048 });
  const examples = new Map<number, ChatExample>();
  const records: SeenRecord[] = [];
  const blanks: number[] = [];
  const pipeline = new RecordPipeline(options, {
    record: (r) => {
      const { span, valid, findings } = r.result;
      const errorLines = findings.filter((f) => f.severity === 'error').map((f): [number, number] => [f.range.start.line, f.range.end.line]);
      records.push({ startLine: span.startLine, endLine: span.endLine, valid, errorLines });
      agg.add(r.result);
      if (r.example) examples.set(r.result.ordinal, r.example);
    },
    blank: (line, count) => {
      for (let k = 0; k < count; k++) blanks.push(line + k);
      agg.addBlankLines(count);
    },
  });
  for (let i = 0; i < bytes.length; i += chunk) pipeline.push(bytes.subarray(i, i + chunk));
  pipeline.end();
  agg.setBom(pipeline.hasBom);
  return { report: agg.finish((i) => examples.get(i) ?? null).report, records, blanks };
}

/** Lines a reader sees: a leading UTF-8 BOM is not content, split on \n, no extra line after a final \n. */
function lineCount(bytes: Uint8Array): number {
  const start = bytes.length >= 3 && bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? 3 : 0;
  if (bytes.length === start) return 0;
  let n = 0;
  for (let i = start; i < bytes.length; i++) if (bytes[i] === 10) n++;
  return bytes[bytes.length - 1] === 10 ? n : n + 1;
}

/**
 * Exact accounting: blank lines and record spans partition the lines (each line is exactly one of them), the
 * counts add up, and each invalid record has an error finding on its own lines (a valid one has none).
 */
function assertAccounted(bytes: Uint8Array, { report, records, blanks }: ReturnType<typeof analyzeBytes>): void {
  const total = lineCount(bytes);
  assert.equal(report.total_lines, total, 'total_lines = lines of the input');
  assert.equal(report.blank_lines, blanks.length);
  assert.equal(report.total_examples + report.invalid_examples, records.length, 'valid + invalid = records');
  assert.equal(report.total_examples, records.filter((r) => r.valid).length);
  const owner = new Array<string | undefined>(total);
  const claim = (line: number, who: string) => {
    assert.ok(line >= 0 && line < total, `${who}: line ${line} outside 0-${total - 1}`);
    assert.equal(owner[line], undefined, `line ${line} claimed by ${owner[line]} and ${who}`);
    owner[line] = who;
  };
  for (const line of blanks) claim(line, 'blank');
  let spanned = 0;
  records.forEach((r, i) => {
    for (let l = r.startLine; l <= r.endLine; l++) claim(l, `record ${i}`);
    spanned += r.endLine - r.startLine + 1;
    const onItsLines = r.errorLines.filter(([a, b]) => a >= r.startLine && b <= r.endLine);
    if (r.valid) assert.deepEqual(r.errorLines, [], `valid record ${i} has no error`);
    else assert.ok(onItsLines.length > 0, `invalid record ${i} (lines ${r.startLine}-${r.endLine}) has an error on its lines`);
  });
  assert.equal(owner.filter((o) => o !== undefined).length, total, 'every line is a blank line or in a record');
  assert.equal(spanned + report.blank_lines, report.total_lines, 'lines spanned by records + blank = total');
  const extraLines = records.reduce((n, r) => n + r.endLine - r.startLine, 0);
  assert.equal(report.total_examples + report.invalid_examples + extraLines + report.blank_lines, report.total_lines, 'valid + invalid + blank (+ extra lines of multi-line records) = total');
}

const good = JSON.stringify({ messages: [{ role: 'user', content: 'What is the capital of France?' }, { role: 'assistant', content: 'Paris is the capital of France.' }] });
const fragments = fc.oneof(
  fc.constant(good),
  fc.constant('{"messages": ['),
  fc.constant('{'),
  fc.constant('}'),
  fc.constant('  '),
  fc.constant('"role": "User"'),
  fc.constant('[1,2'),
  fc.constant('{"prompt": "x"}'),
  fc.constant('\r'),
  fc.string(),
);

describe('engine properties (fast-check)', () => {
  it('never throws on arbitrary bytes and accounts for every line exactly (valid + invalid + blank = total, by record spans)', () => {
    const text = fc.record({ bom: fc.boolean(), parts: fc.array(fc.tuple(fragments, fc.boolean()), { maxLength: 25 }) }).map(({ bom, parts }) =>
      new TextEncoder().encode((bom ? '\ufeff' : '') + parts.map(([p, crlf]) => p + (crlf ? '\r\n' : '\n')).join('')),
    );
    fc.assert(
      fc.property(fc.oneof(fc.uint8Array({ maxLength: 600 }), text), fc.integer({ min: 1, max: 64 }), (bytes, chunk) => {
        assertAccounted(bytes, analyzeBytes(bytes, chunk));
      }),
      { numRuns: 1000 },
    );
  });

  it('accounts for every line of JSON-ish documents split at any chunk size', () => {
    fc.assert(
      fc.property(fc.array(fragments, { maxLength: 25 }), fc.integer({ min: 1, max: 97 }), (parts, chunk) => {
        const bytes = new TextEncoder().encode(parts.join('\n'));
        const r = analyzeBytes(bytes, chunk);
        const whole = analyzeBytes(bytes, bytes.length + 1);
        assertAccounted(bytes, r);
        assert.deepEqual(r, whole, 'chunking never changes the result');
      }),
      { numRuns: 300 },
    );
  });

  it('adding an error line never raises the quality score', () => {
    const errorLines = fc.constantFrom('{"messages": [', 'not json', '{"prompt": "only a prompt"}', '{"messages":[{"role":"user","content":"x"}]}', '[]');
    fc.assert(
      fc.property(fc.array(fragments, { maxLength: 20 }), errorLines, fc.nat(20), (parts, bad, at) => {
        const before = analyzeBytes(new TextEncoder().encode(parts.join('\n')), 4096).report;
        const withError = [...parts];
        withError.splice(Math.min(at, parts.length), 0, bad);
        const after = analyzeBytes(new TextEncoder().encode(withError.join('\n')), 4096).report;
        assert.ok(after.quality_score <= before.quality_score, `${after.quality_score} > ${before.quality_score}`);
      }),
      { numRuns: 300 },
    );
  });
});
