/**
 * The normalized examples as OpenAI chat JSONL: what the notebook embeds (or loads from a file), so that it never
 * sees the raw upload with its rejected lines.
 */
import type { ChatExample, ChatMessage } from '../formats/chat';

/** One OpenAI-format message as written to the JSONL. */
export interface OpenAiMessage {
  role: string;
  content: string;
  name?: string;
  weight?: number;
  tool_calls?: unknown[];
  tool_call_id?: string;
  function_call?: unknown;
}

/** One OpenAI-format example line. */
export interface OpenAiExample {
  messages: OpenAiMessage[];
  tools?: unknown[];
}

function toOpenAiMessage(m: ChatMessage): OpenAiMessage {
  const out: OpenAiMessage = { role: m.role, content: m.content };
  if (m.name !== undefined) out.name = m.name;
  if (m.weight !== undefined) out.weight = m.weight;
  if (m.toolCalls !== undefined) out.tool_calls = m.toolCalls;
  if (m.toolCallId !== undefined) out.tool_call_id = m.toolCallId;
  if (m.functionCall !== undefined) out.function_call = m.functionCall;
  return out;
}

/** Convert a normalized example to the OpenAI `{"messages": [...], "tools": [...]}` shape. */
export function toOpenAiExample(example: ChatExample): OpenAiExample {
  const out: OpenAiExample = { messages: example.messages.map(toOpenAiMessage) };
  if (example.tools !== undefined && example.tools.length > 0) out.tools = example.tools;
  return out;
}

/** JSONL text of the examples: one JSON object per line, each line ending in `\n`. */
export function examplesToJsonl(examples: readonly ChatExample[]): string {
  let text = '';
  for (const e of examples) text += `${JSON.stringify(toOpenAiExample(e))}\n`;
  return text;
}
