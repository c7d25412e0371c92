/**
 * Every record of a dataset's bytes with what a transformation needs to know of it (where it is, whether it is a
 * usable example, its normalized example, its first error), alongside the whole analysis's report (duplicate groups,
 * contradictions). The same stream and aggregation as `analyzeDatasetBytes`, so the records and the report agree.
 */
import { bytesAggregator } from '../analysis/analyzeBytes';
import type { DatasetAnalysisOptions } from '../analysis/analyzeBytes';
import { DatasetStream } from '../analysis/datasetStream';
import type { DatasetReport } from '../analysis/report';
import type { ChatExample } from '../formats/chat';
import { createEstimateEncoder } from '../tokens/estimate';
import { TokenCounter } from '../tokens/tokenCounter';
import type { Finding } from '../types';

/** One record of the file. */
export interface DatasetRecord {
  /** 0-based index among the file's records (the report's example index). */
  ordinal: number;
  /** 1-based first and last line. */
  line: number;
  endLine: number;
  /** A usable example: normalized, no error finding. */
  valid: boolean;
  /** The normalized example, or null when the record has no known shape (or is not JSON). */
  example: ChatExample | null;
  /** The record as written (one line of JSONL, or a JSON array's element), without its line break. */
  text: string;
  /** The first error-level finding about the record, if any. */
  firstError: { code: string; message: string } | null;
}

/** A dataset's records and report. */
export interface DatasetRecords {
  records: DatasetRecord[];
  report: DatasetReport;
  /** Findings about the file rather than one record (encoding, a JSON array's structure). */
  fileFindings: Finding[];
  /** The file is one JSON array of records (not JSONL). */
  jsonArray: boolean;
}

/** Options of the analysis behind the records (token counts do not matter to transformations: estimates will do). */
export type RecordReadOptions = DatasetAnalysisOptions;

/** Options for reading records with the fast token estimate (validity and duplicates do not depend on counts). */
export function estimateReadOptions(nearThreshold?: number): RecordReadOptions {
  return {
    counter: new TokenCounter(createEstimateEncoder('o200k_base')),
    countMode: 'raw',
    maxSeqLength: 2048,
    encoding: 'o200k_base',
    tokensExact: false,
    nearThreshold,
  };
}

const decoder = new TextDecoder('utf-8');

/** Read every record of a dataset's bytes, with the analysis's report. */
export function readDatasetRecords(bytes: Uint8Array, options: RecordReadOptions): DatasetRecords {
  const { aggregator, reread } = bytesAggregator(bytes, options);
  const records: DatasetRecord[] = [];
  const fileFindings: Finding[] = [];
  let jsonArray = false;
  const stream = new DatasetStream(options, {
    record: (r) => {
      aggregator.add(r.result);
      const { span } = r.result;
      const error = r.result.findings.find((f) => f.severity === 'error');
      let text = decoder.decode(bytes.subarray(span.byteOffset, span.byteOffset + span.byteLength));
      if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
      if (text.endsWith('\r')) text = text.slice(0, -1);
      records.push({
        ordinal: r.result.ordinal,
        line: span.startLine + 1,
        endLine: span.endLine + 1,
        valid: r.result.valid,
        example: r.example,
        text,
        firstError: error ? { code: error.code, message: error.message } : null,
      });
    },
    blank: (_line, count) => aggregator.addBlankLines(count),
    fileFinding: (f) => {
      fileFindings.push(f);
      aggregator.addFileFinding(f);
    },
    layout: (layout) => {
      jsonArray = layout.jsonArray;
      if (layout.wideEncoding !== null) aggregator.setWideEncoding(layout.wideEncoding);
    },
  });
  stream.push(bytes);
  const layout = stream.end();
  aggregator.setBom(layout.hasBom);
  const { report } = aggregator.finish(reread);
  return { records, report, fileFindings, jsonArray };
}

/**
 * A record as one JSONL line: a single-line record exactly as written (every byte kept), a pretty-printed record or
 * a JSON array's element re-serialized compactly.
 */
export function recordAsJsonlLine(record: DatasetRecord, jsonArray: boolean): string {
  if (!jsonArray && record.line === record.endLine) return record.text;
  return JSON.stringify(JSON.parse(record.text));
}

/** A record left out of a transformation, and why. */
export interface LeftOutRecord {
  /** 1-based line where the record starts. */
  line: number;
  code: string;
  message: string;
}

/** Why a record is left out: its first error, or a generic reason. */
export function leftOut(record: DatasetRecord, fallback: string): LeftOutRecord {
  return { line: record.line, code: record.firstError?.code ?? 'not-usable', message: record.firstError?.message ?? fallback };
}
