/**
 * Open documents analysed off the caller's thread. A `DocumentHost` keeps every open document's `DatasetDocument` in
 * one worker thread: an edit is applied there and its per-record findings come straight back; the whole-file part
 * (duplicates, near duplicates, contradictions, the report) is computed after it, cancelled as soon as a newer edit
 * of the same document is sent (the worker reads the latest version from shared memory at its checkpoints), and
 * published only while it is current. A language server's main thread therefore never runs analysis and never waits
 * on a stale computation.
 */
import { Worker } from 'node:worker_threads';
import type { DocumentChange, DocumentFix, DocumentSnapshot } from '../core/analysis/datasetDocument';
import type { CodeName } from '../core/checks/codes';
import type { Finding, Range } from '../core/types';
import type { DocumentRequest, DocumentResponse, DocumentSettings } from './documentProtocol';
import { MAX_DOCUMENTS } from './documentProtocol';
import { workerScript } from './workerPool';

export type { DocumentSettings } from './documentProtocol';

/** Per-record findings of a document version (current as soon as the edit is applied). */
export interface RecordFindings {
  uri: string;
  version: number;
  findings: Finding[];
}

/** Receives whole-file snapshots, each only while its version is the document's latest. */
export type SnapshotListener = (uri: string, snapshot: DocumentSnapshot) => void;

/** What the host reports about whole-file work besides its results (e.g. for a progress indicator). */
export interface WholeFileListener {
  started?(uri: string, version: number): void;
  /** Given up because a newer version was announced (before it started, or at a checkpoint). */
  cancelled?(uri: string, version: number): void;
}

interface Pending {
  resolve: (value: never) => void;
  reject: (err: Error) => void;
}

/** One worker thread holding the open documents. */
export class DocumentHost {
  private readonly worker: Worker;
  /** Latest version sent per document slot; the worker cancels whole-file work for older versions. */
  private readonly versions = new Int32Array(new SharedArrayBuffer(4 * MAX_DOCUMENTS));
  private readonly slots = new Map<string, number>();
  private readonly latest = new Map<string, number>();
  private readonly pending = new Map<number, Pending>();
  private readonly waiting = new Map<string, { version: number; resolve: (s: DocumentSnapshot) => void; reject: (err: Error) => void }[]>();
  private readonly snapshots = new Map<string, DocumentSnapshot>();
  private nextRequest = 1;
  private failure: Error | undefined;
  /** Whole-file snapshots computed and then dropped because a newer version had been sent meanwhile. */
  discarded = 0;
  /** Whole-file computations the worker gave up at a checkpoint because a newer version was announced. */
  cancelled = 0;

  constructor(
    settings: DocumentSettings,
    private readonly onSnapshot: SnapshotListener = () => undefined,
    private readonly wholeFile: WholeFileListener = {},
  ) {
    const script = workerScript('documentWorker.js', 'documentWorker.ts', settings.exact);
    this.worker = new Worker(script.file, { ...script.options, workerData: { settings, versions: this.versions } });
    this.worker.on('message', (msg: DocumentResponse) => this.onMessage(msg));
    this.worker.on('error', (err) => this.fail(err));
    this.worker.on('exit', (code) => this.fail(new Error(`document worker exited with code ${code}`)));
  }

  /** Open (or re-open) a document with its text, or with the file's bytes (invalid UTF-8 is then located). */
  open(uri: string, version: number, content: string | Uint8Array): Promise<RecordFindings> {
    let slot = this.slots.get(uri);
    if (slot === undefined) {
      const used = new Set(this.slots.values());
      slot = 0;
      while (used.has(slot)) slot++;
      if (slot >= MAX_DOCUMENTS) return Promise.reject(new Error(`at most ${MAX_DOCUMENTS} documents can be open at once`));
      this.slots.set(uri, slot);
    }
    this.announce(uri, slot, version);
    return this.request<RecordFindings>((id) => ({ type: 'open', id, uri, slot, version, content }));
  }

