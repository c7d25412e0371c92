/**
 * Open documents analysed off the caller's thread. A `DocumentHost` keeps every open document's `DatasetDocument` in
 * one worker thread: an edit is applied there and its per-record findings come straight back; the whole-file part
 * (duplicates, near duplicates, contradictions, the report) is computed after it, cancelled as soon as a newer edit
 * of the same document is sent (the worker reads the latest version from shared memory at its checkpoints), and
 * published only while it is current. A language server's main thread therefore never runs analysis and never waits
 * on a stale computation.
 */
import { Worker } from 'node:worker_threads';
import type { DocumentChange, DocumentFix, DocumentSnapshot, RecordInfo } from '../core/analysis/datasetDocument';
import type { CodeName } from '../core/checks/codes';
import type { RecordColumns } from '../core/analysis/recordColumns';
import type { ChatExample } from '../core/formats/chat';
import type { Finding, Position, Range } from '../core/types';
import type { DocumentRequest, DocumentResponse, DocumentSettings } from './documentProtocol';
import type { ExampleKeys, PackedFindings } from './documentProtocol';
import { MAX_DOCUMENTS, fromJsonBuffer, unpackFindings } from './documentProtocol';
import { findingToJson } from '../core/analysis/reportAssembly';
import type { DatasetReport } from '../core/analysis/report';
import { workerScript } from './workerPool';

export type { DocumentSettings, ExampleKeys } from './documentProtocol';

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
  /** The whole-file computation of the document's latest version failed (an engine error: no snapshot will come). */
  failed?(uri: string, version: number, message: string): void;
}

interface Pending {
  resolve: (value: never) => void;
  reject: (err: Error) => void;
}

interface Waiter {
  stamp: number;
  resolve: (s: DocumentSnapshot) => void;
  reject: (err: Error) => void;
}

/** One worker thread holding the open documents. */
export class DocumentHost {
  private readonly worker: Worker;
  /** Per document slot, the stamp of the latest open or change sent; the worker gives up work for older stamps. */
  private readonly stamps = new Int32Array(new SharedArrayBuffer(4 * MAX_DOCUMENTS));
  private stamp = 0;
  private readonly slots = new Map<string, number>();
  /** The stamp of each open document's latest open or change. */
  private readonly latest = new Map<string, number>();
  private readonly pending = new Map<number, Pending>();
  private readonly waiting = new Map<string, Waiter[]>();
  private readonly snapshots = new Map<string, { stamp: number; snapshot: DocumentSnapshot }>();
  private nextRequest = 1;
  private failure: Error | undefined;
  /** Whole-file snapshots computed and then dropped because something newer had been sent meanwhile. */
  discarded = 0;
  /** Whole-file computations the worker gave up (before they started, or at a checkpoint) for something newer. */
  cancelled = 0;

  /**
   * @param onSnapshot gets each whole-file snapshot while it is current.
   * @param wholeFile hears when whole-file work starts or is given up (e.g. for a progress indicator).
   * @param onFailure hears once that the worker failed; every open document must then be opened in a new host.
   */
  constructor(
    settings: DocumentSettings,
    private readonly onSnapshot: SnapshotListener = () => undefined,
    private readonly wholeFile: WholeFileListener = {},
    private readonly onFailure: (err: Error) => void = () => undefined,
  ) {
    const script = workerScript('documentWorker.js', 'documentWorker.ts', settings.exact);
    // V8's own heap sizing: open documents are long-lived data, not the short-lived strings of a streaming pass
    // that the analysis threads' young-generation caps are for.
    this.worker = new Worker(script.file, { execArgv: script.options.execArgv, workerData: { settings, stamps: this.stamps } });
    this.worker.on('message', (msg: DocumentResponse) => this.onMessage(msg));
    this.worker.on('error', (err) => this.fail(err));
    this.worker.on('exit', (code) => this.fail(new Error(`document worker exited with code ${code}`)));
  }

  /** The worker failed (or the host was disposed): nothing more can be done with this host. */
  get failed(): boolean {
    return this.failure !== undefined;
  }

