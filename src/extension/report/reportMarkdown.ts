// The dataset report (`slmgen/report`) as a markdown page for the read-only preview. No `vscode` import: unit-tested
// under Node. The report arrives as an open record (the contract keeps it the CLI's `--json` object); the fields shown
// here are read leniently, so that a field the server leaves out renders as empty instead of failing the page.
import { z } from 'zod';
import type { ReportResult } from '../../shared/lspProtocol';

const count = z.number().catch(0);
const Summary = z
  .object({ min: count, max: count, mean: count, median: count, p5: count, p95: count, p99: count })
  .catch({ min: 0, max: 0, mean: 0, median: 0, p5: 0, p95: 0, p99: 0 });
const Group = z.object({ lines: z.array(z.number()).catch([]), examples: z.array(z.number()).catch([]), similarity: z.number().optional().catch(undefined) });
const Groups = z.object({ count, groups: z.array(Group).catch([]) }).catch({ count: 0, groups: [] });
const Finding = z.object({
  code: z.string().catch('unknown'),
  severity: z.string().catch('error'),
  line: count,
  column: count,
  message: z.string().catch(''),
});

/** The parts of the report this page shows (CLI `--json` field names). */
const ReportView = z.object({
  format: z.string().catch('unknown'),
  encoding: z.string().catch('unknown'),
  count_mode: z.string().catch('raw'),
  tokens_exact: z.boolean().catch(true),
  total_lines: count,
  blank_lines: count,
  total_examples: count,
  invalid_examples: count,
  total_tokens: count,
  avg_tokens_per_example: count,
  quality_score: count,
  quality_issues: z.array(z.object({ code: z.string().catch(''), message: z.string().catch(''), points: count })).catch([]),
  format_valid: z.boolean().catch(false),
  format_errors: z.record(z.string(), z.number()).catch({}),
  data_warnings: z
    .object({ missing_system: count, missing_user: count, non_text_content: count })
    .catch({ missing_system: 0, missing_user: 0, non_text_content: 0 }),
  distribution: z
    .object({ token_distribution: z.record(z.string(), z.number()).catch({}), multi_turn_percentage: count })
    .catch({ token_distribution: {}, multi_turn_percentage: 0 }),
  token_stats: z.object({ total: Summary, assistant: Summary, messages_per_example: Summary }).catch({
    total: Summary.parse(undefined),
    assistant: Summary.parse(undefined),
    messages_per_example: Summary.parse(undefined),
  }),
  over_limit: z.object({ max_seq_length: count, count }).catch({ max_seq_length: 0, count: 0 }),
  duplicates: z
    .object({ count, exact: Groups, near: z.object({ count, threshold: count, groups: z.array(Group).catch([]) }).catch({ count: 0, threshold: 0, groups: [] }) })
    .catch({ count: 0, exact: { count: 0, groups: [] }, near: { count: 0, threshold: 0, groups: [] } }),
  contradictions: Groups,
  billing: z.object({ billable_tokens: count, epochs: count, charged_tokens: count }).catch({ billable_tokens: 0, epochs: 0, charged_tokens: 0 }),
  findings: z.array(Finding).catch([]),
  findings_omitted: z.record(z.string(), z.number()).catch({}),
});
type ReportView = z.infer<typeof ReportView>;
type GroupView = z.infer<typeof Group>;

/** How much of each list the page shows. */
export const REPORT_LIMITS = { groups: 20, findings: 50, linesPerGroup: 12 } as const;

/**
 * Escape text from the dataset or the server so that markdown shows it literally, inside a line or a table cell
 * (never as HTML, a link, emphasis or a cell break). Characters that matter only at the start of a line are left
 * alone: this text never starts one.
 */
export function escapeMarkdown(text: string): string {
  return text.replace(/[\\`*_[\]<>|&~]/g, (c) => `\\${c}`).replace(/\r?\n/g, ' ');
}

/** A finding code or key as inline code (code spans show backslashes literally, so nothing is escaped inside). */
function code(text: string): string {
  return `\`${text.replace(/`/g, "'").replace(/\r?\n/g, ' ').replace(/\|/g, '\\|')}\``;
}

function int(n: number): string {
  return Math.round(n).toLocaleString('en-US');
}

function dec(n: number, digits = 2): string {
  return n.toFixed(digits);
}

