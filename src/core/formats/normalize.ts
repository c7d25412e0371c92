/**
 * Normalization of every accepted record shape to the one chat shape (`ChatExample`), remembering where each
 * message's role and content came from so that checks can point at them and fixes can edit them.
 */
import type { CodeName } from '../checks/codes';
import type { JsonPath } from '../parse/jsonLocate';
import type { ChatExample, ChatMessage, ChatRole, DatasetFormat } from './chat';
import { isJsonObject, jsonTypeName } from './detect';

/** How a message's content was written: one string, a list of text parts, or none (null or absent). */
export type ContentKind = 'string' | 'parts' | 'none';

/** Where one message of the normalized example comes from in the record. */
export interface MessageOrigin {
  /** Canonical role, or null when the written role is missing or unknown. */
  role: ChatRole | null;
  /** Path of the message object (OpenAI, ShareGPT); null when built from top-level fields. */
  path: JsonPath | null;
  /** Path of the role value as written (`role`, `from`); null when the role is implied by a field name. */
  rolePath: JsonPath | null;
  rawRole: string | null;
  /** Paths of the string values the content was built from. */
  contentPaths: JsonPath[];
  contentKind: ContentKind;
  /** Path of a string value equal to the whole content, so the content can be edited in place; else null. */
  editPath: JsonPath | null;
  /** The message carries tool_calls or function_call (its content may legitimately be empty). */
  hasCall: boolean;
}

/** A structural problem found while normalizing. */
export interface NormalizeIssue {
  code: CodeName;
  message: string;
  /** The value at `path` (its key when `atKey`); the whole record when null. */
  path: JsonPath | null;
  atKey?: boolean;
  /** For `role-alias`: the canonical role to rename to. */
  rename?: ChatRole;
}

/** The normalized record. `example` is null when a problem prevents building a usable example. */
export interface NormalizedRecord {
  example: ChatExample | null;
  /** One entry per message found; when `example` is set, `origins[i]` describes `example.messages[i]`. */
  origins: MessageOrigin[];
  issues: NormalizeIssue[];
}

/** Roles accepted in OpenAI format (`function` is the legacy name of `tool`). */
export const OPENAI_ROLES: readonly ChatRole[] = ['system', 'user', 'assistant', 'tool', 'function'];
const OPENAI_ROLE_SET: ReadonlySet<string> = new Set(OPENAI_ROLES);

/** Message keys accepted in OpenAI format. */
export const OPENAI_MESSAGE_KEYS: readonly string[] = ['role', 'content', 'name', 'weight', 'tool_calls', 'tool_call_id', 'function_call'];
const OPENAI_KEY_SET: ReadonlySet<string> = new Set(OPENAI_MESSAGE_KEYS);

/** Role names other tools write that mean a canonical OpenAI role. */
export const ROLE_ALIASES: ReadonlyMap<string, ChatRole> = new Map([
  ['human', 'user'],
  ['gpt', 'assistant'],
  ['bot', 'assistant'],
  ['model', 'assistant'],
  ['chatgpt', 'assistant'],
]);

/** ShareGPT `from` values (lower-cased) and the role each means. */
export const SHAREGPT_ROLES: ReadonlyMap<string, ChatRole> = new Map([
  ['human', 'user'],
  ['user', 'user'],
  ['gpt', 'assistant'],
  ['assistant', 'assistant'],
  ['model', 'assistant'],
  ['chatgpt', 'assistant'],
  ['bing', 'assistant'],
  ['bard', 'assistant'],
  ['system', 'system'],
  ['function_call', 'assistant'],
  ['observation', 'tool'],
  ['tool', 'tool'],
]);

/** Top-level keys each non-OpenAI format consumes (dropped when converting to OpenAI messages). */
export const FORMAT_KEYS: Record<DatasetFormat, readonly string[]> = {
  openai: ['messages', 'tools'],
  sharegpt: ['conversations', 'system', 'tools'],
  alpaca: ['instruction', 'input', 'output', 'system', 'history'],
  prompt_completion: ['prompt', 'completion'],
  text: ['text'],
  preference: ['prompt', 'chosen', 'rejected', 'messages', 'conversations', 'system', 'instruction', 'input'],
};

