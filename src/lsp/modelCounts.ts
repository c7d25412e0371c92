/**
 * The chosen model's (`slmgen.analysis.model`) own token counts of the open datasets, as `slmgen analyze --model`
 * makes them of a file: every usable example rendered with the model's chat template and counted with its tokenizer
 * (`modelTokensReport` then gives the same section and findings as the CLI). Counting runs on one long-lived thread
 * per model (`ModelCountThread`) and is incremental: counts are cached by the example's content key, so after an edit
 * only the changed records are counted, and a first count of a large file (minutes with a slow tokenizer) never holds
 * up the document's other diagnostics. A run is for one document version; a newer version's run supersedes it (the
 * older one stops before its next batch; what it counted stays cached).
 */
import type { DatasetReport } from '../core/analysis/report';
import { isCodeName, makeFinding } from '../core/checks/codes';
import type { ChatExample } from '../core/formats/chat';
import type { ExampleModelTokens, ModelTokenizerInfo, ModelTokensRow, ModelTokensSection, ModelTokenStats } from '../core/notebook/modelTokens';
import { modelTokensReport } from '../core/notebook/modelTokens';
import type { ModelEntry } from '../core/recommend/registry';
import { findModel } from '../core/recommend/registry';
import type { Finding } from '../core/types';
import { makeRange } from '../core/types';
import type { DocumentHost, ExampleKeys } from '../node/documentHost';
import { ModelCountThread } from '../node/modelCountThread';
import type { RowStatsResult, ServerSettings } from '../shared/lspProtocol';
import { SETTINGS_SECTION } from '../shared/lspProtocol';
import { tokenBins } from './rowTable';

/** A batch sent to the counting thread: at most this many examples, and this many characters of their JSON. */
const BATCH_EXAMPLES = 256;
const BATCH_CHARS = 64_000;
/** Cached counts kept beyond those of the open documents' latest versions before the cache is pruned to them. */
const CACHE_SLACK = 10_000;

/** The state of a version's counts (`none`: no model chosen). */
export type ModelState = 'none' | 'counting' | 'ready' | 'failed';

/** A dataset's counts for the chosen model, with the CLI's section and findings. */
export interface ModelCountResult {
  model: ModelEntry;
  state: 'ready' | 'failed';
  /** Why counting failed (state `failed`). */
  message?: string;
  tokenizer: ModelTokenizerInfo | null;
  reason?: string;
  rows: ModelTokensRow[];
  /** The limit of `truncated-for-model` (the max sequence length setting). */
  maxSeqLength: number;
  section: ModelTokensSection | null;
  stats: ModelTokenStats | null;
  findings: Finding[];
  /** Findings a cap left out, per code. */
  omitted: Record<string, number>;
}

/** An open document's counts, of one version. */
export interface DocumentModelCounts extends ModelCountResult {
  version: number;
  /** Each row's content key (to prune the cache to what open documents use). */
  keys: string[];
  /** Examples this version's run had counted (the others' counts were cached). */
  counted: number;
}

/** What the counts of a dataset need besides the rows (as `slmgen analyze --model`). */
export interface ModelCountInput {
  model: ModelEntry;
  rows: ModelTokensRow[];
  tokenizer: ModelTokenizerInfo | null;
  reason?: string;
  report: DatasetReport;
  maxSeqLength: number;
  findingCapPerCode?: number;
}

/** The CLI's `model_tokens` section and findings of a dataset's counts (findings as the editor's 0-based ranges). */
export function modelCountResult(input: ModelCountInput): ModelCountResult {
  const { model, rows, tokenizer, reason, maxSeqLength } = input;
  const built = modelTokensReport({ model, rows, tokenizer, reason, report: input.report, maxSeqLength, findingCapPerCode: input.findingCapPerCode });
  const findings = built.findings.flatMap((f) => (isCodeName(f.code) ? [makeFinding(f.code, f.message, makeRange(f.line - 1, f.column - 1, f.end_line - 1, f.end_column - 1))] : []));
  return { model, state: 'ready', tokenizer, ...(reason !== undefined ? { reason } : {}), rows, maxSeqLength, section: built.section, stats: built.stats, findings, omitted: built.omitted };
}

