/**
 * A small pool of analysis worker threads. Blocks go to the least-busy worker; each answer resolves the promise
 * of its block. From bundles the worker is `dist/worker.js`; from TypeScript sources (tests, tsx) it is
 * `analysisWorker.ts` run through tsx.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { Worker, type WorkerOptions } from 'node:worker_threads';
import type { BlockAnalysis } from './blockAnalysis';
import type { AnalysisSettings, WorkerRequest, WorkerResponse } from './workerProtocol';

/** What a worker returns for one block, with the block's buffer (transferred back for reuse). */
export interface BlockResult extends BlockAnalysis {
  bytes: ArrayBuffer;
}

interface Slot {
  worker: Worker;
  busy: number;
  waiting: Map<number, { resolve: (r: BlockResult) => void; reject: (e: Error) => void }>;
}

/**
 * Young-generation limit of analysis threads. Analysis allocates short-lived strings at a high rate and V8 grows the
 * young generation to its maximum for it; capping it at 8 MB cut peak RSS by ~45 MB per run on 100 MB (fast pass:
 * 240 → 193 MB) at no measurable cost in time (bench/pass.ts).
 */
const YOUNG_GENERATION_MB = 8;
/**
 * Young generation of analysis threads in a fast pass (estimated tokens). The thread that reads and merges ran 3,655
 * scavenges and 169 full collections over 1 GB at 8 MB (2.9 s of pauses), 548 and 117 at 48 MB (1.8 s); 24 MB ran
 * as fast as 48 MB (best of 3: 18.5 s both) at the peak RSS of 8 MB (543 against 579 MB). The exact pass keeps
 * 8 MB: its tokenizer caches need the room under 600 MB.
 */
const FAST_YOUNG_GENERATION_MB = 24;

/**
 * Initial old-generation limit of the thread that reads and merges a file (`analyzeFileInWorker`) when the caller
 * opts in with `tuneOldGeneration`. V8 starts a full (mark-compact) collection whenever the room left under the
 * old-generation limit is less than the young generation; with ~10 MB live, its computed limit (~27 MB) always was,
 * and that thread ran 99–111 full collections per GB in a fast pass (one every 150 ms: ~20 ms of pause plus ~17 ms
 * of background marking each). At 48 MB: 33–37 (36 if pool workers got it too, which they hardly need: 15 either
 * way); peak RSS +20–50 MB in a fast pass, none in an exact pass (1 GB: 545 → 533 MB).
 */
const INITIAL_OLD_GENERATION_MB = 48;
/** Analysis threads started from this thread that are not online yet, and those of them that asked for the tuning. */
let starting = 0;
let tunedStarting = 0;

/** The initial old-space size this process was started with (V8's default is 0: computed). */
function startupInitialOldSpace(): number {
  const args = [...process.execArgv, ...(process.env.NODE_OPTIONS ?? '').split(/\s+/)];
  let size = 0;
  for (const arg of args) {
    const m = /^--initial[-_]old[-_]space[-_]size=(\d+)$/.exec(arg);
    if (m) size = Number(m[1]);
  }
  return size;
}

/** How an analysis thread is started. */
export interface AnalysisThreadOptions {
  /**
   * Start the thread with a 48 MB initial old generation (default false). A worker takes V8 heap settings only from
   * flags, and V8's flags belong to the whole process: only a caller that owns its process (the `slmgen` CLI) may
   * ask for this. Library hosts (an editor's extension host, the server, a language server) leave it off, so that
   * the engine never changes their process-wide settings.
   */
  tuneOldGeneration?: boolean;
}

/**
 * Start the reading and merging thread of an analysis. By default this is a plain `new Worker`: no V8 flag is
 * touched. With `tuneOldGeneration`, V8 reads the flag when the thread's isolate is created, after `new Worker`
 * returns: the flag is raised while such a thread starts and put back to the process's own value once every tuned
 * one started from this thread is online (or gone). The flag is process-wide, so a thread created elsewhere in the
 * process in that window (milliseconds) starts with it too, and tuned starts from two threads at once could give one
 * of them the default (time only, never results).
 */
