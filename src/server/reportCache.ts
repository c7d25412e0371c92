/**
 * Analysis results per session: computed once (concurrent requests share one run), at most N at a time, and
 * cached as `report.json` in the session directory so that a restart does not recompute them.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { DatasetReport } from '../core/analysis/report';
import { writeFileAtomic } from './fsUtil';
import { HttpError } from './httpError';
import type { SessionStore } from './sessionStore';

/** The answer of a request whose analysis (or count of a model's tokens) was cancelled by shutdown. */
export function shuttingDown(): HttpError {
  return new HttpError(503, 'Server is shutting down: the analysis was cancelled. Retry when the server is back.');
}

type Analyze = (path: string, signal: AbortSignal) => Promise<DatasetReport>;

/** Shares and caches analyses of session datasets. */
export class ReportCache {
  private readonly inFlight = new Map<string, Promise<DatasetReport>>();
  private readonly waiting: (() => void)[] = [];
  private running = 0;
  private readonly abort = new AbortController();

  constructor(
    private readonly sessions: SessionStore,
    private readonly analyze: Analyze,
    private readonly concurrency: number,
  ) {}

  /** The report of a session's dataset. */
  get(sessionId: string): Promise<DatasetReport> {
    const pending = this.inFlight.get(sessionId);
    if (pending) return pending;
    const run = this.load(sessionId).finally(() => this.inFlight.delete(sessionId));
    this.inFlight.set(sessionId, run);
    return run;
  }

  /** Aborted by {@link cancelAll}: other long work of a request (counting a model's tokens) stops with it. */
  get signal(): AbortSignal {
    return this.abort.signal;
  }

  /** Cancel running and queued analyses (at shutdown): their requests answer 503. */
  cancelAll(): void {
    this.abort.abort();
  }

  private async load(sessionId: string): Promise<DatasetReport> {
    const file = join(this.sessions.dir(sessionId), 'report.json');
    try {
      return JSON.parse(await readFile(file, 'utf8')) as DatasetReport;
    } catch {
      // Not computed yet (or unreadable): compute below.
    }
    await this.acquire();
    try {
      if (this.abort.signal.aborted) throw shuttingDown();
      const report = await this.analyze(this.sessions.datasetPath(sessionId), this.abort.signal);
      // The session may have been deleted meanwhile; the report is still the right answer for this request.
      await writeFileAtomic(file, JSON.stringify(report)).catch(() => undefined);
      return report;
    } catch (error) {
      if (this.abort.signal.aborted) throw shuttingDown();
      throw error;
    } finally {
      this.release();
    }
  }

  private acquire(): Promise<void> {
    if (this.running < this.concurrency) {
      this.running++;
      return Promise.resolve();
    }
    return new Promise((resolve) => this.waiting.push(resolve));
  }

  private release(): void {
    const next = this.waiting.shift();
    if (next) next();
    else this.running--;
  }
}
