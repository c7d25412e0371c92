/**
 * The dataset report: one definition of every number a user sees (CLI `--json`, REST API, editor).
 * Field names are snake_case because they are the JSON contract (API.md and the CLI schema in README.md).
 */
import type { DatasetFormat } from '../formats/chat';
import type { CountMode, EncodingName, Severity } from '../types';

/** Summary statistics of a distribution. Percentiles use linear interpolation between closest ranks
 * (numpy's default "linear" method, Hyndman–Fan type 7). All zero for an empty distribution. */
export interface DistributionSummary {
  min: number;
  max: number;
  mean: number;
  median: number;
  p5: number;
  p95: number;
  p99: number;
}

/** One quality deduction: the score lost `points` (0–1 scale) because of `code`. */
export interface QualityIssue {
  code: string;
  message: string;
  points: number;
}

/** The API's distribution block (`GET /preview/{id}/distribution`). */
export interface Distribution {
  roles: Record<string, number>;
  avg_message_length: number;
  token_distribution: { '0-100': number; '100-500': number; '500-1000': number; '1000+': number };
  has_system_prompts: boolean;
  multi_turn_percentage: number;
}

/** A group of duplicate examples: 1-based line numbers (first copy first) and 0-based example indices. */
export interface DuplicateGroup {
  lines: number[];
  examples: number[];
  /** Near duplicates only: the smallest verified Jaccard similarity to the representative. */
  similarity?: number;
}

/** Facts about the data that the recommender uses. */
export interface Characteristics {
  /**
   * The non-English share (0–1): letters of non-Latin scripts plus Latin-script letters in the share of stop-word
   * votes that are not English, over all letters (emoji, digits and punctuation excluded).
   */
  multilingual_share: number;
  is_multilingual: boolean;
  /** Dominant script of letters: latin, han, kana, hangul, cyrillic, arabic, devanagari, other. */
  dominant_script: string;
  /** Best-effort dominant language code (en, zh, ja, ko, ru, ar, hi, es, fr, de, …). */
  dominant_language: string;
  /** Share (0–1) of assistant replies that are JSON objects/arrays. */
  json_reply_share: number;
  looks_like_json: boolean;
  /** Share (0–1) of assistant replies that contain code. */
  code_share: number;
  has_code: boolean;
  /** Mean characters (code points) per assistant reply. */
  avg_response_length: number;
  is_multi_turn: boolean;
  has_system_prompts: boolean;
}

/** A finding as serialized for the CLI and API: 1-based line and column (UTF-16). */
export interface FindingJson {
  code: string;
  severity: Severity;
  line: number;
  column: number;
  end_line: number;
  end_column: number;
  message: string;
  related: { line: number; column: number; message: string }[];
}

/** The full report of a dataset file. */
export interface DatasetReport {
  /** `mixed` when records of more than one format are present; `unknown` when no record has a known shape. */
  format: DatasetFormat | 'mixed' | 'unknown';
  /** Records per detected format. */
  formats: Partial<Record<DatasetFormat, number>>;
  encoding: EncodingName;
  count_mode: CountMode;
  /** False while token counts are the fast estimate (ascii/4 + CJK×1 + other/2). */
  tokens_exact: boolean;

  total_lines: number;
  blank_lines: number;
  /** Usable examples (normalized, no error-level finding). */
  total_examples: number;
  /** Records that are not usable examples (bad JSON, unknown shape, errors). */
  invalid_examples: number;
  total_tokens: number;
  avg_tokens_per_example: number;
  quality_score: number;
  quality_issues: QualityIssue[];
  /** True when there is no error-level finding at all. */
  format_valid: boolean;
  /** Cookbook format-error keys and our error codes → number of occurrences. */
  format_errors: Record<string, number>;
  /** Cookbook data warnings, and records with non-text content (image parts, `images`) that text-only training drops. */
  data_warnings: { missing_system: number; missing_user: number; non_text_content: number };

  distribution: Distribution;
  token_stats: {
    total: DistributionSummary;
    assistant: DistributionSummary;
    messages_per_example: DistributionSummary;
  };
  over_limit: { max_seq_length: number; count: number };
  duplicates: {
    /** Extra copies (exact duplicates that repeat an earlier example), as in API.md. */
    count: number;
    /** 0-based indices of those extra copies. */
    examples: number[];
    exact: { count: number; groups: DuplicateGroup[] };
    near: { count: number; threshold: number; groups: DuplicateGroup[] };
  };
  contradictions: { count: number; groups: DuplicateGroup[] };
  /**
   * Preference pairs (`chosen`/`rejected` records): how many, how many have the same reply on both sides, and how
   * many do not share one prompt. All zero when the file has none.
   */
  preference: { pairs: number; identical: number; prompt_mismatch: number };
  billing: { billable_tokens: number; epochs: number; charged_tokens: number };
  characteristics: Characteristics;
  findings: FindingJson[];
  /** Findings left out of `findings` by a cap, per code (their counts are still in `format_errors`). */
  findings_omitted: Record<string, number>;
}