  /** Open (or re-open) a document with its text, or with the file's bytes (invalid UTF-8 is then located). */
  open(uri: string, version: number, content: string | Uint8Array): Promise<RecordFindings> {
    if (this.failure) return Promise.reject(this.failure);
    let slot = this.slots.get(uri);
    if (slot === undefined) {
      const used = new Set(this.slots.values());
      slot = 0;
      while (used.has(slot)) slot++;
      if (slot >= MAX_DOCUMENTS) return Promise.reject(new Error(`at most ${MAX_DOCUMENTS} documents can be open at once`));
      this.slots.set(uri, slot);
    }
    const stamp = this.announce(uri, slot);
    return this.request<RecordFindings>(uri, (id) => ({ type: 'open', id, uri, slot, stamp, version, content }));
  }

  /** Apply editor changes (in order); resolves with the per-record findings of `version`. */
  change(uri: string, version: number, changes: DocumentChange[]): Promise<RecordFindings> {
    const slot = this.slots.get(uri);
    if (slot === undefined) return Promise.reject(new Error(`${uri} is not open`));
    const stamp = this.announce(uri, slot);
    return this.request<RecordFindings>(uri, (id) => ({ type: 'change', id, uri, stamp, version, changes }));
  }

  /** Forget a document (a snapshot still awaited for it is rejected). */
  close(uri: string): Promise<void> {
    const slot = this.slots.get(uri);
    if (slot === undefined) return Promise.resolve();
    this.slots.delete(uri);
    this.latest.delete(uri);
    this.snapshots.delete(uri);
    Atomics.store(this.stamps, slot, -1);
    this.rejectWaiters(uri, new Error(`${uri} was closed`));
    return this.request<void>(uri, (id) => ({ type: 'close', id, uri }));
  }

  /**
   * The whole-file snapshot of the document as last opened or changed (waits while it is computed; a snapshot of a
   * later change answers too).
   */
  snapshot(uri: string): Promise<DocumentSnapshot> {
    if (this.failure) return Promise.reject(this.failure);
    const stamp = this.latest.get(uri);
    if (stamp === undefined) return Promise.reject(new Error(`${uri} is not open`));
    const known = this.snapshots.get(uri);
    if (known?.stamp === stamp) return Promise.resolve(known.snapshot);
    return new Promise((resolve, reject) => {
      const list = this.waiting.get(uri) ?? [];
      list.push({ stamp, resolve, reject });
      this.waiting.set(uri, list);
    });
  }

  /** The fixes of one finding, for `version` (refused with a StaleVersionError message when it is not current). */
  fixes(uri: string, version: number, target: { code: CodeName; range: Range }): Promise<DocumentFix[]> {
    return this.request<DocumentFix[]>(uri, (id) => ({ type: 'fixes', id, uri, version, target }));
  }

  /** The fixes of several findings of `version` at once, one list per target in order (e.g. for "fix all"). */
  fixesMany(uri: string, version: number, targets: { code: CodeName; range: Range }[]): Promise<DocumentFix[][]> {
    return this.request<DocumentFix[][]>(uri, (id) => ({ type: 'fixesMany', id, uri, version, targets }));
  }

  /**
   * The record at `position` of the document as last opened or changed (requests are answered in order, so this is
   * the version of the last `open` or `change` sent), or null between records.
   */
  recordInfo(uri: string, position: Position): Promise<RecordInfo | null> {
    return this.request<RecordInfo | null>(uri, (id) => ({ type: 'recordInfo', id, uri, position }));
  }

  /** The usable examples of the document as last opened or changed, with that version. */
  examples(uri: string): Promise<{ version: number; examples: ChatExample[] }> {
    return this.request<{ version: number; examples: ChatExample[] }>(uri, (id) => ({ type: 'examples', id, uri }));
  }

  /** Per-record facts of the document as last opened or changed, in columns (with that version). */
  recordColumns(uri: string): Promise<RecordColumns> {
    return this.request<RecordColumns>(uri, (id) => ({ type: 'recordColumns', id, uri }));
  }

  /**
   * The usable examples' record lines and content keys of the document as last opened or changed (answered after
   * the requests before it; refused with a StaleVersionError when a change came while a large document was keyed).
   */
  exampleKeys(uri: string): Promise<ExampleKeys> {
    return this.request<ExampleKeys>(uri, (id) => ({ type: 'exampleKeys', id, uri }));
  }

