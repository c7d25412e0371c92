/**
 * `slmgen lint FILE… [--format text|json|sarif]`: every finding as `file:line:col: severity code message`
 * (1-based), as JSON, or as SARIF 2.1.0. Exit 1 when any file has an error, 2 when a file cannot be read (the
 * others are still linted).
 */
import { parseArgs } from 'node:util';
import type { FindingJson } from '../../core/analysis/report';
import type { CliCommand } from '../io';
import { EXIT_FINDINGS, EXIT_OK, EXIT_USAGE, UsageError } from '../io';
import { analysisOptionSpecs, analysisOptions, readableFiles } from '../options';
import { progressBar } from '../progress';
import { runAnalysis } from '../runAnalysis';
import { toSarif } from '../../core/analysis/sarif';
import { CLI_VERSION } from '../version';

const FORMATS = ['text', 'json', 'sarif'] as const;

/** The lint command. */
export const lintCommand: CliCommand = async (args, io) => {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: { format: { type: 'string' }, ...analysisOptionSpecs },
  });
  const format = values.format ?? 'text';
  if (!(FORMATS as readonly string[]).includes(format)) throw new UsageError(`--format must be one of ${FORMATS.join(', ')}; got "${format}"`);
  if (positionals.length === 0) throw new UsageError('lint needs at least one FILE');
  const options = analysisOptions(values);
  const results: { file: string; findings: FindingJson[] }[] = [];
  let hasErrors = false;
  // A file that cannot be read is reported and skipped: the others are still linted (exit 2 at the end).
  const { files, unreadable } = readableFiles('lint', positionals, (text) => io.stderr(text));
  for (const file of files) {
    const progress = progressBar(io, file);
    const { report } = await runAnalysis(file, { ...options, onProgress: progress.onProgress });
    progress.done();
    results.push({ file, findings: report.findings });
    if (!report.format_valid) hasErrors = true;
    if (format === 'text') {
      for (const f of report.findings) io.stdout(`${file}:${f.line}:${f.column}: ${f.severity} ${f.code} ${f.message}\n`);
    }
  }
  if (format === 'json') io.stdout(JSON.stringify(results.flatMap((r) => r.findings.map((f) => ({ file: r.file, ...f })))) + '\n');
  if (format === 'sarif') io.stdout(JSON.stringify(toSarif(results, CLI_VERSION), null, 2) + '\n');
  return unreadable ? EXIT_USAGE : hasErrors ? EXIT_FINDINGS : EXIT_OK;
};