  /** Apply editor changes (in order); resolves with the per-record findings of `version`. */
  change(uri: string, version: number, changes: DocumentChange[]): Promise<RecordFindings> {
    const slot = this.slots.get(uri);
    if (slot === undefined) return Promise.reject(new Error(`${uri} is not open`));
    this.announce(uri, slot, version);
    return this.request<RecordFindings>((id) => ({ type: 'change', id, uri, version, changes }));
  }

  /** Forget a document. */
  close(uri: string): Promise<void> {
    const slot = this.slots.get(uri);
    if (slot === undefined) return Promise.resolve();
    this.slots.delete(uri);
    this.latest.delete(uri);
    this.snapshots.delete(uri);
    Atomics.store(this.versions, slot, -1);
    return this.request<void>((id) => ({ type: 'close', id, uri }));
  }

  /** The whole-file snapshot of the document's latest version (waits for it when it is being computed). */
  snapshot(uri: string): Promise<DocumentSnapshot> {
    const version = this.latest.get(uri);
    if (version === undefined) return Promise.reject(new Error(`${uri} is not open`));
    const known = this.snapshots.get(uri);
    if (known?.version === version) return Promise.resolve(known);
    return new Promise((resolve, reject) => {
      const list = this.waiting.get(uri) ?? [];
      list.push({ version, resolve, reject });
      this.waiting.set(uri, list);
    });
  }

  /** The fixes of one finding, for `version` (refused with a StaleVersionError message when it is not current). */
  fixes(uri: string, version: number, target: { code: CodeName; range: Range }): Promise<DocumentFix[]> {
    return this.request<DocumentFix[]>((id) => ({ type: 'fixes', id, uri, version, target }));
  }

  /** Stop the worker. */
  async dispose(): Promise<void> {
    this.failure ??= new Error('document host disposed');
    await this.worker.terminate();
  }

  private announce(uri: string, slot: number, version: number): void {
    this.latest.set(uri, version);
    // Written before the message is posted: the worker's checkpoints see it while it computes an older version.
    Atomics.store(this.versions, slot, version);
  }

  private request<T>(make: (id: number) => DocumentRequest): Promise<T> {
    if (this.failure) return Promise.reject(this.failure);
    const id = this.nextRequest++;
    return new Promise<T>((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (value: never) => void, reject });
      this.worker.postMessage(make(id));
    });
  }

  private onMessage(msg: DocumentResponse): void {
    if (msg.type === 'started') {
      this.wholeFile.started?.(msg.uri, msg.version);
      return;
    }
    if (msg.type === 'cancelled') {
      this.cancelled++;
      this.wholeFile.cancelled?.(msg.uri, msg.version);
      return;
    }
    if (msg.type === 'snapshotFailed') {
      const list = this.waiting.get(msg.uri) ?? [];
      this.waiting.delete(msg.uri);
      for (const w of list) w.reject(new Error(`whole-file analysis of ${msg.uri} failed: ${msg.message}`));
      return;
    }
    if (msg.type === 'snapshot') {
      // Published only while current: a newer version may have been sent while this one was being finished.
      if (this.latest.get(msg.uri) !== msg.snapshot.version) {
        this.discarded++;
        return;
      }
      this.snapshots.set(msg.uri, msg.snapshot);
      const list = this.waiting.get(msg.uri) ?? [];
      this.waiting.delete(msg.uri);
      for (const w of list) if (w.version === msg.snapshot.version) w.resolve(msg.snapshot);
      this.onSnapshot(msg.uri, msg.snapshot);
      return;
    }
    const waiter = this.pending.get(msg.id);
    this.pending.delete(msg.id);
    if (!waiter) return;
    if (msg.type === 'error') waiter.reject(Object.assign(new Error(msg.message), { name: msg.name }));
    else waiter.resolve(msg.result as never);
  }

  private fail(err: Error): void {
    this.failure ??= err;
    for (const p of this.pending.values()) p.reject(err);
    this.pending.clear();
    for (const list of this.waiting.values()) for (const w of list) w.reject(err);
    this.waiting.clear();
  }
}
