// Test helper: analyse a dataset text the two ways the engine can, a fresh analysis of the file's bytes
// (analyzeDatasetBytes, what analyzeFile runs) and an editor document opened on the text, and insist they agree.
import assert from 'node:assert/strict';
import type { DatasetAnalysis, DatasetAnalysisOptions } from '../../../src/core/analysis/analyzeBytes';
import { analyzeDatasetBytes } from '../../../src/core/analysis/analyzeBytes';
import { DatasetDocument } from '../../../src/core/analysis/datasetDocument';
import { createEstimateEncoder } from '../../../src/core/tokens/estimate';
import { TokenCounter } from '../../../src/core/tokens/tokenCounter';

/** Document and analysis options with the fast token estimate (what most tests need). */
export const estimateOptions = () => ({
  counter: new TokenCounter(createEstimateEncoder('o200k_base')),
  countMode: 'raw' as const,
  maxSeqLength: 2048,
  encoding: 'o200k_base' as const,
  tokensExact: false,
});

/** Analyse `text` as a file and as a document; they must agree. Returns the file analysis. */
export function analyzeText(text: string, options: DatasetAnalysisOptions): DatasetAnalysis {
  const fresh = analyzeDatasetBytes(new TextEncoder().encode(text), options);
  const doc = new DatasetDocument(options);
  doc.open(1, text);
  const snapshot = doc.snapshot();
  assert.deepEqual(snapshot.report, fresh.report, 'a document opened on the text reports what the file analysis reports');
  assert.deepEqual(snapshot.findings, fresh.findings);
  assert.deepEqual(doc.examples(), fresh.examples);
  return fresh;
}
