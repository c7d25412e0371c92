import assert from 'node:assert/strict';
import fc from 'fast-check';
import { DatasetAggregator } from '../../../src/core/analysis/aggregate';
import type { ChatExample } from '../../../src/core/formats/chat';
import { RecordPipeline } from '../../../src/core/analysis/pipeline';
import { createEstimateEncoder } from '../../../src/core/tokens/estimate';
import { TokenCounter } from '../../../src/core/tokens/tokenCounter';

function analyzeBytes(bytes: Uint8Array, chunk: number) {
  const options = { counter: new TokenCounter(createEstimateEncoder('o200k_base')), countMode: 'raw' as const, maxSeqLength: 2048 };
  const agg = new DatasetAggregator({ encoding: 'o200k_base', countMode: 'raw', tokensExact: false, maxSeqLength: 2048 });
  const examples = new Map<number, ChatExample>();
  const pipeline = new RecordPipeline(options, {
    record: (r) => {
      agg.add(r.result);
      if (r.example) examples.set(r.result.ordinal, r.example);
    },
    blank: (line) => agg.addBlank(line),
  });
  for (let i = 0; i < bytes.length; i += chunk) pipeline.push(bytes.subarray(i, i + chunk));
  pipeline.end();
  agg.setBom(pipeline.hasBom);
  return agg.finish((i) => examples.get(i) ?? null).report;
}

/** Lines a reader sees: split on \n, no extra line after a final \n. */
function lineCount(bytes: Uint8Array): number {
  if (bytes.length === 0) return 0;
  let n = 0;
  for (const b of bytes) if (b === 10) n++;
  return bytes[bytes.length - 1] === 10 ? n : n + 1;
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
  it('never throws on arbitrary bytes and accounts for every line', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 600 }), fc.integer({ min: 1, max: 64 }), (bytes, chunk) => {
        const r = analyzeBytes(bytes, chunk);
        assert.equal(r.total_lines, lineCount(bytes));
        assert.ok(r.blank_lines <= r.total_lines);
        assert.ok(r.total_examples + r.invalid_examples <= r.total_lines - r.blank_lines);
      }),
      { numRuns: 300 },
    );
  });

  it('accounts for every line of JSON-ish documents split at any chunk size', () => {
    fc.assert(
      fc.property(fc.array(fragments, { maxLength: 25 }), fc.integer({ min: 1, max: 97 }), (parts, chunk) => {
        const bytes = new TextEncoder().encode(parts.join('\n'));
        const r = analyzeBytes(bytes, chunk);
        const whole = analyzeBytes(bytes, bytes.length + 1);
        assert.equal(r.total_lines, lineCount(bytes));
        assert.deepEqual(r, whole, 'chunking never changes the result');
      }),
      { numRuns: 300 },
    );
  });

  it('adding an error line never raises the quality score', () => {
    const errorLines = fc.constantFrom('{"messages": [', 'not json', '{"prompt": "only a prompt"}', '{"messages":[{"role":"user","content":"x"}]}', '[]');
    fc.assert(
      fc.property(fc.array(fragments, { maxLength: 20 }), errorLines, fc.nat(20), (parts, bad, at) => {
        const before = analyzeBytes(new TextEncoder().encode(parts.join('\n')), 4096);
        const withError = [...parts];
        withError.splice(Math.min(at, parts.length), 0, bad);
        const after = analyzeBytes(new TextEncoder().encode(withError.join('\n')), 4096);
        assert.ok(after.quality_score <= before.quality_score, `${after.quality_score} > ${before.quality_score}`);
      }),
      { numRuns: 300 },
    );
  });
});
