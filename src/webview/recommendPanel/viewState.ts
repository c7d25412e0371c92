// What the Recommendation panel remembers across hide/show and reload (VS Code's getState/setState): the dataset,
// the chosen task and deployment, the selected and compared models, the form's preset, target, data choice and typed
// values, and the scroll position. Plain TS: unit-tested under Node.
import { z } from 'zod';
import { DEFAULT_PRESET } from '../../shared/notebookChoices';
import { DataId, DeploymentId, PresetId, TargetId, TaskId } from '../../shared/recommendPanelMessages';

/** Models compared side by side at most. */
export const MAX_COMPARED = 2;

const PanelViewState = z.object({
  /** The dataset (the host restores the panel for it after a reload). */
  uri: z.string().optional(),
  task: TaskId,
  deployment: DeploymentId,
  model: z.string().nullable(),
  compare: z.array(z.string()).max(MAX_COMPARED),
  preset: PresetId,
  target: TargetId,
  /** The examples embedded in the notebook or in a sidecar file next to it (a state saved without it: embedded). */
  data: DataId.default('embed'),
  /** The text typed in each field of the form (a field not here takes the preset's and the data's default). */
  edits: z.record(z.string(), z.string()),
  scrollY: z.number().min(0),
});
export type PanelViewState = z.infer<typeof PanelViewState>;

export const INITIAL_VIEW_STATE: PanelViewState = {
  task: 'instruction_following',
  deployment: 'cloud',
  model: null,
  compare: [],
  preset: DEFAULT_PRESET,
  target: 'colab',
  data: 'embed',
  edits: {},
  scrollY: 0,
};

/** The saved state, or the initial one when there is none (or it is from an older version of the panel). */
export function restoreViewState(saved: unknown): PanelViewState {
  const parsed = PanelViewState.safeParse(saved);
  return parsed.success ? parsed.data : { ...INITIAL_VIEW_STATE, uri: (saved as { uri?: unknown } | null)?.uri as string | undefined };
}

export type PanelAction =
  | { type: 'setTask'; task: PanelViewState['task'] }
  | { type: 'setDeployment'; deployment: PanelViewState['deployment'] }
  | { type: 'selectModel'; model: string }
  | { type: 'toggleCompare'; model: string }
  | { type: 'setPreset'; preset: PanelViewState['preset'] }
  | { type: 'setTarget'; target: PanelViewState['target'] }
  | { type: 'setData'; data: PanelViewState['data'] }
  | { type: 'editField'; field: string; text: string }
  | { type: 'resetField'; field: string }
  | { type: 'scrolled'; scrollY: number };

/**
 * The next state. A new preset starts the form again from that preset (typed values are dropped); comparing a third
 * model replaces the older of the two.
 */
export function reducePanelState(state: PanelViewState, action: PanelAction): PanelViewState {
  switch (action.type) {
    case 'setTask':
      return { ...state, task: action.task };
    case 'setDeployment':
      return { ...state, deployment: action.deployment };
    case 'selectModel':
      return { ...state, model: action.model };
    case 'toggleCompare': {
      if (state.compare.includes(action.model)) return { ...state, compare: state.compare.filter((m) => m !== action.model) };
      return { ...state, compare: [...state.compare, action.model].slice(-MAX_COMPARED) };
    }
    case 'setPreset':
      return { ...state, preset: action.preset, edits: {} };
    case 'setTarget':
      return { ...state, target: action.target };
    case 'setData':
      return { ...state, data: action.data };
    case 'editField':
      return { ...state, edits: { ...state.edits, [action.field]: action.text } };
    case 'resetField': {
      const { [action.field]: _dropped, ...edits } = state.edits;
      return { ...state, edits };
    }
    case 'scrolled':
      return { ...state, scrollY: Math.max(0, action.scrollY) };
  }
}
