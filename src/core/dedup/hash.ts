/**
 * Fast 53-bit hashes for exact-duplicate detection. The canonical form of an example (per message: role, then
 * content NFC-normalized with whitespace runs collapsed to one space and trimmed) is hashed in one fused pass,
 * without ever building the canonical string.
 */
import type { ChatExample, ChatMessage } from '../formats/chat';
import { lowerCodeUnit, mayNeedNfc } from '../text/unicode';

/** Result of {@link hashPromptAndReply}: the prompt (everything before the last assistant turn) and that reply. */
export interface PromptReplyHashes {
  promptHash: number;
  replyHash: number;
}

// Delimiters are fed as values above 0xFFFF, so no UTF-16 code unit of any string can ever produce them.
const ROLE_END = 0x10001;
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

/** Feed a string's code units into two cyrb53 lanes (used for roles and tool-call JSON). */
function feed(lanes: Int32Array, text: string): void {
  let h1 = lanes[0] as number;
  let h2 = lanes[1] as number;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    h1 = Math.imul(h1 ^ c, M1);
    h2 = Math.imul(h2 ^ c, M2);
  }
  lanes[0] = h1;
  lanes[1] = h2;
}

/**
 * Canonical content into two lane pairs at once: `plain[0..1]` as written, `folded[0..1]` lowercased. Whitespace
 * runs collapse to one space, leading/trailing whitespace is dropped, and text that NFC could change is normalized
 * first (rare: only combining marks and a few singletons trigger it). The cyrb53 lanes are updated inline: a call
 * per code unit costs measurably on large files.
 */
function feedContent(content: string, plain: Int32Array, folded: Int32Array): void {
  let s = content;
  const p1 = plain[0] as number;
  const p2 = plain[1] as number;
  const f1 = folded[0] as number;
  const f2 = folded[1] as number;
  let checkedNfc = false;
  for (;;) {
    let a1 = p1;
    let a2 = p2;
    let b1 = f1;
    let b2 = f2;
    let pending = false;
    let started = false;
    let restart = false;
    for (let i = 0; i < s.length; i++) {
      const c = s.charCodeAt(i);
      if (c === 32 || (c >= 9 && c <= 13)) {
        pending = started;
        continue;
      }
      if (c >= 128) {
        if (!checkedNfc) {
          checkedNfc = true;
          if (mayNeedNfc(s, i)) {
            s = s.normalize('NFC');
            restart = true;
            break;
          }
        }
        if (isWideSpace(c)) {
          pending = started;
          continue;
        }
      }
      if (pending) {
        a1 = Math.imul(a1 ^ 32, M1);
        a2 = Math.imul(a2 ^ 32, M2);
        b1 = Math.imul(b1 ^ 32, M1);
        b2 = Math.imul(b2 ^ 32, M2);
        pending = false;
      }
      started = true;
      const d = c < 128 ? (c >= 65 && c <= 90 ? c + 32 : c) : lowerCodeUnit(c);
      a1 = Math.imul(a1 ^ c, M1);
      a2 = Math.imul(a2 ^ c, M2);
      b1 = Math.imul(b1 ^ d, M1);
      b2 = Math.imul(b2 ^ d, M2);
    }
    if (!restart) {
      plain[0] = a1;
      plain[1] = a2;
      folded[0] = b1;
      folded[1] = b2;
      return;
    }
  }
}

/** Hash one message in canonical form: 53-bit `[plain, folded]`. */
function hashMessage(msg: ChatMessage): [number, number] {
  const plain = new Int32Array([SEED1, SEED2]);
  feed(plain, msg.role);
  plain[0] = Math.imul((plain[0] as number) ^ ROLE_END, M1);
  plain[1] = Math.imul((plain[1] as number) ^ ROLE_END, M2);
  const folded = Int32Array.from(plain);
  feedContent(typeof msg.content === 'string' ? msg.content : '', plain, folded);
  const toolData = msg.toolCalls !== undefined && msg.toolCalls.length > 0 ? msg.toolCalls : msg.functionCall;
  if (toolData !== undefined && toolData !== null) {
    const json = stableJson(toolData);
    for (const lanes of [plain, folded]) {
      lanes[0] = Math.imul((lanes[0] as number) ^ TOOL_DATA, M1);
      lanes[1] = Math.imul((lanes[1] as number) ^ TOOL_DATA, M2);
      feed(lanes, json);
    }
  }
  return [finish(plain[0] as number, plain[1] as number), finish(folded[0] as number, folded[1] as number)];
}

/** The three keys per-record analysis needs, from one canonical pass over each message. */
export interface ExampleKeys {
  /** Canonical hash of the whole example: roles, whitespace-collapsed NFC content, tool-call data. */
  exactHash: number;
  /** Case-folded hash of every message before the last assistant message, and of that message; null without one. */
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

/** Exact, prompt and reply hashes with one canonicalizing pass over each message. */
export function hashExampleKeys(example: ChatExample): ExampleKeys {
  const messages = example.messages;
  const plain = new Array<number>(messages.length);
  const folded = new Array<number>(messages.length);
  let last = -1;
  for (let i = 0; i < messages.length; i++) {
    const m = messages[i] as ChatMessage;
    [plain[i], folded[i]] = hashMessage(m);
    if (m.role === 'assistant') last = i;
  }
  return {
    exactHash: combineHashes(plain, 0, messages.length),
    promptHash: last < 0 ? null : combineHashes(folded, 0, last),
    replyHash: last < 0 ? null : (folded[last] as number),
  };
}

/**
 * 53-bit hash of an example's canonical form: per message the role, then the content NFC-normalized (only when
 * non-ASCII), whitespace runs collapsed to one space and trimmed, then any tool-call data (with sorted keys).
 * Examples that differ only in whitespace or JSON serialization hash equal.
 */
export function hashCanonicalExample(example: ChatExample): number {
  return hashExampleKeys(example).exactHash;
}

/**
 * Hashes of the prompt (every message before the last assistant message, system included) and of that last
 * assistant message, canonicalized as in {@link hashCanonicalExample} and lowercased. Equal prompts with different
 * replies indicate contradictory examples. Returns null when there is no assistant message.
 */
export function hashPromptAndReply(example: ChatExample): PromptReplyHashes | null {
  const keys = hashExampleKeys(example);
  return keys.promptHash === null || keys.replyHash === null ? null : { promptHash: keys.promptHash, replyHash: keys.replyHash };
}