/** The last path segment of a URI, decoded (`file:///d/train%201.jsonl` → `train 1.jsonl`). */
export function uriBaseName(uri: string): string {
  const path = uri.replace(/[?#].*$/, '');
  const last = path.slice(path.lastIndexOf('/') + 1);
  try {
    return decodeURIComponent(last) || uri;
  } catch {
    return last || uri;
  }
}

/** A 1-based line as a link into the dataset (file URIs only; the preview opens `#L<n>` at that line). */
function lineRef(uri: string, line: number): string {
  return uri.startsWith('file:') ? `[${line}](<${uri}#L${line}>)` : String(line);
}

function table(header: string[], rows: string[][]): string[] {
  return [`| ${header.join(' | ')} |`, `|${header.map((_, i) => (i === 0 ? ' --- ' : ' ---: ')).join('|')}|`, ...rows.map((r) => `| ${r.join(' | ')} |`)];
}

function groupList(uri: string, groups: GroupView[], what: string, withSimilarity: boolean): string[] {
  if (groups.length === 0) return [`No ${what}.`];
  const shown = groups.slice(0, REPORT_LIMITS.groups).map((g) => {
    const lines = g.lines.slice(0, REPORT_LIMITS.linesPerGroup).map((l) => lineRef(uri, l));
    const more = g.lines.length > REPORT_LIMITS.linesPerGroup ? ` and ${int(g.lines.length - REPORT_LIMITS.linesPerGroup)} more` : '';
    const similarity = withSimilarity && g.similarity !== undefined ? ` (similarity ≥ ${dec(g.similarity)})` : '';
    return `- lines ${lines.join(', ')}${more}${similarity}`;
  });
  const rest = groups.length - REPORT_LIMITS.groups;
  return rest > 0 ? [...shown, `- … and ${int(rest)} more groups`] : shown;
}

function summarySection(r: ReportView): string[] {
  const tokens = `${int(r.total_tokens)} (${r.encoding}, ${r.count_mode}${r.tokens_exact ? '' : ', estimated'}; ${int(r.avg_tokens_per_example)} per example)`;
  return [
    '## Summary',
    '',
    ...table(
      ['', 'Value'],
      [
        ['Usable examples', int(r.total_examples)],
        ['Invalid records (left out of training)', int(r.invalid_examples)],
        ['Lines', `${int(r.total_lines)} (${int(r.blank_lines)} blank)`],
        ['Format', escapeMarkdown(r.format)],
        ['Tokens', tokens],
        ['Quality score', `${dec(r.quality_score)} of 1`],
        ['Format valid', r.format_valid ? 'yes' : 'no: there are error findings'],
        [`Longer than ${int(r.over_limit.max_seq_length)} tokens`, int(r.over_limit.count)],
        ['Exact duplicates (extra copies)', int(r.duplicates.exact.count)],
        [`Near duplicates (Jaccard ≥ ${dec(r.duplicates.near.threshold)})`, int(r.duplicates.near.count)],
        ['Contradictions', int(r.contradictions.count)],
        ['Multi-turn examples', `${dec(r.distribution.multi_turn_percentage, 1)}%`],
        ['Examples without a system / user message', `${int(r.data_warnings.missing_system)} / ${int(r.data_warnings.missing_user)}`],
        ['Records with non-text content (dropped by text-only training)', int(r.data_warnings.non_text_content)],
        ['Hosted fine-tuning estimate', `${int(r.billing.charged_tokens)} charged tokens (${int(r.billing.epochs)} epochs × ${int(r.billing.billable_tokens)})`],
      ],
    ),
  ];
}

function qualitySection(r: ReportView): string[] {
  const body =
    r.quality_issues.length === 0
      ? ['No deductions.']
      : table(['Deduction', 'Points', 'Why'], r.quality_issues.map((q) => [code(q.code), `−${dec(q.points)}`, escapeMarkdown(q.message)]));
  return ['## Quality deductions', '', ...body];
}

function formatErrorsSection(r: ReportView): string[] {
  const entries = Object.entries(r.format_errors).sort(([a], [b]) => a.localeCompare(b));
  const body = entries.length === 0 ? ['None.'] : table(['Error', 'Occurrences'], entries.map(([k, v]) => [code(k), int(v)]));
  return ['## Format errors', '', ...body];
}

function tokenSection(r: ReportView): string[] {
  const row = (name: string, s: z.infer<typeof Summary>, digits: number): string[] => [
    name,
    ...[s.min, s.p5, s.median, s.mean, s.p95, s.p99, s.max].map((v) => (Number.isInteger(v) ? int(v) : dec(v, digits))),
  ];
  const bands = Object.entries(r.distribution.token_distribution);
  return [
    '## Token statistics',
    '',
    ...table(
      ['Per example', 'min', 'p5', 'median', 'mean', 'p95', 'p99', 'max'],
      [row('Tokens', r.token_stats.total, 1), row('Assistant tokens', r.token_stats.assistant, 1), row('Messages', r.token_stats.messages_per_example, 2)],
    ),
    ...(bands.length === 0 ? [] : ['', ...table(['Tokens per example', 'Examples'], bands.map(([band, n]) => [escapeMarkdown(band), int(n)]))]),
  ];
}

function findingsSection(uri: string, r: ReportView): string[] {
  const omitted = Object.values(r.findings_omitted).reduce((a, b) => a + b, 0);
  const total = r.findings.length + omitted;
  if (total === 0) return ['## Findings', '', 'None.'];
  const shown = r.findings.slice(0, REPORT_LIMITS.findings);
  const lines = shown.map((f) => `- ${lineRef(uri, f.line)}:${f.column} ${escapeMarkdown(f.severity)} ${code(f.code)} ${escapeMarkdown(f.message)}`);
  const heading = total > shown.length ? `## Findings (first ${int(shown.length)} of ${int(total)}; all of them are in the Problems view)` : `## Findings (${int(total)})`;
  return [heading, '', ...lines];
}

/** Render a report as markdown: summary numbers, quality deductions, format errors, duplicates, contradictions,
 * token statistics and the first findings. */
export function renderReportMarkdown(result: ReportResult): string {
  const r = ReportView.parse(result.report);
  const name = escapeMarkdown(uriBaseName(result.uri));
  const source = result.version === null ? 'analysed from disk' : `editor version ${result.version}`;
  const parts: string[][] = [
    [`# Dataset report: ${name}`, '', `${escapeMarkdown(decodeSafe(result.uri))} · ${source}`],
    summarySection(r),
    qualitySection(r),
    formatErrorsSection(r),
    ['## Exact duplicates', '', ...groupList(result.uri, r.duplicates.exact.groups, 'exact duplicates', false)],
    ['## Near duplicates', '', ...groupList(result.uri, r.duplicates.near.groups, 'near duplicates', true)],
    ['## Contradictions', '', 'Same prompt, materially different replies.', '', ...groupList(result.uri, r.contradictions.groups, 'contradictions', false)],
    tokenSection(r),
    findingsSection(result.uri, r),
  ];
  return `${parts.map((p) => p.join('\n')).join('\n\n')}\n`;
}

function decodeSafe(uri: string): string {
  try {
    return decodeURI(uri);
  } catch {
    return uri;
  }
}