/** Counting that failed (no figures). */
export function failedCountResult(model: ModelEntry, maxSeqLength: number, message: string): ModelCountResult {
  return { model, state: 'failed', message, tokenizer: null, rows: [], maxSeqLength, section: null, stats: null, findings: [], omitted: {} };
}

/** `slmgen/rowStats`' `model`: the counts' figures, or empty ones while they are counted. */
export function rowStatsModel(model: ModelEntry, maxSeqLength: number, result: ModelCountResult | undefined): NonNullable<RowStatsResult['model']> {
  const base = { id: model.id, name: model.name, contextLength: model.contextLength, maxSeqLength: result?.maxSeqLength ?? maxSeqLength };
  if (!result || result.state === 'failed' || !result.section) {
    const state = result ? 'failed' : 'counting';
    return {
      ...base,
      tokenizer: null,
      state,
      ...(result?.message !== undefined ? { message: result.message } : {}),
      tokenBins: [],
      totalTokens: 0,
      totalTrainable: 0,
      truncated: 0,
      noTrainable: 0,
      p95: null,
      p99: null,
    };
  }
  const { section, rows } = result;
  // Examples the template refused have no length (their counts are 0): they are left out of the histogram.
  const lengths = rows.filter((r) => r.templateError === undefined).map((r) => r.tokens);
  const noTrainable = rows.reduce((n, r) => n + (r.templateError !== undefined || r.trainable === 0 ? 1 : 0), 0);
  return {
    ...base,
    tokenizer: result.tokenizer?.name ?? null,
    ...(result.reason !== undefined ? { reason: result.reason } : {}),
    state: 'ready',
    tokenBins: tokenBins(lengths),
    totalTokens: section.total_tokens,
    totalTrainable: section.total_trainable,
    truncated: section.truncated.length,
    noTrainable,
    p95: rows.length > 0 ? section.p95 : null,
    p99: rows.length > 0 ? section.p99 : null,
  };
}

/** Hears when a document version's counts are ready (or failed). */
export interface ModelCountsSink {
  counted(uri: string, counts: DocumentModelCounts): void;
  warn(message: string): void;
  info(message: string): void;
}

/** What a run counts for: one version of a document in one document host. */
export interface CountTarget {
  uri: string;
  version: number;
  host: DocumentHost;
  /** The snapshot report of `version`. */
  report: DatasetReport;
  /** Whether `version` is still the document's latest in the current host. */
  isCurrent(): boolean;
}

interface Run {
  target: CountTarget;
  done: Promise<DocumentModelCounts | undefined>;
}

/** The chosen model's counts of the open documents. */
export class ModelCounts {
  private modelValue: ModelEntry | undefined;
  private setting = '';
  private maxSeqLength: number;
  private thread: ModelCountThread | undefined;
  /** Counts by example content key (of the chosen model). */
  private cache = new Map<string, ExampleModelTokens>();
  /** Keys being counted, with the batch's promise. */
  private readonly inFlight = new Map<string, Promise<unknown>>();
  private readonly runs = new Map<string, Run>();
  private readonly results = new Map<string, DocumentModelCounts>();
  /** Why the chosen model's tokenizer could not be loaded (not tried again until the model setting changes). */
  private loadFailure: Error | undefined;
  /** Disposed: counts nothing more (no new thread is started). */
  private disposed = false;

  constructor(
    settings: ServerSettings,
    private readonly sink: ModelCountsSink,
  ) {
    this.maxSeqLength = settings.analysis.maxSeqLength;
    this.applySettings(settings);
  }

  /** The chosen model (undefined: none, or an unknown id). */
  get model(): ModelEntry | undefined {
    return this.modelValue;
  }

  /**
   * Take the settings' model and limit; true when the model changed (every count is then dropped). An unknown model
   * is warned about once per value and counts as none.
   */
  applySettings(settings: ServerSettings): boolean {
    const id = settings.analysis.model.trim();
    const limitChanged = settings.analysis.maxSeqLength !== this.maxSeqLength;
    this.maxSeqLength = settings.analysis.maxSeqLength;
    // Findings depend on the limit: the documents are analysed again, and their counts come from the cache.
    if (limitChanged) this.results.clear();
    if (id === this.setting) return false;
    this.setting = id;
    const model = id === '' ? undefined : findModel(id);
    if (id !== '' && !model) this.sink.warn(`Ignoring ${SETTINGS_SECTION}.analysis.model: unknown model "${id}" (a registry id such as qwen3-1.7b, a Hugging Face repo id or an SLMGEN key); no model counts.`);
    if (model?.id === this.modelValue?.id) return false;
    this.modelValue = model;
    void this.thread?.dispose();
    this.thread = undefined;
    this.loadFailure = undefined;
    this.cache = new Map();
    this.inFlight.clear();
    this.runs.clear();
    this.results.clear();
    return true;
  }

