/**
 * The result of analysing one record on its own. This is the contract between the per-record stage (run in
 * workers for big files, or per edited line in an editor) and the aggregation stage (duplicates, statistics,
 * file-level checks), which only ever sees these results in file order.
 */
import type { StopWordVotes } from '../text/stopWords';
import { emptyVotes } from '../text/stopWords';
import type { DatasetFormat } from '../formats/chat';
import type { Finding } from '../types';

/** Where a record lives in the file. Lines are 0-based; `endLine` is inclusive. */
export interface RecordSpan {
  startLine: number;
  /** UTF-16 column where the record starts on its first line; set only for elements of a JSON array file. */
  startCharacter?: number;
  endLine: number;
  /** UTF-16 length of the record's last line (so a range can cover the whole record). */
  endCharacter: number;
  /** Byte offset of the record's first byte in the file, and its length in bytes (without the newline). */
  byteOffset: number;
  byteLength: number;
}

/** Per-role message counts. */
export interface RoleCounts {
  system: number;
  user: number;
  assistant: number;
  tool: number;
  function: number;
}

/** Character tallies used for language/script characteristics. */
export interface ScriptTally {
  /** All characters (code points) of message contents. */
  total: number;
  /** Code points above U+007F. */
  nonAscii: number;
  /** ASCII letters A–Z, a–z. */
  latin: number;
  /** Latin letters with diacritics and other Latin-extended letters. */
  latinExtended: number;
  han: number;
  kana: number;
  hangul: number;
  cyrillic: number;
  arabic: number;
  devanagari: number;
  /** Other letters outside Latin (Greek, Hebrew, Thai, …). */
  otherLetters: number;
  /** Emoji and pictographs (not a language signal). */
  emoji: number;
  /** Stop-word votes for Latin-script languages (from a sample of each message). */
  votes: StopWordVotes;
}

/** Everything the aggregation stage needs to know about one record. */
export interface RecordResult {
  /** 0-based index among non-blank records, in file order (the API's example index). */
  ordinal: number;
  span: RecordSpan;
  /** Detected format, or null when the record is not JSON or has no known shape. */
  format: DatasetFormat | null;
  /** True when the record normalized to a usable chat example and has no error-level finding. */
  valid: boolean;
  /** Findings about this record alone. */
  findings: Finding[];
  /** Counts of the OpenAI cookbook's format-error keys for this record (cookbook semantics). */
  cookbookErrors: Record<string, number>;
  /** Cookbook data warnings. */
  missingSystem: boolean;
  missingUser: boolean;

  /** Message statistics (zero when the record did not normalize). */
  messageCount: number;
  roles: RoleCounts;
  /** Characters (code points) over all message contents. */
  contentChars: number;
  /** Tokens of the example in the run's count mode, and of assistant messages only. */
  tokens: number;
  assistantTokens: number;
  /** Assistant replies: how many, how many are short (< 10 chars after trimming), total characters. */
  replyCount: number;
  shortReplies: number;
  replyChars: number;
  /** Replies that look like JSON / contain code. */
  jsonReplies: number;
  codeReplies: number;
  script: ScriptTally;

  /** 53-bit hash of the canonical normalized example (roles + whitespace-collapsed content); null if invalid. */
  exactHash: number | null;
  /** Hash of the normalized prompt (system + every turn before the last assistant reply) and of that reply. */
  promptHash: number | null;
  replyHash: number | null;
  /** 16 LSH band keys of the example's MinHash signature; null when it has too few words to shingle. */
  bandKeys: Uint32Array | null;
  /**
   * The shingle hashes behind `bandKeys`, when the producer kept them (blocks from analysis threads): near-duplicate
   * verification then need not re-read this record.
   */
  shingles?: Uint32Array;
}

/** An empty tally. */
export function emptyScriptTally(): ScriptTally {
  return {
    total: 0,
    nonAscii: 0,
    latin: 0,
    latinExtended: 0,
    han: 0,
    kana: 0,
    hangul: 0,
    cyrillic: 0,
    arabic: 0,
    devanagari: 0,
    otherLetters: 0,
    emoji: 0,
    votes: emptyVotes(),
  };
}

/** Zero role counts. */
export function emptyRoleCounts(): RoleCounts {
  return { system: 0, user: 0, assistant: 0, tool: 0, function: 0 };
}
