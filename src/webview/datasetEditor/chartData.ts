// The charts' data from `slmgen/rowStats`: labelled bars, and where a token count falls on the log-spaced token
// histogram. Plain TS: unit-tested under Node.
import type { RowStatsResult } from '../../shared/lspProtocol';

/**
 * The User Timing measure (`performance.measure`) of one drawing of the four charts, one entry per draw; the editor
 * benchmark reads them from the webview frame with `performance.getEntriesByName`.
 */
export const CHARTS_MEASURE = 'slmgen-charts';

export interface ChartBars {
  labels: string[];
  counts: number[];
}

/** A token count in a short form for an axis: 512, 4k, 1M. */
export function shortCount(n: number): string {
  if (n >= 1_048_576 && n % 1_048_576 === 0) return `${n / 1_048_576}M`;
  if (n >= 1024 && n % 1024 === 0) return `${n / 1024}k`;
  return String(n);
}

function tokenBars(bins: RowStatsResult['histogram']['tokenBins']): ChartBars {
  return { labels: bins.map((b) => `<${shortCount(b.to)}`), counts: bins.map((b) => b.count) };
}

export function chartBars(stats: RowStatsResult): { tokens: ChartBars; turns: ChartBars; roles: ChartBars; findings: ChartBars } {
  const h = stats.histogram;
  return {
    tokens: tokenBars(tokenChart(stats).bins),
    turns: { labels: h.turns.map((t) => String(t.turns)), counts: h.turns.map((t) => t.count) },
    roles: { labels: h.roles.map((r) => r.role), counts: h.roles.map((r) => r.count) },
    findings: { labels: h.findingsByCode.map((f) => f.code), counts: h.findingsByCode.map((f) => f.count) },
  };
}

/** A dashed vertical line on the token histogram. */
export interface TokenMarker {
  kind: 'maxSeqLength' | 'context';
  tokens: number;
  label: string;
}

/**
 * The token histogram: the chosen model's own counts once they are ready (else the report's encoding), with the max
 * sequence length and the chosen model's context window marked.
 */
export function tokenChart(stats: RowStatsResult): { bins: RowStatsResult['histogram']['tokenBins']; caption: string; markers: TokenMarker[] } {
  const m = stats.model ?? null;
  const own = m !== null && m.state === 'ready';
  const maxSeqLength = own ? m.maxSeqLength : stats.maxSeqLength;
  const markers: TokenMarker[] = [{ kind: 'maxSeqLength', tokens: maxSeqLength, label: `max ${shortCount(maxSeqLength)}` }];
  if (m !== null) markers.push({ kind: 'context', tokens: m.contextLength, label: `${m.name} context ${shortCount(m.contextLength)}` });
  const counted = own ? `${m.name} tokens (${m.tokenizer ?? 'approximate'})` : 'Tokens';
  const marked = m !== null ? `dashed: max sequence length, ${m.name}'s context` : 'dashed: max sequence length';
  return { bins: own ? m.tokenBins : stats.histogram.tokenBins, caption: `${counted} per example (${marked})`, markers };
}

/**
 * Where a token count falls on the histogram's x axis (bar i spans i-0.5 … i+0.5), interpolated on a log scale
 * inside its bin; beyond the last bin it continues the bins' doubling (one bar width per power of two).
 */
export function markerPosition(bins: RowStatsResult['histogram']['tokenBins'], tokens: number): number {
  for (let i = 0; i < bins.length; i++) {
    const bin = bins[i]!;
    if (tokens >= bin.from && tokens < bin.to) {
      const from = Math.log2(Math.max(1, bin.from));
      const to = Math.log2(Math.max(2, bin.to));
      const share = to > from ? (Math.log2(Math.max(1, tokens)) - from) / (to - from) : 0;
      return i - 0.5 + Math.min(1, Math.max(0, share));
    }
  }
  const last = bins[bins.length - 1];
  if (last === undefined) return 0;
  if (tokens < last.to) return bins.length - 0.5;
  return bins.length - 0.5 + Math.log2(tokens / Math.max(1, last.to));
}

/** Pixels per character of the axes' 11px font (a little more than its average advance). */
const LABEL_CHAR_PX = 7;
/** Height of a rotated label's line. */
const ROTATED_LABEL_PX = 14;

/**
 * Label every n-th bar so that labels do not overlap on an axis `plotWidth` pixels wide: horizontal labels take their
 * length, rotated ones (long labels) one line height.
 */
export function labelStep(labels: readonly string[], plotWidth: number, rotated: boolean): number {
  if (labels.length === 0) return 1;
  const each = rotated ? ROTATED_LABEL_PX : Math.max(...labels.map((l) => l.length)) * LABEL_CHAR_PX + 8;
  return Math.max(1, Math.ceil((labels.length * each) / Math.max(1, plotWidth)));
}