  /** Count a document version (superseding the document's older run). Nothing without a model. */
  count(target: CountTarget): void {
    if (!this.modelValue || this.disposed) return;
    const run: Run = { target, done: Promise.resolve(undefined) };
    this.runs.set(target.uri, run);
    run.done = this.execute(run).then(
      (counts) => this.finish(run, counts),
      (err: unknown) => this.finish(run, this.failed(run, err)),
    );
  }

  /** A document closed (or no longer analysed). */
  forget(uri: string): void {
    this.runs.delete(uri);
    this.results.delete(uri);
  }

  /** The counts of `version` of a document (undefined while counting, or without a model). */
  result(uri: string, version: number | null): DocumentModelCounts | undefined {
    const r = this.results.get(uri);
    return r && r.version === version && r.model === this.modelValue ? r : undefined;
  }

  /** The state of `version`'s counts. */
  state(uri: string, version: number | null): ModelState {
    if (!this.modelValue) return 'none';
    return this.result(uri, version)?.state ?? 'counting';
  }

  /** The counts of `version`: at once when known, else when the run counting it finishes (undefined: none is). */
  async whenCounted(uri: string, version: number): Promise<DocumentModelCounts | undefined> {
    const known = this.result(uri, version);
    if (known) return known;
    const run = this.runs.get(uri);
    if (!run || run.target.version !== version) return undefined;
    return (await run.done) ?? undefined;
  }

  /** Stop counting. */
  async dispose(): Promise<void> {
    this.disposed = true;
    this.runs.clear();
    await this.thread?.dispose();
  }

  private isLive(run: Run): boolean {
    return this.runs.get(run.target.uri) === run && run.target.isCurrent();
  }

  private threadFor(model: ModelEntry): ModelCountThread {
    if (!this.thread || this.thread.failed) {
      const thread = new ModelCountThread(model);
      thread.tokenizer.then(
        (t) => this.sink.info(t.tokenizer === null ? `Counts for ${model.id} are approximate: ${t.reason ?? 'o200k_base over its chat template'}` : `Counting with ${model.id}'s ${t.tokenizer.name} (${t.tokenizer.package}).`),
        (err: Error) => {
          // A thread stopped because the model changed is no failure of the tokenizer.
          if (this.thread !== thread) return;
          this.loadFailure = err;
          this.sink.warn(`${err.message}; no ${model.id} counts until ${SETTINGS_SECTION}.analysis.model changes.`);
        },
      );
      this.thread = thread;
    }
    return this.thread;
  }

