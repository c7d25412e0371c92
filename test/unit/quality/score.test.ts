import assert from 'node:assert/strict';
import type { QualityFacts } from '../../../src/core/quality/score';
import { computeQuality } from '../../../src/core/quality/score';

/** A clean dataset of 1,000 examples: no deduction. */
function facts(over: Partial<QualityFacts> = {}): QualityFacts {
  return {
    examples: 1000,
    invalidRecords: 0,
    mixedFormats: false,
    exactExtraCopies: 0,
    nearCopies: 0,
    replies: 1000,
    shortReplies: 0,
    withSystem: 0,
    withoutSystem: 1000,
    overLimit: 0,
    maxSeqLength: 2048,
    contradictions: 0,
    piiFindings: 0,
    secretFindings: 0,
    roleOrderExamples: 0,
    ...over,
  };
}

/** Points deducted for `code` (0 when there is no such issue). */
function points(over: Partial<QualityFacts>, code: string): number {
  return computeQuality(facts(over)).issues.find((i) => i.code === code)?.points ?? 0;
}

function messageOf(over: Partial<QualityFacts>, code: string): string {
  const issue = computeQuality(facts(over)).issues.find((i) => i.code === code);
  assert.ok(issue, `expected a ${code} issue`);
  return issue.message;
}

