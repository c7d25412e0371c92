// Test helper: analyse a dataset text the two ways the engine can, a fresh analysis of the file's bytes
// (analyzeDatasetBytes, what analyzeFile runs) and an editor document opened on the text, and insist they agree.
import assert from 'node:assert/strict';
import type { DatasetAnalysis, DatasetAnalysisOptions } from '../../../src/core/analysis/analyzeBytes';
import { analyzeDatasetBytes } from '../../../src/core/analysis/analyzeBytes';
import { DatasetDocument } from '../../../src/core/analysis/datasetDocument';

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
