/**
 * A whole analysis of a dataset held in memory as bytes: the same stream, aggregation and report as a file read
 * from disk (`src/node/analyzeFile.ts` runs these classes on file chunks), for tests, editors and any host without
 * a file system.
 */
import { detectFormat } from '../formats/detect';
import type { ChatExample } from '../formats/chat';
import { normalizeRecord } from '../formats/normalize';
import type { Finding } from '../types';
import type { RecordOptions } from './analyzeRecord';
import type { AggregateOptions, ExampleSource } from './aggregate';
import { DatasetAggregator } from './aggregate';
import { DatasetStream } from './datasetStream';
import type { DatasetReport } from './report';

/** Settings of an analysis: per-record options plus the report's. */
export type DatasetAnalysisOptions = RecordOptions & Pick<AggregateOptions, 'encoding' | 'tokensExact' | 'nearThreshold' | 'findingCapPerCode'>;

/** Report, findings (0-based ranges) and the usable examples in file order. */
export interface DatasetAnalysis {
  report: DatasetReport;
  findings: Finding[];
  examples: ChatExample[];
}

const decoder = new TextDecoder('utf-8');

/** The normalized example of a record's bytes (null when it does not parse or has no known shape). */
export function exampleFromBytes(bytes: Uint8Array): ChatExample | null {
  try {
    const value: unknown = JSON.parse(decoder.decode(bytes));
    const detected = detectFormat(value);
    return detected.kind === 'format' ? normalizeRecord(value as Record<string, unknown>, detected.format).example : null;
  } catch {
    return null;
  }
}

/**
 * The aggregator of an analysis of `bytes`, and `reread`: a record's example read again from its span of those bytes
 * (the aggregator's source, and what `finish` verifies candidates with).
 */
export function bytesAggregator(bytes: Uint8Array, options: DatasetAnalysisOptions): { aggregator: DatasetAggregator; reread: ExampleSource } {
  const reread = (i: number): ChatExample | null => {
    const span = aggregator.spanOf(i);
    return exampleFromBytes(bytes.subarray(span.byteOffset, span.byteOffset + span.byteLength));
  };
  const aggregator: DatasetAggregator = new DatasetAggregator({
    encoding: options.encoding,
    countMode: options.countMode,
    tokensExact: options.tokensExact,
    maxSeqLength: options.maxSeqLength,
    nearThreshold: options.nearThreshold,
    findingCapPerCode: options.findingCapPerCode,
    source: reread,
  });
  return { aggregator, reread };
}

/** Analyse a dataset file's bytes. */
export function analyzeDatasetBytes(bytes: Uint8Array, options: DatasetAnalysisOptions): DatasetAnalysis {
  const { aggregator, reread } = bytesAggregator(bytes, options);
  const examples: ChatExample[] = [];
  const stream = new DatasetStream(options, {
    record: (r) => {
      aggregator.add(r.result);
      if (r.result.valid && r.example) examples.push(r.example);
    },
    blank: (_line, count) => aggregator.addBlankLines(count),
    fileFinding: (f) => aggregator.addFileFinding(f),
    lines: (count) => aggregator.setTotalLines(count),
    layout: (layout) => {
      if (layout.wideEncoding !== null) aggregator.setWideEncoding(layout.wideEncoding);
    },
  });
  stream.push(bytes);
  const layout = stream.end();
  aggregator.setBom(layout.hasBom);
  const { report, findings } = aggregator.finish(reread);
  return { report, findings, examples };
}
