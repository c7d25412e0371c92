// One measured analysis pass in its own process (so peak RSS is this pass alone). Prints one JSON line.
// Usage: node dist/benchPass.js FILE fast|exact [workers] (bundled by npm run build)
import { readdirSync, readFileSync } from 'node:fs';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { analyzeFileInWorker } from '../src/node/analyzeInWorker';

/**
 * CPU seconds (user + system) used so far by each thread of this process, from /proc/self/task (Linux; empty
 * elsewhere). Threads that exit disappear from /proc, so the caller samples while the pass runs.
 */
function threadCpu(): Map<string, number> {
  const out = new Map<string, number>();
  let tasks: string[];
  try {
    tasks = readdirSync('/proc/self/task');
  } catch {
    return out;
  }
  const tick = 100; // USER_HZ on Linux
  for (const task of tasks) {
    try {
      const stat = readFileSync(`/proc/self/task/${task}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      out.set(task, (Number(fields[11]) + Number(fields[12])) / tick);
    } catch {
      // The thread exited between readdir and read.
    }
  }
  return out;
}

async function main(): Promise<void> {
  const [file, mode, workersArg] = process.argv.slice(2);
  if (!file || (mode !== 'fast' && mode !== 'exact')) throw new Error('usage: pass.ts FILE fast|exact [workers]');
  const delay = monitorEventLoopDelay({ resolution: 10 });
  delay.enable();
  const cpu = new Map<string, number>();
  const sample = () => {
    for (const [task, t] of threadCpu()) cpu.set(task, t);
  };
  const sampler = setInterval(sample, 250);
  const t0 = performance.now();
  // As the slmgen CLI runs it: the whole analysis on a worker thread started with the tuned old generation (this
  // process is ours, like the CLI's; the extension host and the server run the same thread without the tuning).
  const { report } = await analyzeFileInWorker(file, { exact: mode === 'exact', workers: Number(workersArg ?? 2), findingCapPerCode: 1000 }, { tuneOldGeneration: true });
  const seconds = (performance.now() - t0) / 1000;
  clearInterval(sampler);
  sample();
  delay.disable();
  // Busiest threads first: the analysing threads, then V8's helpers (compiler, GC) and libuv's.
  const threads = [...cpu.values()].sort((a, b) => b - a).filter((t) => t >= 0.05);
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
      threadCpuSeconds: threads.map((t) => Math.round(t * 100) / 100),
    }) + '\n',
  );
}

void main();
