// One cleanup list for the editor harnesses: whatever was started (code-server's and Chromium's process groups, temp
// folders) is ended on every way out: normal end, a thrown error, Ctrl-C, SIGTERM from CI, and process exit.

interface CleanupTask {
  name: string;
  /** Graceful, may take a moment (close a browser, SIGTERM then wait). */
  graceful?: () => Promise<void>;
  /** Immediate and synchronous (SIGKILL a process group, rm a folder): the only kind that runs inside 'exit'. */
  immediate: () => void;
}

/** A last-in-first-out list of cleanup tasks, run once. */
export class Cleanup {
  private readonly tasks: CleanupTask[] = [];
  private running: Promise<void> | undefined;

  add(task: CleanupTask): void {
    this.tasks.push(task);
  }

  /**
   * Runs every graceful step (bounded by `timeoutMs` each), then every immediate step, emptying the list; a call
   * while a run is under way shares it. Tasks added afterwards belong to the next run.
   */
  run(timeoutMs = 5_000): Promise<void> {
    this.running ??= (async () => {
      for (const task of [...this.tasks].reverse()) {
        if (!task.graceful) continue;
        await withTimeout(task.graceful(), timeoutMs).catch((error: unknown) => {
          console.error(`cleanup: ${task.name}: ${error instanceof Error ? error.message : String(error)}`);
        });
      }
      this.runImmediate();
    })().finally(() => (this.running = undefined));
    return this.running;
  }

  /** Runs every immediate step now (for process 'exit', where nothing asynchronous can happen any more). */
  runImmediate(): void {
    while (this.tasks.length > 0) {
      const task = this.tasks.pop()!;
      try {
        task.immediate();
      } catch (error) {
        console.error(`cleanup: ${task.name}: ${error instanceof Error ? error.message : String(error)}`);
      }
    }
  }
}

/**
 * Ends the run on SIGINT, SIGTERM and SIGHUP (after cleaning up) and kills what is left on process exit, whatever
 * the path to it (an uncaught error included).
 */
export function trapSignals(cleanup: Cleanup, label: string): void {
  const signals = { SIGINT: 2, SIGTERM: 15, SIGHUP: 1 } as const;
  for (const [signal, number] of Object.entries(signals)) {
    process.once(signal, () => {
      console.error(`${label}: ${signal} received, stopping code-server and Chromium`);
      void cleanup.run(3_000).finally(() => process.exit(128 + number));
    });
  }
  process.once('exit', () => cleanup.runImmediate());
}

/** Sends `signal` to a whole process group; false when the group no longer exists. */
export function killGroup(pgid: number, signal: NodeJS.Signals | 0): boolean {
  try {
    process.kill(-pgid, signal);
    return true;
  } catch {
    return false;
  }
}

/** Whether any process of the group is still alive. */
export function groupAlive(pgid: number): boolean {
  return killGroup(pgid, 0);
}

/** SIGTERM to the group, SIGKILL after `graceMs` if anything is left. */
export async function stopGroup(pgid: number, graceMs = 3_000): Promise<void> {
  if (!killGroup(pgid, 'SIGTERM')) return;
  const deadline = Date.now() + graceMs;
  while (Date.now() < deadline) {
    if (!groupAlive(pgid)) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  killGroup(pgid, 'SIGKILL');
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`did not finish within ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
