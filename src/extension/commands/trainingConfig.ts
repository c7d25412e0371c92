// The hand-edited training config: what the editor is prefilled with, and how its text is read. No `vscode` import.
import { PRESET_VALUES } from '../../shared/notebookChoices';
import type { PresetId } from '../../shared/notebookChoices';
import { UserFacingError } from './errors';

/**
 * The prefilled config: the preset's values without `lora_dropout`, whose default depends on the target (0 on Colab
 * for Unsloth's fast path): a field written here counts as the user's choice.
 */
export function prefilledConfig(preset: PresetId): Record<string, unknown> {
  const { lora_dropout: _dropout, ...rest } = PRESET_VALUES[preset];
  return { ...rest };
}

/** Parse the edited text: a JSON object, or a one-line reason. */
export function parseTrainingConfig(text: string): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new UserFacingError(`The training config is not valid JSON (${error instanceof Error ? error.message : String(error)}).`);
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) throw new UserFacingError('The training config must be a JSON object.');
  return value as Record<string, unknown>;
}
