/**
 * Analysis of one block of a JSONL file (whole lines, cut at a line start): the same per-record pipeline whether
 * the block runs in a pool worker or on the thread that reads the file.
 */
import type { AnalyzedRecord, RecordOptions } from '../core/analysis/analyzeRecord';
import { RecordPipeline } from '../core/analysis/pipeline';
import type { RecordResult } from '../core/analysis/record';

/** Where a block sits in the file, and its bytes. */
export interface Block {
  /** 0-based line and byte offset of the block's first byte in the file. */
  line: number;
  byte: number;
  bytes: Uint8Array;
}

/** What the analysis of one block yields (record ordinals are relative to the block). */
export interface BlockAnalysis {
  records: RecordResult[];
  blanks: number[];
  hasBom: boolean;
}

/** Run the per-record pipeline over one block. */
export function analyzeBlock(options: RecordOptions, block: Block): BlockAnalysis {
  const records: RecordResult[] = [];
  const blanks: number[] = [];
  const pipeline = new RecordPipeline(
    options,
    {
      record: (r: AnalyzedRecord) => records.push(r.result),
      blank: (line: number) => blanks.push(line),
    },
    { line: block.line, byte: block.byte, ordinal: 0 },
  );
  pipeline.push(block.bytes);
  pipeline.end();
  return { records, blanks, hasBom: pipeline.hasBom };
}
