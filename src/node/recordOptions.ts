/**
 * Builds the per-record options (with a loaded tokenizer) from plain settings, in the main thread or a worker.
 */
import type { RecordOptions } from '../core/analysis/analyzeRecord';
import { createEstimateEncoder } from '../core/tokens/estimate';
import { TokenCounter } from '../core/tokens/tokenCounter';
import { loadEncoder } from './tokenizers';
import type { AnalysisSettings } from './workerProtocol';

/** Per-record options for `settings`; the exact encoder loads lazily once per thread. */
export function createRecordOptions(settings: AnalysisSettings): RecordOptions {
  const encoder = settings.exact ? loadEncoder(settings.encoding) : createEstimateEncoder(settings.encoding);
  return {
    counter: new TokenCounter(encoder),
    countMode: settings.countMode,
    maxSeqLength: settings.maxSeqLength,
    nearDuplicates: settings.nearDuplicates,
    sensitiveData: settings.sensitiveData,
    useChosen: settings.useChosen,
    maxLineBytes: settings.maxLineBytes,
  };
}