export function spawnAnalysisWorker(script: { file: string; options: WorkerOptions }, thread: AnalysisThreadOptions = {}): Worker {
  const tune = thread.tuneOldGeneration === true;
  starting++;
  if (tune && tunedStarting++ === 0) setFlagsFromString(`--initial-old-space-size=${INITIAL_OLD_GENERATION_MB}`);
  let started = false;
  const onStarted = () => {
    if (started) return;
    started = true;
    starting--;
    if (tune && --tunedStarting === 0) setFlagsFromString(`--initial-old-space-size=${startupInitialOldSpace()}`);
  };
  let worker: Worker;
  try {
    worker = new Worker(script.file, script.options);
  } catch (err) {
    onStarted();
    throw err;
  }
  worker.once('online', onStarted);
  worker.once('error', onStarted);
  worker.once('exit', onStarted);
  return worker;
}

/** Analysis threads started by {@link spawnAnalysisWorker} from this thread that are not online yet (for tests). */
export function analysisWorkersStarting(): number {
  return starting;
}

/** Of {@link analysisWorkersStarting}, those started with `tuneOldGeneration` (the flag is raised while any is). */
export function tunedAnalysisWorkersStarting(): number {
  return tunedStarting;
}

/**
 * Resolve a worker script for the current layout: the bundle next to this file (dist/), else the TypeScript
 * source run through tsx (tests, development). `options` are the Worker options every analysis thread gets; its young
 * generation depends on whether the thread counts exact tokens.
 */
export function workerScript(
  bundle = 'worker.js',
  source = 'analysisWorker.ts',
  exact = true,
): { file: string; options: WorkerOptions } {
  const bundled = join(__dirname, bundle);
  const resourceLimits = { maxYoungGenerationSizeMb: exact ? YOUNG_GENERATION_MB : FAST_YOUNG_GENERATION_MB };
  if (existsSync(bundled)) return { file: bundled, options: { execArgv: [], resourceLimits } };
  return { file: join(__dirname, source), options: { execArgv: ['--require', 'tsx/cjs'], resourceLimits } };
}

/** A fixed-size pool; `close()` terminates every worker. */
export class WorkerPool {
  private readonly slots: Slot[] = [];
  private failure: Error | undefined;

  constructor(size: number, settings: AnalysisSettings) {
    const script = workerScript(undefined, undefined, settings.exact);
    for (let i = 0; i < size; i++) {
      const worker = new Worker(script.file, script.options);
      const slot: Slot = { worker, busy: 0, waiting: new Map() };
      worker.on('message', (msg: WorkerResponse) => this.onMessage(slot, msg));
      worker.on('error', (err) => this.fail(slot, err));
      worker.on('exit', (code) => {
        if (code !== 0 && slot.waiting.size > 0) this.fail(slot, new Error(`analysis worker exited with code ${code}`));
      });
      worker.postMessage({ type: 'init', settings } satisfies WorkerRequest);
      this.slots.push(slot);
    }
  }

  /** Blocks sent and not answered yet. */
  get outstanding(): number {
    let n = 0;
    for (const s of this.slots) n += s.busy;
    return n;
  }

  /** Analyse one block; the block's buffer is transferred (not copied) to the worker and back. */
  run(request: Extract<WorkerRequest, { type: 'block' }>): Promise<BlockResult> {
    if (this.failure) return Promise.reject(this.failure);
    let slot = this.slots[0] as Slot;
    for (const s of this.slots) if (s.busy < slot.busy) slot = s;
    slot.busy++;
    return new Promise<BlockResult>((resolve, reject) => {
      slot.waiting.set(request.id, { resolve, reject });
      slot.worker.postMessage(request, [request.bytes, ...request.spares]);
    });
  }

  private onMessage(slot: Slot, msg: WorkerResponse): void {
    if (msg.type === 'block') {
      const waiter = slot.waiting.get(msg.id);
      slot.waiting.delete(msg.id);
      slot.busy--;
      waiter?.resolve({ records: msg.records, blankLines: msg.blankLines, hasBom: msg.hasBom, bytes: msg.bytes });
    } else if (msg.type === 'error') {
      this.fail(slot, new Error(`analysis worker failed: ${msg.message}`));
    }
  }

  private fail(slot: Slot, err: Error): void {
    this.failure = err;
    for (const w of slot.waiting.values()) w.reject(err);
    slot.waiting.clear();
  }

  /** Stop all workers (also used for cancellation). */
  async close(): Promise<void> {
    await Promise.all(this.slots.map((s) => s.worker.terminate()));
  }
}
