/**
 * `slmgen analyze FILE… [--json] [--model ID] [--encoding E] [--count raw|openai] [--max-seq-length N] [--near-threshold J]
 * [--estimate]`: a human summary per file, or one JSON report object per file (one per line) with `--json`. With
 * `--model`, every usable example is also counted with that model's own tokenizer and chat template (`tokenizer`,
 * `model_tokens`, findings `truncated-for-model` and `no-trainable-tokens`).
 */
import { parseArgs } from 'node:util';
import type { DatasetReport, FindingJson } from '../../core/analysis/report';
import { codeInfo } from '../../core/checks/codes';
import type { ModelTokenizerInfo, ModelTokensSection } from '../../core/notebook/modelTokens';
import { modelTokensReport } from '../../core/notebook/modelTokens';
import type { ModelEntry } from '../../core/recommend/registry';
import { MODELS, findModel } from '../../core/recommend/registry';
import type { Severity } from '../../core/types';
import { plural } from '../../core/text/plural';
import { countModelTokens, modelTokenCounter } from '../../node/modelTokenizerCounts';
import type { CliCommand, CliIo } from '../io';
import { EXIT_FINDINGS, EXIT_OK, EXIT_USAGE, UsageError } from '../io';
import { analysisOptionSpecs, analysisOptions, readableFiles } from '../options';
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

/** The chosen model and which tokenizer counts for it (its counter is made per counting thread). */
interface ModelCounting {
  model: ModelEntry;
  tokenizer: ModelTokenizerInfo | null;
  reason?: string;
}

/** The summary lines of the model's own counts. */
function modelTokenLines(m: ModelTokensSection): string[] {
  const by = m.tokenizer === null ? `approximate: ${m.reason ?? 'o200k_base over its chat template'}` : `${m.tokenizer.name}, ${m.tokenizer.package}`;
  return [
    `  ${m.model} tokens (${by}): total ${fmt(m.total_tokens)}, trainable ${fmt(m.total_trainable)}; per example p95 ${m.p95}, p99 ${m.p99}`,
    `  over max_seq_length ${fmt(m.max_seq_length)} (${m.max_seq_length_from === 'option' ? '--max-seq-length' : "the notebook's default"}) for ${m.model}: ${fmt(m.truncated.length)} examples`,
  ];
}

/** Merge the model findings into the report's, in file order. */
function withFindings(report: DatasetReport, findings: FindingJson[], omitted: Record<string, number>): DatasetReport {
  const all = [...report.findings, ...findings].sort((a, b) => a.line - b.line || a.column - b.column);
  const findingsOmitted = { ...report.findings_omitted };
  for (const [code, n] of Object.entries(omitted)) findingsOmitted[code] = (findingsOmitted[code] ?? 0) + n;
  return { ...report, findings: all, findings_omitted: findingsOmitted };
}

async function analyzeOne(file: string, io: CliIo, json: boolean, values: Parameters<typeof analysisOptions>[0], counting: ModelCounting | null): Promise<boolean> {
  const progress = progressBar(io, file);
  try {
    const options = analysisOptions(values);
    let { report } = await runAnalysis(file, { ...options, onProgress: progress.onProgress, findingCapPerCode: FINDING_CAP });
    let section: ModelTokensSection | null = null;
    if (counting !== null) {
      const rows = await countModelTokens(counting.model, file, { useChosen: options.useChosen, maxLineBytes: options.maxLineBytes, threads: options.workers, onProgress: progress.onProgress });
      const r = modelTokensReport({
        model: counting.model,
        rows,
        tokenizer: counting.tokenizer,
        reason: counting.reason,
        report,
        maxSeqLength: values['max-seq-length'] === undefined ? undefined : options.maxSeqLength,
        findingCapPerCode: FINDING_CAP,
      });
      section = r.section;
      report = withFindings(report, r.findings, r.omitted);
    }
    progress.done();
    if (json) {
      const extra = counting === null ? {} : { tokenizer: counting.tokenizer, model_tokens: section };
      io.stdout(JSON.stringify({ file, ...report, ...extra }) + '\n');
    } else {
      const summary = formatSummary(file, report);
      io.stdout(section === null ? summary : summary + modelTokenLines(section).join('\n') + '\n');
    }
    return report.format_valid;
  } catch (err) {
    progress.done();
    throw err;
  }
}

/** Findings kept per code in the report. */
const FINDING_CAP = 1000;

/** The analyze command. */
export const analyzeCommand: CliCommand = async (args, io) => {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: { json: { type: 'boolean' }, model: { type: 'string' }, ...analysisOptionSpecs },
  });
  if (positionals.length === 0) throw new UsageError('analyze needs at least one FILE');
  analysisOptions(values);
  let counting: ModelCounting | null = null;
  if (values.model !== undefined) {
    const model = findModel(values.model);
    if (!model) throw new UsageError(`unknown --model "${values.model}"; one of: ${MODELS.map((m) => m.id).join(', ')} (HF repo ids and SLMGEN keys work too)`);
    const { tokenizer, reason } = modelTokenCounter(model);
    counting = { model, tokenizer, reason };
  }
  // A file that cannot be read is reported and skipped: the others are still analysed (exit 2 at the end).
  let allValid = true;
  const { files, unreadable } = readableFiles('analyze', positionals, (text) => io.stderr(text));
  for (const file of files) {
    allValid = (await analyzeOne(file, io, values.json === true, values, counting)) && allValid;
  }
  return unreadable ? EXIT_USAGE : allValid ? EXIT_OK : EXIT_FINDINGS;
};