const ROLE_LIST = 'system, user, assistant, tool';

/** A non-empty list of `{type: "text", text: string}` parts. */
export function isTextParts(value: unknown): value is { type: 'text'; text: string }[] {
  return (
    Array.isArray(value) &&
    value.length > 0 &&
    value.every((part) => isJsonObject(part) && part['type'] === 'text' && typeof part['text'] === 'string')
  );
}

function isTypedPart(part: unknown): part is Record<string, unknown> {
  return isJsonObject(part) && typeof part['type'] === 'string' && (part['type'] !== 'text' || typeof part['text'] === 'string');
}

/** A non-empty list of typed content parts: text parts and others (`image_url`, `input_audio`, …). */
function isTypedParts(value: unknown): value is Record<string, unknown>[] {
  return Array.isArray(value) && value.length > 0 && value.every(isTypedPart);
}

/** What a content value that is neither a string nor a list of typed parts is, for messages. */
function describeContent(content: unknown): string {
  if (!Array.isArray(content)) return jsonTypeName(content);
  if (content.length === 0) return 'an empty list';
  const k = content.findIndex((part) => !isTypedPart(part));
  return `a list whose item ${k} is not a {"type": "text", "text": …} or other typed part`;
}

/** Join a message's text parts with "\n"; every other part is reported: text-only fine-tuning drops it. */
function readParts(b: Builder, parts: Record<string, unknown>[], path: JsonPath, origin: MessageOrigin): string {
  const texts: string[] = [];
  origin.contentKind = 'parts';
  for (let k = 0; k < parts.length; k++) {
    const part = parts[k] as Record<string, unknown>;
    if (part['type'] === 'text') {
      texts.push(part['text'] as string);
      origin.contentPaths.push([...path, 'content', k, 'text']);
    } else {
      const where = `${String(path[0])}[${String(path[1])}].content[${k}]`;
      b.issue('non-text-content', [...path, 'content', k], `${where} is a part of type ${JSON.stringify(part['type'])}, not text; text-only fine-tuning drops it`);
    }
  }
  return texts.join('\n');
}

/** Record-level fields that hold media (LLaMA-Factory's `images`/`videos`/`audios`, LLaVA's `image`). */
const MEDIA_KEYS: readonly string[] = ['images', 'image', 'videos', 'audios'];

function reportMedia(record: Record<string, unknown>, issues: NormalizeIssue[]): void {
  for (const key of MEDIA_KEYS) {
    const value = record[key];
    const n = Array.isArray(value) ? value.length : typeof value === 'string' && value !== '' ? 1 : 0;
    if (n === 0) continue;
    const items = n === 1 ? '1 item' : `${n} items`;
    issues.push({ code: 'non-text-content', path: [key], message: `"${key}" holds ${items} that ${n === 1 ? 'is' : 'are'} not text; text-only fine-tuning drops ${n === 1 ? 'it' : 'them'} and keeps only the messages' text` });
  }
}

/** A tool definition in OpenAI's shape; a bare `{name, …}` function definition is wrapped. Null when unusable. */
function toolDefinition(tool: unknown): Record<string, unknown> | null {
  if (!isJsonObject(tool)) return null;
  const fn = tool['function'];
  if (isJsonObject(fn)) return typeof fn['name'] === 'string' && fn['name'] !== '' ? tool : null;
  const isBare = typeof tool['name'] === 'string' && tool['name'] !== '' && (tool['type'] === undefined || tool['type'] === 'function');
  return isBare ? { type: 'function', function: tool } : null;
}

