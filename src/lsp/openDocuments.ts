/**
 * The documents the editor has open, as the language server keeps them: a copy of each text (to open it again in a
 * new document host after a failure or a settings change), and for datasets their analysis in a `DocumentHost`
 * worker. Diagnostics are published twice per edit: the edit's per-record findings at once (with the last whole-file
 * findings moved along), then the whole snapshot once the worker has brought it up to date, and again with the
 * chosen model's findings once its counts of that version are ready (`ModelCounts`; until then the previous version's
 * are moved along like whole-file findings). A version older than the last one published for a document is never
 * published.
 */
import type { Diagnostic, DidChangeTextDocumentParams, DidOpenTextDocumentParams } from 'vscode-languageserver/node';
import type { DocumentChange, DocumentSnapshot } from '../core/analysis/datasetDocument';
import type { Finding } from '../core/types';
import type { RecordFindings } from '../node/documentHost';
import { DocumentHost } from '../node/documentHost';
import type { ServerSettings, StatusParams } from '../shared/lspProtocol';
import { moveFindings, toDiagnostic, wholeFileFindings, withoutEditorDuplicates } from './diagnostics';
import { globToRegExp, isDatasetDocument } from './documentSelection';
import { LineText } from './lineText';
import type { DocumentModelCounts } from './modelCounts';
import { ModelCounts } from './modelCounts';
import { analysisDiffers, documentSettingsOf } from './serverSettings';

/** An open document. */
export interface ServerDocument {
  readonly uri: string;
  readonly languageId: string;
  /** The server's copy of the text (the editor's version). */
  text: LineText;
  /** Whether it is a dataset, analysed in the document host. */
  analysed: boolean;
  /** The version of the last diagnostics published (-1: none yet). */
  lastPublished: number;
  /** Per-record findings of the last version answered. */
  record: { version: number; findings: Finding[] } | undefined;
  /** Whole-file findings of the last snapshot, moved along with later edits. */
  wholeFile: { version: number; findings: Finding[] } | undefined;
  /** The diagnostics of the whole-file findings of a snapshot version, by finding (see publish). */
  wholeFileDiagnostics?: { version: number; of: WeakMap<Finding, Diagnostic> };
  /** The last snapshot published (its version may be older than the text's). */
  snapshot: DocumentSnapshot | undefined;
  /** The chosen model's findings of the last version counted, moved along with later edits. */
  model: { version: number; findings: Finding[] } | undefined;
  status: StatusParams['state'] | undefined;
  /** The line (in the current text) of the last edit: diagnostics nearest it are kept when they are limited. */
  focusLine?: number;
  /** The last status sent (sent again when the model's counts of its version are ready). */
  lastStatus: StatusParams | undefined;
}

/** Where the documents' results go (the connection, in the server). */
export interface DocumentSink {
  /** `focusLine`: the line of the document's last edit (where a limited number of diagnostics is taken from). */
  publish(uri: string, diagnostics: Diagnostic[], version?: number, focusLine?: number): void;
  status(params: StatusParams): void;
  /** A document's snapshot changed (e.g. to refresh code lenses). */
  snapshotChanged(uri: string): void;
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

/** Document-host failures tolerated per minute before analysis is given up (a worker failing on every start). */
const MAX_RESTARTS_PER_MINUTE = 3;

/** The open documents and the document host that analyses the datasets among them. */
export class OpenDocuments {
  private readonly docs = new Map<string, ServerDocument>();
  private hostValue: DocumentHost;
  private settings: ServerSettings;
  private glob: RegExp;
  private failures: number[] = [];
  private givenUp: Error | undefined;
  /** The chosen model's (`slmgen.analysis.model`) counts of the open datasets. */
  readonly models: ModelCounts;

  constructor(
    settings: ServerSettings,
    private readonly sink: DocumentSink,
  ) {
    this.settings = settings;
    this.glob = globToRegExp(settings.files.jsonArrayGlob);
    this.models = new ModelCounts(settings, { counted: (uri, counts) => this.onModelCounts(uri, counts), warn: (m) => sink.warn(m), info: (m) => sink.info(m) });
    this.hostValue = this.createHost();
  }

  /** The document host in use (a new one after a failure or a change of analysis settings). */
  get host(): DocumentHost {
    return this.hostValue;
  }

