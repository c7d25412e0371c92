/**
 * Per-record format detection: which accepted dataset shape a parsed JSON record has.
 */
import type { ChatExample, DatasetFormat } from './chat';

/** The outcome of detecting one record's format. */
export type FormatDetection =
  | { kind: 'format'; format: DatasetFormat }
  | { kind: 'not-an-object'; found: string }
  | { kind: 'unknown-shape'; keys: string[] };

/** The accepted shapes, in detection order, for messages that tell the user what we expected. */
export const ACCEPTED_SHAPES: readonly string[] = [
  '"messages" (OpenAI chat)',
  '"conversations" (ShareGPT)',
  '"instruction" + "output" (Alpaca)',
  '"prompt" + "completion"',
  '"text"',
  '"chosen" + "rejected" (preference pairs)',
];

/** A JSON object (not an array, not null). */
export function isJsonObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The JSON type name of a value, for messages ("array", "string", "null", …). */
export function jsonTypeName(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  return typeof value;
}

/**
 * Detect the format of one parsed record by its keys. The first matching key wins, so a record with both
 * `messages` and `text` is OpenAI chat: `chosen` with `rejected` → preference, `messages` → openai, `conversations` → sharegpt, `instruction` with
 * `output` → alpaca, `prompt` with `completion` → prompt_completion, `text` → text.
 */
export function detectFormat(value: unknown): FormatDetection {
  if (!isJsonObject(value)) return { kind: 'not-an-object', found: jsonTypeName(value) };
  const has = (key: string): boolean => Object.hasOwn(value, key);
  // Preference pairs carry their prompt in keys of other formats (prompt, conversations, instruction): checked first.
  if (has('chosen') && has('rejected')) return { kind: 'format', format: 'preference' };
  if (has('messages')) return { kind: 'format', format: 'openai' };
  if (has('conversations')) return { kind: 'format', format: 'sharegpt' };
  if (has('instruction') && has('output')) return { kind: 'format', format: 'alpaca' };
  if (has('prompt') && has('completion')) return { kind: 'format', format: 'prompt_completion' };
  if (has('text')) return { kind: 'format', format: 'text' };
  return { kind: 'unknown-shape', keys: Object.keys(value) };
}

/**
 * Whether an example's format splits it into a prompt and a reply. A `text` record is one piece of training text,
 * and so is a preference pair written as two whole texts (no prompt, no message but the reply): checks and
 * statistics about a reply to a prompt (short or untrimmed replies, a required user turn, contradictions between
 * replies to one prompt) do not apply to them. Every other format has the split.
 */
export function hasPromptReplySplit(format: DatasetFormat, example: ChatExample): boolean {
  if (format === 'text') return false;
  if (format !== 'preference') return true;
  for (const message of example.messages) if (message.role !== 'assistant') return true;
  return false;
}
