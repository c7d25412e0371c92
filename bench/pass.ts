// One measured analysis pass in its own process (so peak RSS is this pass alone). Prints one JSON line.
// Usage: node dist/benchPass.js FILE fast|exact [workers] (bundled by npm run build)
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { analyzeFileInWorker } from '../src/node/analyzeInWorker';

async function main(): Promise<void> {
  const [file, mode, workersArg] = process.argv.slice(2);
  if (!file || (mode !== 'fast' && mode !== 'exact')) throw new Error('usage: pass.ts FILE fast|exact [workers]');
  const delay = monitorEventLoopDelay({ resolution: 10 });
  delay.enable();
  const t0 = performance.now();
  // As the extension host and the server run it: the whole analysis off the host thread.
  const { report } = await analyzeFileInWorker(file, { exact: mode === 'exact', workers: Number(workersArg ?? 2), findingCapPerCode: 1000 });
  const seconds = (performance.now() - t0) / 1000;
  delay.disable();
  process.stdout.write(
    JSON.stringify({
      seconds,
      maxRssMB: process.resourceUsage().maxRSS / 1024,
      loopP99ms: delay.percentile(99) / 1e6,
      loopMaxMs: delay.max / 1e6,
      examples: report.total_examples,
      exactDups: report.duplicates.exact.count,
      nearDups: report.duplicates.near.count,
      tokens: report.total_tokens,
    }) + '\n',
  );
}

void main();