/**
 * The record's `tools` as OpenAI tool definitions: a list, or a JSON string of one (ShareGPT's `tools` column).
 * Bare function definitions (`{name, description, parameters}`) are wrapped as `{type: "function", function: …}`,
 * the shape chat templates and OpenAI expect. Undefined when absent, null, "" or empty; problems are reported.
 */
function readTools(b: Builder, record: Record<string, unknown>): unknown[] | undefined {
  let tools = record['tools'];
  if (tools === undefined || tools === null || tools === '') return undefined;
  const fromString = typeof tools === 'string';
  if (typeof tools === 'string') {
    try {
      tools = JSON.parse(tools);
    } catch (e) {
      b.issue('invalid-tools', ['tools'], `"tools" is a string that is not valid JSON (${(e as Error).message}); expected a list of function definitions`);
      return undefined;
    }
  }
  if (!Array.isArray(tools)) {
    b.issue('invalid-tools', ['tools'], `"tools" must be a list of function definitions${fromString ? ' (or a JSON string of one)' : ''}; found ${jsonTypeName(tools)}`);
    return undefined;
  }
  const out: unknown[] = [];
  for (let i = 0; i < tools.length; i++) {
    const tool = toolDefinition(tools[i]);
    if (tool) out.push(tool);
    else b.issue('invalid-tools', fromString ? ['tools'] : ['tools', i], `tools[${i}] must be {"type": "function", "function": {"name": …}} or {"name": …, "parameters": …}; found ${jsonTypeName(tools[i])}`);
  }
  return out.length > 0 ? out : undefined;
}

/**
 * The calls of a ShareGPT `function_call` turn in OpenAI's `tool_calls` shape: its value is JSON, one
 * `{"name", "arguments"}` object or a list of them. Object arguments become a JSON string, as OpenAI writes them;
 * null when the value is not such JSON.
 */
function shareGptCalls(value: string): unknown[] | null {
  let parsed: unknown;
  try {
    parsed = JSON.parse(value);
  } catch {
    return null;
  }
  const list = Array.isArray(parsed) ? parsed : [parsed];
  if (list.length === 0 || !list.every(isJsonObject)) return null;
  return list.map((call) => {
    const fn: Record<string, unknown> = {};
    if (Object.hasOwn(call, 'name')) fn['name'] = call['name'];
    const args = call['arguments'];
    if (args !== undefined) fn['arguments'] = typeof args === 'string' ? args : JSON.stringify(args);
    return { type: 'function', function: fn };
  });
}

/** Resolve an OpenAI role as written: exact roles pass, other casings and known aliases map with `isAlias`. */
export function resolveOpenAIRole(raw: string): { role: ChatRole; isAlias: boolean } | null {
  if (OPENAI_ROLE_SET.has(raw)) return { role: raw as ChatRole, isAlias: false };
  const lower = raw.trim().toLowerCase();
  const role = OPENAI_ROLE_SET.has(lower) ? (lower as ChatRole) : ROLE_ALIASES.get(lower);
  return role ? { role, isAlias: true } : null;
}

function hasCallOf(message: Record<string, unknown>): boolean {
  const calls = message['tool_calls'];
  return (Array.isArray(calls) && calls.length > 0) || isJsonObject(message['function_call']);
}

function topLevel(role: ChatRole, key: string, content: string, extra: JsonPath[] = []): MessageOrigin {
  return {
    role,
    path: null,
    rolePath: null,
    rawRole: null,
    contentPaths: [[key], ...extra],
    contentKind: 'string',
    editPath: extra.length === 0 ? [key] : null,
    hasCall: false,
  };
}

class Builder {
  readonly issues: NormalizeIssue[] = [];
  readonly origins: MessageOrigin[] = [];
  readonly messages: ChatMessage[] = [];
  blocked = false;

  issue(code: CodeName, path: JsonPath | null, message: string, blocks = false): void {
    this.issues.push({ code, path, message });
    if (blocks) this.blocked = true;
  }

  add(origin: MessageOrigin, message: ChatMessage | null): void {
    this.origins.push(origin);
    if (message) this.messages.push(message);
    else this.blocked = true;
  }

