/**
 * Findings as LSP diagnostics, and the bookkeeping that keeps whole-file findings (duplicates, near duplicates,
 * contradictions, dataset-level checks) on screen while an edit's own snapshot is computed: they are moved with the
 * lines below an edit and dropped where the edit touched, so they neither flicker nor point at the wrong line.
 */
import type { Diagnostic, DiagnosticRelatedInformation } from 'vscode-languageserver/node';
import { DiagnosticSeverity } from 'vscode-languageserver/node';
import type { DocumentChange } from '../core/analysis/datasetDocument';
import type { Finding, Range, Severity } from '../core/types';
import type { DiagnosticData } from '../shared/lspProtocol';
import { codeDocumentationUrl } from '../shared/lspProtocol';

/** The `source` of every diagnostic the server publishes. */
export const DIAGNOSTIC_SOURCE = 'SLMGEN';

const SEVERITY: Record<Severity, DiagnosticSeverity> = {
  error: DiagnosticSeverity.Error,
  warning: DiagnosticSeverity.Warning,
  info: DiagnosticSeverity.Information,
};

/** A finding of the document `uri` as a diagnostic, stamped with the version it was computed for. */
export function toDiagnostic(finding: Finding, uri: string, version: number | null): Diagnostic {
  const data: DiagnosticData = { version };
  const diagnostic: Diagnostic = {
    range: finding.range,
    severity: SEVERITY[finding.severity],
    code: finding.code,
    codeDescription: { href: codeDocumentationUrl(finding.code) },
    source: DIAGNOSTIC_SOURCE,
    message: finding.message,
    data,
  };
  if (finding.related && finding.related.length > 0) {
    diagnostic.relatedInformation = finding.related.map((r): DiagnosticRelatedInformation => ({ location: { uri, range: r.range }, message: r.message }));
  }
  return diagnostic;
}

/** A diagnostic as an editor shows it: everything but the `data` it carries for the server. */
function shownJson(d: Diagnostic): string {
  return JSON.stringify({ ...d, data: undefined });
}

/**
 * Whether two publications look the same in an editor, whatever versions their diagnostics were computed for (their
 * `data`). Diagnostics the server reuses from one publication to the next are the same objects: only the others
 * are compared field by field.
 */
export function sameShown(a: readonly Diagnostic[], b: readonly Diagnostic[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) {
    const x = a[i]!;
    const y = b[i]!;
    if (x !== y && (x.message !== y.message || shownJson(x) !== shownJson(y))) return false;
  }
  return true;
}

/** Languages whose editors already report JSON syntax errors themselves (VS Code's JSON language features). */
const JSON_LANGUAGES = new Set(['json', 'jsonc']);

/**
 * A document's diagnostics less those its editor's own JSON validation already shows: in a `.json` array (language
 * `json`), a syntax error gets VS Code's squiggle, so ours (`invalid-json`) would be a second one on the same text.
 * JSONL is not validated by VS Code, so nothing is dropped there.
 */
export function withoutEditorDuplicates(diagnostics: Diagnostic[], languageId: string): Diagnostic[] {
  return JSON_LANGUAGES.has(languageId) ? diagnostics.filter((d) => d.code !== 'invalid-json') : diagnostics;
}

const SEVERITY_ORDER: readonly DiagnosticSeverity[] = [DiagnosticSeverity.Error, DiagnosticSeverity.Warning, DiagnosticSeverity.Information, DiagnosticSeverity.Hint];

/**
 * At most `max` of a document's diagnostics (0: all): errors first, then warnings, then infos; within a severity,
 * those nearest `focusLine` (the line of the document's last edit: the squiggles follow the user's work) or, without
 * one, those first in the order given; each severity's kept ones in the order given. Then one more, an information
 * on the first line, saying how many were left out and where to see them all.
 */
