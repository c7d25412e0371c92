/**
 * Messages between a `DocumentHost` and its worker thread (plain data; both sides are ours and in one process).
 */
import type { DocumentChange, DocumentFix, RecordInfo } from '../core/analysis/datasetDocument';
import type { CodeName } from '../core/checks/codes';
import type { RecordColumns } from '../core/analysis/recordColumns';
import type { CountMode, EncodingName, Finding, Position, Range, RelatedLocation } from '../core/types';
import { makeFinding } from '../core/checks/codes';

/** Documents a host can hold at once (one shared version slot each). */
export const MAX_DOCUMENTS = 4096;

/** How documents are analysed. */
export interface DocumentSettings {
  encoding: EncodingName;
  countMode: CountMode;
  maxSeqLength: number;
  /** Exact token counts (default in editors) or the fast estimate. */
  exact: boolean;
  nearThreshold?: number;
  /**
   * Quiet time (ms) after the last open or change of a document before its whole-file snapshot is computed (default
   * 0: as soon as the queue is empty). An editor's typing then starts one whole-file run per pause, not one per key.
   */
  wholeFileDelayMs?: number;
  /** Look for personal data and secrets (default true). */
  sensitiveData?: boolean;
}

/** What the worker gets at start. */
export interface DocumentWorkerData {
  settings: DocumentSettings;
  /**
   * Per document slot, the stamp of the latest open or change the host sent (-1: closed). Stamps count every such
   * message of the host, so a document closed and opened again at the editor's version 1 is never mistaken for the
   * earlier one, and a slot handed to another document cancels the first one's work.
   */
  stamps: Int32Array;
}

export type DocumentRequest =
  | { type: 'open'; id: number; uri: string; slot: number; stamp: number; version: number; content: string | Uint8Array }
  | { type: 'change'; id: number; uri: string; stamp: number; version: number; changes: DocumentChange[] }
  | { type: 'close'; id: number; uri: string }
  | { type: 'fixes'; id: number; uri: string; version: number; target: { code: CodeName; range: Range } }
  /** The fixes of several findings at once (e.g. "fix all"), one list per target, in order. */
  | { type: 'fixesMany'; id: number; uri: string; version: number; targets: { code: CodeName; range: Range }[] }
  | { type: 'recordInfo'; id: number; uri: string; position: Position }
  /** The usable examples of the current version (answered as `json`). */
  | { type: 'examples'; id: number; uri: string }
  /** Per-record facts of the current version in columns (answered as `result`; typed arrays clone cheaply). */
  | { type: 'recordColumns'; id: number; uri: string }
  /** The usable examples' lines and content keys of the current version (answered as `json`: {@link ExampleKeys}). */
  | { type: 'exampleKeys'; id: number; uri: string }
  /** Usable examples of `version` by their index among the usable examples (answered as `json`; refused when stale). */
  | { type: 'examplesAt'; id: number; uri: string; version: number; indices: number[] };

/**
 * The usable examples of a document version in columns: each one's record lines (1-based first line, 0-based last
 * line and its end column, as `ModelTokensRow` has them), a key of its normalized content (a hash of the example's
 * JSON: equal keys, equal examples) and that JSON's length (a measure of the work of counting it).
 */
export interface ExampleKeys {
  version: number;
  lines: number[];
  endLines: number[];
  endCharacters: number[];
  keys: string[];
  sizes: number[];
}

/**
 * Answers. Findings and snapshots travel as UTF-8 JSON in a transferred buffer: the structured clone of ~10,000
 * findings took ~90 ms to read on the receiving (language server's main) thread, JSON ~30 ms. A snapshot's
 * `report.findings` (the same findings in their 1-based JSON form) is left out and rebuilt on demand.
 */
export type DocumentResponse =
  | { type: 'result'; id: number; result: DocumentFix[] | DocumentFix[][] | RecordInfo | RecordColumns | null | undefined }
  | { type: 'findings'; id: number; json: ArrayBuffer }
  /** Any big answer (examples) as UTF-8 JSON in a transferred buffer. */
  | { type: 'json'; id: number; json: ArrayBuffer }
  | { type: 'error'; id: number; name: string; message: string }
  | { type: 'snapshot'; uri: string; stamp: number; json: ArrayBuffer }
  /** A whole-file computation started, was given up for a newer version, or failed. */
  | { type: 'started'; uri: string; stamp: number; version: number }
  | { type: 'cancelled'; uri: string; stamp: number; version: number }
  | { type: 'snapshotFailed'; uri: string; stamp: number; version: number; message: string };

/**
 * Findings in columns for the trip between threads: codes and messages as string tables, everything else as one
 * list of numbers (JSON of a few flat arrays is written and read several times faster than one object per finding,
 * position and related location).
 */
export interface PackedFindings {
  codes: string[];
  messages: string[];
  /** Per finding: code, message, start line/character, end line/character, related count, then per related location its message, start line/character and end line/character. */
  numbers: number[];
}

/** Pack findings into columns. */
export function packFindings(findings: readonly Finding[]): PackedFindings {
  const codes: string[] = [];
  const codeIndex = new Map<string, number>();
  const messages: string[] = [];
  const numbers: number[] = [];
  const code = (c: string): number => {
    let i = codeIndex.get(c);
    if (i === undefined) {
      i = codes.push(c) - 1;
      codeIndex.set(c, i);
    }
    return i;
  };
  for (const f of findings) {
    const related = f.related ?? [];
    numbers.push(code(f.code), messages.push(f.message) - 1, f.range.start.line, f.range.start.character, f.range.end.line, f.range.end.character, related.length);
    for (const r of related) numbers.push(messages.push(r.message) - 1, r.range.start.line, r.range.start.character, r.range.end.line, r.range.end.character);
  }
  return { codes, messages, numbers };
}

/** The findings of {@link packFindings} (severities from the codes table, as every finding's is). */
export function unpackFindings(packed: PackedFindings): Finding[] {
  const { codes, messages, numbers } = packed;
  const out: Finding[] = [];
  let i = 0;
  const range = (): Range => {
    const r = { start: { line: numbers[i] as number, character: numbers[i + 1] as number }, end: { line: numbers[i + 2] as number, character: numbers[i + 3] as number } };
    i += 4;
    return r;
  };
  while (i < numbers.length) {
    const code = codes[numbers[i] as number] as CodeName;
    const message = messages[numbers[i + 1] as number] as string;
    i += 2;
    const at = range();
    const count = numbers[i++] as number;
    const related: RelatedLocation[] = [];
    for (let k = 0; k < count; k++) {
      const relatedMessage = messages[numbers[i++] as number] as string;
      related.push({ message: relatedMessage, range: range() });
    }
    out.push(makeFinding(code, message, at, related));
  }
  return out;
}

/** JSON of a value in a buffer that can be transferred. */
export function jsonBuffer(value: unknown): ArrayBuffer {
  const bytes = new TextEncoder().encode(JSON.stringify(value));
  return bytes.buffer.byteLength === bytes.byteLength ? (bytes.buffer as ArrayBuffer) : (bytes.slice().buffer as ArrayBuffer);
}

/** The value of a {@link jsonBuffer}. */
export function fromJsonBuffer<T>(buffer: ArrayBuffer): T {
  return JSON.parse(new TextDecoder().decode(buffer)) as T;
}
