/**
 * `slmgen models [--json]`: the model registry as a table, or as a JSON array.
 */
import { parseArgs } from 'node:util';
import { MODELS, modelToJson } from '../../core/recommend/registry';
import type { CliCommand } from '../io';
import { EXIT_OK, UsageError } from '../io';

function pad(text: string, width: number): string {
  return text.length >= width ? text : text + ' '.repeat(width - text.length);
}

/** The registry as an aligned text table. */
export function formatModelsTable(): string {
  const rows = MODELS.map((m) => [
    m.id,
    m.name,
    m.size,
    m.contextLength.toLocaleString('en-US'),
    m.isGated ? 'yes' : 'no',
    m.license,
    `${m.vramGb.train4bitLora}/${m.vramGb.inference4bit}`,
    m.tasks.join(','),
    m.deployments.join(','),
  ]);
  const header = ['ID', 'NAME', 'SIZE', 'CONTEXT', 'GATED', 'LICENSE', 'VRAM GB (train/infer)', 'TASKS (best first)', 'DEPLOY'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]): string => cells.map((c, i) => (i === cells.length - 1 ? c : pad(c, widths[i] ?? 0))).join('  ');
  return [line(header), ...rows.map(line)].join('\n') + '\n';
}

/** The models command. */
export const modelsCommand: CliCommand = async (args, io) => {
  const { values, positionals } = parseArgs({ args, allowPositionals: true, options: { json: { type: 'boolean' } } });
  if (positionals.length > 0) throw new UsageError(`models takes no arguments; got "${positionals.join(' ')}"`);
  io.stdout(values.json ? `${JSON.stringify(MODELS.map(modelToJson), null, 2)}\n` : formatModelsTable());
  return EXIT_OK;
};
