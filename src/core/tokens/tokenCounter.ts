/**
 * Per-text and per-example token counting on top of a {@link TokenEncoder}: bounded cost on pathological input,
 * a count cache for repeated texts (system prompts), and the OpenAI cookbook's per-message accounting.
 */
import type { ChatExample, ChatMessage } from '../formats/chat';
import type { CountMode, EncodingName } from '../types';
import type { TokenEncoder } from './encoder';

/**
 * Longest run of whitespace or of non-whitespace (UTF-16 units) handed in one piece to an encoder that is not
 * {@link TokenEncoder.linearOnLongRuns} (the exact encoders of `src/node/tokenizers.ts` are: they count long runs
 * exactly, window by window, see `PieceCounter.countLongPiece`). BPE time grows
 * quadratically with the length of a pre-token, and a run without class change bounds the pre-token length.
 * Cutting makes the count of such a run approximate, but barely: on 4,000-char unspaced Chinese and Japanese runs
 * (5 each) the split count was 0 to +5 tokens per 4,000 chars off (≤ 0.03%) for both encodings, and time per
 * text fell from 80–100 ms to ~22 ms (bench/tokens.ts prints the current figures).
 */
export const MAX_RUN_LENGTH = 1000;

/** Cache limits: cleared (not evicted) when either is exceeded, which keeps the Map fast. */
const MAX_CACHE_ENTRIES = 20_000;
const MAX_CACHE_CHARS = 2_000_000;

/** Token counts of one example. */
export interface ExampleTokenCounts {
  /** Tokens of the whole example under the chosen {@link CountMode}. */
  total: number;
  /** Tokens of assistant message contents (the cookbook's `num_assistant_tokens_from_messages`). */
  assistant: number;
}

/** Counters for tests and diagnostics. */
export interface TokenCounterStats {
  /** `countText` calls (including those made by `countExample`). */
  calls: number;
  /** Calls answered from the cache. */
  cacheHits: number;
  /** Distinct texts that had to be cut into pieces (their counts are approximate). */
  splitTexts: number;
}

/** The Unicode White_Space property, which is what `\s` means in tiktoken's Rust regexes. */
function isWhiteSpace(c: number): boolean {
  if (c <= 0x20) return c === 0x20 || (c >= 0x09 && c <= 0x0d);
  if (c < 0x85) return false;
  return (
    c === 0x85 ||
    c === 0xa0 ||
    c === 0x1680 ||
    (c >= 0x2000 && c <= 0x200a) ||
    c === 0x2028 ||
    c === 0x2029 ||
    c === 0x202f ||
    c === 0x205f ||
    c === 0x3000
  );
}

/**
 * Cut `text` so that no run of whitespace or non-whitespace is longer than `maxRun` UTF-16 units, never between
 * the two halves of a surrogate pair. Returns `[text]` when nothing needs cutting.
 */
export function splitLongRuns(text: string, maxRun: number = MAX_RUN_LENGTH): string[] {
  const n = text.length;
  if (n <= maxRun) return [text];
  const pieces: string[] = [];
  let pieceStart = 0;
  let runStart = 0;
  let prevWs = isWhiteSpace(text.charCodeAt(0));
  for (let i = 1; i < n; i++) {
    const c = text.charCodeAt(i);
    const ws = isWhiteSpace(c);
    if (ws !== prevWs) {
      prevWs = ws;
      runStart = i;
      continue;
    }
    if (i - runStart < maxRun) continue;
    // A low surrogate after its high half: cut one unit later (the next unit is never a paired low half).
    if (c >= 0xdc00 && c <= 0xdfff) {
      const hi = text.charCodeAt(i - 1);
      if (hi >= 0xd800 && hi <= 0xdbff) continue;
    }
    pieces.push(text.slice(pieceStart, i));
    pieceStart = i;
    runStart = i;
  }
  if (pieces.length === 0) return [text];
  pieces.push(text.slice(pieceStart));
  return pieces;
}

/** Tokens every example counts besides its messages: the cookbook's 3 reply-priming tokens in `openai` mode, else 0. */
export function exampleOverhead(mode: CountMode): number {
  return mode === 'openai' ? 3 : 0;
}

/** Value of a non-content message field as the cookbook would see it: strings as is, the rest as JSON. */
function fieldText(value: unknown): string {
  if (typeof value === 'string') return value;
  return JSON.stringify(value) ?? '';
}

/**
 * Counts tokens of texts and chat examples with one encoder. One instance per analysis run: the cache holds the
 * counts of distinct texts seen so far, so a system prompt repeated in every record is encoded once.
 */
export class TokenCounter {
  private readonly cache = new Map<string, number>();
  private cachedChars = 0;
  private calls = 0;
  private cacheHits = 0;
  private splitTexts = 0;

