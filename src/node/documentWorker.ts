/**
 * Worker-thread entry of a `DocumentHost`: the open documents live here. Edits are applied and answered with their
 * per-record findings at once; each document's whole-file snapshot is computed after the messages waiting in the
 * queue were handled, and given up at a checkpoint as soon as the host has announced a newer open or change.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { CancelledError, DatasetDocument } from '../core/analysis/datasetDocument';
import type { DocumentRequest, DocumentResponse, DocumentWorkerData } from './documentProtocol';
import { jsonBuffer, packFindings } from './documentProtocol';
import { createRecordOptions } from './recordOptions';

interface Entry {
  doc: DatasetDocument;
  slot: number;
  /** The host's stamp of the last open or change applied. */
  stamp: number;
}

const { settings, stamps } = workerData as DocumentWorkerData;
const documents = new Map<string, Entry>();
const scheduled = new Set<string>();

function post(message: DocumentResponse): void {
  if (message.type === 'findings' || message.type === 'snapshot') parentPort?.postMessage(message, [message.json]);
  else parentPort?.postMessage(message);
}

/** The per-record findings of a document, answered to an open or a change. */
function postFindings(id: number, uri: string, doc: DatasetDocument): void {
  post({ type: 'findings', id, json: jsonBuffer({ uri, version: doc.version, findings: packFindings(doc.recordFindings()) }) });
}

function makeDocument(): DatasetDocument {
  const record = createRecordOptions({ ...settings, nearDuplicates: true });
  return new DatasetDocument({ ...record, encoding: settings.encoding, tokensExact: settings.exact, nearThreshold: settings.nearThreshold });
}

/** Compute the whole-file snapshot of `uri` once the queue is empty, unless the host has sent something newer. */
function schedule(uri: string): void {
  if (scheduled.has(uri)) return;
  scheduled.add(uri);
  setImmediate(() => {
    scheduled.delete(uri);
    const entry = documents.get(uri);
    if (!entry) return;
    const { doc, slot, stamp } = entry;
    const stale = () => Atomics.load(stamps, slot) !== stamp;
    const about = { uri, stamp, version: doc.version };
    if (stale()) {
      // Something newer is on its way: its own run follows.
      post({ type: 'cancelled', ...about });
      return;
    }
    post({ type: 'started', ...about });
    try {
      const { version, findings, report } = doc.snapshot({ isCancelled: stale });
      // The report's findings are the same findings again (1-based): the host rebuilds them when asked.
      post({ type: 'snapshot', uri, stamp, json: jsonBuffer({ version, findings: packFindings(findings), report: { ...report, findings: undefined } }) });
    } catch (err) {
      if (err instanceof CancelledError) post({ type: 'cancelled', ...about });
      else post({ type: 'snapshotFailed', ...about, message: err instanceof Error ? (err.stack ?? err.message) : String(err) });
    }
  });
}

function entryOf(uri: string): Entry {
  const entry = documents.get(uri);
  if (!entry) throw new Error(`${uri} is not open`);
  return entry;
}

function handle(request: DocumentRequest): void {
  switch (request.type) {
    case 'open': {
      const doc = makeDocument();
      if (typeof request.content === 'string') doc.open(request.version, request.content);
      else doc.openBytes(request.version, request.content);
      documents.set(request.uri, { doc, slot: request.slot, stamp: request.stamp });
      postFindings(request.id, request.uri, doc);
      schedule(request.uri);
      return;
    }
    case 'change': {
      const entry = entryOf(request.uri);
      entry.doc.applyChanges(request.version, request.changes);
      entry.stamp = request.stamp;
      postFindings(request.id, request.uri, entry.doc);
      schedule(request.uri);
      return;
    }
    case 'close':
      documents.delete(request.uri);
      post({ type: 'result', id: request.id, result: undefined });
      return;
    case 'fixes':
      post({ type: 'result', id: request.id, result: entryOf(request.uri).doc.fixes(request.version, request.target) });
      return;
  }
}

parentPort?.on('message', (request: DocumentRequest) => {
  try {
    handle(request);
  } catch (err) {
    post({ type: 'error', id: request.id, name: err instanceof Error ? err.name : 'Error', message: err instanceof Error ? err.message : String(err) });
  }
});
