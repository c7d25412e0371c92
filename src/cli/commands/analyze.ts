/**
 * `slmgen analyze FILE… [--json] [--encoding E] [--count raw|openai] [--max-seq-length N] [--near-threshold J] [--estimate]`:
 * a human summary per file, or one JSON report object per file (one per line) with `--json`.
 */
import { parseArgs } from 'node:util';
import type { DatasetReport } from '../../core/analysis/report';
import { codeInfo } from '../../core/checks/codes';
import type { Severity } from '../../core/types';
import { plural } from '../../core/text/plural';
import type { CliCommand, CliIo } from '../io';
import { EXIT_FINDINGS, EXIT_OK, EXIT_USAGE, UsageError } from '../io';
import { analysisOptionSpecs, analysisOptions, unreadableReason } from '../options';
import { progressBar } from '../progress';
import { runAnalysis } from '../runAnalysis';

const fmt = (n: number) => n.toLocaleString('en-US');

/** Errors quoted in the human summary. */
const SUMMARY_ERRORS = 3;

/** Findings of a severity, those a cap left out of `findings` included. */
function countSeverity(r: DatasetReport, severity: Severity): number {
  let n = 0;
  for (const f of r.findings) if (f.severity === severity) n++;
  for (const [code, omitted] of Object.entries(r.findings_omitted)) if (codeInfo(code)?.severity === severity) n += omitted;
  return n;
}

/** The preference pairs of a file, and what SFT makes of them. */
function preferenceLines(r: DatasetReport): string[] {
  const p = r.preference;
  if (p.pairs === 0) return [];
  const sft =
    r.format_errors['preference-data'] === undefined
      ? 'their chosen replies are used as SFT replies (--use-chosen)'
      : 'SFT notebooks need SFT data (one reply per prompt); --use-chosen trains on the chosen replies';
  return [`  preference pairs (chosen/rejected): ${fmt(p.pairs)} (${fmt(p.identical)} identical, ${fmt(p.prompt_mismatch)} without a shared prompt); ${sft}`];
}

/** Human-readable summary of one report. */
export function formatSummary(file: string, r: DatasetReport): string {
  const t = r.token_stats.total;
  const a = r.token_stats.assistant;
  const m = r.token_stats.messages_per_example;
  const errors = countSeverity(r, 'error');
  const warnings = countSeverity(r, 'warning');
  const infos = countSeverity(r, 'info');
  const kind = r.tokens_exact ? 'exact' : 'estimate';
  const lines = [
    `${file}: ${r.format} format, ${fmt(r.total_examples)} examples (${fmt(r.invalid_examples)} invalid records, ${fmt(r.blank_lines)} blank lines, ${fmt(r.total_lines)} lines)`,
    `  tokens (${r.encoding}, ${r.count_mode}, ${kind}): total ${fmt(r.total_tokens)}; per example mean ${t.mean}, median ${t.median}, p5 ${t.p5}, p95 ${t.p95}, min ${t.min}, max ${t.max}`,
    `  assistant tokens per example: mean ${a.mean}, median ${a.median}, p95 ${a.p95}; messages per example: mean ${m.mean}, max ${m.max}`,
    `  over ${fmt(r.over_limit.max_seq_length)} tokens: ${fmt(r.over_limit.count)} examples`,
    `  duplicates: ${fmt(r.duplicates.exact.count)} exact, ${fmt(r.duplicates.near.count)} near (Jaccard >= ${r.duplicates.near.threshold}); contradictions: ${fmt(r.contradictions.count)}`,
    `  billing: ${fmt(r.billing.billable_tokens)} billable tokens x ${r.billing.epochs} epochs = ${fmt(r.billing.charged_tokens)} charged`,
    ...preferenceLines(r),
    ...(r.data_warnings.non_text_content > 0 ? [`  non-text content: ${plural(r.data_warnings.non_text_content, 'record')} with images or other media that text-only fine-tuning drops`] : []),
    `  quality score: ${r.quality_score.toFixed(2)}`,
    ...r.quality_issues.map((q) => `    -${q.points.toFixed(2)} ${q.code}: ${q.message}`),
    `  findings: ${fmt(errors)} ${errors === 1 ? 'error' : 'errors'}, ${fmt(warnings)} ${warnings === 1 ? 'warning' : 'warnings'}, ${fmt(infos)} info${errors + warnings + infos > 0 ? ' (see `slmgen lint`)' : ''}`,
    // The first few errors in file order, so that a broken file says why without a second command.
    ...r.findings
      .filter((f) => f.severity === 'error')
      .slice(0, SUMMARY_ERRORS)
      .map((f) => `    ${f.line}:${f.column} ${f.code}: ${f.message}`),
  ];
  return lines.join('\n') + '\n';
}

async function analyzeOne(file: string, io: CliIo, json: boolean, values: Parameters<typeof analysisOptions>[0]): Promise<boolean> {
  const progress = progressBar(io, file);
  try {
    const { report } = await runAnalysis(file, { ...analysisOptions(values), onProgress: progress.onProgress, findingCapPerCode: 1000 });
    progress.done();
    io.stdout(json ? JSON.stringify({ file, ...report }) + '\n' : formatSummary(file, report));
    return report.format_valid;
  } catch (err) {
    progress.done();
    throw err;
  }
}

/** The analyze command. */
export const analyzeCommand: CliCommand = async (args, io) => {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: { json: { type: 'boolean' }, ...analysisOptionSpecs },
  });
  if (positionals.length === 0) throw new UsageError('analyze needs at least one FILE');
  analysisOptions(values);
  // A file that cannot be read is reported and skipped: the others are still analysed (exit 2 at the end).
  let allValid = true;
  let unreadable = false;
  for (const file of positionals) {
    const reason = unreadableReason(file);
    if (reason !== null) {
      io.stderr(`slmgen analyze: ${reason}\n`);
      unreadable = true;
      continue;
    }
    allValid = (await analyzeOne(file, io, values.json === true, values)) && allValid;
  }
  return unreadable ? EXIT_USAGE : allValid ? EXIT_OK : EXIT_FINDINGS;
};
