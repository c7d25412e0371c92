/**
 * The one interface every token counter implements, exact (BPE) or estimated.
 */
import type { EncodingName } from '../types';

/** Counts tokens of plain text for one encoding. Implementations never throw. */
export interface TokenEncoder {
  /** The encoding the counts are labelled with. */
  readonly name: EncodingName;
  /** True for a real BPE count; false for an estimate. */
  readonly exact: boolean;
  /**
   * Raw BPE token count of one text. Special-token text such as `<|endoftext|>` is counted as ordinary text
   * (it is data in a training file, not a control token).
   */
  count(text: string): number;
  /**
   * True when `count` is exact and takes time linear in the length of any text, however long its runs (one
   * character or a short pattern repeated): {@link TokenCounter} then counts texts whole instead of cutting runs.
   */
  readonly linearOnLongRuns?: boolean;
}
