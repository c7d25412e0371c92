/**
 * Custom requests that read or rewrite a whole dataset: its duplicate groups and its SARIF log (from the report the
 * server already has), a train/validation split and a conversion to OpenAI messages (from the document's text, or
 * the file on disk, through `src/core/transform`, the same code as `slmgen split`). Files are written next to the
 * dataset unless absolute paths are given, and an existing file is replaced only when the client says so.
 */
import { readFile, stat, writeFile } from 'node:fs/promises';
import { basename, dirname, isAbsolute, join } from 'node:path';
import type { CancellationToken } from 'vscode-languageserver/node';
import { toSarif } from '../core/analysis/sarif';
import { convertDatasetRecords } from '../core/transform/convertDataset';
import type { DatasetRecords } from '../core/transform/datasetRecords';
import { estimateReadOptions, readDatasetRecords } from '../core/transform/datasetRecords';
import { splitDatasetRecords } from '../core/transform/splitDataset';
import type { ConvertResult, DocumentParams, DuplicatesResult, SarifParams, SarifResult, SplitResult, ServerSettings , ConvertParams, SplitParams} from '../shared/lspProtocol';
import { LEFT_OUT_LIST_CAP, derivedFileName } from '../shared/lspProtocol';
import type { z } from 'zod';
import type { DatasetRequests } from './datasetRequests';
import { filePathOf } from './datasetRequests';
import type { OpenDocuments } from './openDocuments';
import { cancelledError, invalidParams } from './requestErrors';

/** What these requests need from the server. */
export interface TransformContext {
  docs: OpenDocuments;
  requests: DatasetRequests;
  settings(): ServerSettings;
  /** The version of the server (named in SARIF logs). */
  version: string;
  info(message: string): void;
}

/** Where a file derived from the dataset goes: the path given (absolute), else next to the dataset. */
function outputPath(uri: string, given: string | undefined, suffix: string): string {
  if (given !== undefined) {
    if (!isAbsolute(given)) throw invalidParams(`output paths must be absolute; got "${given}"`);
    return given;
  }
  const dataset = filePathOf(uri);
  if (dataset === undefined) throw invalidParams(`${uri} is not a file: give the output path`);
  return join(dirname(dataset), derivedFileName(basename(dataset), suffix));
}

async function exists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch {
    return false;
  }
}

/** Refuse before writing anything when a file exists and may not be replaced. */
async function assertWritable(paths: string[], overwrite: boolean): Promise<void> {
  if (overwrite) return;
  for (const path of paths) if (await exists(path)) throw invalidParams(`${path} already exists (ask again with overwrite to replace it)`);
}

const cap = <T>(list: T[]): T[] => list.slice(0, LEFT_OUT_LIST_CAP);

export class TransformRequests {
  constructor(private readonly ctx: TransformContext) {}

  /** `slmgen/duplicates`: the groups of the dataset's report. */
  async duplicates(params: DocumentParams, token: CancellationToken): Promise<DuplicatesResult> {
    const { version, report } = await this.ctx.requests.datasetReport(params.uri, token);
    return {
      uri: params.uri,
      version,
      exact: report.duplicates.exact.groups,
      near: report.duplicates.near.groups,
      nearThreshold: report.duplicates.near.threshold,
      contradictions: report.contradictions.groups,
    };
  }

  /** `slmgen/sarif`: the report's findings as a SARIF log. */
  async sarif(params: SarifParams, token: CancellationToken): Promise<SarifResult> {
    const { report } = await this.ctx.requests.datasetReport(params.uri, token);
    const file = params.artifactUri ?? params.uri;
    return { sarif: toSarif([{ file, findings: report.findings }], this.ctx.version) as Record<string, unknown>, results: report.findings.length };
  }

  /** `slmgen/split`. */
  async split(params: z.output<typeof SplitParams>, token: CancellationToken): Promise<SplitResult> {
    const trainPath = outputPath(params.uri, params.trainPath, 'train');
    const valPath = outputPath(params.uri, params.valPath, 'val');
    if (trainPath === valPath) throw invalidParams('the train and validation files must differ');
    await assertWritable([trainPath, valPath], params.overwrite);
    const data = await this.records(params.uri, token);
    const split = splitDatasetRecords(data, { valRatio: params.valRatio, seed: params.seed });
    if (split.trainLines.length + split.valLines.length === 0) throw invalidParams(`${params.uri} has no usable examples to split (see its diagnostics)`);
    if (token.isCancellationRequested) throw cancelledError();
    const flag = params.overwrite ? 'w' : 'wx';
    await writeFile(trainPath, split.trainText, { flag });
    await writeFile(valPath, split.valText, { flag });
    this.ctx.info(`Split ${params.uri}: ${split.trainLines.length} train → ${trainPath}, ${split.valLines.length} validation → ${valPath}, ${split.leftOut.length} left out`);
    return {
      trainPath,
      valPath,
      train: split.trainLines.length,
      val: split.valLines.length,
      valRatio: split.valRatio,
      seed: split.seed,
      groupsKeptTogether: split.groups.length,
      leftOutCount: split.leftOut.length,
      leftOut: cap(split.leftOut),
    };
  }

  /** `slmgen/convert`. */
  async convert(params: z.output<typeof ConvertParams>, token: CancellationToken): Promise<ConvertResult> {
    const path = outputPath(params.uri, params.outPath, 'openai');
    if (filePathOf(params.uri) === path) throw invalidParams('the converted file cannot replace the dataset itself');
    await assertWritable([path], params.overwrite);
    const data = await this.records(params.uri, token);
    const out = convertDatasetRecords(data);
    if (out.converted === 0) throw invalidParams(`no record of ${params.uri} could be converted (see its diagnostics)`);
    if (token.isCancellationRequested) throw cancelledError();
    await writeFile(path, out.text, { flag: params.overwrite ? 'w' : 'wx' });
    this.ctx.info(`Converted ${params.uri}: ${out.converted} records → ${path}, ${out.notConverted.length} not converted`);
    return {
      path,
      converted: out.converted,
      notConvertedCount: out.notConverted.length,
      notConverted: cap(out.notConverted),
      convertedWithErrorsCount: out.convertedWithErrors.length,
      convertedWithErrors: cap(out.convertedWithErrors),
    };
  }

  /** The records of the document's current text, or of the file on disk. */
  private async records(uri: string, token: CancellationToken): Promise<DatasetRecords> {
    const doc = this.ctx.docs.dataset(uri);
    let bytes: Uint8Array;
    if (doc) {
      bytes = new TextEncoder().encode(doc.text.getText());
    } else {
      const path = filePathOf(uri);
      if (path === undefined) throw invalidParams(`${uri} is not an open dataset nor a file`);
      try {
        bytes = await readFile(path);
      } catch (err) {
        throw invalidParams(`cannot read ${path}: ${(err as Error).message}`);
      }
    }
    if (token.isCancellationRequested) throw cancelledError();
    return readDatasetRecords(bytes, estimateReadOptions(this.ctx.settings().analysis.nearDuplicateThreshold));
  }
}