  /** An open dataset document (undefined for documents that are not datasets). */
  dataset(uri: string): ServerDocument | undefined {
    const doc = this.docs.get(uri);
    return doc?.analysed ? doc : undefined;
  }

  /** Every open dataset document. */
  datasets(): ServerDocument[] {
    return [...this.docs.values()].filter((d) => d.analysed);
  }

  open(params: DidOpenTextDocumentParams): void {
    const { uri, languageId, version, text } = params.textDocument;
    const doc: ServerDocument = {
      uri,
      languageId,
      text: new LineText(uri, languageId, version, text),
      analysed: false,
      lastPublished: -1,
      record: undefined,
      wholeFile: undefined,
      snapshot: undefined,
      model: undefined,
      status: undefined,
      lastStatus: undefined,
    };
    this.docs.set(uri, doc);
    if (isDatasetDocument(uri, languageId, this.glob)) this.analyse(doc);
  }

  change(params: DidChangeTextDocumentParams): void {
    const { uri, version } = params.textDocument;
    const doc = this.docs.get(uri);
    if (!doc) {
      this.sink.warn(`didChange for ${uri}, which is not open: ignored`);
      return;
    }
    const changes: DocumentChange[] = params.contentChanges.map((c) => ('range' in c && c.range ? { range: c.range, text: c.text } : { text: c.text }));
    doc.text.update(params.contentChanges, version);
    const last = changes.at(-1);
    doc.focusLine = last?.range ? last.range.start.line : undefined;
    if (!doc.analysed) return;
    if (doc.wholeFile) doc.wholeFile = { version: doc.wholeFile.version, findings: moveFindings(doc.wholeFile.findings, changes) };
    if (doc.model) doc.model = { version: doc.model.version, findings: moveFindings(doc.model.findings, changes) };
    this.setStatus(doc, { state: 'analyzing' });
    if (this.givenUp) return;
    const host = this.hostValue;
    host.change(uri, version, changes).then(
      (answer) => this.onRecordFindings(doc, host, answer),
      (err: unknown) => this.onHostError(doc, host, err, 'change'),
    );
  }

  close(uri: string): void {
    const doc = this.docs.get(uri);
    if (!doc) return;
    this.docs.delete(uri);
    if (doc.analysed) this.stopAnalysing(doc);
  }

  /** Apply new settings: documents are analysed again when analysis settings changed, and re-selected by the glob. */
  applySettings(settings: ServerSettings): void {
    const reanalyse = analysisDiffers(this.settings, settings);
    const modelChanged = this.models.applySettings(settings);
    this.settings = settings;
    this.glob = globToRegExp(settings.files.jsonArrayGlob);
    if (reanalyse) {
      const old = this.hostValue;
      this.failures = [];
      this.givenUp = undefined;
      this.hostValue = this.createHost();
      void old.dispose();
      this.sink.info(`Analysis settings changed (${settings.tokens.encoding}, ${settings.tokens.countMode} count, max sequence length ${settings.analysis.maxSeqLength}, near-duplicate threshold ${settings.analysis.nearDuplicateThreshold}): analysing ${this.datasets().length} open datasets again.`);
    }
    for (const doc of this.docs.values()) {
      const wanted = isDatasetDocument(doc.uri, doc.languageId, this.glob);
      if (wanted && (reanalyse || !doc.analysed)) this.analyse(doc);
      else if (!wanted && doc.analysed) this.stopAnalysing(doc);
      else if (doc.analysed && modelChanged) this.recount(doc);
    }
  }

  /** Stop the document host and the counting. */
  async dispose(): Promise<void> {
    this.givenUp ??= new Error('the language server is shutting down');
    await Promise.all([this.hostValue.dispose(), this.models.dispose()]);
  }

  private createHost(): DocumentHost {
    const host: DocumentHost = new DocumentHost(
      documentSettingsOf(this.settings),
      (uri, snapshot) => {
        if (host === this.hostValue) this.onSnapshot(uri, snapshot);
      },
      {
        failed: (uri, version, message) => {
          if (host === this.hostValue) this.onSnapshotFailed(uri, version, message);
        },
      },
      (err) => {
        if (host === this.hostValue) this.onHostFailure(err);
      },
    );
    return host;
  }

