/**
 * Messages between a `DocumentHost` and its worker thread (plain data; both sides are ours and in one process).
 */
import type { DocumentChange, DocumentFix, DocumentSnapshot } from '../core/analysis/datasetDocument';
import type { CodeName } from '../core/checks/codes';
import type { CountMode, EncodingName, Finding, Range } from '../core/types';

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
}

/** What the worker gets at start. */
export interface DocumentWorkerData {
  settings: DocumentSettings;
  /** Latest version sent per document slot (-1: closed). */
  versions: Int32Array;
}

export type DocumentRequest =
  | { type: 'open'; id: number; uri: string; slot: number; version: number; content: string | Uint8Array }
  | { type: 'change'; id: number; uri: string; version: number; changes: DocumentChange[] }
  | { type: 'close'; id: number; uri: string }
  | { type: 'fixes'; id: number; uri: string; version: number; target: { code: CodeName; range: Range } };

export type DocumentResponse =
  | { type: 'result'; id: number; result: { uri: string; version: number; findings: Finding[] } | DocumentFix[] | undefined }
  | { type: 'error'; id: number; name: string; message: string }
  | { type: 'snapshot'; uri: string; snapshot: DocumentSnapshot }
  /** A whole-file computation started, was given up for a newer version, or failed. */
  | { type: 'started'; uri: string; version: number }
  | { type: 'cancelled'; uri: string; version: number }
  | { type: 'snapshotFailed'; uri: string; version: number; message: string };