  /** The counts of a run's version; undefined when it was superseded. */
  private async execute(run: Run): Promise<DocumentModelCounts | undefined> {
    const model = this.modelValue as ModelEntry;
    const { uri, version, host } = run.target;
    if (this.loadFailure) throw this.loadFailure;
    let keys: ExampleKeys;
    try {
      keys = await host.exampleKeys(uri);
    } catch (err) {
      if (!this.isLive(run)) return undefined;
      throw err;
    }
    if (keys.version !== version || !this.isLive(run)) return undefined;
    const thread = this.threadFor(model);
    const cache = this.cache;
    // Examples nobody has counted or is counting, each key once, in batches.
    const batches: number[][] = [];
    let batch: number[] = [];
    let chars = 0;
    const waits = new Set<Promise<unknown>>();
    const seen = new Set<string>();
    keys.keys.forEach((key, i) => {
      if (cache.has(key) || seen.has(key)) return;
      const counting = this.inFlight.get(key);
      if (counting) {
        waits.add(counting);
        return;
      }
      seen.add(key);
      if (batch.length >= BATCH_EXAMPLES || (batch.length > 0 && chars + (keys.sizes[i] as number) > BATCH_CHARS)) {
        batches.push(batch);
        batch = [];
        chars = 0;
      }
      batch.push(i);
      chars += keys.sizes[i] as number;
    });
    if (batch.length > 0) batches.push(batch);
    // One batch is read from the document while the one before it is counted.
    let counting: Promise<unknown> = Promise.resolve();
    for (const indices of batches) {
      let examples: ChatExample[];
      try {
        examples = await host.examplesAt(uri, version, indices);
      } catch (err) {
        if (!this.isLive(run)) return undefined;
        throw err;
      }
      await counting;
      if (!this.isLive(run) || this.cache !== cache) return undefined;
      counting = this.countBatch(thread, cache, indices.map((i) => keys.keys[i] as string), examples);
    }
    await counting;
    await Promise.all(waits);
    if (!this.isLive(run) || this.cache !== cache) return undefined;
    const rows: ModelTokensRow[] = [];
    for (let i = 0; i < keys.keys.length; i++) {
      const counts = cache.get(keys.keys[i] as string);
      // A batch another run sent failed: this one fails too.
      if (!counts) throw new Error('an example was not counted');
      rows.push({ line: keys.lines[i] as number, endLine: keys.endLines[i] as number, endCharacter: keys.endCharacters[i] as number, ...counts });
    }
    const { tokenizer, reason } = await thread.tokenizer;
    const result = modelCountResult({ model, rows, tokenizer, reason, report: run.target.report, maxSeqLength: this.maxSeqLength });
    return { ...result, version, keys: keys.keys, counted: batches.reduce((n, b) => n + b.length, 0) };
  }

  /**
   * Count one batch into `cache`, its keys marked as being counted meanwhile. The batch's promise is handled here
   * (the runs waiting for it still see a failure): a run that stops before awaiting it must not leave a rejection
   * unhandled (the thread disposed when the model changes, or at shutdown).
   */
  private countBatch(thread: ModelCountThread, cache: Map<string, ExampleModelTokens>, keys: string[], examples: ChatExample[]): Promise<unknown> {
    const done = thread.count(examples).then((rows) => {
      keys.forEach((key, k) => {
        const counts = rows[k];
        if (counts) cache.set(key, counts);
      });
    });
    const settled = done.finally(() => {
      for (const key of keys) if (this.inFlight.get(key) === settled) this.inFlight.delete(key);
    });
    settled.catch(() => undefined);
    for (const key of keys) this.inFlight.set(key, settled);
    return settled;
  }

  private failed(run: Run, err: unknown): DocumentModelCounts | undefined {
    if (!this.isLive(run) || !this.modelValue) return undefined;
    const message = err instanceof Error ? err.message : String(err);
    // A tokenizer that could not be loaded was warned about once.
    if (err !== this.loadFailure) this.sink.warn(`Counting ${run.target.uri} (version ${run.target.version}) with ${this.modelValue.id} failed: ${message}`);
    return { ...failedCountResult(this.modelValue, this.maxSeqLength, message), version: run.target.version, keys: [], counted: 0 };
  }

  private finish(run: Run, counts: DocumentModelCounts | undefined): DocumentModelCounts | undefined {
    const { uri } = run.target;
    if (!counts || !this.isLive(run)) {
      // A superseded run was replaced in `runs`; one whose version is no longer current leaves it.
      if (this.runs.get(uri) === run) this.runs.delete(uri);
      return undefined;
    }
    this.runs.delete(uri);
    this.results.set(uri, counts);
    if (counts.counted > 0) this.sink.info(`${counts.model.id}: counted ${counts.counted} of ${counts.rows.length} examples of ${uri} (version ${counts.version}); the others' counts were cached.`);
    this.prune();
    this.sink.counted(uri, counts);
    return counts;
  }

  /**
   * Keep only the counts the open documents' latest versions use, once the cache has grown well beyond them and no
   * run is counting.
   */
  private prune(): void {
    const live = new Set<string>();
    for (const r of this.results.values()) for (const key of r.keys) live.add(key);
    // A run still counting may need what is cached (a document's first count, not in any result yet).
    if (this.runs.size > 0 || this.cache.size <= 2 * live.size + CACHE_SLACK) return;
    for (const key of this.cache.keys()) if (!live.has(key) && !this.inFlight.has(key)) this.cache.delete(key);
  }
}
