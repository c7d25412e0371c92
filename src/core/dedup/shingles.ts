/**
 * Word shingles for near-duplicate detection, computed by the fused text scan (`text/scan.ts`). Words are runs of
 * letters, digits and combining marks (Unicode aware, lowercased, NFC); every Han, Hiragana, Katakana or Hangul
 * character is a word of its own (`text/words.ts`). System messages are skipped: a shared system prompt would
 * inflate similarity.
 */
import type { ChatExample } from '../formats/chat';
import { DEFAULT_SHINGLE_SIZE, scanExample } from '../text/scan';

export { DEFAULT_SHINGLE_SIZE } from '../text/scan';
export { splitWords } from '../text/words';

/**
 * 32-bit hashes of every k-word shingle of the example's user, assistant, tool and function message contents
 * (system messages excluded), in text order and not deduplicated. Fewer than k words give one shingle of all the
 * words; no words give an empty array.
 */
export function shingleHashes(example: ChatExample, k = DEFAULT_SHINGLE_SIZE): Uint32Array {
  return scanExample(example, { shingleSize: Math.max(1, Math.floor(k)) }).shingles;
}
