/**
 * Fast 53-bit hashes for exact-duplicate detection. The canonical form of an example (per message: role, then
 * content NFC-normalized with whitespace runs collapsed to one space and trimmed) is hashed in one fused pass,
 * without ever building the canonical string.
 */
import type { ChatExample, ChatMessage } from '../formats/chat';

/** Result of {@link hashPromptAndReply}: the prompt (everything before the last assistant turn) and that reply. */
export interface PromptReplyHashes {
  promptHash: number;
  replyHash: number;
}

// Delimiters are fed as values above 0xFFFF, so no UTF-16 code unit of any string can ever produce them.
const ROLE_END = 0x10001;
const MESSAGE_END = 0x10002;
const TOOL_DATA = 0x10003;

const M1 = 2654435761;
const M2 = 1597334677;
const F1 = 2246822507;
const F2 = 3266489909;
const SEED1 = 0xdeadbeef;
const SEED2 = 0x41c6ce57;

/** Combine the two 32-bit lanes into a 53-bit integer (cyrb53 finalization). */
function finish(a: number, b: number): number {
  let h1 = Math.imul(a ^ (a >>> 16), F1);
  h1 ^= Math.imul(b ^ (b >>> 13), F2);
  let h2 = Math.imul(b ^ (b >>> 16), F1);
  h2 ^= Math.imul(h1 ^ (h1 >>> 13), F2);
  return 4294967296 * (h2 & 0x1fffff) + (h1 >>> 0);
}

/**
 * cyrb53-style 53-bit hash of a string's UTF-16 code units. Returns a non-negative integer ≤ 2^53 − 1, usable as a
 * JS number key.
 */
export function cyrb53(text: string, seed = 0): number {
  let h1 = SEED1 ^ seed;
  let h2 = SEED2 ^ seed;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    h1 = Math.imul(h1 ^ c, M1);
    h2 = Math.imul(h2 ^ c, M2);
  }
  return finish(h1, h2);
}

