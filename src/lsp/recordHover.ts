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

/**
 * Hover markdown for a record: its place among records and usable examples, each message's role and tokens, the
 * total (the encoding and count mode named), and its findings (`extra`: whole-file ones such as duplicates).
 */
export function recordHoverMarkdown(info: RecordInfo, extra: readonly Finding[] = []): string {
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
