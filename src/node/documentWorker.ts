/**
 * Worker-thread entry of a `DocumentHost`: the open documents live here. Edits are applied and answered with their
 * per-record findings at once; each document's whole-file snapshot is computed after the messages waiting in the
 * queue were handled, and given up at a checkpoint as soon as the host has announced a newer version.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { CancelledError, DatasetDocument } from '../core/analysis/datasetDocument';
import type { DocumentRequest, DocumentResponse, DocumentWorkerData } from './documentProtocol';
import { createRecordOptions } from './recordOptions';

const { settings, versions } = workerData as DocumentWorkerData;
const documents = new Map<string, { doc: DatasetDocument; slot: number }>();
const scheduled = new Set<string>();

function post(message: DocumentResponse): void {
  parentPort?.postMessage(message);
}

function makeDocument(): DatasetDocument {
  const record = createRecordOptions({ ...settings, nearDuplicates: true });
  return new DatasetDocument({ ...record, encoding: settings.encoding, tokensExact: settings.exact, nearThreshold: settings.nearThreshold });
}

/** Compute the whole-file snapshot of `uri` once the queue is empty, unless a newer version is announced. */
function schedule(uri: string): void {
  if (scheduled.has(uri)) return;
  scheduled.add(uri);
  setImmediate(() => {
    scheduled.delete(uri);
    const entry = documents.get(uri);
    if (!entry) return;
    const { doc, slot } = entry;
    const stale = () => Atomics.load(versions, slot) !== doc.version;
    if (stale()) {
      // A newer version is on its way: its own run follows.
      post({ type: 'cancelled', uri, version: doc.version });
      return;
    }
    post({ type: 'started', uri, version: doc.version });
    try {
      const snapshot = doc.snapshot({ isCancelled: stale });
      post({ type: 'snapshot', uri, snapshot });
    } catch (err) {
      if (err instanceof CancelledError) post({ type: 'cancelled', uri, version: doc.version });
      else post({ type: 'snapshotFailed', uri, version: doc.version, message: err instanceof Error ? (err.stack ?? err.message) : String(err) });
    }
  });
}

function handle(request: DocumentRequest): void {
  switch (request.type) {
    case 'open': {
      const doc = makeDocument();
      if (typeof request.content === 'string') doc.open(request.version, request.content);
      else doc.openBytes(request.version, request.content);
      documents.set(request.uri, { doc, slot: request.slot });
      post({ type: 'result', id: request.id, result: { uri: request.uri, version: doc.version, findings: doc.recordFindings() } });
      schedule(request.uri);
      return;
    }
    case 'change': {
      const entry = documents.get(request.uri);
      if (!entry) throw new Error(`${request.uri} is not open`);
      entry.doc.applyChanges(request.version, request.changes);
      post({ type: 'result', id: request.id, result: { uri: request.uri, version: entry.doc.version, findings: entry.doc.recordFindings() } });
      schedule(request.uri);
      return;
    }
    case 'close':
      documents.delete(request.uri);
      post({ type: 'result', id: request.id, result: undefined });
      return;
    case 'fixes': {
      const entry = documents.get(request.uri);
      if (!entry) throw new Error(`${request.uri} is not open`);
      post({ type: 'result', id: request.id, result: entry.doc.fixes(request.version, request.target) });
      return;
    }
  }
}

parentPort?.on('message', (request: DocumentRequest) => {
  try {
    handle(request);
  } catch (err) {
    post({ type: 'error', id: request.id, name: err instanceof Error ? err.name : 'Error', message: err instanceof Error ? err.message : String(err) });
  }
});
