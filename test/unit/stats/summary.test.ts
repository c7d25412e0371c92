import assert from 'node:assert/strict';
import { EMPTY_SUMMARY, percentileSorted, round, summarize } from '../../../src/core/stats/summary';

// Expected values are numpy.percentile(x, q) with the default "linear" method (h = (n − 1)·p), worked out by hand.
describe('percentileSorted (type 7, numpy linear)', () => {
  it('interpolates between closest ranks like numpy', () => {
    const x = [1, 2, 3, 4];
    // h = 0.15 → 1 + 0.15·1; h = 2.85 → 3 + 0.85·1; h = 1.5 → 2.5; h = 2.97 → 3.97.
    assert.ok(Math.abs(percentileSorted(x, 0.05) - 1.15) < 1e-12);
    assert.ok(Math.abs(percentileSorted(x, 0.95) - 3.85) < 1e-12);
    assert.equal(percentileSorted(x, 0.5), 2.5);
    assert.ok(Math.abs(percentileSorted(x, 0.99) - 3.97) < 1e-12);
    // numpy.percentile(range(1, 11), 25) == 3.25 (h = 2.25).
    assert.equal(percentileSorted([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 0.25), 3.25);
    // numpy.percentile([15, 20, 35, 40, 50], 40) == 29.0 (h = 1.6 → 20 + 0.6·15).
    assert.ok(Math.abs(percentileSorted([15, 20, 35, 40, 50], 0.4) - 29) < 1e-12);
  });

  it('returns the extremes at p = 0 and p = 1, a single value for n = 1 and 0 for no values', () => {
    const x = Float64Array.from([-3, 0.5, 9]);
    assert.equal(percentileSorted(x, 0), -3);
    assert.equal(percentileSorted(x, 1), 9);
    assert.equal(percentileSorted([42], 0.05), 42);
    assert.equal(percentileSorted([42], 0.99), 42);
    assert.equal(percentileSorted([], 0.5), 0);
  });
});

describe('summarize', () => {
  it('matches numpy on [1, 2, 3, 4]', () => {
    assert.deepEqual(summarize([4, 1, 3, 2]), { min: 1, max: 4, mean: 2.5, median: 2.5, p5: 1.15, p95: 3.85, p99: 3.97 });
  });

  it('matches numpy on an unsorted odd-length input and does not modify it', () => {
    const values = [50, 10, 40, 20, 30];
    // h(p5) = 0.2 → 12; h(p95) = 3.8 → 48; h(p99) = 3.96 → 49.6.
    assert.deepEqual(summarize(values), { min: 10, max: 50, mean: 30, median: 30, p5: 12, p95: 48, p99: 49.6 });
    assert.deepEqual(values, [50, 10, 40, 20, 30]);
  });

  it('rounds mean and percentiles to 2 decimals', () => {
    // mean 10/3; p5 of [1, 2, 7]: h = 0.1 → 1.1; p95: h = 1.9 → 2 + 0.9·5 = 6.5; p99: h = 1.98 → 6.9.
    assert.deepEqual(summarize([1, 2, 7]), { min: 1, max: 7, mean: 3.33, median: 2, p5: 1.1, p95: 6.5, p99: 6.9 });
    assert.equal(round(2.675, 1), 2.7);
    assert.equal(round(1 / 3, 4), 0.3333);
  });

  it('is all zero for empty input, as a fresh object', () => {
    const s = summarize([]);
    assert.deepEqual(s, { min: 0, max: 0, mean: 0, median: 0, p5: 0, p95: 0, p99: 0 });
    s.max = 5;
    assert.equal(EMPTY_SUMMARY.max, 0, 'the shared empty summary is not handed out');
  });

  it('reports a single value everywhere', () => {
    assert.deepEqual(summarize([7]), { min: 7, max: 7, mean: 7, median: 7, p5: 7, p95: 7, p99: 7 });
  });
});
