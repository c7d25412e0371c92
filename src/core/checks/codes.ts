/**
 * The one table of finding codes. Codes are stable kebab-case identifiers (documented in the README); every
 * finding any part of the engine emits uses a code from here and takes its severity from here.
 */
import type { Finding, Range, RelatedLocation, Severity } from '../types';

/**
 * What part of the engine a code belongs to. `pii` and `secret` findings are sensitive data: they count in the
 * quality score's own deductions and never in `format_errors`.
 */
export type CodeGroup = 'parse' | 'file' | 'cookbook' | 'conversation' | 'duplicates' | 'pii' | 'secret';

/** One finding code and what it means. */
export interface FindingCodeInfo {
  code: string;
  severity: Severity;
  group: CodeGroup;
  title: string;
  description: string;
}

/** Every finding code, grouped: parse, file, OpenAI cookbook, SLMGEN/ours, duplicates, sensitive data. */
export const FINDING_CODES = [
  // Parse (per line).
  { code: 'invalid-json', severity: 'error', group: 'parse', title: 'Invalid JSON', description: 'The line is not valid JSON.' },
  { code: 'invalid-utf8', severity: 'error', group: 'parse', title: 'Invalid UTF-8', description: 'The line contains bytes that are not valid UTF-8.' },
  { code: 'line-too-long', severity: 'error', group: 'parse', title: 'Line too long', description: 'The line is longer than the per-line limit (--max-line-bytes, default 64 MiB); it was skipped without being read into memory or parsed, so the record is not usable.' },
  { code: 'multiline-record', severity: 'warning', group: 'parse', title: 'Record spans several lines', description: 'JSONL needs one record per line; this record is pretty-printed over several lines.' },
  { code: 'file-encoding', severity: 'error', group: 'parse', title: 'File is not UTF-8', description: 'The file is UTF-16 or UTF-32 encoded; fine-tuning tools read datasets as UTF-8, so every line fails to parse.' },
  { code: 'compressed-file', severity: 'error', group: 'parse', title: 'File is compressed', description: 'The file is gzip, zip, bzip2, xz or zstd compressed; decompress it first (e.g. gunzip FILE.gz).' },
  { code: 'lone-surrogate', severity: 'error', group: 'parse', title: 'Lone surrogate', description: 'A string holds an unpaired UTF-16 surrogate (such as "\\ud800"); it is not a character, and Python refuses to encode it ("surrogates not allowed").' },
  { code: 'bom', severity: 'info', group: 'parse', title: 'Byte order mark', description: 'The file starts with a UTF-8 byte order mark, which many JSONL readers reject.' },
  { code: 'not-an-object', severity: 'error', group: 'parse', title: 'Record is not an object', description: 'Every record must be a JSON object (cookbook: data_type).' },
  { code: 'unknown-shape', severity: 'error', group: 'parse', title: 'Unknown record shape', description: 'The record matches none of the accepted shapes: OpenAI messages, ShareGPT conversations, Alpaca, prompt/completion, text.' },
  // File level.
  { code: 'mixed-formats', severity: 'error', group: 'file', title: 'Mixed formats', description: 'Records of more than one dataset format are present in the file.' },
  { code: 'no-examples', severity: 'error', group: 'file', title: 'No usable examples', description: 'The file has no usable training example.' },
  { code: 'too-few-examples', severity: 'warning', group: 'file', title: 'Too few examples', description: 'The dataset has fewer examples than recommended for fine-tuning.' },
  { code: 'inconsistent-system', severity: 'warning', group: 'file', title: 'Inconsistent system prompts', description: 'Some examples have a system prompt and a sizeable share do not.' },
  // OpenAI cookbook format checks.
  { code: 'missing-messages-list', severity: 'error', group: 'cookbook', title: 'Missing messages list', description: 'The record has no non-empty list of messages (cookbook: missing_messages_list).' },
  { code: 'message-missing-key', severity: 'error', group: 'cookbook', title: 'Message missing a key', description: 'A message lacks "role" or "content" (cookbook: message_missing_key).' },
  { code: 'message-unrecognized-key', severity: 'error', group: 'cookbook', title: 'Unrecognized message key', description: 'A message has a key other than role, content, name, weight, tool_calls, tool_call_id, function_call (cookbook: message_unrecognized_key).' },
  { code: 'unrecognized-role', severity: 'error', group: 'cookbook', title: 'Unrecognized role', description: 'A message role is not one of system, user, assistant, tool, function (cookbook: unrecognized_role).' },
  { code: 'missing-content', severity: 'error', group: 'cookbook', title: 'Missing content', description: 'A message has no text content, or content that is neither a string nor a list of text parts (cookbook: missing_content).' },
  { code: 'missing-assistant', severity: 'error', group: 'cookbook', title: 'No assistant message', description: 'The example has no assistant message to learn from (cookbook: example_missing_assistant_message).' },
  // SLMGEN and our own per-record checks.
  { code: 'too-few-messages', severity: 'error', group: 'conversation', title: 'Too few messages', description: 'An example needs at least two messages (a prompt and a reply).' },
  { code: 'no-user-turn', severity: 'warning', group: 'conversation', title: 'No user turn', description: 'The example has no user message (the cookbook\'s missing_user data warning); OpenAI accepts such examples, so they stay usable and count in every statistic.' },
  { code: 'empty-assistant', severity: 'error', group: 'conversation', title: 'Empty assistant reply', description: 'An assistant reply is empty after trimming whitespace.' },
  { code: 'short-reply', severity: 'info', group: 'conversation', title: 'Short reply', description: 'An assistant reply is shorter than the short-reply threshold (10 characters by default).' },
  { code: 'role-alias', severity: 'error', group: 'conversation', title: 'Role alias', description: 'A role such as "User", "human", "gpt", "bot" or "model" is not accepted in OpenAI format; rename it to the canonical role.' },
  { code: 'consecutive-same-role', severity: 'warning', group: 'conversation', title: 'Consecutive turns of one role', description: 'Two adjacent messages have the same role; they usually belong in one turn.' },
  { code: 'system-not-first', severity: 'warning', group: 'conversation', title: 'System message not first', description: 'A system message appears after the conversation has started.' },
  { code: 'last-not-assistant', severity: 'warning', group: 'conversation', title: 'Last message not from the assistant', description: 'The conversation does not end with an assistant reply, so its last turn teaches nothing.' },
  { code: 'whitespace-only-content', severity: 'error', group: 'conversation', title: 'Whitespace-only content', description: 'A message content consists only of whitespace.' },
  { code: 'untrimmed-reply', severity: 'info', group: 'conversation', title: 'Untrimmed reply', description: 'An assistant reply starts or ends with whitespace.' },
  { code: 'invalid-weight', severity: 'error', group: 'conversation', title: 'Invalid weight', description: 'A message weight must be 0 or 1.' },
  { code: 'invalid-tools', severity: 'error', group: 'conversation', title: 'Invalid tool definitions', description: 'The record\'s "tools" is not a list of function definitions (or a JSON string of one); the chat template cannot show the model its tools.' },
  { code: 'invalid-tool-call', severity: 'error', group: 'conversation', title: 'Invalid tool call', description: 'A tool call has no function name, or its arguments are not valid JSON (a JSON object, or a string holding one).' },
  { code: 'undeclared-tool-call', severity: 'warning', group: 'conversation', title: 'Call to an undeclared tool', description: 'A tool call names a function that the record\'s "tools" do not declare.' },
  { code: 'non-text-content', severity: 'warning', group: 'conversation', title: 'Non-text content', description: 'A content part (image_url, input_audio, …) or a record field (images, videos, audios) is not text; text-only fine-tuning drops it.' },
  { code: 'preference-data', severity: 'error', group: 'conversation', title: 'Preference pair', description: 'The record is a preference pair ("chosen" and "rejected"), which trains DPO-style, not SFT; SFT notebooks need one reply per prompt. With the "use chosen" option (CLI --use-chosen) the chosen reply is used as the reply.' },
  { code: 'preference-identical', severity: 'warning', group: 'conversation', title: 'Identical preference pair', description: 'The chosen and rejected replies are the same, so the pair expresses no preference.' },
  { code: 'preference-prompt-mismatch', severity: 'error', group: 'conversation', title: 'Preference pair without a shared prompt', description: 'The chosen and rejected conversations differ before their last reply, so they do not answer one shared prompt.' },
  { code: 'too-long', severity: 'warning', group: 'conversation', title: 'Example too long', description: 'The example has more tokens than the maximum sequence length and will be truncated.' },
  { code: 'truncated-for-model', severity: 'warning', group: 'conversation', title: 'Too long for the chosen model', description: 'With the chosen model\'s own tokenizer and chat template (CLI --model), the example has more tokens than the notebook\'s max_seq_length; the notebook leaves it out.' },
  { code: 'no-trainable-tokens', severity: 'warning', group: 'conversation', title: 'Nothing to train', description: 'With the chosen model\'s chat template (CLI --model), the masking that trains only assistant replies and their end-of-turn token leaves no token of this example to learn from.' },
  // Cross-record checks.
  { code: 'exact-duplicate', severity: 'warning', group: 'duplicates', title: 'Exact duplicate', description: 'The example repeats an earlier one.' },
  { code: 'near-duplicate', severity: 'warning', group: 'duplicates', title: 'Near duplicate', description: 'The example is almost identical to an earlier one.' },
  { code: 'contradiction', severity: 'warning', group: 'duplicates', title: 'Contradicting replies', description: 'The same prompt has different replies in different examples.' },
  // Sensitive data.
  { code: 'pii-email', severity: 'warning', group: 'pii', title: 'Email address', description: 'The content contains what looks like an email address.' },
  { code: 'pii-phone', severity: 'warning', group: 'pii', title: 'Phone number', description: 'The content contains what looks like a phone number.' },
  { code: 'pii-credit-card', severity: 'warning', group: 'pii', title: 'Credit card number', description: 'The content contains what looks like a payment card number.' },
  { code: 'pii-iban', severity: 'warning', group: 'pii', title: 'IBAN', description: 'The content contains what looks like an IBAN.' },
  { code: 'secret-api-key', severity: 'error', group: 'secret', title: 'API key', description: 'The content contains what looks like an API key or access token.' },
  { code: 'secret-private-key', severity: 'error', group: 'secret', title: 'Private key', description: 'The content contains a private key block.' },
] as const satisfies readonly FindingCodeInfo[];