  /** Usable examples of `version` by index among its usable examples (a StaleVersionError when it is not current). */
  examplesAt(uri: string, version: number, indices: number[]): Promise<ChatExample[]> {
    return this.request<{ examples: ChatExample[] }>(uri, (id) => ({ type: 'examplesAt', id, uri, version, indices })).then((r) => r.examples);
  }

  /** Stop the worker. */
  async dispose(): Promise<void> {
    this.failure ??= new Error('document host disposed');
    await this.worker.terminate();
  }

  private announce(uri: string, slot: number): number {
    const stamp = ++this.stamp;
    this.latest.set(uri, stamp);
    // Written before the message is posted: the worker's checkpoints see it while it computes for an older stamp.
    Atomics.store(this.stamps, slot, stamp);
    return stamp;
  }

  private request<T>(uri: string, make: (id: number) => DocumentRequest): Promise<T> {
    if (this.failure) return Promise.reject(this.failure);
    const id = this.nextRequest++;
    const message = make(id);
    return new Promise<T>((resolve, reject) => {
      this.pending.set(id, {
        resolve: resolve as (value: never) => void,
        reject: (err) => {
          // An open or change that failed leaves the document in doubt: whoever waits for its snapshot hears why.
          if (message.type === 'open' || message.type === 'change') this.rejectWaiters(uri, err);
          reject(err);
        },
      });
      this.worker.postMessage(message);
    });
  }

  private rejectWaiters(uri: string, err: Error): void {
    const list = this.waiting.get(uri) ?? [];
    this.waiting.delete(uri);
    for (const w of list) w.reject(err);
  }

  private onMessage(msg: DocumentResponse): void {
    // After a failure or dispose every request and wait has been rejected: a late answer changes nothing.
    if (this.failure) return;
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
      if (this.latest.get(msg.uri) === msg.stamp) {
        this.rejectWaiters(msg.uri, new Error(`whole-file analysis of ${msg.uri} failed: ${msg.message}`));
        this.wholeFile.failed?.(msg.uri, msg.version, msg.message);
      }
      return;
    }
    if (msg.type === 'snapshot') {
      // Published only while current: something newer may have been sent while this one was being finished.
      if (this.latest.get(msg.uri) !== msg.stamp) {
        this.discarded++;
        return;
      }
      const snapshot = readSnapshot(msg.json);
      this.snapshots.set(msg.uri, { stamp: msg.stamp, snapshot });
      const list = this.waiting.get(msg.uri) ?? [];
      this.waiting.delete(msg.uri);
      for (const w of list) w.resolve(snapshot);
      this.onSnapshot(msg.uri, snapshot);
      return;
    }
    const waiter = this.pending.get(msg.id);
    this.pending.delete(msg.id);
    if (!waiter) return;
    if (msg.type === 'error') waiter.reject(Object.assign(new Error(msg.message), { name: msg.name }));
    else if (msg.type === 'json') waiter.resolve(fromJsonBuffer(msg.json) as never);
    else if (msg.type === 'findings') {
      const { uri, version, findings } = fromJsonBuffer<{ uri: string; version: number; findings: PackedFindings }>(msg.json);
      waiter.resolve({ uri, version, findings: unpackFindings(findings) } as never);
    }
    else waiter.resolve(msg.result as never);
  }

  private fail(err: Error): void {
    const first = this.failure === undefined;
    this.failure ??= err;
    for (const p of this.pending.values()) p.reject(err);
    this.pending.clear();
    for (const uri of [...this.waiting.keys()]) this.rejectWaiters(uri, err);
    if (first) this.onFailure(err);
  }
}

/**
 * A snapshot from its JSON: the report's `findings` (the snapshot's findings in their 1-based JSON form, left out of
 * the message) are rebuilt on first use.
 */
function readSnapshot(json: ArrayBuffer): DocumentSnapshot {
  const packed = fromJsonBuffer<{ version: number; findings: PackedFindings; report: Omit<DatasetReport, 'findings'> }>(json);
  const snapshot = { version: packed.version, findings: unpackFindings(packed.findings), report: packed.report };
  let built: DatasetReport['findings'] | undefined;
  Object.defineProperty(snapshot.report, 'findings', {
    enumerable: true,
    get: () => (built ??= snapshot.findings.map(findingToJson)),
  });
  return snapshot as unknown as DocumentSnapshot;
}
