import assert from 'node:assert/strict';
import { MAX_RESTARTS, RESTART_WINDOW_MS } from '../../../src/extension/constants';
import { RestartBudget } from '../../../src/extension/languageServer/restartPolicy';

describe('extension: language server restart budget', () => {
  it('restarts 5 times within 3 minutes, then stops', () => {
    let now = 0;
    const budget = new RestartBudget(MAX_RESTARTS, RESTART_WINDOW_MS, () => now);
    assert.equal(MAX_RESTARTS, 5);
    assert.equal(RESTART_WINDOW_MS, 180_000);
    for (let i = 0; i < 5; i++) {
      now += 10_000;
      assert.equal(budget.recordCrash(), true, `crash ${i + 1}`);
    }
    now += 10_000;
    assert.equal(budget.recordCrash(), false);
    assert.equal(budget.recentCrashes, 6);
  });

  it('forgets crashes older than the window, and all of them on reset', () => {
    let now = 0;
    const budget = new RestartBudget(2, 1000, () => now);
    assert.equal(budget.recordCrash(), true);
    now = 500;
    assert.equal(budget.recordCrash(), true);
    now = 1200; // the first crash left the window
    assert.equal(budget.recordCrash(), true);
    now = 1300;
    assert.equal(budget.recordCrash(), false);
    budget.reset();
    assert.equal(budget.recordCrash(), true);
  });
});