export function limitDiagnostics(diagnostics: readonly Diagnostic[], max: number, focusLine?: number): Diagnostic[] {
  if (max <= 0 || diagnostics.length <= max) return [...diagnostics];
  const kept: Diagnostic[] = [];
  for (const severity of SEVERITY_ORDER) {
    const room = max - kept.length;
    if (room === 0) break;
    const ofSeverity = diagnostics.filter((d) => (d.severity ?? DiagnosticSeverity.Error) === severity);
    if (ofSeverity.length <= room || focusLine === undefined) {
      kept.push(...ofSeverity.slice(0, room));
      continue;
    }
    const distance = (d: Diagnostic) => (d.range.end.line < focusLine ? focusLine - d.range.end.line : Math.max(0, d.range.start.line - focusLine));
    const order = ofSeverity.map((d, i) => ({ i, away: distance(d) })).sort((x, y) => x.away - y.away || x.i - y.i);
    const chosen = new Set(order.slice(0, room).map((x) => x.i));
    kept.push(...ofSeverity.filter((_, i) => chosen.has(i)));
  }
  const left = diagnostics.length - kept.length;
  const which = focusLine === undefined ? '' : ' (those nearest the last edit are)';
  kept.push({
    range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } },
    severity: DiagnosticSeverity.Information,
    source: DIAGNOSTIC_SOURCE,
    message: `${left.toLocaleString('en-US')} more findings are not shown here${which} (${SETTING_NAME} is ${max}); SLMGEN: Analyze Dataset or \`slmgen lint\` lists all ${diagnostics.length.toLocaleString('en-US')}.`,
  });
  return kept;
}

const SETTING_NAME = 'slmgen.analysis.maxDiagnosticsPerFile';

function findingKey(f: Finding): string {
  const { start, end } = f.range;
  return `${f.code}\u0000${start.line}:${start.character}-${end.line}:${end.character}\u0000${f.message}`;
}

/**
 * The findings of a snapshot that per-record analysis does not give (duplicates, contradictions, dataset-level
 * checks): the snapshot's findings less the per-record findings of the same version, counted as a multiset.
 */
export function wholeFileFindings(all: readonly Finding[], perRecord: readonly Finding[]): Finding[] {
  const counts = new Map<string, number>();
  for (const f of perRecord) {
    const key = findingKey(f);
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  const out: Finding[] = [];
  for (const f of all) {
    const key = findingKey(f);
    const left = counts.get(key) ?? 0;
    if (left > 0) counts.set(key, left - 1);
    else out.push(f);
  }
  return out;
}

/**
 * The lines an edit changed, `from`–`to` (inclusive, in the coordinates before it; `to < from` when it changed none),
 * and how many lines it added or removed for those after it.
 */
interface LineEdit {
  from: number;
  to: number;
  delta: number;
}

function lineEditOf(change: DocumentChange & { range: Range }): LineEdit {
  const { start, end } = change.range;
  const { text } = change;
  let newLines = 0;
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) newLines++;
  const delta = newLines - (end.line - start.line);
  // Whole lines inserted, deleted or replaced (a line added on top, a record deleted): the line at the end of the
  // edit keeps its text and only moves.
  const wholeLines = start.character === 0 && end.character === 0 && (text === '' || text.endsWith('\n'));
  return { from: start.line, to: wholeLines ? end.line - 1 : end.line, delta };
}

/** A range moved by an edit: null when it is on a line the edit changed. */
function moveRange(range: Range, edit: LineEdit): Range | null {
  if (range.end.line < edit.from) return range;
  if (range.start.line > edit.to) {
    if (edit.delta === 0) return range;
    return { start: { line: range.start.line + edit.delta, character: range.start.character }, end: { line: range.end.line + edit.delta, character: range.end.character } };
  }
  return null;
}

/**
 * Whole-file findings carried through edits (applied in order): those below an edit move by the lines it added or
 * removed, those on lines whose text it changed are dropped (the next snapshot says what is there now), and a change
 * without a range (the whole text replaced) drops them all. A related location on a changed line is dropped alone.
 */
export function moveFindings(findings: readonly Finding[], changes: readonly DocumentChange[]): Finding[] {
  let out = [...findings];
  for (const change of changes) {
    if (change.range === undefined) return [];
    const edit = lineEditOf(change as DocumentChange & { range: Range });
    const moved: Finding[] = [];
    for (const f of out) {
      const range = moveRange(f.range, edit);
      if (range === null) continue;
      let related = f.related;
      if (related) {
        const kept: NonNullable<Finding['related']> = [];
        for (const r of related) {
          const at = moveRange(r.range, edit);
          if (at !== null) kept.push(at === r.range ? r : { ...r, range: at });
        }
        if (kept.length !== related.length || kept.some((r, i) => r !== related![i])) related = kept;
      }
      // A finding the edit neither moved nor touched is kept as it is (no copy per edit of thousands of findings).
      if (range === f.range && related === f.related) moved.push(f);
      else moved.push(related === undefined ? { ...f, range } : { ...f, range, related });
    }
    out = moved;
  }
  return out;
}
