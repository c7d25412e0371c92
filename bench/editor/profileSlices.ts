// Where a CPU profile's time went during the benchmark's edits: the self time of each function over the samples that
// fall inside the edits' windows (from the edit to its diagnostics, `marks.json` written by bench/editor/suite.ts with
// --profile). Works for the extension host's profile and for the workbench page's (Chromium and Node both stamp
// samples with the machine's monotonic clock in microseconds, as the marks are).
//
//   npx tsx bench/editor/profileSlices.ts PROFILE.cpuprofile MARKS.json [--top 30] [--from changed]
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';

interface CpuProfile {
  nodes: { id: number; callFrame: { functionName: string; url: string; lineNumber: number; columnNumber: number } }[];
  startTime: number;
  samples: number[];
  timeDeltas: number[];
}

const { values, positionals } = parseArgs({ allowPositionals: true, options: { top: { type: 'string', default: '30' }, from: { type: 'string', default: 't0' } } });
const [profilePath, marksPath] = positionals;
if (!profilePath || !marksPath) throw new Error('usage: profileSlices.ts PROFILE.cpuprofile MARKS.json [--top N] [--from t0|changed]');
const profile = JSON.parse(readFileSync(profilePath, 'utf8')) as CpuProfile;
const marks = JSON.parse(readFileSync(marksPath, 'utf8')) as { t0: number; changed: number; done: number }[];
const from = values.from === 'changed' ? 'changed' : 't0';
const windows = marks.map((m) => [m[from], m.done] as const).sort((a, b) => a[0] - b[0]);

const names = new Map(profile.nodes.map((n) => [n.id, `${n.callFrame.functionName || '(anonymous)'} ${n.callFrame.url.split('/').pop() ?? ''}:${n.callFrame.lineNumber + 1}:${n.callFrame.columnNumber + 1}`]));
const totals = new Map<string, number>();
let inside = 0;
let t = profile.startTime;
for (let i = 0; i < profile.samples.length; i++) {
  t += profile.timeDeltas[i] ?? 0;
  if (!windows.some(([a, b]) => t >= a && t <= b)) continue;
  const ms = (profile.timeDeltas[i + 1] ?? 0) / 1000;
  inside += ms;
  const name = names.get(profile.samples[i]!) ?? '?';
  totals.set(name, (totals.get(name) ?? 0) + ms);
}
const windowMs = windows.reduce((sum, [a, b]) => sum + (b - a) / 1000, 0);
console.log(`${marks.length} edits, ${windowMs.toFixed(0)} ms inside their windows (from ${from}), ${inside.toFixed(0)} ms of samples there`);
for (const [name, ms] of [...totals].sort((a, b) => b[1] - a[1]).slice(0, Number(values.top))) console.log(`${ms.toFixed(1).padStart(9)} ms  ${name}`);