  /** A required top-level string field; reports and blocks when it is not a string. */
  text(record: Record<string, unknown>, key: string, what: string): string | null {
    const value = record[key];
    if (typeof value === 'string') return value;
    this.issue('missing-content', [key], `"${key}" must be a string (${what}); found ${jsonTypeName(value)}`, true);
    return null;
  }

  result(tools?: unknown[]): NormalizedRecord {
    const example: ChatExample | null = this.blocked ? null : { messages: this.messages };
    if (example && tools) example.tools = tools;
    return { example, origins: this.origins, issues: this.issues };
  }
}

function normalizeOpenAI(record: Record<string, unknown>): NormalizedRecord {
  const b = new Builder();
  const list = record['messages'];
  if (!Array.isArray(list) || list.length === 0) {
    const found = Array.isArray(list) ? 'an empty list' : jsonTypeName(list);
    b.issue('missing-messages-list', ['messages'], `"messages" must be a non-empty list of {role, content} messages; found ${found}`, true);
    return b.result();
  }
  // A plain loop: a callback created per record was compiled anew again and again on large files.
  for (let i = 0; i < list.length; i++) {
    const item: unknown = list[i];
    const path: JsonPath = ['messages', i];
    if (!isJsonObject(item)) {
      b.issue('message-missing-key', path, `messages[${i}] must be an object with "role" and "content"; found ${jsonTypeName(item)}`, true);
      continue;
    }
    const hasCall = hasCallOf(item);
    const missing: string[] = [];
    if (!Object.hasOwn(item, 'role')) missing.push('"role"');
    if (!Object.hasOwn(item, 'content') && !hasCall) missing.push('"content"');
    if (missing.length > 0) {
      b.issue('message-missing-key', path, `messages[${i}] is missing ${missing.join(' and ')}; every message needs "role" and "content"`);
    }
    for (const key of Object.keys(item)) {
      if (OPENAI_KEY_SET.has(key)) continue;
      b.issues.push({
        code: 'message-unrecognized-key',
        path: [...path, key],
        atKey: true,
        message: `messages[${i}] has the unrecognized key "${key}"; allowed keys are ${OPENAI_MESSAGE_KEYS.join(', ')}`,
      });
    }

    const rawRole = item['role'];
    let role: ChatRole | null = null;
    if (typeof rawRole === 'string') {
      const resolved = resolveOpenAIRole(rawRole);
      role = resolved?.role ?? null;
      if (resolved?.isAlias) {
        b.issues.push({
          code: 'role-alias',
          path: [...path, 'role'],
          rename: resolved.role,
          message: `role "${rawRole}" is not accepted in OpenAI format; use "${resolved.role}"`,
        });
      } else if (!resolved) {
        b.issue('unrecognized-role', [...path, 'role'], `role must be one of ${ROLE_LIST}; found ${JSON.stringify(rawRole)}`);
      }
    } else if (Object.hasOwn(item, 'role')) {
      b.issue('unrecognized-role', [...path, 'role'], `role must be one of ${ROLE_LIST}; found ${jsonTypeName(rawRole)}`);
    }

    const content = item['content'];
    const origin: MessageOrigin = {
      role,
      path,
      rolePath: Object.hasOwn(item, 'role') ? [...path, 'role'] : null,
      rawRole: typeof rawRole === 'string' ? rawRole : null,
      contentPaths: [],
      contentKind: 'none',
      editPath: null,
      hasCall,
    };
    let text = '';
    if (typeof content === 'string') {
      text = content;
      origin.contentKind = 'string';
      origin.contentPaths = [[...path, 'content']];
      origin.editPath = [...path, 'content'];
    } else if (isTypedParts(content)) {
      text = readParts(b, content, path, origin);
    } else if (content === null && !hasCall) {
      b.issue('missing-content', [...path, 'content'], `messages[${i}] has null content; only messages with tool_calls or function_call may have null content`);
    } else if (content !== null && content !== undefined) {
      b.issue('missing-content', [...path, 'content'], `content must be a string or a list of {"type": "text", "text": …} parts; found ${describeContent(content)}`, true);
    }

    const weight = item['weight'];
    if (Object.hasOwn(item, 'weight') && weight !== 0 && weight !== 1) {
      b.issue('invalid-weight', [...path, 'weight'], `weight must be 0 or 1; found ${JSON.stringify(weight) ?? jsonTypeName(weight)}`);
    }

    const message: ChatMessage | null = role ? { role, content: text } : null;
    if (message) {
      if (typeof item['name'] === 'string') message.name = item['name'];
      if (typeof weight === 'number') message.weight = weight;
      if (Array.isArray(item['tool_calls'])) message.toolCalls = item['tool_calls'];
      if (typeof item['tool_call_id'] === 'string') message.toolCallId = item['tool_call_id'];
      if (Object.hasOwn(item, 'function_call')) message.functionCall = item['function_call'];
    }
    b.add(origin, message);
  }
  return b.result(readTools(b, record));
}

