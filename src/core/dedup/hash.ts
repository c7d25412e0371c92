/**
 * Keys for exact-duplicate and contradiction detection. The canonical form of an example (per message: role, then
 * content NFC-normalized with whitespace runs collapsed to one space and trimmed, then tool-call data) is hashed by
 * the fused text scan (`text/scan.ts`) without ever building the canonical string. Declared `tools` are part of the
 * identity: they are hashed after the messages, and they key every near-duplicate shingle.
 */
import type { ChatExample } from '../formats/chat';
import { scanExample } from '../text/scan';

export { cyrb53, fmix32 } from '../text/hashing';

/** Result of {@link hashPromptAndReply}: the prompt (everything before the last assistant turn) and that reply. */
export interface PromptReplyHashes {
  promptHash: number;
  replyHash: number;
}

/** The three keys per-record analysis needs, from one canonical pass over each message. */
export interface ExampleKeys {
  /** Canonical hash of the whole example: roles, whitespace-collapsed NFC content, tool-call data. */
  exactHash: number;
  /** Case-folded hash of every message before the last assistant message, and of that message; null without one. */
  promptHash: number | null;
  replyHash: number | null;
}

/** Exact, prompt and reply hashes with one canonicalizing pass over each message. */
export function hashExampleKeys(example: ChatExample): ExampleKeys {
  const { exactHash, promptHash, replyHash } = scanExample(example, { shingleSize: 0 });
  return { exactHash, promptHash, replyHash };
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
