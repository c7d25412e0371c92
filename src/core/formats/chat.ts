/**
 * The one internal chat shape every accepted dataset format is normalized to (OpenAI-style messages).
 */

/** Dataset formats we detect per record. */
export type DatasetFormat = 'openai' | 'sharegpt' | 'alpaca' | 'prompt_completion' | 'text' | 'preference';

export const DATASET_FORMATS: readonly DatasetFormat[] = ['openai', 'sharegpt', 'alpaca', 'prompt_completion', 'text', 'preference'];

/** Canonical roles after alias resolution (`human` → `user`, `gpt` → `assistant`, …). */
export type ChatRole = 'system' | 'user' | 'assistant' | 'tool' | 'function';

/** A normalized message. `content` is always a string (text parts joined); tool calls are kept as data. */
export interface ChatMessage {
  role: ChatRole;
  content: string;
  name?: string;
  /** OpenAI per-message training weight (0 or 1); only on assistant messages. */
  weight?: number;
  toolCalls?: unknown[];
  toolCallId?: string;
  functionCall?: unknown;
}

/** A normalized training example. */
export interface ChatExample {
  messages: ChatMessage[];
  /** Top-level OpenAI `tools` definitions, if any. */
  tools?: unknown[];
}