function normalizeShareGpt(record: Record<string, unknown>): NormalizedRecord {
  const b = new Builder();
  const list = record['conversations'];
  if (!Array.isArray(list) || list.length === 0) {
    const found = Array.isArray(list) ? 'an empty list' : jsonTypeName(list);
    b.issue('missing-messages-list', ['conversations'], `"conversations" must be a non-empty list of {from, value} turns; found ${found}`, true);
    return b.result();
  }
  const system = record['system'];
  if (typeof system === 'string' && system.trim() !== '') {
    b.add(topLevel('system', 'system', system), { role: 'system', content: system });
  }
  for (let i = 0; i < list.length; i++) {
    const item: unknown = list[i];
    const path: JsonPath = ['conversations', i];
    if (!isJsonObject(item)) {
      b.issue('message-missing-key', path, `conversations[${i}] must be an object with "from" and "value"; found ${jsonTypeName(item)}`, true);
      continue;
    }
    const missing: string[] = [];
    if (!Object.hasOwn(item, 'from')) missing.push('"from"');
    if (!Object.hasOwn(item, 'value')) missing.push('"value"');
    if (missing.length > 0) {
      b.issue('message-missing-key', path, `conversations[${i}] is missing ${missing.join(' and ')}; every turn needs "from" and "value"`, true);
    }
    const from = item['from'];
    const role = typeof from === 'string' ? (SHAREGPT_ROLES.get(from.trim().toLowerCase()) ?? null) : null;
    if (!role && Object.hasOwn(item, 'from')) {
      const found = typeof from === 'string' ? JSON.stringify(from) : jsonTypeName(from);
      b.issue('unrecognized-role', [...path, 'from'], `"from" must be one of human, gpt, system, function_call, observation (or user, assistant, model, tool); found ${found}`);
    }
    const value = item['value'];
    const isText = typeof value === 'string';
    if (!isText && Object.hasOwn(item, 'value')) {
      b.issue('missing-content', [...path, 'value'], `"value" must be a string; found ${jsonTypeName(value)}`, true);
    }
    const isCall = isText && typeof from === 'string' && from.trim().toLowerCase() === 'function_call';
    const calls = isCall ? shareGptCalls(value) : null;
    if (isCall && !calls) {
      b.issue('invalid-tool-call', [...path, 'value'], `conversations[${i}] is a function_call turn whose value is not JSON {"name": …, "arguments": …} (or a list of them); it stays plain text`);
    }
    const origin: MessageOrigin = {
      role,
      path,
      rolePath: Object.hasOwn(item, 'from') ? [...path, 'from'] : null,
      rawRole: typeof from === 'string' ? from : null,
      contentPaths: isText ? [[...path, 'value']] : [],
      contentKind: isText ? 'string' : 'none',
      editPath: isText && !calls ? [...path, 'value'] : null,
      hasCall: calls !== null,
    };
    const message: ChatMessage | null = role ? { role, content: isText && !calls ? value : '' } : null;
    if (message && calls) message.toolCalls = calls;
    b.add(origin, message);
  }
  return b.result(readTools(b, record));
}

