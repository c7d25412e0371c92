import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { estimateReadOptions, readDatasetRecords } from '../../../src/core/transform/datasetRecords';
import { splitDatasetRecords } from '../../../src/core/transform/splitDataset';
import { planSplit, splitOptionsProblem, validationTarget } from '../../../src/core/transform/splitPlan';

const fixture = join(__dirname, '../../fixtures/workspace/near-duplicates.jsonl');

/** Random records and groups: ordinals 0..n-1, some invalid, groups of any ordinals (invalid ones included). */
const splitCase = fc
  .integer({ min: 2, max: 60 })
  .chain((n) =>
    fc.record({
      n: fc.constant(n),
      invalid: fc.uniqueArray(fc.integer({ min: 0, max: n - 1 }), { maxLength: n }),
      groups: fc.array(fc.uniqueArray(fc.integer({ min: 0, max: n - 1 }), { minLength: 2, maxLength: 6 }), { maxLength: 12 }),
      valRatio: fc.double({ min: 0.01, max: 0.99, noNaN: true }),
      seed: fc.integer({ min: 0, max: 0xffffffff }),
    }),
  );

describe('transform: train/validation split', () => {
  it('property: every usable record lands on exactly one side, no group spans both, invalid ones nowhere', () => {
    fc.assert(
      fc.property(splitCase, ({ n, invalid, groups, valRatio, seed }) => {
        const bad = new Set(invalid);
        const valid = [...Array(n).keys()].filter((i) => !bad.has(i));
        const plan = planSplit({ valid, groups }, { valRatio, seed });
        const all = [...plan.train, ...plan.val].sort((a, b) => a - b);
        assert.deepEqual(all, valid, 'each usable record exactly once');
        const side = new Map<number, 'train' | 'val'>();
        for (const o of plan.train) side.set(o, 'train');
        for (const o of plan.val) side.set(o, 'val');
        for (const g of groups) {
          const sides = new Set(g.filter((o) => !bad.has(o)).map((o) => side.get(o)));
          assert.ok(sides.size <= 1, `group ${JSON.stringify(g)} spans both sides`);
        }
        assert.ok(plan.val.length <= plan.target, 'validation never exceeds its target');
        assert.deepEqual(plan.train, [...plan.train].sort((a, b) => a - b), 'file order kept');
        assert.deepEqual(planSplit({ valid, groups }, { valRatio, seed }), plan, 'deterministic for one seed');
      }),
      { numRuns: 300 },
    );
  });

  it('property: without groups the validation side gets exactly its target', () => {
    fc.assert(
      fc.property(fc.integer({ min: 2, max: 500 }), fc.double({ min: 0.01, max: 0.99, noNaN: true }), fc.nat(), (n, valRatio, seed) => {
        const plan = planSplit({ valid: [...Array(n).keys()], groups: [] }, { valRatio, seed });
        assert.equal(plan.val.length, validationTarget(n, valRatio));
        assert.ok(plan.val.length >= 1 && plan.train.length >= 1);
      }),
    );
  });

  it('different seeds choose different validation records', () => {
    const valid = [...Array(100).keys()];
    const picks = new Set([1, 2, 3, 4, 5].map((seed) => planSplit({ valid, groups: [] }, { valRatio: 0.1, seed }).val.join(',')));
    assert.equal(picks.size, 5);
  });

  it('refuses a ratio outside (0, 1) and a seed that is not a uint32', () => {
    assert.match(splitOptionsProblem({ valRatio: 0 }) ?? '', /between 0 and 1/);
    assert.match(splitOptionsProblem({ valRatio: 1 }) ?? '', /between 0 and 1/);
    assert.match(splitOptionsProblem({ seed: -1 }) ?? '', /seed/);
    assert.match(splitOptionsProblem({ seed: 1.5 }) ?? '', /seed/);
    assert.equal(splitOptionsProblem({ valRatio: 0.2, seed: 7 }), null);
    assert.throws(() => planSplit({ valid: [0, 1], groups: [] }, { valRatio: 2 }), RangeError);
  });

  it('splits the near-duplicate fixture: clusters, duplicates and contradictions on one side, invalid lines listed', () => {
    const bytes = readFileSync(fixture);
    const data = readDatasetRecords(bytes, estimateReadOptions(0.8));
    const split = splitDatasetRecords(data, { valRatio: 0.2, seed: 3 });
    // The fixture's relations, as the engine finds them (lines 1-based): the test fails if the engine stops finding them.
    assert.deepEqual(split.groups, [[6, 21], [4, 12, 19], [8, 23]]);
    assert.deepEqual(split.leftOut.map((r) => [r.line, r.code]), [[13, 'invalid-json'], [26, 'too-few-messages']]);
    const train = new Set(split.trainLines);
    const val = new Set(split.valLines);
    for (const g of split.groups) assert.ok(g.every((l) => train.has(l)) || g.every((l) => val.has(l)), `group ${g.join(',')} spans both sides`);
    assert.equal(split.trainLines.length + split.valLines.length, 27);
    assert.ok(split.valLines.length > 0 && split.valLines.length <= Math.round(27 * 0.2));
    // The written lines are the source lines, byte for byte, in file order.
    const source = bytes.toString('utf8').split('\n');
    assert.equal(split.trainText, split.trainLines.map((l) => `${source[l - 1]}\n`).join(''));
    assert.equal(split.valText, split.valLines.map((l) => `${source[l - 1]}\n`).join(''));
  });

  it('writes a JSON array dataset and pretty-printed records as one line each', () => {
    const text = '[\n  {"prompt": "a b c", "completion": "d e f"},\n  {\n    "prompt": "g h",\n    "completion": "i j"\n  }\n]\n';
    const data = readDatasetRecords(new TextEncoder().encode(text), estimateReadOptions());
    const split = splitDatasetRecords(data, { valRatio: 0.5, seed: 1 });
    const lines = (split.trainText + split.valText).trim().split('\n').sort();
    assert.deepEqual(lines, ['{"prompt":"a b c","completion":"d e f"}', '{"prompt":"g h","completion":"i j"}']);
  });
});
