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
  /** Blank lines in the block (a number, not a list: a block of newlines costs nothing per line). */
  blankLines: number;
  hasBom: boolean;
}

/**
 * The per-record pipeline over a block fed in pieces: a line too long to hold (over the pipeline's line cap) is
 * streamed through in chunks, its bytes skipped, instead of being read into one block.
 */
export class BlockAnalyzer {
  private readonly packer: RecordPacker;
  private readonly pipeline: RecordPipeline;
  private blankLines = 0;

  /** @param expectedBytes size hint for the column buffers (taken from `spares` when they fit). */
  constructor(options: RecordOptions, origin: { line: number; byte: number }, expectedBytes: number, spares?: ArrayBuffer[]) {
    const packer = new RecordPacker(expectedBytes, spares);
    this.packer = packer;
    this.pipeline = new RecordPipeline(
      options,
      {
        record: (r: AnalyzedRecord) => packer.add(r.result, r.shingles),
        blank: (_line: number, count: number) => {
          this.blankLines += count;
        },
      },
      { line: origin.line, byte: origin.byte, ordinal: 0 },
    );
  }

  push(bytes: Uint8Array): void {
    this.pipeline.push(bytes);
  }

  finish(): BlockAnalysis {
    this.pipeline.end();
    return { records: this.packer.finish(), blankLines: this.blankLines, hasBom: this.pipeline.hasBom };
  }
}

/** Run the per-record pipeline over one block (column buffers come from `spares` when they fit). */
export function analyzeBlock(options: RecordOptions, block: Block, spares?: ArrayBuffer[]): BlockAnalysis {
  const analyzer = new BlockAnalyzer(options, block, block.bytes.length, spares);
  analyzer.push(block.bytes);
  return analyzer.finish();
}
