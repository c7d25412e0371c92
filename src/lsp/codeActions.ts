/**
 * Quick fixes and source actions. Actions are offered without edits (the engine's titles, for diagnostics of the
 * document's current version only); `codeAction/resolve` computes the edit for that version and returns it as a
 * versioned document change, which an editor refuses to apply to a changed document. A resolve for a version the
 * document has moved past gets the action back disabled, with the reason.
 */
import type { CancellationToken, CodeAction, CodeActionParams, Diagnostic, WorkspaceEdit } from 'vscode-languageserver/node';
import { CodeActionKind, TextDocumentEdit } from 'vscode-languageserver/node';
import type { DocumentFix } from '../core/analysis/datasetDocument';
import type { CodeName } from '../core/checks/codes';
import { isCodeName } from '../core/checks/codes';
import type { Finding, Fix, Range, TextEdit } from '../core/types';
import { CodeActionData, DiagnosticData, FIX_ALL_KIND, REMOVE_DUPLICATES_KIND } from '../shared/lspProtocol';
import { combineFixes } from './combineFixes';
import { DIAGNOSTIC_SOURCE } from './diagnostics';
import type { OpenDocuments, ServerDocument } from './openDocuments';
import { invalidParams } from './requestErrors';

/** The kinds the server offers. */
export const CODE_ACTION_KINDS = [CodeActionKind.QuickFix, FIX_ALL_KIND, REMOVE_DUPLICATES_KIND];

const FIX_ALL_TITLE = 'Fix all safe SLMGEN problems';
const REMOVE_DUPLICATES_TITLE = 'Remove all exact duplicates';

/** Whether `kind` was asked for (`only` lists kinds and their parents, e.g. `source.fixAll` for ours). */
function wanted(kind: string, only: readonly string[] | undefined): boolean {
  return only === undefined || only.some((o) => kind === o || kind.startsWith(`${o}.`));
}

function isStale(err: unknown): boolean {
  return err instanceof Error && err.name === 'StaleVersionError';
}

function staleReason(version: number, now: number): string {
  return `The document changed since this fix was offered (version ${version}, now ${now}); ask for fixes again.`;
}

function sameRange(a: Range, b: Range): boolean {
  return a.start.line === b.start.line && a.start.character === b.start.character && a.end.line === b.end.line && a.end.character === b.end.character;
}

/**
 * The findings of the document's current version that diagnostics refer to: by the version in their `data`, or,
 * from a client that does not keep `data`, by being one of the findings known for this version.
 */
function currentTargets(doc: ServerDocument, diagnostics: readonly Diagnostic[]): { diagnostic: Diagnostic; code: CodeName; range: Range }[] {
  const version = doc.text.version;
  const out: { diagnostic: Diagnostic; code: CodeName; range: Range }[] = [];
  for (const diagnostic of diagnostics) {
    const { code, range } = diagnostic;
    if (diagnostic.source !== DIAGNOSTIC_SOURCE || typeof code !== 'string' || !isCodeName(code)) continue;
    // A diagnostic stamped with an older version is still current when this version has the same finding: the
    // server leaves out a publication that would show exactly what the editor shows already (see server.ts), so the
    // editor keeps the older stamps of unchanged diagnostics.
    const data = DiagnosticData.safeParse(diagnostic.data);
    const current =
      (data.success && data.data.version === version) ||
      ((!data.success || (data.data.version !== null && data.data.version < version)) &&
        currentFindings(doc).some((f) => f.code === code && sameRange(f.range, range) && f.message === diagnostic.message));
    if (current) out.push({ diagnostic, code, range });
  }
  return out;
}

/** Findings computed for the document's current version (none known while an edit is being analysed). */
function currentFindings(doc: ServerDocument): Finding[] {
  const version = doc.text.version;
  return [...(doc.record?.version === version ? doc.record.findings : []), ...(doc.wholeFile?.version === version ? doc.wholeFile.findings : [])];
}

/** The findings the document is known to have now (per-record ones of this version and the moved whole-file ones). */
function knownFindings(doc: ServerDocument): { code: string }[] {
  return [...(doc.record?.findings ?? []), ...(doc.wholeFile?.findings ?? [])];
}

