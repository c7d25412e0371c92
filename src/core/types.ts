/**
 * Shared value types of the analysis engine. Everything here is plain data (JSON-serializable), so findings and
 * fixes cross worker, process and webview boundaries unchanged.
 */
import type { CodeName } from './checks/codes';

/** Severity of a finding, in the editor's vocabulary. */
export type Severity = 'error' | 'warning' | 'info';

/** A position in a text document: 0-based line, 0-based column in UTF-16 code units (what editors use). */
export interface Position {
  line: number;
  character: number;
}

/** A half-open range `[start, end)` in a text document. */
export interface Range {
  start: Position;
  end: Position;
}

/** Replace `range` with `newText`. An insertion has an empty range; a deletion an empty `newText`. */
export interface TextEdit {
  range: Range;
  newText: string;
}

/** What a fix does, so that a host can group them (e.g. "fix all" only for safe kinds). */
export type FixKind =
  | 'join-lines'
  | 'delete-duplicate'
  | 'rename-role'
  | 'convert-to-messages'
  | 'move-system-first'
  | 'merge-turns'
  | 'trim'
  | 'redact'
  | 'other';

/**
 * A quick fix: text edits that replace the smallest located spans (a role value, a content string, a separator;
 * a whole record only when deleting or converting it), so every other byte of the document is kept. Fixes are
 * computed on request for one finding, never as part of an analysis.
 */
export interface Fix {
  title: string;
  kind: FixKind;
  edits: TextEdit[];
  /** Safe to apply in bulk without review ("fix all"). */
  isSafe: boolean;
  isPreferred?: boolean;
}

/** Another place that explains a finding (e.g. the first copy of a duplicate). */
export interface RelatedLocation {
  range: Range;
  message: string;
}

/**
 * One problem found in a dataset. `code` values are stable and listed in `checks/codes.ts`, which also gives the
 * severity (findings are built with `makeFinding`). Fixes are not part of a finding: they are computed on request.
 */
export interface Finding {
  code: CodeName;
  severity: Severity;
  message: string;
  range: Range;
  related?: RelatedLocation[];
}

/** Build a range from 0-based line/column pairs. */
export function makeRange(startLine: number, startChar: number, endLine: number, endChar: number): Range {
  return { start: { line: startLine, character: startChar }, end: { line: endLine, character: endChar } };
}

/** Token encodings we count exactly. */
export type EncodingName = 'o200k_base' | 'cl100k_base';

/** `raw`: content tokens only; `openai`: the OpenAI cookbook's per-message accounting. */
export type CountMode = 'raw' | 'openai';

export const ENCODING_NAMES: readonly EncodingName[] = ['o200k_base', 'cl100k_base'];
export const COUNT_MODES: readonly CountMode[] = ['raw', 'openai'];
export const DEFAULT_ENCODING: EncodingName = 'o200k_base';
export const DEFAULT_MAX_SEQ_LENGTH = 2048;
