/**
 * The OpenAI cookbook's format-error counts ("Data preparation and analysis for chat model fine-tuning",
 * openai/openai-cookbook examples/Chat_finetuning_data_prep.ipynb, format-check cell as of commit b774cbf),
 * reproduced so our numbers match the notebook's output.
 */
import { isJsonObject } from '../formats/detect';
import { isTextParts } from '../formats/normalize';
import type { CookbookKey } from './codes';

/**
 * `notebook`: exactly the notebook's rules (keys role, content, name, function_call, weight; roles system, user,
 * assistant, function; content must be a non-empty string unless function_call is set, and always a string).
 * `extended`: the same counts with today's fine-tuning format accepted too (tool role, tool_calls, tool_call_id,
 * null content with tool calls, content as a list of text parts).
 */
export type CookbookMode = 'notebook' | 'extended';

const NOTEBOOK_KEYS = new Set(['role', 'content', 'name', 'function_call', 'weight']);
const EXTENDED_KEYS = new Set([...NOTEBOOK_KEYS, 'tool_calls', 'tool_call_id']);
const NOTEBOOK_ROLES = new Set(['system', 'user', 'assistant', 'function']);
const EXTENDED_ROLES = new Set([...NOTEBOOK_ROLES, 'tool']);

/** Python truthiness of a JSON value. */
function truthy(value: unknown): boolean {
  if (value === null || value === undefined || value === false || value === 0 || value === '') return false;
  if (Array.isArray(value)) return value.length > 0;
  if (typeof value === 'object') return Object.keys(value).length > 0;
  return true;
}

function contentIsMissing(message: Record<string, unknown>, mode: CookbookMode): boolean {
  const content = message['content'];
  const hasCall = truthy(message['function_call']) || (mode === 'extended' && truthy(message['tool_calls']));
  if (mode === 'notebook') return (!truthy(content) && !hasCall) || typeof content !== 'string';
  if (typeof content === 'string') return content === '' && !hasCall;
  if (content === null || content === undefined) return !hasCall;
  return !isTextParts(content);
}

function hasKeyOutside(message: Record<string, unknown>, keys: ReadonlySet<string>): boolean {
  for (const key in message) if (Object.hasOwn(message, key) && !keys.has(key)) return true;
  return false;
}

/**
 * Cookbook format-error counts of one record (only keys with a non-zero count). Per-message keys count once per
 * message. The notebook crashes on a non-list `messages` value or a non-object message; we count the first as
 * `missing_messages_list` and treat the second as an empty message.
 */
export function countCookbookErrors(record: unknown, mode: CookbookMode = 'notebook'): Partial<Record<CookbookKey, number>> {
  const counts: Partial<Record<CookbookKey, number>> = {};
  const add = (key: CookbookKey): void => {
    counts[key] = (counts[key] ?? 0) + 1;
  };
  if (!isJsonObject(record)) {
    add('data_type');
    return counts;
  }
  const messages = record['messages'];
  if (!truthy(messages) || !Array.isArray(messages)) {
    add('missing_messages_list');
    return counts;
  }
  const keys = mode === 'notebook' ? NOTEBOOK_KEYS : EXTENDED_KEYS;
  const roles = mode === 'notebook' ? NOTEBOOK_ROLES : EXTENDED_ROLES;
  let hasAssistant = false;
  for (const item of messages) {
    const message = isJsonObject(item) ? item : {};
    const hasCall = mode === 'extended' && (truthy(message['tool_calls']) || truthy(message['function_call']));
    if (!Object.hasOwn(message, 'role') || (!Object.hasOwn(message, 'content') && !hasCall)) add('message_missing_key');
    if (hasKeyOutside(message, keys)) add('message_unrecognized_key');
    const role = message['role'];
    if (typeof role !== 'string' || !roles.has(role)) add('unrecognized_role');
    if (contentIsMissing(message, mode)) add('missing_content');
    if (role === 'assistant') hasAssistant = true;
  }
  if (!hasAssistant) add('example_missing_assistant_message');
  return counts;
}
