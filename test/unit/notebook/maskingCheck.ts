/**
 * The masking check of the real-template tests: given an example's token ids and labels (the notebook's, or the
 * counting code's), every way the trained tokens can differ from exactly each reply plus its end-of-turn token after a
 * single BOS, as readable lines. Replies with OpenAI's `"weight": 0` are context only: they must not be trained. Which
 * replies those are is read from the examples as given (the source data), not from the code under test.
 */
import type { NotebookTarget } from '../../../src/core/notebook/generateNotebook';
import type { ModelEntry } from '../../../src/core/recommend/registry';
import { loadRealTokenizer, pythonStrip } from './realTokenizers';
import type { RealPackage } from './realTokenizers';

/** A message as the harness reports it. */
export interface Message {
  role: string;
  content: string;
  /** 0 when `prepare_messages` keeps the reply as context only. */
  weight?: number;
}

/** An example as given to the notebook (its OpenAI JSONL record): the source of each reply's weight. */
export interface SourceExample {
  messages: { role: string; weight?: number }[];
}

/**
 * What the Python harness reports for one notebook: rows, the token ids and labels the trainer receives (one per
 * example that has a trained reply, in order); the training examples, all of them, with their prepared messages.
 */
export interface MaskingResult {
  path: string;
  target: NotebookTarget;
  error?: string;
  log: string;
  rows?: { input_ids: number[]; labels: number[] }[];
  /** The validation rows the trainer receives (null: none), and the trainer's evaluation strategy. */
  eval_rows?: { input_ids: number[]; labels: number[] }[] | null;
  eval_strategy?: string;
  train_messages?: Message[][];
  train_renders?: string[];
  /** The training examples, in order, as given (before `prepare_messages`): the rows are those with a trained reply. */
  train_examples?: SourceExample[];
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

/**
 * Whether each assistant reply of the prepared messages is trained: not when the source example's matching assistant
 * message has weight 0. The two must have as many assistant messages (no merged replies in the fixtures).
 */
function trainedReplies(prepared: readonly Message[], source: SourceExample | undefined): boolean[] | string {
  const weights = (source?.messages ?? []).filter((m) => m.role === 'assistant').map((m) => m.weight);
  const replies = prepared.filter((m) => m.role === 'assistant').length;
  if (weights.length !== replies) return `${replies} prepared replies for ${weights.length} assistant messages in the source example`;
  return weights.map((w) => w !== 0);
}

/**
 * The indices of the training examples the trainer must receive, in order: those with a reply to train, by the source
 * weights (an example whose replies all have weight 0, or that has none, trains nothing and must be left out). An
 * example whose weights do not match its replies is kept, so that its row reports the mismatch.
 */
function examplesToTrain(r: MaskingResult): number[] {
  return (r.train_messages ?? []).flatMap((msgs, i) => {
    const trains = trainedReplies(msgs, r.train_examples?.[i]);
    return typeof trains === 'string' || trains.includes(true) ? [i] : [];
  });
}

/** Every way the masking can be wrong, as readable lines (empty when right). Row k is the k-th example to train. */
export function maskingProblems(model: ModelEntry, pkg: RealPackage, r: MaskingResult): string[] {
  const problems: string[] = [];
  if (r.error) return [`notebook raised ${r.error}`];
  const tok = loadRealTokenizer(pkg);
  const eot = model.stopTokens[0]!;
  const bos = tok.specialToken('bos');
  const bosId = bos === null ? undefined : tok.idOf(bos);
  const rows = r.rows ?? [];
  const messages = r.train_messages ?? [];
  const toTrain = examplesToTrain(r);
  if (rows.length !== toTrain.length || rows.length === 0) problems.push(`${rows.length} tokenized rows for ${toTrain.length} examples with a reply to train`);
  rows.forEach((row, k) => {
    const i = toTrain[k] ?? -1;
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
    const trains = trainedReplies(msgs, r.train_examples?.[i]);
    if (typeof trains === 'string') {
      problems.push(`example ${i}: ${trains}`);
      return;
    }
    const expected = msgs.filter((m) => m.role === 'assistant').filter((_m, k) => trains[k]).map((m) => renderedReply(model, m.content) + eot);
    if (JSON.stringify(trained) !== JSON.stringify(expected)) {
      problems.push(`example ${i}: trained ${JSON.stringify(trained)}, expected ${JSON.stringify(expected)}`);
    }
  });
  return problems;
}