/** `textDocument/codeAction`. */
export async function codeActions(docs: OpenDocuments, params: CodeActionParams): Promise<CodeAction[]> {
  const doc = docs.dataset(params.textDocument.uri);
  if (!doc) return [];
  const { uri } = doc;
  const version = doc.text.version;
  const only = params.context.only;
  const actions: CodeAction[] = [];
  if (wanted(CodeActionKind.QuickFix, only)) {
    const targets = currentTargets(doc, params.context.diagnostics);
    if (targets.length > 0) {
      let fixes: DocumentFix[][];
      try {
        fixes = await docs.host.fixesMany(uri, version, targets.map(({ code, range }) => ({ code, range })));
      } catch (err) {
        // Edited meanwhile: the diagnostics of the new version come with their own fixes.
        if (isStale(err)) return [];
        throw err;
      }
      targets.forEach(({ diagnostic, code, range }, i) => {
        (fixes[i] ?? []).forEach((fix, fixIndex) => {
          const data: CodeActionData = { kind: 'fix', uri, version, code, range, fixIndex, title: fix.title };
          const action: CodeAction = { title: fix.title, kind: CodeActionKind.QuickFix, diagnostics: [diagnostic], data };
          if (fix.isPreferred) action.isPreferred = true;
          actions.push(action);
        });
      });
    }
  }
  const known = knownFindings(doc);
  if (wanted(FIX_ALL_KIND, only) && known.length > 0) {
    actions.push({ title: FIX_ALL_TITLE, kind: FIX_ALL_KIND, data: { kind: 'fixAll', uri, version } satisfies CodeActionData });
  }
  if (wanted(REMOVE_DUPLICATES_KIND, only) && known.some((f) => f.code === 'exact-duplicate')) {
    actions.push({ title: REMOVE_DUPLICATES_TITLE, kind: REMOVE_DUPLICATES_KIND, data: { kind: 'removeDuplicates', uri, version } satisfies CodeActionData });
  }
  return actions;
}

function versionedEdit(uri: string, version: number, edits: TextEdit[]): WorkspaceEdit {
  return { documentChanges: [TextDocumentEdit.create({ uri, version }, edits)] };
}

/** `codeAction/resolve`: the edit of the action, for the version it was offered for. */
export async function resolveCodeAction(docs: OpenDocuments, action: CodeAction, token: CancellationToken): Promise<CodeAction> {
  const parsed = CodeActionData.safeParse(action.data);
  if (!parsed.success) throw invalidParams(`the code action has no SLMGEN data to resolve (${parsed.error.issues[0]?.message ?? 'invalid'})`);
  const data = parsed.data;
  const doc = docs.dataset(data.uri);
  if (!doc) return { ...action, disabled: { reason: `${data.uri} is not open as a dataset any more.` } };
  const disabled = (): CodeAction => ({ ...action, disabled: { reason: staleReason(data.version, doc.text.version) } });
  if (doc.text.version !== data.version) return disabled();
  try {
    const edits = await resolveEdits(docs, data, token);
    if (edits === undefined) return disabled();
    if (edits.length === 0) return { ...action, disabled: { reason: data.kind === 'fix' ? 'This fix is no longer available.' : 'Nothing to fix.' } };
    return { ...action, edit: versionedEdit(data.uri, data.version, edits) };
  } catch (err) {
    if (isStale(err)) return disabled();
    throw err;
  }
}

/** The edits of an action for its version; undefined when the document has moved past it. */
async function resolveEdits(docs: OpenDocuments, data: CodeActionData, token: CancellationToken): Promise<TextEdit[] | undefined> {
  const { uri, version } = data;
  if (data.kind === 'fix') {
    if (!isCodeName(data.code)) return [];
    const fixes = await docs.host.fixes(uri, version, { code: data.code, range: data.range });
    const fix = fixes[data.fixIndex];
    return fix && fix.title === data.title ? fix.edits : [];
  }
  // Whole-document actions work on the findings of this version's snapshot.
  const snapshot = await docs.host.snapshot(uri);
  if (snapshot.version !== version || token.isCancellationRequested) return undefined;
  const findings = data.kind === 'fixAll' ? snapshot.findings : snapshot.findings.filter((f) => f.code === 'exact-duplicate');
  if (findings.length === 0) return [];
  const fixes = await docs.host.fixesMany(uri, version, findings.map((f) => ({ code: f.code, range: f.range })));
  const chosen: Fix[] = [];
  for (const list of fixes) {
    const pick = data.kind === 'fixAll' ? (list.find((f) => f.isSafe && f.isPreferred) ?? list.find((f) => f.isSafe)) : list.find((f) => f.kind === 'delete-duplicate');
    if (pick) chosen.push(pick);
  }
  return combineFixes(chosen);
}
