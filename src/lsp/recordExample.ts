/**
 * A record's text as the Dataset Editor shows it: its normalized messages (the engine's normalization, the same the
 * token counts are made of), tool calls as name and formatted arguments, and the first prompt for a row's preview.
 */
import { prepareRecord } from '../core/checks/checkRecord';
import type { ChatExample, ChatMessage } from '../core/formats/chat';

/** The normalized example of a record's text (null when it is not JSON or has no known shape). */
export function exampleOfText(text: string): ChatExample | null {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return null;
  }
  return prepareRecord(value).normalized?.example ?? null;
}

/** The first user message's content (a prompt, an instruction), else the first message's; null without messages. */
export function firstPrompt(text: string): string | null {
  const example = exampleOfText(text);
  if (!example) return null;
  const first = example.messages.find((m) => m.role === 'user') ?? example.messages.find((m) => m.role !== 'system') ?? example.messages[0];
  return first ? first.content : null;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Arguments as indented JSON when they are JSON (a string of JSON included), else as given. */
function formatArguments(args: unknown): string {
  if (args === undefined) return '';
  if (typeof args === 'string') {
    try {
      return JSON.stringify(JSON.parse(args), null, 2);
    } catch {
      return args;
    }
  }
  return JSON.stringify(args, null, 2);
}

/** One tool call (OpenAI `{function: {name, arguments}}`, or a bare `{name, arguments}`) as name and arguments. */
function toolCall(call: unknown): { name: string; arguments: string } {
  const fn = isObject(call) && isObject(call.function) ? call.function : call;
  if (!isObject(fn)) return { name: '', arguments: formatArguments(call) };
  return { name: typeof fn.name === 'string' ? fn.name : '', arguments: formatArguments(fn.arguments ?? fn.parameters) };
}

/** The tool calls of a message (and a legacy `function_call`), formatted. */
export function toolCallsOf(message: ChatMessage): { name: string; arguments: string }[] {
  const calls = (message.toolCalls ?? []).map(toolCall);
  if (message.functionCall !== undefined) calls.push(toolCall(message.functionCall));
  return calls;
}
