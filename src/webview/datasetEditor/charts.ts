// The Dataset Editor's charts, drawn with uPlot as bar charts: token lengths (with the max sequence length and the
// model's context drawn on them), turns per example, roles, findings per code. Colours are the theme's chart colours.
import uPlot from 'uplot';
import type { RowStatsResult } from '../../shared/lspProtocol';
import { CHARTS_MEASURE, chartBars, labelStep, markerPosition, tokenChart } from './chartData';
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
  const width = Math.max(200, target.clientWidth);
  // The y axis takes 40 px; in a narrow editor only every n-th bar is labelled.
  const step = labelStep(bars.labels, ((width - 40) * bars.labels.length) / (right + 0.5), longLabels);
  const options: uPlot.Options = {
    width,
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
        values: (_u, splits) => splits.map((s) => (s % step === 0 ? (bars.labels[s] ?? '') : '')),
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
          for (const [i, m] of markers.entries()) {
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
            // One line per marker (close markers' labels would overlap), left of the line where the right edge is near.
            const width = ctx.measureText(m.label).width;
            const right = x + 4 * devicePixelRatio + width <= u.bbox.left + u.bbox.width;
            ctx.fillText(m.label, right ? x + 4 * devicePixelRatio : x - 4 * devicePixelRatio - width, u.bbox.top + 12 * (i + 1) * devicePixelRatio);
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

  /**
   * Draw the four charts; resolves to the time it took in milliseconds (shown on the page for measurements), also
   * recorded as a {@link CHARTS_MEASURE} User Timing measure. uPlot paints its canvas in a microtask queued when an
   * instance is created: the time ends in one queued after those, so it includes the painting.
   */
  render(targets: { tokens: HTMLElement; turns: HTMLElement; roles: HTMLElement; findings: HTMLElement }, stats: RowStatsResult): Promise<number> {
    const started = performance.now();
    this.destroy();
    const chart = tokenChart(stats);
    const colors = { maxSeqLength: themeColor('--vscode-charts-red', '#f14c4c'), context: themeColor('--vscode-charts-green', '#89d185') };
    const markers = chart.markers.map((m) => ({ at: markerPosition(chart.bins, m.tokens), label: m.label, color: colors[m.kind] }));
    // The markers, readable without the canvas (tests, screen readers read the figure's label).
    targets.tokens.dataset['markers'] = chart.markers.map((m) => `${m.kind}:${m.tokens}`).join(' ');
    const bars = chartBars(stats);
    this.plots = [
      barChart(targets.tokens, bars.tokens, markers),
      barChart(targets.turns, bars.turns, []),
      barChart(targets.roles, bars.roles, []),
      barChart(targets.findings, bars.findings, []),
    ];
    return new Promise((resolve) => queueMicrotask(() => resolve(performance.measure(CHARTS_MEASURE, { start: started, end: performance.now() }).duration)));
  }

  destroy(): void {
    for (const p of this.plots) p.destroy();
    this.plots = [];
  }
}
