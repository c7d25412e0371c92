// What the status bar item says for a dataset. No `vscode` import: unit-tested under Node.
import type { StatusParams } from '../../shared/lspProtocol';

/** The item's text (with codicons), tooltip (markdown) and how loud it is. */
export interface StatusView {
  text: string;
  tooltip: string;
  kind: 'normal' | 'warning' | 'error';
}

/** 950 → "950", 12,345 → "12.3k", 4,560,000 → "4.56M" (at most three significant digits above 9,999). */
export function compactNumber(n: number): string {
  if (Math.abs(n) < 1e4) return Math.round(n).toLocaleString('en-US');
  const units: [number, string][] = [[1e3, 'k'], [1e6, 'M'], [1e9, 'B']];
  for (const [i, [size, suffix]] of units.entries()) {
    const value = Math.abs(n) / size;
    const digits = value >= 100 ? 0 : value >= 10 ? 1 : 2;
    const rounded = Number(value.toFixed(digits));
    // 999,999 rounds to 1000k: say 1M instead.
    if (rounded >= 1000 && i < units.length - 1) continue;
    return `${n < 0 ? '-' : ''}${rounded}${suffix}`;
  }
  return Math.round(n).toLocaleString('en-US');
}

function plural(n: number, one: string, many: string): string {
  return `${n.toLocaleString('en-US')} ${n === 1 ? one : many}`;
}

/** The status bar item for a dataset with this status (none yet: not analysed). */
export function statusView(status: StatusParams | undefined): StatusView {
  const click = 'Click for the dataset report.';
  if (status === undefined) {
    return { text: '$(database) SLMGEN', tooltip: `SLMGEN: not analysed yet. ${click}`, kind: 'normal' };
  }
  if (status.state === 'analyzing') {
    return { text: '$(sync~spin) SLMGEN', tooltip: 'SLMGEN: analysing the dataset…', kind: 'normal' };
  }
  if (status.state === 'failed') {
    const why = status.message !== undefined && status.message !== '' ? status.message : 'the analysis failed';
    return { text: '$(warning) SLMGEN', tooltip: `SLMGEN: ${why}. See the log (SLMGEN: Show Log).`, kind: 'warning' };
  }
  const parts: string[] = [];
  parts.push(`$(database) ${plural(status.examples ?? 0, 'example', 'examples')}`);
  if (status.tokens !== undefined) parts.push(`${compactNumber(status.tokens)} tok`);
  if (status.qualityScore !== undefined) parts.push(`Q ${status.qualityScore.toFixed(2)}`);
  const errors = status.errors ?? 0;
  if (errors > 0) parts.push(`$(error) ${compactNumber(errors)}`);
  const lines = [
    `SLMGEN: ${plural(status.examples ?? 0, 'usable example', 'usable examples')}`,
    status.tokens !== undefined ? `${status.tokens.toLocaleString('en-US')} tokens${status.encoding !== undefined ? ` (${status.encoding})` : ''}` : undefined,
    status.qualityScore !== undefined ? `quality score ${status.qualityScore.toFixed(2)} of 1` : undefined,
    errors > 0 ? plural(errors, 'error', 'errors') : undefined,
  ].filter((l): l is string => l !== undefined);
  return { text: parts.join(' · '), tooltip: `${lines.join(' · ')}. ${click}`, kind: errors > 0 ? 'error' : 'normal' };
}

/** Keep the newer of two statuses of one document (notifications of an older version may arrive late). */
export function newerStatus(current: StatusParams | undefined, next: StatusParams): StatusParams {
  if (current === undefined || current.version === null || next.version === null) return next;
  return next.version >= current.version ? next : current;
}
