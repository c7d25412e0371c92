/**
 * A long-lived thread counting examples with one model's own tokenizer (`modelTokenWorker.ts` started to serve): the
 * tokenizer is loaded once, then each batch of examples sent is counted in turn. A language server keeps one for the
 * chosen model and sends it only the examples whose counts it does not know yet.
 */
import { Worker } from 'node:worker_threads';
import type { ChatExample } from '../core/formats/chat';
import type { ExampleModelTokens, ModelTokenizerInfo } from '../core/notebook/modelTokens';
import type { ModelEntry } from '../core/recommend/registry';
import type { ModelTokenWorkerData } from './modelTokenizerCounts';
import { workerScript } from './workerPool';

/** A batch of examples to count. */
export interface ModelCountRequest {
  id: number;
  examples: readonly Readonly<ChatExample>[];
}

/** What the thread posts: its tokenizer once loaded (or why it could not start), then each batch's counts. */
export type ModelCountReply =
  | { type: 'ready'; tokenizer: ModelTokenizerInfo | null; reason?: string }
  | { type: 'failed'; message: string }
  | { type: 'counts'; id: number; rows: ExampleModelTokens[] }
  | { type: 'error'; id: number; message: string };

/** The tokenizer that counts (null and a reason when the counts are o200k_base approximations). */
export interface CountingTokenizer {
  tokenizer: ModelTokenizerInfo | null;
  reason?: string;
}

/** One counting thread for one model. */
export class ModelCountThread {
  private readonly worker: Worker;
  private readonly pending = new Map<number, { resolve: (rows: ExampleModelTokens[]) => void; reject: (err: Error) => void }>();
  private nextId = 1;
  private failure: Error | undefined;
  private settle: { resolve: (t: CountingTokenizer) => void; reject: (err: Error) => void } | undefined;
  /** The tokenizer, once the thread has loaded it (rejects when it could not). */
  readonly tokenizer: Promise<CountingTokenizer>;

  constructor(readonly model: ModelEntry) {
    const script = workerScript('modelTokenWorker.js', 'modelTokenWorker.ts');
    const workerData: ModelTokenWorkerData = { model: model.id, serve: true };
    this.tokenizer = new Promise((resolve, reject) => (this.settle = { resolve, reject }));
    // Whoever asks for counts hears of a failure; the tokenizer promise must not be an unhandled rejection meanwhile.
    this.tokenizer.catch(() => undefined);
    this.worker = new Worker(script.file, { ...script.options, workerData });
    this.worker.on('message', (reply: ModelCountReply) => this.onReply(reply));
    this.worker.on('error', (err) => this.fail(err));
    this.worker.on('exit', (code) => this.fail(new Error(`the ${model.id} counting thread exited (code ${code})`)));
  }

  /** The thread failed (or was disposed): it counts nothing more. */
  get failed(): Error | undefined {
    return this.failure;
  }

  /** Count examples (after the batches sent before). */
  count(examples: readonly Readonly<ChatExample>[]): Promise<ExampleModelTokens[]> {
    if (this.failure) return Promise.reject(this.failure);
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.worker.postMessage({ id, examples } satisfies ModelCountRequest);
    });
  }

  /** Stop the thread (batches not counted yet are rejected). */
  async dispose(): Promise<void> {
    this.fail(new Error('counting stopped'));
    await this.worker.terminate();
  }

  private onReply(reply: ModelCountReply): void {
    if (reply.type === 'ready') {
      this.settle?.resolve({ tokenizer: reply.tokenizer, ...(reply.reason !== undefined ? { reason: reply.reason } : {}) });
      return;
    }
    if (reply.type === 'failed') {
      this.fail(new Error(`could not load the ${this.model.id} tokenizer: ${reply.message}`));
      return;
    }
    const waiter = this.pending.get(reply.id);
    this.pending.delete(reply.id);
    if (reply.type === 'counts') waiter?.resolve(reply.rows);
    else waiter?.reject(new Error(reply.message));
  }

  private fail(err: Error): void {
    this.failure ??= err;
    this.settle?.reject(this.failure);
    for (const p of this.pending.values()) p.reject(this.failure);
    this.pending.clear();
  }
}