  /** Open a document in the host from the server's copy of its text (also to start over). */
  private analyse(doc: ServerDocument): void {
    doc.analysed = true;
    doc.record = undefined;
    doc.wholeFile = undefined;
    doc.snapshot = undefined;
    doc.model = undefined;
    // New analysis settings may change which records are usable: the counts of the same version are made again.
    this.models.forget(doc.uri);
    if (this.givenUp) {
      this.setStatus(doc, { state: 'failed', message: `Analysis stopped: ${this.givenUp.message}` });
      return;
    }
    this.setStatus(doc, { state: 'analyzing' });
    const host = this.hostValue;
    host.open(doc.uri, doc.text.version, doc.text.getText()).then(
      (answer) => this.onRecordFindings(doc, host, answer),
      (err: unknown) => this.onHostError(doc, host, err, 'open'),
    );
  }

  private stopAnalysing(doc: ServerDocument): void {
    doc.analysed = false;
    doc.record = undefined;
    doc.wholeFile = undefined;
    doc.snapshot = undefined;
    doc.model = undefined;
    doc.status = undefined;
    doc.lastStatus = undefined;
    doc.lastPublished = -1;
    this.models.forget(doc.uri);
    if (!this.givenUp) this.hostValue.close(doc.uri).catch((err: unknown) => this.sink.warn(`Closing ${doc.uri} in the document host: ${String(err)}`));
    this.sink.publish(doc.uri, []);
  }

  private isCurrent(doc: ServerDocument, host: DocumentHost): boolean {
    return host === this.hostValue && doc.analysed && this.docs.get(doc.uri) === doc;
  }

  private onRecordFindings(doc: ServerDocument, host: DocumentHost, answer: RecordFindings): void {
    // An answer for a version a newer edit has replaced is not shown: that edit's answer follows.
    if (!this.isCurrent(doc, host) || answer.version !== doc.text.version) return;
    doc.record = { version: answer.version, findings: answer.findings };
    this.publish(doc);
  }

  private onSnapshot(uri: string, snapshot: DocumentSnapshot): void {
    const doc = this.dataset(uri);
    if (!doc || snapshot.version !== doc.text.version) return;
    doc.snapshot = snapshot;
    const perRecord = doc.record?.version === snapshot.version ? doc.record.findings : [];
    doc.record = { version: snapshot.version, findings: perRecord };
    doc.wholeFile = { version: snapshot.version, findings: wholeFileFindings(snapshot.findings, perRecord) };
    this.publish(doc);
    const report = snapshot.report;
    this.setStatus(doc, {
      state: 'ready',
      examples: report.total_examples,
      tokens: report.total_tokens,
      encoding: report.encoding,
      qualityScore: report.quality_score,
      errors: snapshot.findings.reduce((n, f) => n + (f.severity === 'error' ? 1 : 0), 0),
      ...this.modelStatus(doc, snapshot.version),
    });
    this.countModelTokens(doc, snapshot);
    this.sink.snapshotChanged(uri);
  }

  /** Count the snapshot's version with the chosen model (cached counts reused; nothing without a model). */
  private countModelTokens(doc: ServerDocument, snapshot: DocumentSnapshot): void {
    const host = this.hostValue;
    const { version } = snapshot;
    this.models.count({ uri: doc.uri, version, host, report: snapshot.report, isCurrent: () => this.isCurrent(doc, host) && doc.text.version === version });
  }

  /** The status's `model` for a version (nothing without a model). */
  private modelStatus(doc: ServerDocument, version: number): Pick<StatusParams, 'model'> {
    const model = this.models.model;
    if (!model) return {};
    const state = this.models.state(doc.uri, version);
    return { model: { id: model.id, state: state === 'none' ? 'counting' : state } };
  }

  /** The chosen model changed: its findings are dropped, and the current snapshot (if any) is counted again. */
  private recount(doc: ServerDocument): void {
    doc.model = undefined;
    this.publish(doc);
    const snapshot = doc.snapshot;
    if (!snapshot || snapshot.version !== doc.text.version) return;
    this.countModelTokens(doc, snapshot);
    this.resendStatus(doc, snapshot.version);
  }

  private onModelCounts(uri: string, counts: DocumentModelCounts): void {
    const doc = this.dataset(uri);
    if (!doc || counts.version !== doc.text.version) return;
    doc.model = { version: counts.version, findings: counts.findings };
    this.publish(doc);
    this.resendStatus(doc, counts.version);
  }