/** Any finding code. */
export type CodeName = (typeof FINDING_CODES)[number]['code'];

const BY_CODE: ReadonlyMap<string, FindingCodeInfo> = new Map(FINDING_CODES.map((info) => [info.code, info]));

/** The table entry of `code`, or undefined for a string that is not a code. */
export function codeInfo(code: string): FindingCodeInfo | undefined {
  return BY_CODE.get(code);
}

/** Whether a string is one of the codes (e.g. a code read back from an editor's diagnostic). */
export function isCodeName(code: string): code is CodeName {
  return BY_CODE.has(code);
}

/** The severity of a code, from the table. */
export function severityOf(code: CodeName): Severity {
  return (BY_CODE.get(code) as FindingCodeInfo).severity;
}

/** Whether a code reports sensitive data (personal data or a secret). */
export function isSensitiveCode(code: CodeName): boolean {
  const group = (BY_CODE.get(code) as FindingCodeInfo).group;
  return group === 'pii' || group === 'secret';
}

/** The group of a code. */
export function groupOf(code: CodeName): CodeGroup {
  return (BY_CODE.get(code) as FindingCodeInfo).group;
}

/**
 * Build a finding. Every finding the engine reports is made here, so its severity always comes from the table.
 */
export function makeFinding(code: CodeName, message: string, range: Range, related?: RelatedLocation[]): Finding {
  const finding: Finding = { code, severity: severityOf(code), message, range };
  if (related !== undefined && related.length > 0) finding.related = related;
  return finding;
}

/** Our code → the OpenAI cookbook's `format_errors` key that counts the same problem. */
export const COOKBOOK_KEYS = {
  'not-an-object': 'data_type',
  'missing-messages-list': 'missing_messages_list',
  'message-missing-key': 'message_missing_key',
  'message-unrecognized-key': 'message_unrecognized_key',
  'unrecognized-role': 'unrecognized_role',
  'missing-content': 'missing_content',
  'missing-assistant': 'example_missing_assistant_message',
} as const satisfies Partial<Record<CodeName, string>>;

/** A cookbook `format_errors` key. */
export type CookbookKey = (typeof COOKBOOK_KEYS)[keyof typeof COOKBOOK_KEYS];
