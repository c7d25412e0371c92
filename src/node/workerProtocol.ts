/**
 * Messages between the analysis worker pool and its workers.
 */
import type { PackedRecords } from '../core/analysis/recordPack';
import type { CountMode, EncodingName } from '../core/types';

/** Settings a worker needs to analyse records (plain data, structured-cloneable). */
export interface AnalysisSettings {
  encoding: EncodingName;
  countMode: CountMode;
  maxSeqLength: number;
  /** Exact tokenizer counts (true) or the fast estimate (false). */
  exact: boolean;
  nearDuplicates: boolean;
  /** Look for personal data and secrets (default true). */
  sensitiveData?: boolean;
  /** Use a preference pair's chosen reply as the reply (default false). */
  useChosen?: boolean;
  /** Longest line read, in bytes (default 64 MiB). */
  maxLineBytes?: number;
}

export type WorkerRequest =
  | { type: 'init'; settings: AnalysisSettings }
  | { type: 'block'; id: number; line: number; byte: number; bytes: ArrayBuffer; length: number; spares: ArrayBuffer[] };

export type WorkerResponse =
  | { type: 'ready' }
  | { type: 'block'; id: number; records: PackedRecords; blankLines: number; hasBom: boolean; bytes: ArrayBuffer }
  | { type: 'error'; message: string };
