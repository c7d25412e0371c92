/**
 * Worker-thread entry of a `DocumentHost`: the open documents live here. Edits are applied and answered with their
 * per-record findings at once; each document's whole-file snapshot is computed after the messages waiting in the
 * queue were handled, and given up at a checkpoint as soon as the host has announced a newer open or change.
 */
import { hash } from 'node:crypto';
import { parentPort, workerData } from 'node:worker_threads';
import { CancelledError, DatasetDocument, StaleVersionError } from '../core/analysis/datasetDocument';
import type { ChatExample } from '../core/formats/chat';
import type { DocumentRequest, DocumentResponse, DocumentWorkerData, ExampleKeys } from './documentProtocol';
import { jsonBuffer, packFindings } from './documentProtocol';
import { createRecordOptions } from './recordOptions';

interface Entry {
  doc: DatasetDocument;
  slot: number;
  /** The host's stamp of the last open or change applied. */
  stamp: number;
  /** The stamp whose snapshot was last posted (a second run for it would post the same snapshot again). */
  posted?: number;
}

const { settings, stamps } = workerData as DocumentWorkerData;
const documents = new Map<string, Entry>();
const scheduled = new Set<string>();

/** Pending whole-file runs: an immediate per document, or a timer restarted by each edit when there is a delay. */
const timers = new Map<string, NodeJS.Timeout>();
const delayMs = settings.wholeFileDelayMs ?? 0;

function post(message: DocumentResponse): void {
  if (message.type === 'findings' || message.type === 'snapshot' || message.type === 'json') parentPort?.postMessage(message, [message.json]);
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

/**
 * Compute the whole-file snapshot of `uri` once the queue is empty, unless the host has sent something newer. After
 * a change with a delay set, only once no change came for that long (a document just opened does not wait).
 */
function schedule(uri: string, delay: number): void {
  clearTimeout(timers.get(uri));
  timers.delete(uri);
  if (delay > 0) {
    timers.set(
      uri,
      setTimeout(() => {
        timers.delete(uri);
        computeSnapshot(uri);
      }, delay),
    );
    return;
  }
  if (scheduled.has(uri)) return;
  scheduled.add(uri);
  setImmediate(() => {
    scheduled.delete(uri);
    computeSnapshot(uri);
  });
}

/** The whole-file snapshot of `uri`, posted unless the host has announced something newer. */
function computeSnapshot(uri: string): void {
  const entry = documents.get(uri);
  if (!entry) return;
  const { doc, slot, stamp } = entry;
  if (entry.posted === stamp) return;
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
    entry.posted = stamp;
    post({ type: 'snapshot', uri, stamp, json: jsonBuffer({ version, findings: packFindings(findings), report: { ...report, findings: undefined } }) });
  } catch (err) {
    if (err instanceof CancelledError) post({ type: 'cancelled', ...about });
    else post({ type: 'snapshotFailed', ...about, message: err instanceof Error ? (err.stack ?? err.message) : String(err) });
  }
}

/** Per example object (a record's own, kept while its text is unchanged), its content key and JSON length. */
const exampleKeys = new WeakMap<object, { key: string; size: number }>();

/** Work done between two yields to the message queue while keying examples (ms). */
const KEY_SLICE_MS = 10;

function keyOf(example: Readonly<ChatExample>): { key: string; size: number } {
  let known = exampleKeys.get(example);
  if (!known) {
    const json = JSON.stringify(example);
    known = { key: hash('sha1', json, 'base64'), size: json.length };
    exampleKeys.set(example, known);
  }
  return known;
}

/**
 * The usable examples' lines and keys of `uri`'s current version. Keys are computed once per example (a first
 * request over a large document yields to the queue every few milliseconds, so edits are answered meanwhile); a
 * version changed in between is refused as stale (the keys computed so far stay known).
 */
async function keysOf(uri: string): Promise<ExampleKeys> {
  const entry = entryOf(uri);
  const version = entry.doc.version;
  const usable = entry.doc.usableExamples();
  const out: ExampleKeys = { version, lines: [], endLines: [], endCharacters: [], keys: [], sizes: [] };
  let slice = Date.now();
  for (const u of usable) {
    if (Date.now() - slice > KEY_SLICE_MS) {
      await new Promise((resolve) => setImmediate(resolve));
      slice = Date.now();
    }
    const { key, size } = keyOf(u.example);
    out.lines.push(u.startLine + 1);
    out.endLines.push(u.endLine);
    out.endCharacters.push(u.endCharacter);
    out.keys.push(key);
    out.sizes.push(size);
  }
  if (documents.get(uri) !== entry || entry.doc.version !== version) throw new StaleVersionError(version, documents.get(uri)?.doc.version ?? -1);
  return out;
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
      schedule(request.uri, 0);
      return;
    }
    case 'change': {
      const entry = entryOf(request.uri);
      entry.doc.applyChanges(request.version, request.changes);
      entry.stamp = request.stamp;
      postFindings(request.id, request.uri, entry.doc);
      schedule(request.uri, delayMs);
      return;
    }
    case 'close':
      documents.delete(request.uri);
      clearTimeout(timers.get(request.uri));
      timers.delete(request.uri);
      post({ type: 'result', id: request.id, result: undefined });
      return;
    case 'fixes':
      post({ type: 'result', id: request.id, result: entryOf(request.uri).doc.fixes(request.version, request.target) });
      return;
    case 'fixesMany': {
      const doc = entryOf(request.uri).doc;
      post({ type: 'result', id: request.id, result: request.targets.map((target) => doc.fixes(request.version, target)) });
      return;
    }
    case 'recordInfo':
      post({ type: 'result', id: request.id, result: entryOf(request.uri).doc.recordInfo(request.position) });
      return;
    case 'recordColumns':
      post({ type: 'result', id: request.id, result: entryOf(request.uri).doc.recordColumns() });
      return;
    case 'exampleKeys':
      keysOf(request.uri).then(
        (keys) => post({ type: 'json', id: request.id, json: jsonBuffer(keys) }),
        (err: unknown) => postError(request.id, err),
      );
      return;
    case 'examplesAt': {
      const doc = entryOf(request.uri).doc;
      if (doc.version !== request.version) throw new StaleVersionError(request.version, doc.version);
      const usable = doc.usableExamples();
      post({ type: 'json', id: request.id, json: jsonBuffer({ examples: request.indices.map((i) => usable[i]?.example ?? null) }) });
      return;
    }
    case 'examples': {
      const doc = entryOf(request.uri).doc;
      post({ type: 'json', id: request.id, json: jsonBuffer({ version: doc.version, examples: doc.examples() }) });
      return;
    }
  }
}

function postError(id: number, err: unknown): void {
  post({ type: 'error', id, name: err instanceof Error ? err.name : 'Error', message: err instanceof Error ? err.message : String(err) });
}

parentPort?.on('message', (request: DocumentRequest) => {
  try {
    handle(request);
  } catch (err) {
    postError(request.id, err);
  }
});
