// The Dataset Editor's charts, drawn with uPlot as bar charts: token lengths (with the max sequence length and the
// model's context drawn on them), turns per example, roles, findings per code. Colours are the theme's chart colours.
import uPlot from 'uplot';
import type { RowStatsResult } from '../../shared/lspProtocol';
import { chartBars, markerPosition } from './chartData';
import type { ChartBars } from './chartData';

function themeColor(name: string, fallback: string): string {
  return getComputedStyle(document.body).getPropertyValue(name).trim() || fallback;
}

/** A bar chart of labelled counts, with optional vertical markers at fractional bar positions. */
function barChart(target: HTMLElement, bars: ChartBars, markers: { at: number; label: string; color: string }[]): uPlot {
  const foreground = themeColor('--vscode-foreground', '#888');
  const grid = themeColor('--vscode-editorWidget-border', 'rgba(128,128,128,0.3)');
  const bar = themeColor('--vscode-charts-blue', '#3794ff');
  const xs = bars.labels.map((_, i) => i);
  // A marker beyond the last bar (a max sequence length longer than every example) widens the axis to show it.
  const right = Math.max(0.5, bars.labels.length - 0.5, ...markers.map((m) => m.at + 0.5));
  const longLabels = bars.labels.some((l) => l.length > 8);
  const options: uPlot.Options = {
    width: Math.max(200, target.clientWidth),
    height: 130,
    legend: { show: false },
    cursor: { show: false },
    scales: { x: { time: false, range: [-0.5, right] }, y: { range: (_u, _min, max) => [0, Math.max(1, max)] } },
    axes: [
      {
        stroke: foreground,
        grid: { show: false },
        ticks: { stroke: grid },
        splits: () => xs,
        values: (_u, splits) => splits.map((s) => bars.labels[s] ?? ''),
        font: '11px sans-serif',
        ...(longLabels ? { rotate: -25, size: 70 } : {}),
      },
      { stroke: foreground, grid: { stroke: grid, width: 1 }, ticks: { stroke: grid }, font: '11px sans-serif', size: 40 },
    ],
    series: [{}, { label: 'count', stroke: bar, fill: bar, width: 0, paths: uPlot.paths.bars!({ size: [0.7, 60] }), points: { show: false } }],
    hooks: {
      draw: [
        (u) => {
          const ctx = u.ctx;
          for (const m of markers) {
            const x = u.valToPos(m.at, 'x', true);
            ctx.save();
            ctx.strokeStyle = m.color;
            ctx.fillStyle = m.color;
            ctx.lineWidth = 2 * devicePixelRatio;
            ctx.setLineDash([6 * devicePixelRatio, 4 * devicePixelRatio]);
            ctx.beginPath();
            ctx.moveTo(x, u.bbox.top);
            ctx.lineTo(x, u.bbox.top + u.bbox.height);
            ctx.stroke();
            ctx.font = `${11 * devicePixelRatio}px sans-serif`;
            ctx.fillText(m.label, x + 4 * devicePixelRatio, u.bbox.top + 12 * devicePixelRatio);
            ctx.restore();
          }
        },
      ],
    },
  };
  return new uPlot(options, [xs, bars.counts], target);
}

/** The charts of one dataset; redrawn when the numbers change. */
export class Charts {
  private plots: uPlot[] = [];

  /** Draw the four charts; returns the time it took in milliseconds (shown on the page for measurements). */
  render(targets: { tokens: HTMLElement; turns: HTMLElement; roles: HTMLElement; findings: HTMLElement }, stats: RowStatsResult, contextLength?: number): number {
    const started = performance.now();
    this.destroy();
    const tokenBins = stats.histogram.tokenBins;
    const markers = [{ at: markerPosition(tokenBins, stats.maxSeqLength), label: `max ${stats.maxSeqLength}`, color: themeColor('--vscode-charts-red', '#f14c4c') }];
    if (contextLength !== undefined) markers.push({ at: markerPosition(tokenBins, contextLength), label: `context ${contextLength}`, color: themeColor('--vscode-charts-green', '#89d185') });
    const bars = chartBars(stats);
    this.plots = [
      barChart(targets.tokens, bars.tokens, markers),
      barChart(targets.turns, bars.turns, []),
      barChart(targets.roles, bars.roles, []),
      barChart(targets.findings, bars.findings, []),
    ];
    return performance.now() - started;
  }

  destroy(): void {
    for (const p of this.plots) p.destroy();
    this.plots = [];
  }
}