  /** The last `ready` status of `version` again, with the model's state now. */
  private resendStatus(doc: ServerDocument, version: number): void {
    const last = doc.lastStatus;
    if (last?.state !== 'ready' || last.version !== version) return;
    const { model: _model, ...rest } = last;
    doc.lastStatus = { ...rest, ...this.modelStatus(doc, version) };
    this.sink.status(doc.lastStatus);
  }

  private onSnapshotFailed(uri: string, version: number, message: string): void {
    const doc = this.dataset(uri);
    if (!doc || version !== doc.text.version) return;
    this.sink.error(`Whole-file analysis of ${uri} (version ${version}) failed: ${message}`);
    this.setStatus(doc, { state: 'failed', message: 'Whole-file analysis failed (see the SLMGEN log)' });
  }

  /** Per-record findings now, with the last whole-file findings; the snapshot's own when it is of this version. */
  private publish(doc: ServerDocument): void {
    const record = doc.record;
    if (!record || record.version < doc.lastPublished) return;
    const { uri } = doc;
    const version = record.version;
    let diagnostics: Diagnostic[];
    if (doc.snapshot?.version === version) {
      diagnostics = doc.snapshot.findings.map((f) => toDiagnostic(f, uri, version));
    } else {
      diagnostics = record.findings.map((f) => toDiagnostic(f, uri, version));
      const whole = doc.wholeFile;
      if (whole) {
        // Whole-file findings an edit did not move stay the same objects from edit to edit (moveFindings), and so
        // do their diagnostics: thousands of them are not made again per keystroke.
        if (doc.wholeFileDiagnostics?.version !== whole.version) doc.wholeFileDiagnostics = { version: whole.version, of: new WeakMap() };
        const cache = doc.wholeFileDiagnostics.of;
        for (const f of whole.findings) {
          let d = cache.get(f);
          if (d === undefined) cache.set(f, (d = toDiagnostic(f, uri, whole.version)));
          diagnostics.push(d);
        }
      }
    }
    const model = doc.model;
    if (model) for (const f of model.findings) diagnostics.push(toDiagnostic(f, uri, model.version));
    doc.lastPublished = version;
    this.sink.publish(uri, withoutEditorDuplicates(diagnostics, doc.languageId), version, doc.focusLine);
  }

  /** `analyzing` is sent once per run of edits (not per keystroke); `ready` and `failed` every time. */
  private setStatus(doc: ServerDocument, status: Omit<StatusParams, 'uri' | 'version'>): void {
    if (status.state === 'analyzing' && doc.status === 'analyzing') return;
    doc.status = status.state;
    doc.lastStatus = { uri: doc.uri, version: doc.text.version, ...status };
    this.sink.status(doc.lastStatus);
  }

  private onHostError(doc: ServerDocument, host: DocumentHost, err: unknown, what: 'open' | 'change'): void {
    // A failed host is replaced as a whole (onHostFailure); an answer from a replaced one is moot.
    if (host !== this.hostValue || host.failed || !this.isCurrent(doc, host)) return;
    const message = err instanceof Error ? err.message : String(err);
    if (what === 'change') {
      // The worker refused the change and kept the previous text: start over from the server's copy.
      this.sink.warn(`The document host refused a change of ${doc.uri} (${message}); opening it again from the server's copy.`);
      this.analyse(doc);
      return;
    }
    this.sink.error(`Could not analyse ${doc.uri}: ${message}`);
    this.setStatus(doc, { state: 'failed', message });
  }

  private onHostFailure(err: Error): void {
    const now = Date.now();
    this.failures = [...this.failures.filter((t) => now - t < 60_000), now];
    const open = this.datasets();
    if (this.failures.length > MAX_RESTARTS_PER_MINUTE) {
      this.givenUp = err;
      this.sink.error(`The document analysis thread failed ${this.failures.length} times within a minute (${err.message}); analysis stopped until the settings change or the server restarts.`);
      for (const doc of open) this.setStatus(doc, { state: 'failed', message: `Analysis stopped: ${err.message}` });
      return;
    }
    this.sink.error(`The document analysis thread failed (${err.message}); starting a new one and opening ${open.length} documents in it again.`);
    this.hostValue = this.createHost();
    for (const doc of open) this.analyse(doc);
  }
}