function normalizeAlpaca(record: Record<string, unknown>): NormalizedRecord {
  const b = new Builder();
  const system = record['system'];
  if (typeof system === 'string' && system.trim() !== '') {
    b.add(topLevel('system', 'system', system), { role: 'system', content: system });
  }
  const history = record['history'];
  if (Array.isArray(history)) {
    for (let i = 0; i < history.length; i++) {
      const pair: unknown = history[i];
      const isPair = Array.isArray(pair) && pair.length === 2 && typeof pair[0] === 'string' && typeof pair[1] === 'string';
      if (!isPair) {
        b.issue('missing-content', ['history', i], `history entries must be [instruction, response] pairs of strings; found ${jsonTypeName(pair)}`, true);
        continue;
      }
      const [question, answer] = pair as [string, string];
      for (const [k, role, content] of [[0, 'user', question], [1, 'assistant', answer]] as const) {
        const contentPath: JsonPath = ['history', i, k];
        b.add(
          { role, path: null, rolePath: null, rawRole: null, contentPaths: [contentPath], contentKind: 'string', editPath: contentPath, hasCall: false },
          { role, content },
        );
      }
    }
  } else if (history !== undefined && history !== null) {
    b.issue('missing-content', ['history'], `"history" must be a list of [instruction, response] pairs; found ${jsonTypeName(history)}`, true);
  }
  const instruction = b.text(record, 'instruction', 'the user instruction');
  const input = record['input'];
  if (input !== undefined && input !== null && typeof input !== 'string') {
    b.issue('missing-content', ['input'], `"input" must be a string; found ${jsonTypeName(input)}`, true);
  }
  const output = b.text(record, 'output', 'the assistant response');
  if (instruction !== null) {
    const hasInput = typeof input === 'string' && input !== '';
    const content = hasInput ? `${instruction}\n\n${input}` : instruction;
    b.add(topLevel('user', 'instruction', content, hasInput ? [['input']] : []), { role: 'user', content });
  }
  if (output !== null) b.add(topLevel('assistant', 'output', output), { role: 'assistant', content: output });
  return b.result();
}

function normalizePromptCompletion(record: Record<string, unknown>): NormalizedRecord {
  const b = new Builder();
  const prompt = b.text(record, 'prompt', 'the user prompt');
  const completion = b.text(record, 'completion', 'the assistant completion');
  if (prompt !== null) b.add(topLevel('user', 'prompt', prompt), { role: 'user', content: prompt });
  if (completion !== null) b.add(topLevel('assistant', 'completion', completion), { role: 'assistant', content: completion });
  return b.result();
}

function normalizeText(record: Record<string, unknown>): NormalizedRecord {
  const b = new Builder();
  const text = b.text(record, 'text', 'the training text');
  if (text !== null) b.add(topLevel('assistant', 'text', text), { role: 'assistant', content: text });
  return b.result();
}

/** Move every path of a normalized part from under `from` to under `to` (a message list read at another key). */
function movePaths(n: NormalizedRecord, from: JsonPath, to: JsonPath, label: string): NormalizedRecord {
  const move = (p: JsonPath | null): JsonPath | null => (p !== null && from.every((step, k) => p[k] === step) ? [...to, ...p.slice(from.length)] : p);
  for (const o of n.origins) {
    o.path = move(o.path);
    o.rolePath = move(o.rolePath);
    o.editPath = move(o.editPath);
    o.contentPaths = o.contentPaths.map((p) => move(p) as JsonPath);
  }
  for (const issue of n.issues) {
    issue.path = move(issue.path);
    issue.message = issue.message.replaceAll(`${String(from[0])}[`, `${label}[`);
  }
  return n;
}

