/**
 * The messages between the SLMGEN Dataset Editor's webview and its host (the extension), declared once for both.
 * Each side validates what it receives with these schemas and logs and ignores anything else. The host sends nothing
 * before the webview's `ready`. Every message that depends on the document names the document version it is for
 * (null for a file read from disk, which has no version): an edit made on a version that is no longer current is
 * never applied, the webview is re-synced instead.
 */
import { z } from 'zod';
import { DuplicatesResult, ExampleResult, RowFilter, RowSort, RowsResult, RowStatsResult } from './lspProtocol';

/** The version of the dataset a message is about (null: a file read from disk). */
const Version = z.number().int().nullable();
/** A request id chosen by the webview, echoed in the host's answer. */
const RequestId = z.number().int().min(0);
const Line = z.number().int().min(1);

/** The dataset's summary as the header shows it (from the language server's report; nothing recomputed). */
export const DatasetHeader = z.object({
  examples: z.number().int(),
  invalidRecords: z.number().int(),
  tokens: z.number().int(),
  encoding: z.string(),
  countMode: z.string(),
  format: z.string(),
  qualityScore: z.number(),
  deductions: z.array(z.object({ code: z.string(), points: z.number(), message: z.string() })),
  errors: z.number().int(),
  exactDuplicates: z.number().int(),
  nearDuplicates: z.number().int(),
  contradictions: z.number().int(),
  maxSeqLength: z.number().int(),
  overLength: z.number().int(),
  billing: z.object({ billableTokens: z.number().int(), epochs: z.number().int(), chargedTokens: z.number().int() }),
});
export type DatasetHeader = z.infer<typeof DatasetHeader>;

/** Roles a message can be given in the editor. */
export const EDITABLE_ROLES = ['system', 'user', 'assistant', 'tool'] as const;
export const EditableRole = z.enum(EDITABLE_ROLES);
export type EditableRole = z.infer<typeof EditableRole>;

/** Host → webview. */
export const HostMessage = z.discriminatedUnion('type', [
  /** The answer to `ready`: which dataset, and whether it can be edited. */
  z.object({
    type: z.literal('init'),
    version: Version,
    uri: z.string(),
    fileName: z.string(),
    readOnly: z.boolean(),
    /** Why the dataset is read-only (e.g. too large for the editor), shown in the header. */
    readOnlyReason: z.string().optional(),
  }),
  /** The document changed (an edit here, in a text editor, undo/redo, a reload from disk). */
  z.object({ type: z.literal('documentChanged'), version: Version }),
  /** The summary changed without a new version (the chosen model's counts became ready, a setting changed). */
  z.object({ type: z.literal('summaryChanged') }),
  z.object({ type: z.literal('summary'), requestId: RequestId, version: Version, header: DatasetHeader, stats: RowStatsResult }),
  z.object({ type: z.literal('rows'), requestId: RequestId, result: RowsResult }),
  z.object({ type: z.literal('example'), requestId: RequestId, result: ExampleResult }),
  /** Exact duplicates, near-duplicate clusters and contradictions (`slmgen/duplicates`). */
  z.object({ type: z.literal('clusters'), requestId: RequestId, result: DuplicatesResult }),
  /** What became of an edit: applied (a new version follows), stale (made on an old version: re-sync), or failed. */
  z.object({ type: z.literal('editResult'), requestId: RequestId, outcome: z.enum(['applied', 'stale', 'failed']), message: z.string().optional() }),
  /** A request failed; its message is for the user. */
  z.object({ type: z.literal('error'), requestId: RequestId.optional(), message: z.string() }),
]);
export type HostMessage = z.infer<typeof HostMessage>;

/** Webview → host. */
export const WebviewMessage = z.discriminatedUnion('type', [
  z.object({ type: z.literal('ready') }),
  z.object({ type: z.literal('requestSummary'), requestId: RequestId }),
  z.object({ type: z.literal('requestRows'), requestId: RequestId, offset: z.number().int().min(0), limit: z.number().int().min(1), filter: RowFilter.optional(), sort: RowSort.optional() }),
  z.object({ type: z.literal('requestExample'), requestId: RequestId, line: Line }),
  /** Change message `messageIndex` of the record at `line`: its content, its role, or both. */
  z.object({
    type: z.literal('editMessage'),
    requestId: RequestId,
    version: Version,
    line: Line,
    messageIndex: z.number().int().min(0),
    content: z.string().optional(),
    role: EditableRole.optional(),
  }),
  z.object({ type: z.literal('deleteExample'), requestId: RequestId, version: Version, line: Line }),
  /** Apply fix `fixIndex` of finding `findingIndex` of the record at `line`, as the language server offers it. */
  z.object({ type: z.literal('applyFix'), requestId: RequestId, version: Version, line: Line, findingIndex: z.number().int().min(0), fixIndex: z.number().int().min(0) }),
  z.object({ type: z.literal('requestClusters'), requestId: RequestId }),
  /** Keep the record at `keepLine` and delete the records at `deleteLines` (a cluster's other members), in one edit. */
  z.object({ type: z.literal('keepOne'), requestId: RequestId, version: Version, keepLine: Line, deleteLines: z.array(Line).min(1) }),
  /** Show the record in a text editor. */
  z.object({ type: z.literal('openInTextEditor'), line: Line }),
  /** Choose the model whose tokenizer counts the dataset (`slmgen.analysis.model`, asked in a QuickPick). */
  z.object({ type: z.literal('chooseModel') }),
]);
export type WebviewMessage = z.infer<typeof WebviewMessage>;

/** A message parsed, or why it was not one (for the log). */
export type Parsed<T> = { ok: true; message: T } | { ok: false; error: string };

function parseWith<T>(schema: z.ZodType<T>, data: unknown): Parsed<T> {
  const parsed = schema.safeParse(data);
  if (parsed.success) return { ok: true, message: parsed.data };
  const issues = parsed.error.issues.map((i) => `${i.path.join('.') || '(message)'}: ${i.message}`).join('; ');
  return { ok: false, error: issues };
}

export function parseHostMessage(data: unknown): Parsed<HostMessage> {
  return parseWith(HostMessage, data);
}

export function parseWebviewMessage(data: unknown): Parsed<WebviewMessage> {
  return parseWith(WebviewMessage, data);
}
