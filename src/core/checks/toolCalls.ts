/**
 * Tool calls checked against the record's declared tools: every call needs a function name and JSON arguments (an
 * object, or a string holding one), and when the record declares tools, a name among them.
 */
import type { ChatExample, ChatMessage } from '../formats/chat';
import { isJsonObject } from '../formats/detect';
import type { MessageOrigin } from '../formats/normalize';
import type { JsonPath } from '../parse/jsonLocate';
import type { Range } from '../types';
import type { RecordContext } from './recordContext';

/** The function names a normalized example's `tools` declare (normalization wraps every tool as `{function}`). */
function declaredToolNames(tools: readonly unknown[] | undefined): Set<string> {
  const names = new Set<string>();
  for (const tool of tools ?? []) {
    const fn = isJsonObject(tool) ? tool['function'] : undefined;
    if (isJsonObject(fn) && typeof fn['name'] === 'string') names.add(fn['name']);
  }
  return names;
}

/** Why call arguments are not usable JSON, or null when they are. */
function argumentsProblem(args: unknown): string | null {
  if (args === undefined) return 'has no arguments (write "{}" for a call without arguments)';
  if (isJsonObject(args)) return null;
  if (typeof args !== 'string') return `has arguments that are neither a JSON object nor a string holding one (found ${Array.isArray(args) ? 'array' : args === null ? 'null' : typeof args})`;
  let parsed: unknown;
  try {
    parsed = JSON.parse(args);
  } catch (e) {
    return `has arguments that are not valid JSON (${(e as Error).message})`;
  }
  return isJsonObject(parsed) ? null : 'has arguments that are valid JSON but not an object';
}

interface CallSite {
  /** How the message names the call ("messages[1].tool_calls[0]"). */
  where: string;
  fn: unknown;
  /** Paths of the call, its name and its arguments in the record (all the same for a ShareGPT turn's value). */
  callPath: JsonPath | null;
  namePath: JsonPath | null;
  argumentsPath: JsonPath | null;
}

function callSites(message: ChatMessage, origin: MessageOrigin): CallSite[] {
  const path = origin.path;
  const label = path ? `${String(path[0])}[${String(path[1])}]` : 'the message';
  const sites: CallSite[] = [];
  // ShareGPT function_call turns: the calls were parsed from the turn's value, which is where they are located.
  const fromValue = path !== null && origin.rolePath?.[origin.rolePath.length - 1] === 'from';
  const valuePath: JsonPath | null = path ? [...path, 'value'] : null;
  const calls = message.toolCalls ?? [];
  for (let j = 0; j < calls.length; j++) {
    const call = calls[j];
    const callPath: JsonPath | null = fromValue ? valuePath : path ? [...path, 'tool_calls', j] : null;
    const at = (key: string): JsonPath | null => (fromValue ? valuePath : callPath ? [...callPath, 'function', key] : null);
    const where = fromValue ? (calls.length > 1 ? `${label} call ${j}` : label) : `${label}.tool_calls[${j}]`;
    sites.push({ where, fn: isJsonObject(call) ? call['function'] : undefined, callPath, namePath: at('name'), argumentsPath: at('arguments') });
  }
  if (message.functionCall !== undefined && message.functionCall !== null) {
    const callPath: JsonPath | null = path ? [...path, 'function_call'] : null;
    const at = (key: string): JsonPath | null => (callPath ? [...callPath, key] : null);
    sites.push({ where: `${label}.function_call`, fn: message.functionCall, callPath, namePath: at('name'), argumentsPath: at('arguments') });
  }
  return sites;
}

/** Report tool calls without a name, with arguments that are not JSON, or to a function the tools do not declare. */
export function checkToolCalls(ctx: RecordContext, example: ChatExample, origins: readonly MessageOrigin[]): void {
  const declared = declaredToolNames(example.tools);
  for (let i = 0; i < example.messages.length; i++) {
    const message = example.messages[i] as ChatMessage;
    const origin = origins[i];
    if (!origin || (message.toolCalls === undefined && message.functionCall === undefined)) continue;
    for (const site of callSites(message, origin)) {
      const range = (path: JsonPath | null): Range => ctx.valueRange(path ?? origin.path);
      if (!isJsonObject(site.fn)) {
        ctx.add('invalid-tool-call', `${site.where} has no "function" object with a name and arguments`, range(site.callPath));
        continue;
      }
      const name = site.fn['name'];
      if (typeof name !== 'string' || name === '') {
        ctx.add('invalid-tool-call', `${site.where} has no function name`, range(Object.hasOwn(site.fn, 'name') ? site.namePath : site.callPath));
      } else if (declared.size > 0 && !declared.has(name)) {
        const list = [...declared].map((n) => JSON.stringify(n)).join(', ');
        ctx.add('undeclared-tool-call', `${site.where} calls ${JSON.stringify(name)}, which the record's tools do not declare (declared: ${list})`, range(site.namePath));
      }
      const problem = argumentsProblem(site.fn['arguments']);
      if (problem) ctx.add('invalid-tool-call', `${site.where} ${problem}`, range(Object.hasOwn(site.fn, 'arguments') ? site.argumentsPath : site.callPath));
    }
  }
}
