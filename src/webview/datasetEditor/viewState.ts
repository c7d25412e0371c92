// The Dataset Editor's view state (filters, sort, selection, scroll) and its reducer, kept with the webview's
// getState/setState so that it survives hiding the editor and reloading the window. Plain TS: unit-tested under Node.
import { z } from 'zod';
import { RowSort, SeveritySchema } from '../../shared/lspProtocol';
import type { RowFilter } from '../../shared/lspProtocol';

/** The yes/no filters, each a `slmgen/rows` filter condition. */
export const FLAG_FILTERS = ['duplicates', 'nearDuplicates', 'contradictions', 'overLength', 'invalid'] as const;
export type FlagFilter = (typeof FLAG_FILTERS)[number];

export const ViewState = z.object({
  /** The dataset the state belongs to (a restored read-only panel reopens it). */
  uri: z.string().optional(),
  filters: z.object({
    /** Only records with a finding of this code ('' = any). */
    code: z.string(),
    severities: z.array(SeveritySchema),
    flags: z.array(z.enum(FLAG_FILTERS)),
    /** Full-text search (case-insensitive substring of the record). */
    text: z.string(),
  }),
  sort: RowSort,
  /** Position of the selected row in the filtered list, and its line when it was selected. */
  selected: z.number().int().min(0).nullable(),
  scrollOffset: z.number().min(0),
});
export type ViewState = z.infer<typeof ViewState>;

export const INITIAL_VIEW_STATE: ViewState = {
  filters: { code: '', severities: [], flags: [], text: '' },
  sort: { by: 'line', direction: 'asc' },
  selected: null,
  scrollOffset: 0,
};

export type ViewAction =
  | { type: 'toggleFlag'; flag: FlagFilter }
  | { type: 'toggleSeverity'; severity: z.infer<typeof SeveritySchema> }
  | { type: 'setCode'; code: string }
  | { type: 'setText'; text: string }
  | { type: 'setSort'; sort: RowSort }
  | { type: 'clearFilters' }
  | { type: 'select'; position: number | null }
  /** Move the selection by `delta` rows within `count` rows. */
  | { type: 'moveSelection'; delta: number; count: number }
  | { type: 'scrolled'; offset: number }
  | { type: 'setUri'; uri: string };

/** A new list (other filter or order) starts at the top with nothing selected. */
function newList(state: ViewState, change: Partial<ViewState>): ViewState {
  return { ...state, ...change, selected: null, scrollOffset: 0 };
}

function toggle<T>(list: readonly T[], item: T): T[] {
  return list.includes(item) ? list.filter((x) => x !== item) : [...list, item];
}

export function reduceViewState(state: ViewState, action: ViewAction): ViewState {
  switch (action.type) {
    case 'toggleFlag':
      return newList(state, { filters: { ...state.filters, flags: toggle(state.filters.flags, action.flag) } });
    case 'toggleSeverity':
      return newList(state, { filters: { ...state.filters, severities: toggle(state.filters.severities, action.severity) } });
    case 'setCode':
      return newList(state, { filters: { ...state.filters, code: action.code } });
    case 'setText':
      return action.text === state.filters.text ? state : newList(state, { filters: { ...state.filters, text: action.text } });
    case 'setSort':
      return newList(state, { sort: action.sort });
    case 'clearFilters':
      return newList(state, { filters: INITIAL_VIEW_STATE.filters });
    case 'select':
      return { ...state, selected: action.position };
    case 'moveSelection': {
      if (action.count === 0) return { ...state, selected: null };
      const from = state.selected ?? (action.delta > 0 ? -1 : action.count);
      return { ...state, selected: Math.max(0, Math.min(action.count - 1, from + action.delta)) };
    }
    case 'scrolled':
      return { ...state, scrollOffset: Math.max(0, action.offset) };
    case 'setUri':
      return { ...state, uri: action.uri };
  }
}

/** The `slmgen/rows` filter of the view's filters (undefined: every record). */
export function rowsFilter(filters: ViewState['filters']): RowFilter | undefined {
  const filter: RowFilter = {};
  if (filters.code !== '') filter.codes = [filters.code];
  if (filters.severities.length > 0) filter.severities = [...filters.severities];
  for (const flag of filters.flags) filter[flag] = true;
  const text = filters.text.trim();
  if (text !== '') filter.text = text;
  return Object.keys(filter).length === 0 ? undefined : filter;
}

/** Identifies one list (filter and order): rows of another list are never mixed in. */
export function listKey(state: ViewState): string {
  return JSON.stringify({ filter: rowsFilter(state.filters) ?? null, sort: state.sort });
}

/** A saved state, or the initial one when there is none or it does not fit (an older version's). */
export function restoreViewState(saved: unknown): ViewState {
  const parsed = ViewState.safeParse(saved);
  return parsed.success ? parsed.data : INITIAL_VIEW_STATE;
}
