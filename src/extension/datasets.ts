// Which files are datasets, and when a dataset must be analysed from disk instead of from the editor's copy.
// Plain functions (no `vscode`): unit-tested under Node.
import { JSONL_LANGUAGE_ID } from '../shared/lspProtocol';

/** Bytes in the MB of `slmgen.analysis.largeFileThresholdMB` (MiB, like VS Code's own limits). */
export const BYTES_PER_MB = 1024 * 1024;

/** VS Code does not sync a document larger than this to extensions: such a tab has no TextDocument. */
export const VSCODE_SYNC_LIMIT_BYTES = 50 * BYTES_PER_MB;

const DATASET_EXTENSION = /\.(jsonl|ndjson)$/i;

/** True for a JSON Lines path (`.jsonl`, `.ndjson`); JSON array files are datasets only through the glob setting. */
export function isDatasetPath(path: string): boolean {
  return DATASET_EXTENSION.test(path);
}

/** The size above which a dataset is read from disk: the setting, or VS Code's sync limit if that is lower. */
export function diskThresholdBytes(thresholdMB: number): number {
  const setting = Number.isFinite(thresholdMB) && thresholdMB > 0 ? thresholdMB * BYTES_PER_MB : VSCODE_SYNC_LIMIT_BYTES;
  return Math.min(setting, VSCODE_SYNC_LIMIT_BYTES);
}

/** Where a dataset's analysis comes from: the synced document, or `slmgen/analyzeFile` reading the file. */
export type AnalysisSource = 'document' | 'disk';

/**
 * Decide how to analyse a dataset. An open TextDocument is always analysed by the server as a document (the server
 * applies the threshold itself); a file without one is read from disk when it is too large to open as a document.
 */
export function analysisSource(input: { hasTextDocument: boolean; sizeBytes: number; thresholdMB: number }): AnalysisSource {
  if (input.hasTextDocument) return 'document';
  return input.sizeBytes > diskThresholdBytes(input.thresholdMB) ? 'disk' : 'document';
}

/**
 * Whether an open editor tab needs `slmgen/analyzeFile`: a JSON Lines file that VS Code shows without giving
 * extensions a TextDocument, larger than the threshold. Smaller tabs without a document are a moment's race between
 * the tab event and the document event, not a large file.
 */
export function tabNeedsDiskAnalysis(input: { path: string; hasTextDocument: boolean; sizeBytes: number; thresholdMB: number }): boolean {
  return isDatasetPath(input.path) && analysisSource(input) === 'disk';
}

/** A document filter (the shape VS Code and vscode-languageclient share). */
export interface DatasetFilter {
  language?: string;
  scheme: string;
  pattern?: string;
}

/**
 * The server's `jsonArrayGlob` as VS Code matches document filters (against the whole path): a glob that starts with
 * neither `/` nor `**` matches at any depth on the server, like a file name pattern, so it gets a leading `**\/`.
 */
export function editorGlob(jsonArrayGlob: string): string {
  const glob = jsonArrayGlob.trim();
  if (glob === '' || glob.startsWith('/') || glob.startsWith('**')) return glob;
  return `**/${glob}`;
}

/**
 * The documents the language server analyses (the server's own rule, `src/lsp/documentSelection.ts`): JSON Lines
 * (saved and untitled), `.ndjson` files whatever language they were given, and `.json` files matched by
 * `slmgen.files.jsonArrayGlob` (empty: none).
 */
export function datasetDocumentSelector(jsonArrayGlob: string): DatasetFilter[] {
  const filters: DatasetFilter[] = [
    { language: JSONL_LANGUAGE_ID, scheme: 'file' },
    { language: JSONL_LANGUAGE_ID, scheme: 'untitled' },
    { scheme: 'file', pattern: '**/*.ndjson' },
  ];
  const glob = editorGlob(jsonArrayGlob);
  if (glob !== '') filters.push({ language: 'json', scheme: 'file', pattern: glob });
  return filters;
}

/**
 * Datasets from this size on get the advice to turn off VS Code's merge-conflict scan: it reads the whole document on
 * every change (measured by `npm run bench:editor`: edits of a 49 MB dataset checked 10× slower with it on).
 */
export const MERGE_CONFLICT_ADVICE_BYTES = 10 * BYTES_PER_MB;

/** Whether opening a dataset should offer to turn off the merge-conflict scan for the workspace. */
export function adviseMergeConflictOff(input: {
  path: string;
  sizeBytes: number;
  /** `merge-conflict.decorators.enabled` / `merge-conflict.codeLens.enabled` as they apply to the workspace. */
  decorators: boolean;
  codeLens: boolean;
  /** The built-in merge-conflict extension is installed and enabled. */
  extensionPresent: boolean;
  /** Asked already in this window, or "Don't ask again" for this workspace. */
  asked: boolean;
}): boolean {
  return isDatasetPath(input.path) && input.sizeBytes >= MERGE_CONFLICT_ADVICE_BYTES && input.extensionPresent && (input.decorators || input.codeLens) && !input.asked;
}