/** murmur3 finalizer: a bijective 32-bit mix. */
export function fmix32(x: number): number {
  let h = x >>> 0;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** JavaScript's `\s` outside ASCII (ASCII whitespace is tested inline). */
function isWideSpace(c: number): boolean {
  return c === 0xa0 || c === 0x1680 || (c >= 0x2000 && c <= 0x200a) || c === 0x2028 || c === 0x2029 ||
    c === 0x202f || c === 0x205f || c === 0x3000 || c === 0xfeff;
}

/** JSON with sorted object keys, so tool-call data hashes the same whatever the key order. */
function stableJson(value: unknown): string {
  if (Array.isArray(value)) return '[' + value.map(stableJson).join(',') + ']';
  if (value !== null && typeof value === 'object') {
    const obj = value as Record<string, unknown>;
    const keys = Object.keys(obj).filter((k) => obj[k] !== undefined).sort();
    return '{' + keys.map((k) => JSON.stringify(k) + ':' + stableJson(obj[k])).join(',') + '}';
  }
  return JSON.stringify(value) ?? 'null';
}

/**
 * Hash messages `[from, to)` in canonical form. `lower` additionally lowercases content (used for prompt/reply
 * matching). The cyrb53 lanes are updated inline: a call per code unit costs measurably on large files.
 */
function hashMessages(messages: readonly ChatMessage[], from: number, to: number, lower: boolean): number {
  let h1 = SEED1;
  let h2 = SEED2;
  for (let m = from; m < to; m++) {
    const msg = messages[m];
    if (msg === undefined) continue;
    const role = msg.role;
    for (let i = 0; i < role.length; i++) {
      const c = role.charCodeAt(i);
      h1 = Math.imul(h1 ^ c, M1);
      h2 = Math.imul(h2 ^ c, M2);
    }
    h1 = Math.imul(h1 ^ ROLE_END, M1);
    h2 = Math.imul(h2 ^ ROLE_END, M2);

    let s = typeof msg.content === 'string' ? msg.content : '';
    let normalized = false;
    const start1 = h1;
    const start2 = h2;
    for (;;) {
      let pending = false;
      let started = false;
      let restart = false;
      for (let i = 0; i < s.length; i++) {
        let c = s.charCodeAt(i);
        if (c > 32 && c < 127) {
          if (lower && c >= 65 && c <= 90) c += 32;
        } else if (c === 32 || (c >= 9 && c <= 13)) {
          pending = started;
          continue;
        } else if (c >= 128) {
          if (!normalized) {
            // Non-ASCII content: normalize (and lowercase) the whole string once, then rehash this message.
            s = lower ? s.normalize('NFC').toLowerCase() : s.normalize('NFC');
            normalized = true;
            restart = true;
            break;
          }
          if (isWideSpace(c)) {
            pending = started;
            continue;
          }
        }
        if (pending) {
          h1 = Math.imul(h1 ^ 32, M1);
          h2 = Math.imul(h2 ^ 32, M2);
          pending = false;
        }
        started = true;
        h1 = Math.imul(h1 ^ c, M1);
        h2 = Math.imul(h2 ^ c, M2);
      }
      if (!restart) break;
      h1 = start1;
      h2 = start2;
    }

    // Tool calls are data, not text: two calls with different arguments must not look identical.
    const toolData = msg.toolCalls !== undefined && msg.toolCalls.length > 0 ? msg.toolCalls : msg.functionCall;
    if (toolData !== undefined && toolData !== null) {
      h1 = Math.imul(h1 ^ TOOL_DATA, M1);
      h2 = Math.imul(h2 ^ TOOL_DATA, M2);
      const json = stableJson(toolData);
      for (let i = 0; i < json.length; i++) {
        const c = json.charCodeAt(i);
        h1 = Math.imul(h1 ^ c, M1);
        h2 = Math.imul(h2 ^ c, M2);
      }
    }
    h1 = Math.imul(h1 ^ MESSAGE_END, M1);
    h2 = Math.imul(h2 ^ MESSAGE_END, M2);
  }
  return finish(h1, h2);
}

/**
 * 53-bit hash of an example's canonical form: per message the role, then the content NFC-normalized (only when
 * non-ASCII), whitespace runs collapsed to one space and trimmed, then any tool-call data (with sorted keys).
 * Examples that differ only in whitespace or JSON serialization hash equal.
 */
export function hashCanonicalExample(example: ChatExample): number {
  return hashMessages(example.messages, 0, example.messages.length, false);
}

/**
 * Hashes of the prompt (every message before the last assistant message, system included) and of that last
 * assistant message, canonicalized as in {@link hashCanonicalExample} and lowercased. Equal prompts with different
 * replies indicate contradictory examples. Returns null when there is no assistant message.
 */
export function hashPromptAndReply(example: ChatExample): PromptReplyHashes | null {
  const messages = example.messages;
  let last = messages.length - 1;
  while (last >= 0 && messages[last]?.role !== 'assistant') last--;
  if (last < 0) return null;
  return {
    promptHash: hashMessages(messages, 0, last, true),
    replyHash: hashMessages(messages, last, last + 1, true),
  };
}

/** The three keys per-record analysis needs, from one canonical pass over each message. */
export interface ExampleKeys {
  /** Canonical hash of the whole example (same equality as {@link hashCanonicalExample}). */
  exactHash: number;
  /** Every message before the last assistant message, and that message; null without an assistant message. */
  promptHash: number | null;
  replyHash: number | null;
}

/** Mix 53-bit message hashes `[from, to)` into one 53-bit hash (order-sensitive). */
function combineHashes(hashes: readonly number[], from: number, to: number): number {
  let h1 = SEED1 ^ (to - from);
  let h2 = SEED2;
  for (let i = from; i < to; i++) {
    const h = hashes[i] as number;
    const lo = h >>> 0;
    const hi = Math.floor(h / 4294967296);
    h1 = Math.imul(h1 ^ lo, M1);
    h2 = Math.imul(h2 ^ lo, M2);
    h1 = Math.imul(h1 ^ hi, M1);
    h2 = Math.imul(h2 ^ hi, M2);
  }
  return finish(h1, h2);
}

/**
 * Exact, prompt and reply hashes in one pass: each message is canonicalized and hashed once (the separate
 * functions above walk the text twice). Prompt/reply matching is case-sensitive here.
 */
export function hashExampleKeys(example: ChatExample): ExampleKeys {
  const messages = example.messages;
  const hashes = new Array<number>(messages.length);
  let last = -1;
  for (let i = 0; i < messages.length; i++) {
    hashes[i] = hashMessages(messages, i, i + 1, false);
    if (messages[i]?.role === 'assistant') last = i;
  }
  return {
    exactHash: combineHashes(hashes, 0, messages.length),
    promptHash: last < 0 ? null : combineHashes(hashes, 0, last),
    replyHash: last < 0 ? null : (hashes[last] as number),
  };
}
