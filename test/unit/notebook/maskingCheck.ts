/**
 * The masking check of the real-template tests: given an example's token ids and labels (the notebook's, or the
 * counting code's), every way the trained tokens can differ from exactly each reply plus its end-of-turn token after a
 * single BOS, as readable lines.
 */
import type { NotebookTarget } from '../../../src/core/notebook/generateNotebook';
import type { ModelEntry } from '../../../src/core/recommend/registry';
import { loadRealTokenizer, pythonStrip } from './realTokenizers';
import type { RealPackage } from './realTokenizers';

/** A message as the harness reports it. */
export interface Message {
  role: string;
  content: string;
}

/** What the Python harness reports for one notebook (rows: each example's token ids and labels). */
export interface MaskingResult {
  path: string;
  target: NotebookTarget;
  error?: string;
  log: string;
  rows?: { input_ids: number[]; labels: number[] }[];
  train_messages?: Message[][];
  train_renders?: string[];
}

/** Runs of consecutive trained positions (label != -100), as [start, end). */
function trainedRuns(labels: readonly number[]): [number, number][] {
  const runs: [number, number][] = [];
  for (let i = 0; i < labels.length; i++) {
    if (labels[i] === -100) continue;
    if (i > 0 && labels[i - 1] !== -100) runs[runs.length - 1]![1] = i + 1;
    else runs.push([i, i + 1]);
  }
  return runs;
}

/** How often `needle` occurs in `hay` (token ids). */
function occurrences(hay: readonly number[], needle: readonly number[]): number {
  let n = 0;
  for (let i = 0; i + needle.length <= hay.length; i++) if (needle.every((t, k) => hay[i + k] === t)) n++;
  return n;
}

/** The text the template renders for a reply: Llama 3 and Gemma trim each message. */
function renderedReply(model: ModelEntry, content: string): string {
  return model.family === 'llama3' || model.family === 'gemma' ? pythonStrip(content) : content;
}

/** Every way the masking can be wrong, as readable lines (empty when right). */
export function maskingProblems(model: ModelEntry, pkg: RealPackage, r: MaskingResult): string[] {
  const problems: string[] = [];
  if (r.error) return [`notebook raised ${r.error}`];
  const tok = loadRealTokenizer(pkg);
  const eot = model.stopTokens[0]!;
  const bos = tok.specialToken('bos');
  const bosId = bos === null ? undefined : tok.idOf(bos);
  const rows = r.rows ?? [];
  const messages = r.train_messages ?? [];
  if (rows.length !== messages.length || rows.length === 0) problems.push(`${rows.length} tokenized rows for ${messages.length} examples`);
  rows.forEach((row, i) => {
    const msgs = messages[i] ?? [];
    const ids = row.input_ids;
    if (bosId !== undefined) {
      const count = ids.filter((id) => id === bosId).length;
      if (ids[0] !== bosId || count !== 1) problems.push(`example ${i}: ${count} BOS tokens (${bosId}), starts [${ids.slice(0, 3).join(', ')}]`);
    }
    row.labels.forEach((l, k) => {
      if (l !== -100 && l !== ids[k]) problems.push(`example ${i}: label ${l} at ${k} is not the input token ${ids[k]}`);
    });
    // Markers verbatim, once per turn, in the text and in the tokens.
    for (const [marker, role] of [[model.responsePart, 'assistant'], [model.instructionPart, 'user']] as const) {
      const turns = msgs.filter((m) => m.role === role).length;
      const inText = (r.train_renders?.[i] ?? '').split(marker).length - 1;
      const inTokens = occurrences(ids, tok.encode(marker, false));
      if (inText !== turns || inTokens !== turns) problems.push(`example ${i}: ${JSON.stringify(marker)} ${inText} times in the text, ${inTokens} in the tokens, for ${turns} ${role} turns`);
    }
    const trained = trainedRuns(row.labels).map(([b, e]) => tok.decode(ids.slice(b, e)));
    const expected = msgs.filter((m) => m.role === 'assistant').map((m) => renderedReply(model, m.content) + eot);
    if (JSON.stringify(trained) !== JSON.stringify(expected)) {
      problems.push(`example ${i}: trained ${JSON.stringify(trained)}, expected ${JSON.stringify(expected)}`);
    }
  });
  return problems;
}

