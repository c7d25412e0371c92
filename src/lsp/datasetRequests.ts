/**
 * The server's custom requests (`src/shared/lspProtocol.ts`): a dataset's report, model recommendations, a
 * fine-tuning notebook written next to the dataset, and the analysis of a file from disk (files too large for the
 * editor to sync) with progress and cancellation. An open document answers from its latest snapshot; a file
 * analysed from disk from the report remembered for it.
 */
import { stat, writeFile } from 'node:fs/promises';
import { basename, dirname, isAbsolute, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { CancellationToken, Diagnostic, WorkDoneProgressServerReporter } from 'vscode-languageserver/node';
import { CancellationTokenSource, ErrorCodes, LSPErrorCodes, ResponseError } from 'vscode-languageserver/node';
import type { DatasetReport } from '../core/analysis/report';
import type { Finding } from '../core/types';
import type { RecordColumns } from '../core/analysis/recordColumns';
import { codeInfo } from '../core/checks/codes';
import type { ChatExample } from '../core/formats/chat';
import { generateNotebook } from '../core/notebook/generateNotebook';
import type { ModelTokenStats } from '../core/notebook/modelTokens';
import { parseDeploymentTarget, parseTaskType, recommendModels } from '../core/recommend/recommend';
import { MODELS, findModel } from '../core/recommend/registry';
import type { ModelEntry } from '../core/recommend/registry';
import { FIELD_RANGES, resolveTrainingConfig } from '../core/recommend/trainingConfig';
import type { TrainingEstimates } from '../core/recommend/trainingConfig';
import type { AnalyzeFileOptions } from '../node/analyzeFile';
import { analyzeFileInWorker } from '../node/analyzeInWorker';
import { gzip } from '../node/gzip';
import { notebookOutputConflicts } from '../node/outputFiles';
import type { OutputConflict } from '../node/outputFiles';
import { countExampleModelTokens, countModelTokensWithTokenizer, modelTokenStatsOf } from '../node/modelTokenizerCounts';
import type {
  AnalyzeFileResult,
  DocumentParams,
  GenerateNotebookParams,
  GenerateNotebookResult,
  OutputExistsData,
  RecommendParams,
  RecommendResult,
  ReportResult,
  ServerSettings,
  StatusParams,
  TrainingEstimate,
  TrainingPlanParams,
  TrainingPlanResult,
} from '../shared/lspProtocol';
import { ANALYZE_FILE_FINDING_CAP, ANALYZE_FILE_METHOD } from '../shared/lspProtocol';
import { toDiagnostic } from './diagnostics';
import type { ModelCountResult, ModelState } from './modelCounts';
import { failedCountResult, modelCountResult } from './modelCounts';
import { uriPath } from './documentSelection';
import type { OpenDocuments } from './openDocuments';
import { cancelledError, invalidParams, untilCancelled } from './requestErrors';

/** What the requests need from the server. */
export interface RequestContext {
  docs: OpenDocuments;
  settings(): ServerSettings;
  /** Server-initiated progress (`window/workDoneProgress/create`; a silent reporter when the client has none). */
  createProgress(): Promise<WorkDoneProgressServerReporter>;
  publish(uri: string, diagnostics: Diagnostic[]): void;
  status(params: StatusParams): void;
  info(message: string): void;
  warn(message: string): void;
}

function isAbort(err: unknown): boolean {
  return err instanceof Error && err.name === 'AbortError';
}

/**
 * Refuse the request when an output may not be written: never over the dataset; over another existing file SLMGEN
 * did not write only with `overwrite` (the error's data lists those files, for the client to ask about).
 */
function assertMayWrite(conflicts: OutputConflict[], overwrite: boolean): void {
  const fixed = conflicts.find((c) => !c.replaceable);
  if (fixed) throw invalidParams(`refusing to write ${fixed.path}: ${fixed.reason} (choose another notebook location)`);
  if (overwrite || conflicts.length === 0) return;
  const data: OutputExistsData = { replaceable: conflicts.map((c) => c.path) };
  throw new ResponseError(ErrorCodes.InvalidParams, conflicts.map((c) => `${c.path} ${c.reason} (ask again with overwrite to replace it)`).join('; '), data);
}

/** The file behind a `file:` URI (other schemes have none). */
export function filePathOf(uri: string): string | undefined {
  if (!uri.startsWith('file:')) return undefined;
  try {
    return fileURLToPath(uri);
  } catch {
    return undefined;
  }
}

function megabytes(bytes: number): string {
  return (bytes / 1_000_000).toLocaleString('en-US', { maximumFractionDigits: 1 });
}

/** Options of a disk analysis under the server's settings (exact tokens, as the editor's figures). */
function fileOptions(settings: ServerSettings): AnalyzeFileOptions {
  return {
    encoding: settings.tokens.encoding,
    countMode: settings.tokens.countMode,
    maxSeqLength: settings.analysis.maxSeqLength,
    nearThreshold: settings.analysis.nearDuplicateThreshold,
    workers: settings.analysis.workers === 0 ? undefined : settings.analysis.workers,
    sensitiveData: settings.analysis.sensitiveDataScan,
    exact: true,
  };
}

/** Model token statistics counted on request kept (the most recent). */
const COUNTED_STATS_KEPT = 8;

/** The chosen model's counts of a file analysed from disk, for one of its reports. */
interface DiskModelCounts {
  report: DatasetReport;
  model: ModelEntry;
  controller: AbortController;
  /** Settles with the counts (undefined when cancelled). */
  done: Promise<ModelCountResult | undefined>;
  counts?: ModelCountResult;
}

/** The custom requests, and the reports of files analysed from disk. */
export class DatasetRequests {
  private readonly diskReports = new Map<string, DatasetReport>();
  /** Per file analysed from disk, its records' facts (for row lists) with the report they belong to. */
  private readonly diskColumns = new Map<string, { report: DatasetReport; columns: RecordColumns }>();
  private readonly running = new Map<string, AbortController>();
  /** Per model and dataset, the statistics last counted here (for models other than the chosen one), with their report. */
  private readonly countedStats = new Map<string, { report: DatasetReport; stats: ModelTokenStats }>();
  /** Per file analysed from disk, the chosen model's counts of it (being made, or made) for one report. */
  private readonly diskModels = new Map<string, DiskModelCounts>();
  /** Per file analysed from disk, the findings published and the status sent for its report (sent again with the model's). */
  private readonly diskAnalyses = new Map<string, { report: DatasetReport; findings: readonly Finding[]; status: StatusParams }>();
  /** Per model and dataset, the statistics being counted in the background for training plans, with their report. */
  private readonly pendingStats = new Map<string, { report: DatasetReport; controller: AbortController; done: Promise<ModelTokenStats | undefined> }>();
  /** The chosen model and limit the files analysed from disk were counted for. */
  private diskCountedFor: string;

  constructor(private readonly ctx: RequestContext) {
    this.diskCountedFor = this.modelSettingKey();
  }

  /**
   * The settings changed: when the chosen model or the limit did, each file analysed from disk has its diagnostics
   * published again without the old model's findings and its status sent again, and is counted again with the
   * model now chosen (the old count is cancelled).
   */
  settingsChanged(): void {
    const key = this.modelSettingKey();
    if (key === this.diskCountedFor) return;
    this.diskCountedFor = key;
    const model = this.ctx.docs.models.model;
    for (const [uri, analysed] of this.diskAnalyses) {
      this.diskModels.get(uri)?.controller.abort();
      this.diskModels.delete(uri);
      // An open document of the same file has its own (live) diagnostics and status.
      if (this.ctx.docs.dataset(uri)) continue;
      this.ctx.publish(uri, analysed.findings.map((f) => toDiagnostic(f, uri, null)));
      this.ctx.status(model ? { ...analysed.status, model: { id: model.id, state: 'counting' } } : analysed.status);
      const path = filePathOf(uri);
      if (path !== undefined && this.diskReports.get(uri) === analysed.report) this.countDisk(uri, path, analysed.report);
    }
  }

  /** What the counts of files from disk depend on: the chosen model and the max sequence length. */
  private modelSettingKey(): string {
    return `${this.ctx.docs.models.model?.id ?? ''}\u0000${this.ctx.settings().analysis.maxSeqLength}`;
  }

  /** A file analysed from disk is now open in the editor: its document's analysis takes over. */
  forget(uri: string): void {
    this.diskReports.delete(uri);
    this.diskColumns.delete(uri);
    this.diskModels.get(uri)?.controller.abort();
    this.diskModels.delete(uri);
    this.diskAnalyses.delete(uri);
  }

  /** The records' facts of a file analysed from disk, when they belong to `report`. */
  columnsOf(uri: string, report: DatasetReport): RecordColumns | undefined {
    const known = this.diskColumns.get(uri);
    return known?.report === report ? known.columns : undefined;
  }

  /** Stop every analysis from disk. */
  dispose(): void {
    for (const controller of this.running.values()) controller.abort();
    this.running.clear();
    for (const counts of this.diskModels.values()) counts.controller.abort();
    this.diskModels.clear();
    for (const pending of this.pendingStats.values()) pending.controller.abort();
    this.pendingStats.clear();
  }

  /**
   * The chosen model's counts of a dataset version (an open document's, or those of a file analysed from disk whose
   * report is `report`) and their state. A file analysed before the model was chosen starts being counted.
   */
  modelCounts(uri: string, version: number | null, report: DatasetReport): { state: ModelState; counts?: ModelCountResult } {
    const models = this.ctx.docs.models;
    const model = models.model;
    if (!model) return { state: 'none' };
    if (this.ctx.docs.dataset(uri)) {
      const counts = models.result(uri, version);
      return counts ? { state: counts.state, counts } : { state: 'counting' };
    }
    let disk = this.diskModels.get(uri);
    const path = filePathOf(uri);
    if ((disk?.report !== report || disk.model !== model) && path !== undefined && this.diskReports.get(uri) === report) disk = this.countDisk(uri, path, report);
    if (disk?.report !== report || disk.model !== model) return { state: 'counting' };
    return disk.counts ? { state: disk.counts.state, counts: disk.counts } : { state: 'counting' };
  }

  /** `slmgen/report`: the report of the document's latest version (waits for it), or of the file analysed from disk. */
  async report(params: DocumentParams, token: CancellationToken): Promise<ReportResult> {
    const { version, report } = await this.datasetReport(params.uri, token);
    const { state, counts } = this.modelCounts(params.uri, version, report);
    const modelTokens = counts?.section ? (counts.section as unknown as Record<string, unknown>) : null;
    return { uri: params.uri, version, report: report as unknown as Record<string, unknown>, modelTokens, modelState: state };
  }

  /** `slmgen/recommend`: every model ranked for the dataset, a task and a deployment target. */
  async recommend(params: RecommendParams, token: CancellationToken): Promise<RecommendResult> {
    const task = parseTaskType(params.task);
    if (!task.ok) throw invalidParams(task.message);
    const deployment = parseDeploymentTarget(params.deployment);
    if (!deployment.ok) throw invalidParams(deployment.message);
    // The chosen model's own counts replace the o200k_base lengths in its context-fit term and its estimate.
    // Only counts already made are used: a recommendation never waits for a count.
    const { version, report } = await this.datasetReport(params.uri, token);
    const chosen = this.ctx.docs.models.model;
    const modelTokens = chosen ? this.readyModelTokenStats(params.uri, version, report, chosen)?.stats : undefined;
    return {
      recommendations: recommendModels(report, task.value, deployment.value, modelTokens).map((r) => ({
        rank: r.rank,
        model_id: r.model_id,
        model_name: r.model_name,
        size: r.size,
        score_100: r.score_100,
        reasons: r.reasons,
        is_gated: r.is_gated,
        context_length: r.context_length,
        terms: r.terms.map((t) => ({ part: t.part, points: t.points, reason: t.reason })),
        license: r.license,
        hf_repo: r.hf_repo,
        vram_gb: r.vram_gb,
        estimate: defaultEstimate(report, r.model_id, modelTokens),
      })),
    };
  }

  /** `slmgen/trainingPlan`: what `generateNotebook` would train with (config, estimates), or the config's errors. */
  async trainingPlan(params: TrainingPlanParams, token: CancellationToken): Promise<TrainingPlanResult> {
    const model = findModel(params.model);
    if (!model) throw invalidParams(`unknown model "${params.model}"; one of: ${MODELS.map((m) => m.id).join(', ')}`);
    const { version, report } = await this.datasetReport(params.uri, token);
    const options = { target: params.target };
    const plain = resolveTrainingConfig(params.config, report, model, params.preset, options);
    if (!plain.ok || report.total_examples === 0) return trainingPlanOf(plain);
    // The model's own token counts set the data-derived defaults, as in `generateNotebook` (the same max_seq_length),
    // once they are made: the plan never waits for them (a tokenizer is slow), it says they are pending.
    const ready = this.readyModelTokenStats(params.uri, version, report, model);
    if (!ready) this.countInBackground(params.uri, report, model);
    if (!ready?.stats) return { ...trainingPlanOf(plain), ...(ready ? {} : { countsPending: true }) };
    return trainingPlanOf(resolveTrainingConfig(params.config, report, model, params.preset, { ...options, modelTokens: ready.stats }));
  }

  /**
   * A model's own token statistics of a dataset version when they are made (the chosen model's counts, or those
   * counted here for its report), without waiting; `stats` is undefined when the chosen model's counting failed.
   * Undefined while they are not made.
   */
  private readyModelTokenStats(uri: string, version: number | null, report: DatasetReport, model: ModelEntry): { stats: ModelTokenStats | undefined } | undefined {
    const memo = this.countedStats.get(statsKey(model, uri));
    if (memo?.report === report) return { stats: memo.stats };
    if (this.ctx.docs.models.model?.id !== model.id) return undefined;
    const { state, counts } = this.modelCounts(uri, version, report);
    return state === 'ready' || state === 'failed' ? { stats: counts?.stats ?? undefined } : undefined;
  }

  /**
   * Count a dataset's examples with a model for its training plans, in the background (once per model, dataset and
   * report; a failure is logged); a later plan (or notebook) uses the statistics. The chosen model's own counts are
   * being made already.
   */
  private countInBackground(uri: string, report: DatasetReport, model: ModelEntry): void {
    if (this.ctx.docs.models.model?.id === model.id) return;
    const key = statsKey(model, uri);
    if (this.pendingStats.get(key)?.report === report) return;
    this.pendingStats.get(key)?.controller.abort();
    const controller = new AbortController();
    const source = new CancellationTokenSource();
    controller.signal.addEventListener('abort', () => source.cancel());
    this.ctx.info(`Counting ${uri} with ${model.id} for its training plan (in the background).`);
    const count = async (): Promise<ModelTokenStats | undefined> => {
      const data = await this.datasetExamples(uri, source.token);
      // A newer version's plan counts that version.
      return data.report === report ? await this.countStats(uri, report, model, data.examples, controller.signal) : undefined;
    };
    const done = count().catch((err: unknown) => {
      if (!controller.signal.aborted) this.ctx.warn(`Counting ${uri} with ${model.id} for its training plan failed: ${err instanceof Error ? err.message : String(err)}`);
      return undefined;
    });
    const entry = { report, controller, done };
    this.pendingStats.set(key, entry);
    void entry.done.finally(() => {
      if (this.pendingStats.get(key) === entry) this.pendingStats.delete(key);
    });
  }

  /**
   * `slmgen/generateNotebook`: what `slmgen generate` does (resolve the model and the training configuration, build
   * the notebook with the usable examples embedded), written next to the dataset unless `outPath` says where. With
   * data `sidecar` (`generate --no-embed`) the examples go to `<dataset>.normalized.jsonl` next to the notebook
   * instead, which the notebook reads. Existing files: src/node/outputFiles.ts decides, `overwrite` replaces what it may.
   */
  async generateNotebook(params: GenerateNotebookParams, token: CancellationToken): Promise<GenerateNotebookResult> {
    const model = findModel(params.model);
    if (!model) throw invalidParams(`unknown model "${params.model}"; one of: ${MODELS.map((m) => m.id).join(', ')} (Hugging Face repo ids and SLMGEN keys work too)`);
    if (params.outPath !== undefined && !isAbsolute(params.outPath)) throw invalidParams(`outPath must be an absolute path; got "${params.outPath}"`);
    const datasetPath = filePathOf(params.uri);
    if (params.outPath === undefined && datasetPath === undefined) throw invalidParams(`${params.uri} is not a file: give outPath to say where the notebook goes`);
    const { version, report, examples } = await this.datasetExamples(params.uri, token);
    if (report.total_examples === 0 || examples.length === 0) throw invalidParams(`${params.uri} has no usable examples (see its diagnostics)`);
    const checked = resolveTrainingConfig(params.config, report, model, params.preset, { target: params.target });
    if (!checked.ok) throw invalidParams(`invalid training config: ${checked.errors.join('; ')}`);
    // As `slmgen generate --model`: the model's own token counts of these examples set the default max_seq_length.
    const modelTokens = await this.modelTokenStats(params.uri, version, report, model, examples, token);
    const resolved = resolveTrainingConfig(params.config, report, model, params.preset, { target: params.target, modelTokens });
    if (!resolved.ok) throw invalidParams(`invalid training config: ${resolved.errors.join('; ')}`);
    const sidecar = params.data === 'sidecar';
    const nb = generateNotebook({
      report,
      examples,
      model,
      config: resolved.config,
      target: params.target,
      embed: !sidecar,
      datasetFileName: basename(datasetPath ?? uriPath(params.uri)),
      gzip,
      preset: resolved.preset,
      modelTokens,
    });
    for (const warning of nb.warnings) this.ctx.warn(`Notebook for ${params.uri}: ${warning}`);
    const path = params.outPath ?? join(dirname(datasetPath as string), nb.fileName);
    const sidecarPath = sidecar ? join(dirname(path), nb.datasetFileName) : null;
    // As `slmgen generate`: everything checked before anything is written, and the data before the notebook that reads it.
    assertMayWrite(notebookOutputConflicts(path, sidecarPath, datasetPath), params.overwrite === true);
    if (sidecarPath !== null) await writeFile(sidecarPath, nb.datasetJsonl);
    await writeFile(path, nb.json);
    const data = sidecarPath === null ? 'embedded' : `in ${sidecarPath}, which it reads`;
    this.ctx.info(`Wrote ${path} (${model.name}, ${params.target}, ${examples.length} examples ${data})`);
    return { path, datasetPath: sidecarPath, examples: examples.length, excluded: report.invalid_examples };
  }

  /**
   * A model's own token statistics of a dataset version: the server's counts of that version when the model is the
   * chosen one (waiting for them while they are made), else `examples` counted on a worker thread (a tokenizer is
   * slow; stops when cancelled) and remembered for that report (a training plan asked again for another config).
   */
  private async modelTokenStats(uri: string, version: number | null, report: DatasetReport, model: ModelEntry, examples: ChatExample[], token: CancellationToken): Promise<ModelTokenStats> {
    const known = await this.knownModelTokenStats(uri, version, report, model, token);
    if (known) return known;
    const memo = this.countedStats.get(statsKey(model, uri));
    if (memo?.report === report) return memo.stats;
    // A training plan's count of the same report is under way: its statistics are these.
    const pending = this.pendingStats.get(statsKey(model, uri));
    const counted = pending?.report === report ? await untilCancelled(pending.done, token) : undefined;
    if (counted) return counted;
    const controller = new AbortController();
    const onCancel = token.onCancellationRequested(() => controller.abort());
    try {
      return await this.countStats(uri, report, model, examples, controller.signal);
    } catch (err) {
      throw isAbort(err) ? cancelledError() : err;
    } finally {
      onCancel.dispose();
    }
  }

  /** Count examples with a model on a worker thread, remembering the statistics for `report`. */
  private async countStats(uri: string, report: DatasetReport, model: ModelEntry, examples: ChatExample[], signal: AbortSignal): Promise<ModelTokenStats> {
    const counts = await countExampleModelTokens(model, examples, signal);
    if (counts.tokenizer === null) this.ctx.info(`Token counts for ${model.id} are approximate: ${counts.reason ?? 'o200k_base over its chat template'}`);
    const stats = modelTokenStatsOf(model, counts);
    const memoKey = statsKey(model, uri);
    this.countedStats.delete(memoKey);
    this.countedStats.set(memoKey, { report, stats });
    for (const key of this.countedStats.keys()) if (this.countedStats.size > COUNTED_STATS_KEPT) this.countedStats.delete(key);
    this.ctx.info(`${model.id}: counted ${examples.length} examples of ${uri}.`);
    return stats;
  }

  /** The chosen model's counts of a dataset version as statistics, when `model` is chosen and they can be had. */
  private async knownModelTokenStats(uri: string, version: number | null, report: DatasetReport, model: ModelEntry, token: CancellationToken): Promise<ModelTokenStats | undefined> {
    const models = this.ctx.docs.models;
    if (models.model?.id !== model.id) return undefined;
    if (this.ctx.docs.dataset(uri)) {
      if (version === null) return undefined;
      const counts = await untilCancelled(models.whenCounted(uri, version), token);
      return counts?.stats ?? undefined;
    }
    this.modelCounts(uri, version, report);
    const disk = this.diskModels.get(uri);
    if (disk?.report !== report || disk.model.id !== model.id) return undefined;
    const counts = disk.counts ?? (await untilCancelled(disk.done, token));
    return counts?.stats ?? undefined;
  }

  /**
   * Count a file analysed from disk with the chosen model in the background (off this thread; a newer analysis of
   * the file, or `forget`, cancels it), then publish its diagnostics again with the model's findings (at most
   * {@link ANALYZE_FILE_FINDING_CAP} per code) and send its status again.
   */
  private countDisk(uri: string, path: string, report: DatasetReport): DiskModelCounts | undefined {
    const model = this.ctx.docs.models.model;
    this.diskModels.get(uri)?.controller.abort();
    this.diskModels.delete(uri);
    if (!model) return undefined;
    const settings = this.ctx.settings();
    const maxSeqLength = settings.analysis.maxSeqLength;
    const controller = new AbortController();
    const counting = countModelTokensWithTokenizer(model, path, { offThread: true, signal: controller.signal, sensitiveData: settings.analysis.sensitiveDataScan });
    const done = counting.then(
      (c) => modelCountResult({ model, rows: c.rows, tokenizer: c.tokenizer, reason: c.reason, report, maxSeqLength, findingCapPerCode: ANALYZE_FILE_FINDING_CAP }),
      (err: unknown) => (isAbort(err) ? undefined : failedCountResult(model, maxSeqLength, err instanceof Error ? err.message : String(err))),
    );
    const entry: DiskModelCounts = { report, model, controller, done };
    this.diskModels.set(uri, entry);
    void done.then((counts) => {
      if (!counts || this.diskModels.get(uri) !== entry) return;
      entry.counts = counts;
      if (counts.state === 'failed') this.ctx.warn(`Counting ${path} with ${model.id} failed: ${counts.message ?? ''}`);
      const analysed = this.diskAnalyses.get(uri);
      if (analysed?.report !== report) return;
      // An open document of the same file has its own (live) diagnostics.
      if (counts.findings.length > 0 && !this.ctx.docs.dataset(uri)) this.ctx.publish(uri, [...analysed.findings, ...counts.findings].map((f) => toDiagnostic(f, uri, null)));
      this.ctx.status({ ...analysed.status, model: { id: model.id, state: counts.state } });
    });
    return entry;
  }

  /**
   * `slmgen/analyzeFile`: analyse a file from disk in a worker thread with server-initiated progress (cancellable,
   * as is the request), publish its diagnostics (at most {@link ANALYZE_FILE_FINDING_CAP} per code) and remember its
   * report. A newer request for the same file cancels the older one.
   */
  async analyzeFile(params: DocumentParams, token: CancellationToken): Promise<AnalyzeFileResult> {
    const { uri } = params;
    const path = filePathOf(uri);
    if (path === undefined) throw invalidParams(`${ANALYZE_FILE_METHOD} needs a file: URI; got ${uri}`);
    let size: number;
    try {
      const info = await stat(path);
      if (!info.isFile()) throw new Error('not a regular file');
      size = info.size;
    } catch (err) {
      throw invalidParams(`cannot read ${path}: ${(err as Error).message}`);
    }
    this.running.get(uri)?.abort();
    const controller = new AbortController();
    this.running.set(uri, controller);
    const onCancel = token.onCancellationRequested(() => controller.abort());
    const progress = await this.ctx.createProgress();
    const onProgressCancel = progress.token.onCancellationRequested(() => controller.abort());
    this.ctx.status({ uri, version: null, state: 'analyzing' });
    progress.begin(`SLMGEN: analysing ${basename(path)}`, 0, `0 of ${megabytes(size)} MB`, true);
    let shown = -1;
    let result;
    try {
      result = await analyzeFileInWorker(path, {
        ...fileOptions(this.ctx.settings()),
        findingCapPerCode: ANALYZE_FILE_FINDING_CAP,
        collectColumns: true,
        signal: controller.signal,
        onProgress: ({ bytes, totalBytes }) => {
          const percent = totalBytes > 0 ? Math.floor((bytes * 100) / totalBytes) : 100;
          if (percent === shown) return;
          shown = percent;
          progress.report(percent, `${megabytes(bytes)} of ${megabytes(totalBytes)} MB`);
        },
      });
      progress.report(100, 'Publishing diagnostics');
    } catch (err) {
      this.ctx.status({ uri, version: null, state: 'failed', message: isAbort(err) ? 'Cancelled' : (err as Error).message });
      throw isAbort(err) ? cancelledError() : err;
    } finally {
      progress.done();
      onCancel.dispose();
      onProgressCancel.dispose();
      if (this.running.get(uri) === controller) this.running.delete(uri);
    }
    const { report, findings } = result;
    this.diskReports.set(uri, report);
    if (result.columns) this.diskColumns.set(uri, { report, columns: result.columns });
    else this.diskColumns.delete(uri);
    // An open document of the same file has its own (live) diagnostics.
    if (!this.ctx.docs.dataset(uri)) this.ctx.publish(uri, findings.map((f) => toDiagnostic(f, uri, null)));
    const omitted = report.findings_omitted;
    const omittedCount = Object.values(omitted).reduce((a, b) => a + b, 0);
    if (omittedCount > 0) {
      const perCode = Object.entries(omitted).map(([code, n]) => `${code} ${n.toLocaleString('en-US')}`).join(', ');
      this.ctx.info(`${path}: diagnostics capped at ${ANALYZE_FILE_FINDING_CAP.toLocaleString('en-US')} per code; ${omittedCount.toLocaleString('en-US')} more not shown (${perCode}); the report counts them all.`);
    }
    let errors = 0;
    for (const f of findings) if (f.severity === 'error') errors++;
    for (const [code, n] of Object.entries(omitted)) if (codeInfo(code)?.severity === 'error') errors += n;
    const status: StatusParams = { uri, version: null, state: 'ready', examples: report.total_examples, tokens: report.total_tokens, encoding: report.encoding, qualityScore: report.quality_score, errors };
    this.diskAnalyses.set(uri, { report, findings, status });
    const model = this.ctx.docs.models.model;
    this.ctx.status(model ? { ...status, model: { id: model.id, state: 'counting' } } : status);
    this.countDisk(uri, path, report);
    return { uri, examples: report.total_examples, findings: findings.length, findingsOmitted: omitted };
  }

  /** The report of an open document's latest version, or of a file analysed from disk. */
  async datasetReport(uri: string, token: CancellationToken): Promise<{ version: number | null; report: DatasetReport }> {
    if (this.ctx.docs.dataset(uri)) {
      const snapshot = await this.currentSnapshot(uri, token);
      return { version: snapshot.version, report: snapshot.report };
    }
    const report = this.diskReports.get(uri);
    if (report) return { version: null, report };
    throw invalidParams(`${uri} is not an open dataset and was not analysed from disk: open it, or ask for ${ANALYZE_FILE_METHOD} first`);
  }

  /** The snapshot of the document's latest version; asked again once if the document host was replaced meanwhile. */
  private async currentSnapshot(uri: string, token: CancellationToken) {
    for (let attempt = 0; ; attempt++) {
      const host = this.ctx.docs.host;
      try {
        return await untilCancelled(host.snapshot(uri), token);
      } catch (err) {
        if (attempt > 0 || host === this.ctx.docs.host || !this.ctx.docs.dataset(uri)) throw err;
      }
    }
  }

  /** A dataset's report and usable examples: an open document's (of one version), or the file's on disk. */
  private async datasetExamples(uri: string, token: CancellationToken): Promise<{ version: number | null; report: DatasetReport; examples: ChatExample[] }> {
    if (this.ctx.docs.dataset(uri)) {
      for (let attempt = 0; attempt < 3; attempt++) {
        const { version, examples } = await untilCancelled(this.ctx.docs.host.examples(uri), token);
        const snapshot = await this.currentSnapshot(uri, token);
        if (snapshot.version === version) return { version, report: snapshot.report, examples };
      }
      throw new ResponseError(LSPErrorCodes.ContentModified, `${uri} kept changing while its examples were read; try again`);
    }
    const path = filePathOf(uri);
    if (path === undefined) throw invalidParams(`${uri} is not an open dataset nor a file`);
    const controller = new AbortController();
    const onCancel = token.onCancellationRequested(() => controller.abort());
    try {
      const known = this.diskReports.get(uri);
      if (known) {
        // The report is known: a cheap pass collects the examples (validity does not depend on token counts).
        const { examples = [] } = await analyzeFileInWorker(path, { ...fileOptions(this.ctx.settings()), exact: false, nearDuplicates: false, collectExamples: true, signal: controller.signal });
        return { version: null, report: known, examples };
      }
      const { report, examples = [] } = await analyzeFileInWorker(path, { ...fileOptions(this.ctx.settings()), collectExamples: true, findingCapPerCode: 100, signal: controller.signal });
      return { version: null, report, examples };
    } catch (err) {
      if (isAbort(err)) throw cancelledError();
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') throw invalidParams(`cannot read ${path}: no such file`);
      throw err;
    } finally {
      onCancel.dispose();
    }
  }
}

/** Where the statistics of a model's counts of a dataset are kept. */
function statsKey(model: ModelEntry, uri: string): string {
  return `${model.id}\u0000${uri}`;
}

/** `slmgen/trainingPlan`'s answer for a resolved config, or its errors by field. */
function trainingPlanOf(resolved: ReturnType<typeof resolveTrainingConfig>): TrainingPlanResult {
  if (!resolved.ok) return { fieldRanges: { ...FIELD_RANGES }, errors: resolved.errors.map(fieldError) };
  const derived: Record<string, string> = { ...resolved.derived };
  return { fieldRanges: { ...FIELD_RANGES }, config: resolved.config, preset: resolved.preset, derived, estimate: estimateOf(resolved.estimates), errors: [] };
}

/** The estimates the panels show. */
function estimateOf(e: TrainingEstimates): TrainingEstimate {
  return { minutes: e.minutes, peak_vram_gb: e.peak_vram_gb, fits_t4: e.fits_t4, total_steps: e.total_steps, train_examples: e.train_examples, eval_examples: e.eval_examples };
}

/**
 * The estimates of the default (balanced) config of a model for a dataset (none when it cannot be resolved), with
 * the model's own token counts when `modelTokens` are that model's.
 */
function defaultEstimate(report: DatasetReport, modelId: string, modelTokens?: ModelTokenStats): TrainingEstimate | undefined {
  const model = findModel(modelId);
  if (!model || report.total_examples === 0) return undefined;
  const resolved = resolveTrainingConfig(undefined, report, model, undefined, { modelTokens });
  return resolved.ok ? estimateOf(resolved.estimates) : undefined;
}

/** "field: must be …" → its field and message (core names the field first in every error). */
function fieldError(error: string): { field: string; message: string } {
  const match = /^([a-z_]+): (.*)$/s.exec(error);
  return match ? { field: match[1] as string, message: match[2] as string } : { field: 'training_config', message: error };
}
