/**
 * What the server shows about a record (hover) and about the whole dataset (code lens on line 0), as text. Every
 * number comes from the engine: token counts from the document's TokenCounter, the rest from the report.
 */
import type { RecordInfo } from '../core/analysis/datasetDocument';
import type { DatasetReport } from '../core/analysis/report';
import type { CountMode, Finding } from '../core/types';

const COUNT_MODE_TEXT: Record<CountMode, string> = {
  raw: 'raw count: message contents, tool calls and declared tools',
  openai: 'openai count: 3 per message, every field value, 1 per name, 3 reply priming, declared tools',
};

function formatNumber(n: number): string {
  return n.toLocaleString('en-US');
}

/** Markdown table cells cannot hold a raw `|` or a line break. */
function cell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');
}

/** A usable example's counts with the chosen model (`slmgen.analysis.model`), or why there are none yet. */
export interface RecordModelTokens {
  id: string;
  name: string;
  /** The tokenizer that counted (its name), null for o200k_base approximations. */
  tokenizer: string | null;
  state: 'counting' | 'ready' | 'failed';
  tokens?: number;
  trainable?: number;
  /** The chat template refused the example. */
  templateError?: string;
  /** Why counting failed. */
  message?: string;
}

/** The hover's line about the chosen model's counts of the example. */
function modelTokensLine(m: RecordModelTokens): string {
  const label = `**${m.name}** (${m.id})`;
  if (m.state === 'counting') return `${label}: counting its tokens…`;
  if (m.state === 'failed') return `${label}: counting failed (${cell(m.message ?? 'see the SLMGEN log')})`;
  if (m.templateError !== undefined) return `${label}: its chat template refuses this example (${cell(m.templateError)})`;
  const how = m.tokenizer === null ? 'approximate: o200k_base over its chat template' : `its chat template, ${m.tokenizer}`;
  return `${label}: **${formatNumber(m.tokens ?? 0)}** tokens, ${formatNumber(m.trainable ?? 0)} trainable (${how})`;
}

/**
 * Hover markdown for a record: its place among records and usable examples, each message's role and tokens, the
 * total (the encoding and count mode named), the chosen model's counts (`model`, for usable examples), and its
 * findings (`extra`: whole-file ones such as duplicates, and the model's).
 */
export function recordHoverMarkdown(info: RecordInfo, extra: readonly Finding[] = [], model?: RecordModelTokens): string {
  const lines: string[] = [];
  const lastLine = info.range.end.line + 1;
  const where = info.range.start.line + 1 === lastLine ? `line ${lastLine}` : `lines ${info.range.start.line + 1}–${lastLine}`;
  const example = info.exampleIndex === null ? 'not a usable example' : `example #${info.exampleIndex}`;
  lines.push(`**SLMGEN** · record #${info.ordinal} · ${example} · ${where}${info.format ? ` · ${info.format}` : ''}`, '');
  if (info.messages.length > 0) {
    lines.push('| # | role | tokens |', '|--:|:--|--:|');
    info.messages.forEach((m, i) => lines.push(`| ${i} | ${m.role} | ${formatNumber(m.tokens)} |`));
    if (info.overhead > 0) lines.push(`| | ${info.countMode === 'openai' ? 'reply priming, tools' : 'tools'} | ${formatNumber(info.overhead)} |`);
    lines.push('');
    const estimated = info.tokensExact ? '' : ', estimated';
    lines.push(`Total: **${formatNumber(info.total)}** tokens (${info.encoding}${estimated}; ${COUNT_MODE_TEXT[info.countMode]})`);
    if (info.exampleIndex === null) lines.push('', 'Not counted in the report: the record has errors.');
    else if (model) lines.push('', modelTokensLine(model));
  } else {
    lines.push('No messages: the record is not a training example in any accepted format.');
  }
  const findings = [...info.findings, ...extra];
  if (findings.length > 0) {
    lines.push('', '**Findings**', '');
    for (const f of findings) lines.push(`- \`${f.code}\` (${f.severity}): ${cell(f.message)}`);
  }
  return lines.join('\n');
}

/** The code lens title of a dataset: examples, tokens (with their encoding) and quality score. */
export function datasetLensTitle(report: DatasetReport): string {
  const estimated = report.tokens_exact ? '' : ', estimated';
  return `${formatNumber(report.total_examples)} examples · ${formatNumber(report.total_tokens)} tokens (${report.encoding}${estimated}) · quality ${report.quality_score.toFixed(2)}`;
}
