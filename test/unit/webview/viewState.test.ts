import assert from 'node:assert/strict';
import { INITIAL_VIEW_STATE, listKey, reduceViewState, restoreViewState, rowsFilter } from '../../../src/webview/datasetEditor/viewState';
import type { ViewAction, ViewState } from '../../../src/webview/datasetEditor/viewState';

const run = (actions: ViewAction[], from: ViewState = INITIAL_VIEW_STATE): ViewState => actions.reduce(reduceViewState, from);

describe('webview: Dataset Editor view state', () => {
  it('turns the filters into a slmgen/rows filter with only the conditions set', () => {
    assert.equal(rowsFilter(INITIAL_VIEW_STATE.filters), undefined);
    const state = run([
      { type: 'toggleFlag', flag: 'duplicates' },
      { type: 'toggleFlag', flag: 'overLength' },
      { type: 'toggleSeverity', severity: 'error' },
      { type: 'setCode', code: 'role-alias' },
      { type: 'setText', text: '  photosynthesis ' },
    ]);
    assert.deepEqual(rowsFilter(state.filters), { codes: ['role-alias'], severities: ['error'], duplicates: true, overLength: true, text: 'photosynthesis' });
    const off = run([{ type: 'toggleFlag', flag: 'duplicates' }], state);
    assert.equal(rowsFilter(off.filters)?.duplicates, undefined, 'a second toggle turns it off');
    assert.deepEqual(rowsFilter(run([{ type: 'clearFilters' }], state).filters), undefined);
  });

  it('starts a new list at the top with nothing selected when the filter or the order changes', () => {
    const scrolled = run([{ type: 'select', position: 40 }, { type: 'scrolled', offset: 900 }]);
    assert.equal(scrolled.selected, 40);
    for (const action of [
      { type: 'toggleFlag', flag: 'invalid' },
      { type: 'setSort', sort: { by: 'tokens', direction: 'desc' } },
      { type: 'setText', text: 'x' },
    ] as ViewAction[]) {
      const next = reduceViewState(scrolled, action);
      assert.equal(next.selected, null, action.type);
      assert.equal(next.scrollOffset, 0, action.type);
      assert.notEqual(listKey(next), listKey(scrolled), action.type);
    }
    assert.equal(reduceViewState(scrolled, { type: 'setText', text: '' }), scrolled, 'the same search changes nothing');
    assert.equal(listKey(reduceViewState(scrolled, { type: 'select', position: 3 })), listKey(scrolled), 'selecting keeps the list');
  });

  it('moves the selection with the arrow keys inside the list', () => {
    assert.equal(run([{ type: 'moveSelection', delta: 1, count: 5 }]).selected, 0, 'down from nothing: the first row');
    assert.equal(run([{ type: 'moveSelection', delta: -1, count: 5 }]).selected, 4, 'up from nothing: the last row');
    assert.equal(run([{ type: 'select', position: 4 }, { type: 'moveSelection', delta: 1, count: 5 }]).selected, 4, 'stops at the end');
    assert.equal(run([{ type: 'select', position: 1 }, { type: 'moveSelection', delta: -10, count: 5 }]).selected, 0, 'stops at the top');
    assert.equal(run([{ type: 'select', position: 1 }, { type: 'moveSelection', delta: 1, count: 0 }]).selected, null, 'an empty list has no selection');
  });

  it('restores a saved state, and falls back to the initial one for anything else', () => {
    const saved = JSON.parse(JSON.stringify(run([{ type: 'setUri', uri: 'file:///d/a.jsonl' }, { type: 'toggleFlag', flag: 'contradictions' }, { type: 'select', position: 2 }, { type: 'scrolled', offset: 52 }])));
    assert.deepEqual(restoreViewState(saved), saved);
    assert.deepEqual(restoreViewState(undefined), INITIAL_VIEW_STATE);
    assert.deepEqual(restoreViewState({ filters: { flags: ['bogus'] } }), INITIAL_VIEW_STATE);
  });
});
