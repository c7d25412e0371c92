/**
 * Analysis of one block of a JSONL file (whole lines, cut at a line start): the same per-record pipeline whether
 * the block runs in a pool worker or on the thread that reads the file.
 */
import type { AnalyzedRecord, RecordOptions } from '../core/analysis/analyzeRecord';
import { RecordPipeline } from '../core/analysis/pipeline';
import type { PackedRecords } from '../core/analysis/recordPack';
import { RecordPacker } from '../core/analysis/recordPack';

/** Where a block sits in the file, and its bytes. */
export interface Block {
  /** 0-based line and byte offset of the block's first byte in the file. */
  line: number;
  byte: number;
  bytes: Uint8Array;
}

/** What the analysis of one block yields (record ordinals are relative to the block), records in columns. */
export interface BlockAnalysis {
  records: PackedRecords;
  blanks: number[];
  hasBom: boolean;
}

/** Run the per-record pipeline over one block (column buffers come from `spares` when they fit). */
export function analyzeBlock(options: RecordOptions, block: Block, spares?: ArrayBuffer[]): BlockAnalysis {
  const packer = new RecordPacker(block.bytes.length, spares);
  const blanks: number[] = [];
  const pipeline = new RecordPipeline(
    options,
    {
      record: (r: AnalyzedRecord) => packer.add(r.result, r.shingles),
      blank: (line: number) => blanks.push(line),
    },
    { line: block.line, byte: block.byte, ordinal: 0 },
  );
  pipeline.push(block.bytes);
  pipeline.end();
  return { records: packer.finish(), blanks, hasBom: pipeline.hasBom };
}