  constructor(private readonly encoder: TokenEncoder) {}

  /** The encoding the counts are labelled with. */
  get encoding(): EncodingName {
    return this.encoder.name;
  }

  /**
   * True when counts come from real BPE (for an encoder that is not {@link TokenEncoder.linearOnLongRuns}, except
   * for texts with runs over {@link MAX_RUN_LENGTH}).
   */
  get exact(): boolean {
    return this.encoder.exact;
  }

  /**
   * Token count of one text. For an encoder that is not {@link TokenEncoder.linearOnLongRuns}, texts with very long
   * runs are cut first (see {@link MAX_RUN_LENGTH}); the exact encoders count them whole.
   */
  countText(text: string): number {
    this.calls++;
    if (text.length === 0) return 0;
    // The estimate is linear and cheaper than a cache lookup: no splitting, no caching.
    if (!this.encoder.exact) return this.encoder.count(text);
    const cached = this.cache.get(text);
    if (cached !== undefined) {
      this.cacheHits++;
      return cached;
    }
    const pieces = this.encoder.linearOnLongRuns === true ? [text] : splitLongRuns(text);
    let count = 0;
    if (pieces.length === 1) {
      count = this.encoder.count(text);
    } else {
      this.splitTexts++;
      for (const piece of pieces) count += this.encoder.count(piece);
    }
    if (this.cache.size >= MAX_CACHE_ENTRIES || this.cachedChars + text.length > MAX_CACHE_CHARS) {
      this.cache.clear();
      this.cachedChars = 0;
    }
    this.cache.set(text, count);
    this.cachedChars += text.length;
    return count;
  }

  /**
   * Tokens of one example. `raw`: the sum of message contents and tool calls (as JSON). `openai`: the cookbook's
   * `num_tokens_from_messages` (3 per message, every field value — role, content, name, tool calls as JSON —, +1 per
   * name, +3 reply priming). Both modes add the declared tools (their JSON), which the chat template shows the model.
   * `weight` is a training control, not text the model sees, so it is not counted. `contentCounts`, when given,
   * are the content counts per message already computed by the caller (the text scan's estimates).
   */
  countExample(example: ChatExample, mode: CountMode, contentCounts?: readonly number[]): ExampleTokenCounts {
    let total = 0;
    let assistant = 0;
    for (let i = 0; i < example.messages.length; i++) {
      const message = example.messages[i] as ChatMessage;
      const given = contentCounts?.[i];
      let content: number;
      if (given === undefined) {
        content = this.countText(message.content);
      } else {
        this.calls++;
        content = given;
      }
      if (message.role === 'assistant') assistant += content;
      total += this.messageTotal(message, mode, content);
    }
    return { total: total + this.overheadOf(example, mode), assistant };
  }

  /** What an example counts besides its messages: {@link exampleOverhead} plus its declared tools as JSON. */
  overheadOf(example: ChatExample, mode: CountMode): number {
    const tools = example.tools !== undefined && example.tools.length > 0 ? this.countText(fieldText(example.tools)) : 0;
    return exampleOverhead(mode) + tools;
  }

  /**
   * Tokens of one message of an example under `mode`, as {@link countExample} adds them up: an example's total is
   * the sum over its messages plus {@link exampleOverhead} (so a per-message breakdown always adds up to it).
   */
  countMessage(message: ChatMessage, mode: CountMode): number {
    return this.messageTotal(message, mode, this.countText(message.content));
  }

  private messageTotal(message: ChatMessage, mode: CountMode, content: number): number {
    return mode === 'openai' ? 3 + content + this.countMessageFields(message) : content + this.countCalls(message);
  }

  /** Tool calls of a message as their JSON text. */
  private countCalls(message: ChatMessage): number {
    let n = 0;
    if (message.toolCalls !== undefined) n += this.countText(fieldText(message.toolCalls));
    if (message.functionCall !== undefined) n += this.countText(fieldText(message.functionCall));
    return n;
  }

  /** Counters since construction or the last {@link TokenCounter.reset}. */
  stats(): TokenCounterStats {
    return { calls: this.calls, cacheHits: this.cacheHits, splitTexts: this.splitTexts };
  }

  /** Drop the cache and zero the counters (e.g. between runs). */
  reset(): void {
    this.cache.clear();
    this.cachedChars = 0;
    this.calls = 0;
    this.cacheHits = 0;
    this.splitTexts = 0;
  }

  /** Cookbook accounting of every field but `content`. */
  private countMessageFields(message: ChatMessage): number {
    let n = this.countText(message.role);
    if (message.name !== undefined) n += this.countText(message.name) + 1;
    if (message.toolCallId !== undefined) n += this.countText(message.toolCallId);
    return n + this.countCalls(message);
  }
}
