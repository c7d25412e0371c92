import assert from 'node:assert/strict';
import { makeRange } from '../../../src/core/types';

describe('core types', () => {
  it('makeRange builds a 0-based half-open range', () => {
    assert.deepEqual(makeRange(1, 2, 3, 4), { start: { line: 1, character: 2 }, end: { line: 3, character: 4 } });
  });
});