/** A list of messages at `key`: OpenAI `{role, content}` messages, or ShareGPT `{from, value}` turns. */
function normalizeList(list: unknown[], key: string): NormalizedRecord {
  const isShareGpt = list.some((m) => isJsonObject(m) && Object.hasOwn(m, 'from'));
  const listKey = isShareGpt ? 'conversations' : 'messages';
  const inner = isShareGpt ? normalizeShareGpt({ conversations: list }) : normalizeOpenAI({ messages: list });
  return movePaths(inner, [listKey], [key], key);
}

/** One side of a preference pair: the reply as a string, one message, or a list of messages. */
function preferenceSide(record: Record<string, unknown>, key: 'chosen' | 'rejected'): NormalizedRecord {
  const value = record[key];
  if (typeof value === 'string') {
    return { example: { messages: [{ role: 'assistant', content: value }] }, origins: [topLevel('assistant', key, value)], issues: [] };
  }
  if (isJsonObject(value)) return movePaths(normalizeList([value], key), [key, 0], [key], key);
  if (Array.isArray(value) && value.length > 0) return normalizeList(value, key);
  const found = Array.isArray(value) ? 'an empty list' : jsonTypeName(value);
  const issue: NormalizeIssue = { code: 'missing-content', path: [key], message: `"${key}" must be the ${key} reply: a string, a message or a list of messages; found ${found}` };
  return { example: null, origins: [], issues: [issue] };
}

function sameMessages(a: readonly ChatMessage[], b: readonly ChatMessage[]): boolean {
  return a.length === b.length && a.every((m, i) => m.role === b[i]?.role && m.content === b[i]?.content);
}

/**
 * A preference pair: `chosen` and `rejected` replies (strings, messages or message lists) to a prompt given as
 * `prompt` (a string or messages), ShareGPT `conversations` (+ `system`), OpenAI `messages`, Alpaca `instruction`
 * (+ `input`), or
 * implied by the sides themselves (two conversations that share every turn before their last reply). The example
 * is the prompt and the chosen reply; the rejected side is validated (present, not empty, different from the chosen
 * one, same prompt) but kept out of the example.
 */
function normalizePreference(record: Record<string, unknown>): NormalizedRecord {
  const b = new Builder();
  const absorb = (part: NormalizedRecord): void => {
    for (const issue of part.issues) b.issues.push(issue);
    if (!part.example) {
      b.blocked = true;
      return;
    }
    for (const origin of part.origins) b.origins.push(origin);
    for (const message of part.example.messages) b.messages.push(message);
  };
  let hasPrompt = true;
  const prompt = record['prompt'];
  if (Object.hasOwn(record, 'prompt')) {
    if (typeof prompt === 'string') b.add(topLevel('user', 'prompt', prompt), { role: 'user', content: prompt });
    else if (Array.isArray(prompt) && prompt.length > 0) absorb(normalizeList(prompt, 'prompt'));
    else b.issue('missing-content', ['prompt'], `"prompt" must be a string or a non-empty list of messages; found ${jsonTypeName(prompt)}`, true);
  } else if (Object.hasOwn(record, 'conversations')) {
    absorb(normalizeShareGpt({ conversations: record['conversations'], system: record['system'] }));
  } else if (Array.isArray(record['messages']) && record['messages'].length > 0) {
    absorb(normalizeList(record['messages'], 'messages'));
  } else if (Object.hasOwn(record, 'instruction')) {
    const instruction = b.text(record, 'instruction', 'the user instruction');
    const input = record['input'];
    if (instruction !== null) {
      const hasInput = typeof input === 'string' && input !== '';
      const content = hasInput ? `${instruction}\n\n${input}` : instruction;
      b.add(topLevel('user', 'instruction', content, hasInput ? [['input']] : []), { role: 'user', content });
    }
  } else {
    hasPrompt = false;
  }
  const chosen = preferenceSide(record, 'chosen');
  const rejected = preferenceSide(record, 'rejected');
  absorb(chosen);
  for (const issue of rejected.issues) b.issues.push(issue);
  if (!rejected.example) b.blocked = true;
  if (!chosen.example || !rejected.example) return b.result();

  let chosenReply = chosen.example.messages;
  let rejectedReply = rejected.example.messages;
  if (!hasPrompt && chosenReply.length > 1) {
    // The sides carry the prompt: every turn before the last reply must be the same on both.
    const cut = (m: ChatMessage[]): number => Math.max(0, m.length - 1);
    if (!sameMessages(chosenReply.slice(0, cut(chosenReply)), rejectedReply.slice(0, cut(rejectedReply)))) {
      b.issue('preference-prompt-mismatch', ['rejected'], '"chosen" and "rejected" differ before their last reply, so they do not answer one shared prompt; a preference pair compares two replies to the same prompt', true);
    }
    chosenReply = chosenReply.slice(cut(chosenReply));
    rejectedReply = rejectedReply.slice(cut(rejectedReply));
  }
  if (rejectedReply.every((m) => m.content.trim() === '')) {
    b.issue('missing-content', ['rejected'], '"rejected" is empty; a preference pair needs both replies', true);
  } else if (sameMessages(chosenReply, rejectedReply)) {
    b.issue('preference-identical', ['rejected'], '"chosen" and "rejected" are the same reply, so the pair expresses no preference');
  }
  return b.result();
}

