/**
 * Convert a dataset to OpenAI chat JSONL (`{"messages": [...]}` per line) with the engine's own normalization of
 * every accepted format (`formats/normalize.ts`, written out by `notebook/datasetJsonl.ts`). A record that does not
 * normalize is listed with its line and reason, never dropped in silence.
 */
import { toOpenAiExample } from '../notebook/datasetJsonl';
import type { DatasetRecords, LeftOutRecord } from './datasetRecords';
import { leftOut } from './datasetRecords';

/** The converted text and what could not be converted. */
export interface DatasetConversion {
  /** JSONL, one converted record per line, each line ending in `\n`. */
  text: string;
  converted: number;
  /** Of the converted records, those that still have an error (e.g. an empty reply): converted as they are. */
  convertedWithErrors: LeftOutRecord[];
  /** Records with no normalized form (not JSON, not an object, unknown shape, no usable messages). */
  notConverted: LeftOutRecord[];
}

/** Convert analysed records, in file order. */
export function convertDatasetRecords(data: DatasetRecords): DatasetConversion {
  let text = '';
  let converted = 0;
  const convertedWithErrors: LeftOutRecord[] = [];
  const notConverted: LeftOutRecord[] = [];
  for (const record of data.records) {
    if (record.example === null) {
      notConverted.push(leftOut(record, 'the record could not be normalized to chat messages'));
      continue;
    }
    text += `${JSON.stringify(toOpenAiExample(record.example))}\n`;
    converted++;
    if (!record.valid) convertedWithErrors.push(leftOut(record, 'the record has an error'));
  }
  return { text, converted, convertedWithErrors, notConverted };
}
