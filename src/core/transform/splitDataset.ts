/**
 * Split a dataset into training and validation JSONL: usable records only, exact duplicates, near-duplicate clusters
 * and contradictions each kept on one side ({@link planSplit}); every record left out is listed with its reason.
 */
import type { DatasetRecords, LeftOutRecord } from './datasetRecords';
import { leftOut, recordAsJsonlLine } from './datasetRecords';
import type { SplitOptions } from './splitPlan';
import { DEFAULT_SPLIT_SEED, DEFAULT_VAL_RATIO, planSplit } from './splitPlan';

/** The two files' contents and what went where. */
export interface DatasetSplit {
  /** JSONL texts, one record per line, each line ending in `\n`. */
  trainText: string;
  valText: string;
  /** 1-based first lines of the records on each side (file order). */
  trainLines: number[];
  valLines: number[];
  /** Records that are not usable examples, left out of both files. */
  leftOut: LeftOutRecord[];
  /** Groups (duplicates, near-duplicate clusters, contradictions) of 1-based lines that the split kept together. */
  groups: number[][];
  valRatio: number;
  seed: number;
  /** Validation records aimed for. */
  target: number;
}

/** The relations whose members must not straddle the split: exact and near duplicates, contradictions. */
export function linkedGroups(data: DatasetRecords): number[][] {
  const { duplicates, contradictions } = data.report;
  return [...duplicates.exact.groups, ...duplicates.near.groups, ...contradictions.groups].map((g) => [...g.examples]);
}

/** Split analysed records. */
export function splitDatasetRecords(data: DatasetRecords, options: SplitOptions = {}): DatasetSplit {
  const valid = data.records.filter((r) => r.valid);
  const groups = linkedGroups(data);
  const plan = planSplit({ valid: valid.map((r) => r.ordinal), groups }, options);
  const byOrdinal = new Map(data.records.map((r) => [r.ordinal, r]));
  const lineOf = (ordinal: number): number => (byOrdinal.get(ordinal)?.line ?? 0);
  const text = (ordinals: number[]): string => {
    let out = '';
    for (const o of ordinals) {
      const record = byOrdinal.get(o);
      if (record) out += `${recordAsJsonlLine(record, data.jsonArray)}\n`;
    }
    return out;
  };
  return {
    trainText: text(plan.train),
    valText: text(plan.val),
    trainLines: plan.train.map(lineOf),
    valLines: plan.val.map(lineOf),
    leftOut: data.records.filter((r) => !r.valid).map((r) => leftOut(r, 'not a usable example')),
    groups: groups.map((g) => g.map(lineOf)),
    valRatio: options.valRatio ?? DEFAULT_VAL_RATIO,
    seed: options.seed ?? DEFAULT_SPLIT_SEED,
    target: plan.target,
  };
}
