// The charts' data from `slmgen/rowStats`: labelled bars, and where a token count falls on the log-spaced token
// histogram. Plain TS: unit-tested under Node.
import type { RowStatsResult } from '../../shared/lspProtocol';

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

export function chartBars(stats: RowStatsResult): { tokens: ChartBars; turns: ChartBars; roles: ChartBars; findings: ChartBars } {
  const h = stats.histogram;
  return {
    tokens: { labels: h.tokenBins.map((b) => `<${shortCount(b.to)}`), counts: h.tokenBins.map((b) => b.count) },
    turns: { labels: h.turns.map((t) => String(t.turns)), counts: h.turns.map((t) => t.count) },
    roles: { labels: h.roles.map((r) => r.role), counts: h.roles.map((r) => r.count) },
    findings: { labels: h.findingsByCode.map((f) => f.code), counts: h.findingsByCode.map((f) => f.count) },
  };
}

/**
 * Where a token count falls on the histogram's x axis (bar i spans i-0.5 … i+0.5), interpolated on a log scale
 * inside its bin; beyond the last bin it is placed just after it.
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
  return bins.length === 0 ? 0 : bins.length - 0.5;
}