describe('computeQuality', () => {
  it('gives 1 and no issue for a clean dataset of 1,000 examples', () => {
    assert.deepEqual(computeQuality(facts()), { score: 1, issues: [] });
  });

  it('gives 0 with a single no-examples issue when there is no example', () => {
    const q = computeQuality(facts({ examples: 0, invalidRecords: 3, replies: 0, withoutSystem: 0, mixedFormats: true }));
    assert.equal(q.score, 0);
    assert.deepEqual(q.issues.map((i) => [i.code, i.points]), [['no-examples', 1]]);
  });

  it('invalid-examples: the share, clamped to 0.05–0.5', () => {
    assert.equal(points({ invalidRecords: 0 }, 'invalid-examples'), 0);
    assert.equal(points({ examples: 999, invalidRecords: 1 }, 'invalid-examples'), 0.05, '0.1% is raised to 0.05');
    assert.equal(points({ examples: 800, invalidRecords: 200 }, 'invalid-examples'), 0.2);
    assert.equal(points({ examples: 1, invalidRecords: 3, replies: 1, withoutSystem: 1 }, 'invalid-examples'), 0.5, '75% is capped at 0.5');
    assert.equal(points({ examples: 1000, invalidRecords: 100 }, 'invalid-examples'), 0.091, '100 / 1100 rounded to 3 decimals');
  });

  it('mixed-formats: 0.2', () => {
    assert.equal(points({ mixedFormats: true }, 'mixed-formats'), 0.2);
    assert.equal(points({ mixedFormats: false }, 'mixed-formats'), 0);
  });

  it('exact-duplicate: > 5% · > 10% · > 20% of examples', () => {
    const at = (copies: number) => points({ examples: 1000, exactExtraCopies: copies }, 'exact-duplicate');
    assert.deepEqual([50, 51, 100, 101, 200, 201].map(at), [0, 0.05, 0.05, 0.15, 0.15, 0.3]);
  });

  it('near-duplicate: > 5% · > 10% of examples', () => {
    const at = (copies: number) => points({ examples: 1000, nearCopies: copies }, 'near-duplicate');
    assert.deepEqual([50, 51, 100, 101, 900].map(at), [0, 0.05, 0.05, 0.1, 0.1]);
  });

  it('too-few-examples: < 50 · < 100 · < 500 · < 1000', () => {
    const at = (n: number) => points({ examples: n, replies: n, withoutSystem: n }, 'too-few-examples');
    assert.deepEqual([1, 49, 50, 99, 100, 499, 500, 999, 1000].map(at), [0.5, 0.5, 0.2, 0.2, 0.1, 0.1, 0.05, 0.05, 0]);
  });

  it('short-reply: more than 10% of replies, measured against replies not examples', () => {
    assert.equal(points({ replies: 1000, shortReplies: 100 }, 'short-reply'), 0);
    assert.equal(points({ replies: 1000, shortReplies: 101 }, 'short-reply'), 0.1);
    // 150 short replies are 7.5% of 2,000 replies (multi-turn) although 15% of 1,000 examples.
    assert.equal(points({ replies: 2000, shortReplies: 150 }, 'short-reply'), 0);
    assert.equal(points({ replies: 0, shortReplies: 0 }, 'short-reply'), 0);
  });

  it('inconsistent-system: minority / majority above 0.3', () => {
    const at = (withSystem: number, withoutSystem: number) =>
      points({ examples: withSystem + withoutSystem, withSystem, withoutSystem, replies: withSystem + withoutSystem }, 'inconsistent-system');
    assert.equal(at(0, 1000), 0);
    assert.equal(at(300, 1000), 0, 'exactly 0.3 does not count');
    assert.equal(at(301, 1000), 0.1);
    assert.equal(at(1000, 301), 0.1, 'either side can be the minority');
    assert.equal(at(500, 500), 0.1);
  });

  it('too-long: any · more than 10% of examples', () => {
    const at = (overLimit: number) => points({ overLimit }, 'too-long');
    assert.deepEqual([0, 1, 100, 101].map(at), [0, 0.05, 0.05, 0.1]);
  });

  it('contradiction: any · more than 5% of examples', () => {
    const at = (contradictions: number) => points({ contradictions }, 'contradiction');
    assert.deepEqual([0, 1, 50, 51].map(at), [0, 0.05, 0.05, 0.1]);
  });

  it('sensitive-data and secrets: 0.05 for any PII, 0.1 for any secret', () => {
    assert.equal(points({ piiFindings: 1 }, 'sensitive-data'), 0.05);
    assert.equal(points({ piiFindings: 500 }, 'sensitive-data'), 0.05);
    assert.equal(points({ secretFindings: 1 }, 'secrets'), 0.1);
    assert.equal(points({ piiFindings: 0, secretFindings: 0 }, 'sensitive-data') + points({}, 'secrets'), 0);
  });

  it('role-order: more than 10% of examples', () => {
    assert.equal(points({ roleOrderExamples: 100 }, 'role-order'), 0);
    assert.equal(points({ roleOrderExamples: 101 }, 'role-order'), 0.05);
  });

  it('score is 1 minus the sum of the listed deductions', () => {
    const q = computeQuality(facts({ examples: 400, replies: 400, withoutSystem: 400, exactExtraCopies: 30, overLimit: 2, piiFindings: 3 }));
    assert.deepEqual(q.issues.map((i) => [i.code, i.points]), [
      ['exact-duplicate', 0.05],
      ['too-few-examples', 0.1],
      ['too-long', 0.05],
      ['sensitive-data', 0.05],
    ]);
    assert.equal(q.score, 0.75);
    for (const i of q.issues) assert.ok(i.points > 0, 'no zero-point deduction is listed');
  });

  it('never goes below 0', () => {
    const q = computeQuality({
      examples: 10,
      invalidRecords: 90,
      mixedFormats: true,
      exactExtraCopies: 5,
      nearCopies: 4,
      replies: 10,
      shortReplies: 10,
      withSystem: 5,
      withoutSystem: 5,
      overLimit: 10,
      maxSeqLength: 2048,
      contradictions: 3,
      piiFindings: 1,
      secretFindings: 1,
      roleOrderExamples: 10,
    });
    const total = q.issues.reduce((s, i) => s + i.points, 0);
    assert.ok(total > 1, `deductions sum to ${total}`);
    assert.equal(q.score, 0);
    assert.equal(q.issues.length, 12, 'every deduction is still listed');
  });

  it('adding an error (an invalid record) never raises the score', () => {
    let previous = Number.POSITIVE_INFINITY;
    for (const invalidRecords of [0, 1, 5, 20, 60, 200, 1000, 5000]) {
      const { score } = computeQuality(facts({ examples: 120, replies: 120, withoutSystem: 120, invalidRecords }));
      assert.ok(score <= previous, `score ${score} with ${invalidRecords} invalid records`);
      previous = score;
    }
  });

  it('words counts in the singular and plural correctly', () => {
    assert.match(messageOf({ examples: 1, replies: 1, withoutSystem: 1 }, 'too-few-examples'), /^Only 1 example: /);
    assert.match(messageOf({ examples: 9, replies: 9, withoutSystem: 9 }, 'too-few-examples'), /^Only 9 examples: /);
    assert.equal(messageOf({ piiFindings: 1 }, 'sensitive-data'), '1 piece of personal data (emails, phones, cards, IBANs).');
    assert.equal(messageOf({ piiFindings: 2 }, 'sensitive-data'), '2 pieces of personal data (emails, phones, cards, IBANs).');
    assert.match(messageOf({ secretFindings: 1 }, 'secrets'), /^1 secret \(/);
    assert.match(messageOf({ examples: 10, replies: 10, withoutSystem: 10, exactExtraCopies: 1 }, 'exact-duplicate'), /^1 exact duplicate example \(10%\)/);
    assert.match(messageOf({ examples: 10, replies: 10, withoutSystem: 10, nearCopies: 1 }, 'near-duplicate'), /^1 near-duplicate example \(10%\)/);
    assert.match(messageOf({ overLimit: 1 }, 'too-long'), /^1 example \(0\.1%\) exceeds the max sequence length of 2048 tokens/);
    assert.match(messageOf({ overLimit: 2 }, 'too-long'), /^2 examples \(0\.2%\) exceed /);
    assert.equal(messageOf({ contradictions: 1 }, 'contradiction'), '1 example answers the same prompt differently.');
    assert.equal(
      messageOf({ examples: 2, replies: 2, withSystem: 1, withoutSystem: 1 }, 'inconsistent-system'),
      '1 example has a system prompt and 1 does not; use one convention.',
    );
    assert.match(messageOf({ examples: 1, replies: 1, withoutSystem: 1, invalidRecords: 1 }, 'invalid-examples'), /^1 of 2 records \(50%\) is not a usable example;/);
    assert.match(messageOf({ examples: 5, replies: 1, withoutSystem: 5, shortReplies: 1 }, 'short-reply'), /^1 of 1 reply \(100%\) is under 10 characters/);
    assert.match(messageOf({ roleOrderExamples: 101 }, 'role-order'), /^101 examples \(10\.1%\) have role-order problems/);
  });
});