/**
 * Normalize a record of a detected format. Role aliases are resolved (so `User` becomes `user` in the example,
 * with a `role-alias` issue); text parts are joined with "\n"; Alpaca's user turn is the instruction plus
 * "\n\n" + input when input is non-empty, preceded by `system` and `history` turns; prompt/completion becomes
 * user/assistant; a `text` record becomes a single assistant message (pretraining-style text has no user turn).
 */
export function normalizeRecord(record: Record<string, unknown>, format: DatasetFormat): NormalizedRecord {
  const normalized = normalizeFormat(record, format);
  reportMedia(record, normalized.issues);
  return normalized;
}

function normalizeFormat(record: Record<string, unknown>, format: DatasetFormat): NormalizedRecord {
  switch (format) {
    case 'openai':
      return normalizeOpenAI(record);
    case 'sharegpt':
      return normalizeShareGpt(record);
    case 'alpaca':
      return normalizeAlpaca(record);
    case 'prompt_completion':
      return normalizePromptCompletion(record);
    case 'text':
      return normalizeText(record);
    case 'preference':
      return normalizePreference(record);
  }
}

/** One normalized message in OpenAI's JSON shape. */
export function toOpenAIMessage(message: ChatMessage): Record<string, unknown> {
  const out: Record<string, unknown> = { role: message.role, content: message.content };
  if (message.name !== undefined) out['name'] = message.name;
  if (message.weight !== undefined) out['weight'] = message.weight;
  if (message.toolCalls !== undefined) out['tool_calls'] = message.toolCalls;
  if (message.toolCallId !== undefined) out['tool_call_id'] = message.toolCallId;
  if (message.functionCall !== undefined) out['function_call'] = message.functionCall;
  return out;
}

/**
 * The record rewritten in OpenAI chat format: `messages` first, then `tools`, then the record's other keys
 * (such as an `id`) that the source format did not consume.
 */
export function toOpenAIRecord(record: Record<string, unknown>, example: ChatExample, format: DatasetFormat): Record<string, unknown> {
  const out: Record<string, unknown> = { messages: example.messages.map(toOpenAIMessage) };
  if (example.tools) out['tools'] = example.tools;
  // Tools that could not be read stay as written.
  const consumed = new Set(FORMAT_KEYS[format].filter((key) => key !== 'tools' || example.tools !== undefined));
  for (const [key, value] of Object.entries(record)) {
    if (!consumed.has(key) && !Object.hasOwn(out, key)) out[key] = value;
  }
  return out;
}
