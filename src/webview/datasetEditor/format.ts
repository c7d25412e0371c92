// How the Dataset Editor writes numbers, rows, header items and messages. The numbers come from the host as they
// are; this only formats them. Plain TS: unit-tested under Node.
import type { DatasetHeader } from '../../shared/datasetEditorMessages';
import type { ExampleResult, Row, RowStatsResult } from '../../shared/lspProtocol';

export function formatInt(n: number): string {
  return Math.round(n).toLocaleString('en-US');
}

/** Lines of a record: "12" or "12–20". */
export function formatLines(line: number, endLine: number): string {
  return endLine > line ? `${line}–${endLine}` : String(line);
}

export type BadgeKind = 'error' | 'warning' | 'info' | 'group';

export interface Badge {
  label: string;
  kind: BadgeKind;
  /** The badge's description for screen readers and the tooltip. */
  title: string;
}

/** The badges of a row: its finding codes (worst first, as the server orders them) and its groups. */
export function rowBadges(row: Row): Badge[] {
  const badges: Badge[] = [];
  if (row.duplicateOf !== null) badges.push({ label: `copy of ${row.duplicateOf}`, kind: 'group', title: `Exact copy of the record on line ${row.duplicateOf}` });
  if (row.cluster !== null) badges.push({ label: `cluster ${row.cluster + 1}`, kind: 'group', title: `Member of near-duplicate cluster ${row.cluster + 1}` });
  if (row.contradiction) badges.push({ label: 'contradiction', kind: 'group', title: 'Same prompt as another record, different reply' });
  const kind: BadgeKind = row.severity ?? 'info';
  for (const code of row.codes) badges.push({ label: code, kind, title: `Finding ${code}` });
  return badges;
}

export interface RowCells {
  lines: string;
  format: string;
  turns: string;
  tokens: string;
  preview: string;
  badges: Badge[];
}

export function rowCells(row: Row): RowCells {
  return {
    lines: formatLines(row.line, row.endLine),
    format: row.format ?? 'invalid',
    turns: String(row.turns),
    tokens: row.tokens === null ? '–' : formatInt(row.tokens),
    preview: row.preview,
    badges: rowBadges(row),
  };
}

/** One item of the header: a label, its value, and what it means. */
export interface HeaderItem {
  id: string;
  label: string;
  value: string;
  title: string;
}

export function headerItems(h: DatasetHeader): HeaderItem[] {
  return [
    { id: 'examples', label: 'Examples', value: formatInt(h.examples), title: `${formatInt(h.invalidRecords)} invalid records left out` },
    { id: 'tokens', label: `Tokens (${h.encoding})`, value: formatInt(h.tokens), title: `Counted with ${h.encoding}, ${h.countMode} mode` },
    { id: 'quality', label: 'Quality', value: h.qualityScore.toFixed(2), title: 'Quality score from 0 to 1 (deductions below)' },
    { id: 'format', label: 'Format', value: h.format, title: 'Dataset format' },
    { id: 'errors', label: 'Errors', value: formatInt(h.errors), title: 'Error findings' },
    { id: 'duplicates', label: 'Duplicates', value: formatInt(h.exactDuplicates), title: 'Exact duplicates (extra copies)' },
    { id: 'nearDuplicates', label: 'Near duplicates', value: formatInt(h.nearDuplicates), title: 'Near-duplicate examples' },
    { id: 'contradictions', label: 'Contradictions', value: formatInt(h.contradictions), title: 'Examples answering the same prompt differently' },
    { id: 'overLength', label: `Over ${formatInt(h.maxSeqLength)} tokens`, value: formatInt(h.overLength), title: 'Examples longer than the max sequence length' },
    {
      id: 'billing',
      label: 'Billing estimate',
      value: `${formatInt(h.billing.chargedTokens)} tokens`,
      title: `${formatInt(h.billing.epochs)} epochs × ${formatInt(h.billing.billableTokens)} billable tokens`,
    },
  ];
}

/** The chosen model's counts, as `slmgen/rowStats` gives them. */
export type ModelStats = NonNullable<RowStatsResult['model']>;

/** Which tokenizer counted: its name, or "approximate" (o200k_base over the model's chat template). */
export function modelTokenizerLabel(m: ModelStats): string {
  return m.tokenizer ?? 'approximate';
}

/** The header items of the chosen model's counts (none while no model is chosen). */
export function modelHeaderItems(m: ModelStats | null | undefined): HeaderItem[] {
  if (m === null || m === undefined) return [];
  const how = m.tokenizer === null ? `Approximate: ${m.reason ?? 'o200k_base over its chat template'}` : `Counted with the ${m.tokenizer} over its chat template`;
  const model: HeaderItem = { id: 'model', label: 'Model', value: m.name, title: `${m.id}, context ${formatInt(m.contextLength)} tokens. ${how}` };
  if (m.state === 'counting') return [model, { id: 'modelTokens', label: `Model tokens (${modelTokenizerLabel(m)})`, value: 'Counting…', title: how }];
  if (m.state === 'failed') return [model, { id: 'modelTokens', label: 'Model tokens', value: 'Not counted', title: m.message ?? 'Counting failed' }];
  return [
    model,
    { id: 'modelTokens', label: `Model tokens (${modelTokenizerLabel(m)})`, value: formatInt(m.totalTokens), title: `${how}; ${formatInt(m.totalTrainable)} of them trained (replies and their end-of-turn tokens)` },
    { id: 'modelTruncated', label: `Over ${formatInt(m.maxSeqLength)} for ${m.name}`, value: formatInt(m.truncated), title: `Examples longer than the max sequence length in ${m.name}'s tokens (truncated-for-model)` },
    { id: 'noTrainable', label: 'Nothing to train', value: formatInt(m.noTrainable), title: 'Examples with no trained token for this model (no-trainable-tokens)' },
  ];
}

/** A deduction as the header lists it: "−0.30 exact-duplicate: 2 exact duplicate examples (28.6%)." */
export function formatDeduction(d: DatasetHeader['deductions'][number]): string {
  return `−${d.points.toFixed(2)} ${d.code}: ${d.message}`;
}

/** The bubble style of a role (unknown roles get their own neutral style). */
export function bubbleKind(role: string): 'system' | 'user' | 'assistant' | 'tool' | 'other' {
  const r = role.toLowerCase();
  return r === 'system' || r === 'user' || r === 'assistant' || r === 'tool' ? r : 'other';
}

/** A tool call's arguments as indented JSON (as they are when they are not JSON). */
export function formatToolArguments(args: string): string {
  try {
    return JSON.stringify(JSON.parse(args), null, 2);
  } catch {
    return args;
  }
}

/** The detail pane's title line for an example. */
export function exampleTitle(e: ExampleResult): string {
  const tokens = e.totalTokens === null ? 'tokens not counted' : `${formatInt(e.totalTokens)} tokens (${e.encoding}, ${e.countMode})`;
  return `Lines ${formatLines(e.line, e.endLine)} · ${e.format ?? 'invalid record'} · ${e.messages.length} messages · ${tokens}`;
}

/** "Showing 3 of 7 records" (or the count while the first answer is awaited). */
export function listStatus(matching: number | null, total: number | null): string {
  if (matching === null || total === null) return 'Loading records…';
  return matching === total ? `${formatInt(total)} records` : `${formatInt(matching)} of ${formatInt(total)} records match`;
}
