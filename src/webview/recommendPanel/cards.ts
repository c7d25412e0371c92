// How a ranked model is shown: the numbers are the host's (the language server's answer), formatted here. Plain TS:
// unit-tested under Node.
import type { RecommendResult } from '../../shared/lspProtocol';
import type { DatasetTokens } from '../../shared/recommendPanelMessages';

export type Recommendation = RecommendResult['recommendations'][number];

export function formatInt(n: number): string {
  return n.toLocaleString('en-US');
}

/** "+50", "-5", "+0". */
export function formatPoints(points: number): string {
  return points < 0 ? `${points}` : `+${points}`;
}

/** "12 min", "1 h 05 min", "< 1 min". */
export function formatMinutes(minutes: number): string {
  if (minutes < 1) return '< 1 min';
  const rounded = Math.round(minutes);
  if (rounded < 60) return `${rounded} min`;
  return `${Math.floor(rounded / 60)} h ${String(rounded % 60).padStart(2, '0')} min`;
}

/** Each reason with its points (the score terms); without terms, the reasons as the host wrote them. */
export function reasonsWithPoints(r: Recommendation): { points?: string; text: string }[] {
  if (r.terms === undefined) return r.reasons.map((text) => ({ text }));
  return r.terms.map((t) => ({ points: formatPoints(t.points), text: t.reason }));
}

/** The model's context length against the dataset's p95 / p99 tokens per example. */
export function contextFit(contextLength: number, tokens: DatasetTokens | null): { level: 'fits' | 'tight' | 'over' | 'unknown'; text: string } {
  const context = `${formatInt(contextLength)} tokens of context`;
  if (tokens === null) return { level: 'unknown', text: context };
  const p95 = `p95 ${formatInt(tokens.p95)}`;
  const p99 = `p99 ${formatInt(tokens.p99)}`;
  const tokenizer = `(${tokens.encoding})`;
  if (tokens.p99 <= contextLength) return { level: 'fits', text: `${context}: fits ${p95} / ${p99} ${tokenizer}` };
  if (tokens.p95 <= contextLength) return { level: 'tight', text: `${context}: fits ${p95} but not ${p99} ${tokenizer}` };
  return { level: 'over', text: `${context}: shorter than ${p95} / ${p99} ${tokenizer}` };
}

/** Training time per GPU and memory of the default config, as lines for a card. */
export function estimateLines(r: Recommendation): { label: string; value: string }[] {
  const lines: { label: string; value: string }[] = [];
  if (r.vram_gb !== undefined) {
    lines.push({ label: 'VRAM (4-bit LoRA training)', value: `${r.vram_gb.train_4bit_lora} GB` });
    lines.push({ label: 'VRAM (4-bit inference)', value: `${r.vram_gb.inference_4bit} GB` });
  }
  const e = r.estimate;
  if (e !== undefined) {
    lines.push({ label: 'Peak VRAM, balanced preset', value: `${e.peak_vram_gb} GB${e.fits_t4 ? ' (fits a T4)' : ' (more than a T4)'}` });
    lines.push({ label: 'Time on T4', value: formatMinutes(e.minutes.t4) });
    lines.push({ label: 'Time on L4', value: formatMinutes(e.minutes.l4) });
    lines.push({ label: 'Time on A100', value: formatMinutes(e.minutes.a100) });
  }
  return lines;
}

/** The side-by-side comparison of two models: one row per property. */
export function comparisonRows(a: Recommendation, b: Recommendation, tokens: DatasetTokens | null): { label: string; values: [string, string] }[] {
  const row = (label: string, f: (r: Recommendation) => string) => ({ label, values: [f(a), f(b)] as [string, string] });
  const rows = [
    row('Rank', (r) => `#${r.rank}`),
    row('Score', (r) => `${r.score_100} / 100`),
    row('Size', (r) => r.size),
    row('License', (r) => r.license ?? '—'),
    row('Gated', (r) => (r.is_gated ? 'Yes (accept the license on Hugging Face)' : 'No')),
    row('Context', (r) => contextFit(r.context_length, tokens).text),
  ];
  const labels = new Set([...estimateLines(a), ...estimateLines(b)].map((l) => l.label));
  for (const label of labels) rows.push(row(label, (r) => estimateLines(r).find((l) => l.label === label)?.value ?? '—'));
  return rows;
}
