// The Dataset Editor's page: header, charts, the virtualized list of records and the detail pane of one example.
// It holds no numbers of its own: everything shown comes from the host (the language server's answers), and every
// change is a request to the host, which edits the text document.
import { html, LitElement, nothing } from 'lit';
import { ref } from 'lit/directives/ref.js';
import type { PropertyValues, TemplateResult } from 'lit';
import { elementScroll, observeElementOffset, observeElementRect, Virtualizer } from '@tanstack/virtual-core';
import { EDITABLE_ROLES } from '../../shared/datasetEditorMessages';
import type { DatasetHeader, HostMessage, WebviewMessage } from '../../shared/datasetEditorMessages';
import type { DuplicatesResult, ExampleResult, Row, RowStatsResult } from '../../shared/lspProtocol';
import { tokenChart } from './chartData';
import { Charts } from './charts';
import { bubbleKind, exampleTitle, formatDeduction, formatInt, formatToolArguments, headerItems, listStatus, modelHeaderItems, rowCells } from './format';
import { Host } from './host';
import { draftOf, editMessageRequest } from './requests';
import type { MessageDraft } from './requests';
import { RowPages } from './rowPages';
import { FLAG_FILTERS, listKey, reduceViewState, restoreViewState, rowsFilter } from './viewState';
import { wordDiff } from './wordDiff';
import type { FlagFilter, ViewAction, ViewState } from './viewState';

const ROW_HEIGHT = 26;
const SEARCH_DEBOUNCE_MS = 250;
const REFRESH_DEBOUNCE_MS = 150;
/** Retries of an answer that came for another version than the one shown (the server catching up). */
const MAX_VERSION_RETRIES = 20;
const RETRY_MS = 250;

const FLAG_LABELS: Record<FlagFilter, string> = {
  duplicates: 'Duplicates',
  nearDuplicates: 'Near duplicates',
  contradictions: 'Contradictions',
  overLength: 'Over length',
  invalid: 'Invalid',
};

const SORTS: { id: string; label: string; sort: ViewState['sort'] }[] = [
  { id: 'line-asc', label: 'Line', sort: { by: 'line', direction: 'asc' } },
  { id: 'tokens-desc', label: 'Most tokens', sort: { by: 'tokens', direction: 'desc' } },
  { id: 'tokens-asc', label: 'Fewest tokens', sort: { by: 'tokens', direction: 'asc' } },
  // A record's quality: its worst finding's severity, then how many it has.
  { id: 'findings-desc', label: 'Lowest quality (worst findings first)', sort: { by: 'findings', direction: 'desc' } },
  { id: 'findings-asc', label: 'Best quality (fewest findings first)', sort: { by: 'findings', direction: 'asc' } },
];

type Pending =
  | { kind: 'rows'; pages: RowPages; page: number; retries: number }
  | { kind: 'example'; line: number }
  | { kind: 'member'; line: number }
  | { kind: 'clusters' }
  | { kind: 'summary'; retries: number }
  | { kind: 'edit' };

/** Members of a cluster shown side by side at most. */
const MAX_MEMBERS_SHOWN = 4;

/**
 * Inline styles set through the CSSOM on every render: the page's CSP blocks style attributes, which is what Lit's
 * styleMap writes on an element's first render.
 */
function sized(styles: { transform?: string; height: string }) {
  return ref((element) => {
    if (!(element instanceof HTMLElement)) return;
    element.style.height = styles.height;
    if (styles.transform !== undefined) element.style.transform = styles.transform;
  });
}

interface Notice {
  kind: 'info' | 'error';
  text: string;
}

export class DatasetEditorApp extends LitElement {
  private readonly host = new Host();
  private view: ViewState = restoreViewState(this.host.state);
  private initialized = false;
  private fileName = '';
  private version: number | null = null;
  private readOnly = true;
  private readOnlyReason: string | undefined;
  private header: DatasetHeader | undefined;
  private stats: RowStatsResult | undefined;
  private pages = new RowPages(listKey(this.view), null);
  /** The rows of the previous version, shown until the new ones arrive. */
  private previousPages: RowPages | undefined;
  private example: ExampleResult | undefined;
  /** The example of the selected row should be (re)loaded once that row is known. */
  private exampleWanted = this.view.selected !== null;
  private draft: MessageDraft | undefined;
  private notice: Notice | undefined;
  private nextRequestId = 1;
  private readonly pending = new Map<number, Pending>();
  private virtualizer: Virtualizer<HTMLElement, HTMLElement> | undefined;
  /**
   * The saved scroll offset still to restore: the list can scroll there only once its first rows have come (until
   * then it is empty), and the empty list's offset (0) must not overwrite the saved one meanwhile.
   */
  private scrollToRestore: number | undefined = this.view.scrollOffset > 0 ? this.view.scrollOffset : undefined;
  private cleanupVirtualizer: (() => void) | undefined;
  private readonly charts = new Charts();
  private drawnStats: RowStatsResult | undefined;
  /** The clusters view: open or not, the clusters, the one shown, and its members' examples by line. */
  private clustersOpen = false;
  private clusters: DuplicatesResult | undefined;
  private clusterIndex = 0;
  private members = new Map<number, ExampleResult>();
  private searchTimer: ReturnType<typeof setTimeout> | undefined;
  private refreshTimer: ReturnType<typeof setTimeout> | undefined;

  /** Rendered in the page itself (styled by the bundle's stylesheet). */
  protected override createRenderRoot(): HTMLElement {
    return this;
  }

  /** Redraws the charts in the new theme's colours (VS Code sets the theme kind as a class of the body). */
  private readonly themeObserver = new MutationObserver(() => {
    this.drawnStats = undefined;
    this.drawCharts();
  });

  override connectedCallback(): void {
    super.connectedCallback();
    this.host.listen((m) => this.receive(m));
    this.themeObserver.observe(document.body, { attributes: true, attributeFilter: ['class'] });
    this.host.send({ type: 'ready' });
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.themeObserver.disconnect();
    this.cleanupVirtualizer?.();
    this.charts.destroy();
  }

  // ---- messages ----

  private send(message: WebviewMessage): void {
    this.host.send(message);
  }

  private request(pending: Pending, build: (requestId: number) => WebviewMessage): void {
    const requestId = this.nextRequestId++;
    this.pending.set(requestId, pending);
    this.send(build(requestId));
  }

  private receive(message: HostMessage): void {
    switch (message.type) {
      case 'init':
        this.initialized = true;
        this.fileName = message.fileName;
        this.version = message.version;
        this.readOnly = message.readOnly;
        this.readOnlyReason = message.readOnlyReason;
        this.dispatch({ type: 'setUri', uri: message.uri });
        this.newVersion();
        break;
      case 'documentChanged':
        if (message.version === this.version) return;
        this.version = message.version;
        clearTimeout(this.refreshTimer);
        this.refreshTimer = setTimeout(() => this.newVersion(), REFRESH_DEBOUNCE_MS);
        return;
      case 'summaryChanged':
        this.requestSummary(0);
        return;
      case 'summary': {
        const pending = this.take(message.requestId, 'summary');
        if (pending === undefined) return;
        this.header = message.header;
        this.stats = message.stats;
        if (message.version !== this.version && pending.retries < MAX_VERSION_RETRIES) {
          setTimeout(() => this.requestSummary(pending.retries + 1), RETRY_MS);
        }
        break;
      }
      case 'rows': {
        const pending = this.take(message.requestId, 'rows');
        if (pending === undefined || pending.pages !== this.pages) return;
        if (!this.pages.store(message.result)) {
          this.pages.failed(pending.page);
          if (pending.retries < MAX_VERSION_RETRIES) setTimeout(() => this.requestPage(pending.pages, pending.page, pending.retries + 1), RETRY_MS);
          return;
        }
        this.virtualizer?.setOptions({ ...this.virtualizer.options, count: this.pages.matching ?? 0 });
        break;
      }
      case 'clusters':
        if (this.take(message.requestId, 'clusters') === undefined) return;
        this.clusters = message.result;
        this.members = new Map();
        if (this.clusterIndex >= message.result.near.length) this.clusterIndex = 0;
        this.requestMembers();
        break;
      case 'example': {
        const member = this.pending.get(message.requestId);
        if (member?.kind === 'member') {
          this.pending.delete(message.requestId);
          this.members.set(member.line, message.result);
          break;
        }
        const pending = this.take(message.requestId, 'example');
        if (pending === undefined) return;
        this.example = message.result;
        if (this.draft !== undefined && this.draft.messageIndex >= message.result.messages.length) this.draft = undefined;
        break;
      }
      case 'editResult':
        this.pending.delete(message.requestId);
        if (message.outcome === 'applied') {
          this.draft = undefined;
          this.notice = { kind: 'info', text: 'Saved to the document (Ctrl+Z undoes it).' };
        } else {
          this.notice = { kind: 'error', text: message.message ?? 'The edit was not applied.' };
        }
        break;
      case 'error':
        if (message.requestId !== undefined) {
          const pending = this.pending.get(message.requestId);
          this.pending.delete(message.requestId);
          if (pending?.kind === 'rows') pending.pages.failed(pending.page);
        }
        this.notice = { kind: 'error', text: message.message };
        break;
    }
    this.requestUpdate();
  }

  private take<K extends Pending['kind']>(requestId: number, kind: K): Extract<Pending, { kind: K }> | undefined {
    const pending = this.pending.get(requestId);
    this.pending.delete(requestId);
    return pending?.kind === kind ? (pending as Extract<Pending, { kind: K }>) : undefined;
  }

  /** A new version (or the first): ask again for the summary, the rows on screen and the selected example. */
  private newVersion(): void {
    this.previousPages = this.pages.key === listKey(this.view) ? this.pages : undefined;
    this.pages = new RowPages(listKey(this.view), this.version);
    this.exampleWanted = this.view.selected !== null;
    this.requestSummary(0);
    if (this.clustersOpen) this.requestClusters();
    this.requestUpdate();
  }

  private requestClusters(): void {
    this.request({ kind: 'clusters' }, (requestId) => ({ type: 'requestClusters', requestId }));
  }

  /** Ask for the examples of the shown cluster's members. */
  private requestMembers(): void {
    const cluster = this.clusters?.near[this.clusterIndex];
    for (const line of cluster?.lines.slice(0, MAX_MEMBERS_SHOWN) ?? []) {
      if (!this.members.has(line)) this.request({ kind: 'member', line }, (requestId) => ({ type: 'requestExample', requestId, line }));
    }
  }

  private requestSummary(retries: number): void {
    this.request({ kind: 'summary', retries }, (requestId) => ({ type: 'requestSummary', requestId }));
  }

  private requestPage(pages: RowPages, page: number, retries: number): void {
    if (pages !== this.pages) return;
    const { offset, limit } = pages.window(page);
    // A retry marks the page pending again (unless another request for it is out).
    if (retries > 0 && pages.request(offset, offset).length === 0) return;
    this.request({ kind: 'rows', pages, page, retries }, (requestId) => ({
      type: 'requestRows',
      requestId,
      offset,
      limit,
      filter: rowsFilter(this.view.filters),
      sort: this.view.sort,
    }));
  }

  /** Ask for the pages on screen that are missing, and for the selected example once its row is there. */
  private ensureRows(): void {
    if (!this.initialized) return;
    const items = this.virtualizer?.getVirtualItems() ?? [];
    const first = items[0]?.index ?? 0;
    const last = items.length > 0 ? items[items.length - 1]!.index : 0;
    const selected = this.view.selected;
    const wanted = this.pages.request(first, last);
    if (selected !== null && this.pages.at(selected) === undefined) wanted.push(...this.pages.request(selected, selected));
    for (const page of wanted) this.requestPage(this.pages, page, 0);
    if (this.exampleWanted && selected !== null) {
      const row = this.pages.at(selected);
      if (row !== undefined) {
        this.exampleWanted = false;
        this.request({ kind: 'example', line: row.line }, (requestId) => ({ type: 'requestExample', requestId, line: row.line }));
      }
    }
  }

  private rowAt(position: number): Row | undefined {
    return this.pages.at(position) ?? this.previousPages?.at(position);
  }

  // ---- view state ----

  private dispatch(action: ViewAction): void {
    const before = listKey(this.view);
    this.view = reduceViewState(this.view, action);
    this.host.state = this.view;
    if (listKey(this.view) !== before) {
      this.previousPages = undefined;
      this.pages = new RowPages(listKey(this.view), this.version);
      this.example = undefined;
      this.draft = undefined;
      this.scrollToRestore = undefined;
      this.virtualizer?.scrollToOffset(0);
    }
    this.requestUpdate();
  }

  private select(position: number, open: boolean): void {
    this.dispatch({ type: 'select', position });
    this.virtualizer?.scrollToIndex(position, { align: 'auto' });
    if (open) this.openSelected();
  }

  private openSelected(): void {
    this.draft = undefined;
    this.notice = undefined;
    this.exampleWanted = true;
    this.requestUpdate();
  }

  // ---- list ----

  protected override firstUpdated(_changed: PropertyValues): void {
    const scroller = this.querySelector<HTMLElement>('.rows-scroll');
    if (scroller === null) return;
    this.virtualizer = new Virtualizer<HTMLElement, HTMLElement>({
      count: this.pages.matching ?? 0,
      getScrollElement: () => scroller,
      estimateSize: () => ROW_HEIGHT,
      overscan: 10,
      initialOffset: this.view.scrollOffset,
      scrollToFn: elementScroll,
      observeElementRect,
      observeElementOffset,
      onChange: (instance) => {
        const offset = instance.scrollOffset ?? 0;
        if (this.scrollToRestore === undefined && Math.abs(offset - this.view.scrollOffset) >= ROW_HEIGHT) {
          this.view = reduceViewState(this.view, { type: 'scrolled', offset });
          this.host.state = this.view;
        }
        this.requestUpdate();
      },
    });
    this.cleanupVirtualizer = this.virtualizer._didMount();
    this.virtualizer._willUpdate();
    this.requestUpdate();
  }

  protected override updated(_changed: PropertyValues): void {
    this.virtualizer?._willUpdate();
    this.restoreScroll();
    this.ensureRows();
    this.drawCharts();
  }

  /** Scrolls to the saved offset once the list has rows (rendered at their full height, so it can go there). */
  private restoreScroll(): void {
    const virtualizer = this.virtualizer;
    if (this.scrollToRestore === undefined || virtualizer === undefined || virtualizer.options.count === 0) return;
    const offset = this.scrollToRestore;
    this.scrollToRestore = undefined;
    virtualizer.scrollToOffset(offset);
  }

  private onListKey(event: KeyboardEvent): void {
    const count = this.pages.matching ?? this.previousPages?.matching ?? 0;
    const moves: Record<string, number> = { ArrowDown: 1, ArrowUp: -1, PageDown: 10, PageUp: -10, Home: -Infinity, End: Infinity };
    const delta = moves[event.key];
    if (delta !== undefined) {
      event.preventDefault();
      const clamped = Number.isFinite(delta) ? delta : delta > 0 ? count : -count;
      this.dispatch({ type: 'moveSelection', delta: clamped, count });
      if (this.view.selected !== null) this.virtualizer?.scrollToIndex(this.view.selected, { align: 'auto' });
    } else if (event.key === 'Enter' && this.view.selected !== null) {
      event.preventDefault();
      this.openSelected();
    }
  }

  private renderRow(position: number, start: number): TemplateResult {
    const row = this.rowAt(position);
    const selected = this.view.selected === position;
    const style = sized({ transform: `translateY(${start}px)`, height: `${ROW_HEIGHT}px` });
    if (row === undefined) {
      return html`<div class="row placeholder" role="option" aria-selected=${selected ? 'true' : 'false'} id=${`row-${position}`} ${style}>…</div>`;
    }
    const cells = rowCells(row);
    return html`<div
      class="row ${selected ? 'selected' : ''}"
      role="option"
      id=${`row-${position}`}
      data-line=${row.line}
      aria-selected=${selected ? 'true' : 'false'}
      ${style}
      @click=${() => this.select(position, true)}
    >
      <span class="cell line">${cells.lines}</span>
      <span class="cell format">${cells.format}</span>
      <span class="cell turns">${cells.turns}</span>
      <span class="cell tokens">${cells.tokens}</span>
      <span class="cell issues"
        >${cells.badges.map((b) => html`<span class="badge ${b.kind}" title=${b.title}>${b.label}</span>`)}<span class="preview">${cells.preview}</span></span
      >
    </div>`;
  }

  private renderList(): TemplateResult {
    const items = this.virtualizer?.getVirtualItems() ?? [];
    const total = this.virtualizer?.getTotalSize() ?? 0;
    const selected = this.view.selected;
    const status = listStatus(this.pages.matching ?? this.previousPages?.matching ?? null, this.pages.totalRecords ?? this.previousPages?.totalRecords ?? null);
    return html`<section class="list-pane" aria-label="Records">
      ${this.renderToolbar()}
      <div class="list-head" aria-hidden="true">
        <span class="cell line">Line</span><span class="cell format">Format</span><span class="cell turns">Turns</span><span class="cell tokens">Tokens</span
        ><span class="cell issues">Issues</span>
      </div>
      <div
        class="rows-scroll"
        role="listbox"
        tabindex="0"
        aria-label="Records: arrow keys select, Enter opens"
        aria-activedescendant=${selected !== null && items.some((i) => i.index === selected) ? `row-${selected}` : nothing}
        @keydown=${(e: KeyboardEvent) => this.onListKey(e)}
      >
        <div class="rows-inner" ${sized({ height: `${total}px` })}>${items.map((item) => this.renderRow(item.index, item.start))}</div>
      </div>
      <p class="list-status" role="status">${status}</p>
    </section>`;
  }

  private renderToolbar(): TemplateResult {
    const f = this.view.filters;
    const codes = this.stats?.histogram.findingsByCode ?? [];
    const sortId = SORTS.find((s) => s.sort.by === this.view.sort.by && s.sort.direction === this.view.sort.direction)?.id ?? 'line-asc';
    return html`<div class="toolbar" role="search" aria-label="Filter records">
      <vscode-textfield
        class="search"
        label="Search records"
        placeholder="Search records"
        .value=${f.text}
        @input=${(e: Event) => this.onSearch((e.target as HTMLInputElement).value)}
      ></vscode-textfield>
      <vscode-single-select class="code-filter" label="Finding code" .value=${f.code} @change=${(e: Event) => this.dispatch({ type: 'setCode', code: (e.target as HTMLSelectElement).value })}>
        <vscode-option value="">Any finding code</vscode-option>
        ${codes.map((c) => html`<vscode-option value=${c.code}>${c.code} (${formatInt(c.count)})</vscode-option>`)}
      </vscode-single-select>
      <vscode-single-select class="sort" label="Sort by" .value=${sortId} @change=${(e: Event) => this.onSort((e.target as HTMLSelectElement).value)}>
        ${SORTS.map((s) => html`<vscode-option value=${s.id}>Sort: ${s.label}</vscode-option>`)}
      </vscode-single-select>
      <div class="checks">
        ${(['error', 'warning', 'info'] as const).map(
          (s) =>
            html`<vscode-checkbox
              class=${`severity-${s}`}
              label=${`${s[0]!.toUpperCase()}${s.slice(1)}s`}
              .checked=${f.severities.includes(s)}
              @change=${() => this.dispatch({ type: 'toggleSeverity', severity: s })}
            ></vscode-checkbox>`,
        )}
        ${FLAG_FILTERS.map(
          (flag) =>
            html`<vscode-checkbox
              class=${`flag-${flag}`}
              label=${FLAG_LABELS[flag]}
              .checked=${f.flags.includes(flag)}
              @change=${() => this.dispatch({ type: 'toggleFlag', flag })}
            ></vscode-checkbox>`,
        )}
        <vscode-button secondary class="clear-filters" @click=${() => this.clearFilters()}>Clear filters</vscode-button>
      </div>
    </div>`;
  }

  private clearFilters(): void {
    this.dispatch({ type: 'clearFilters' });
    const search = this.querySelector<HTMLInputElement>('vscode-textfield.search');
    if (search !== null) search.value = '';
  }

  private onSearch(text: string): void {
    clearTimeout(this.searchTimer);
    this.searchTimer = setTimeout(() => this.dispatch({ type: 'setText', text }), SEARCH_DEBOUNCE_MS);
  }

  private onSort(id: string): void {
    const sort = SORTS.find((s) => s.id === id)?.sort;
    if (sort !== undefined) this.dispatch({ type: 'setSort', sort });
  }

  // ---- header and charts ----

  private renderHeader(): TemplateResult {
    const h = this.header;
    return html`<header class="header">
      <h1>${this.fileName || 'Dataset'}</h1>
      ${this.readOnlyReason !== undefined ? html`<p class="read-only" role="note">${this.readOnlyReason}</p>` : nothing}
      ${h === undefined
        ? html`<p class="loading">Analysing…</p>`
        : html`<dl class="summary">
              ${[...headerItems(h), ...modelHeaderItems(this.stats?.model)].map(
                (i) => html`<div class="summary-item" data-id=${i.id} title=${i.title}><dt>${i.label}</dt><dd>${i.value}</dd></div>`,
              )}
            </dl>
            <vscode-button class="choose-model" secondary @click=${() => this.send({ type: 'chooseModel' })}
              title="Count every example with a model's own tokenizer and chat template (slmgen.analysis.model)"
              >${this.stats?.model ? 'Change model…' : 'Choose model…'}</vscode-button
            >
            <details class="deductions">
              <summary>Quality deductions (${h.deductions.length})</summary>
              ${h.deductions.length === 0 ? html`<p>No deductions.</p>` : html`<ul>${h.deductions.map((d) => html`<li data-code=${d.code}>${formatDeduction(d)}</li>`)}</ul>`}
            </details>`}
    </header>`;
  }

  private renderCharts(): TemplateResult {
    const figure = (id: string, caption: string) => html`<figure class="chart"><figcaption>${caption}</figcaption><div class="chart-canvas" data-chart=${id} role="img" aria-label=${caption}></div></figure>`;
    return html`<details class="charts" open>
      <summary>Charts</summary>
      <div class="chart-grid">
        ${figure('tokens', this.stats === undefined ? 'Tokens per example' : tokenChart(this.stats).caption)} ${figure('turns', 'Turns per example')} ${figure('roles', 'Messages per role')}
        ${figure('findings', 'Findings per code')}
      </div>
    </details>`;
  }

  private drawCharts(): void {
    if (this.stats === undefined || this.stats === this.drawnStats) return;
    const target = (id: string) => this.querySelector<HTMLElement>(`[data-chart="${id}"]`);
    const tokens = target('tokens');
    const turns = target('turns');
    const roles = target('roles');
    const findings = target('findings');
    if (tokens === null || turns === null || roles === null || findings === null) return;
    this.drawnStats = this.stats;
    void this.charts.render({ tokens, turns, roles, findings }, this.stats).then((ms) => this.querySelector<HTMLElement>('.chart-grid')?.setAttribute('data-render-ms', ms.toFixed(1)));
  }

  // ---- clusters ----

  private onClustersToggle(event: Event): void {
    this.clustersOpen = (event.target as HTMLDetailsElement).open;
    if (this.clustersOpen && this.clusters === undefined) this.requestClusters();
  }

  private showCluster(index: number): void {
    this.clusterIndex = index;
    this.requestMembers();
    this.requestUpdate();
  }

  private renderClusters(): TemplateResult {
    const near = this.clusters?.near ?? [];
    const cluster = near[this.clusterIndex];
    const shown = cluster?.lines.slice(0, MAX_MEMBERS_SHOWN) ?? [];
    const text = (e: ExampleResult | undefined) => (e === undefined ? '' : e.messages.map((m) => `${m.role}: ${m.content}`).join('\n'));
    const base = text(this.members.get(shown[0] ?? 0));
    return html`<details class="clusters" @toggle=${(e: Event) => this.onClustersToggle(e)}>
      <summary>Near-duplicate clusters${this.clusters === undefined ? '' : ` (${near.length})`}</summary>
      ${this.clusters === undefined
        ? html`<p class="loading">Loading clusters…</p>`
        : near.length === 0
          ? html`<p>No near-duplicate clusters.</p>`
          : html`<div class="cluster-picker" role="group" aria-label="Clusters">
                ${near.map(
                  (c, i) =>
                    html`<vscode-button ?secondary=${i !== this.clusterIndex} class="cluster-button" aria-pressed=${i === this.clusterIndex ? 'true' : 'false'} @click=${() => this.showCluster(i)}
                      >Cluster ${i + 1}: lines ${c.lines.join(', ')}${c.similarity === undefined ? '' : ` (≥ ${c.similarity.toFixed(2)})`}</vscode-button
                    >`,
                )}
              </div>
              ${cluster !== undefined && cluster.lines.length > shown.length ? html`<p>Showing ${shown.length} of ${cluster.lines.length} members.</p>` : nothing}
              <div class="cluster-members">
                ${shown.map((line, i) => {
                  const member = this.members.get(line);
                  const others = cluster?.lines.filter((l) => l !== line) ?? [];
                  return html`<section class="cluster-member" data-line=${line} aria-label=${`Line ${line}`}>
                    <h2>Line ${line}${i === 0 ? ' (representative)' : ''}</h2>
                    ${this.readOnly
                      ? nothing
                      : html`<vscode-button class="keep-one" @click=${() => this.keepOne(line, others)}>Keep line ${line}, delete ${others.length === 1 ? 'the other' : `the ${others.length} others`}</vscode-button>`}
                    <pre class="member-text" tabindex="0" aria-label=${`Text of line ${line}`}>${member === undefined
                      ? 'Loading…'
                      : i === 0
                        ? text(member)
                        : wordDiff(base, text(member)).map((p) => (p.changed ? html`<mark>${p.text}</mark>` : p.text))}</pre>
                  </section>`;
                })}
              </div>`}
    </details>`;
  }

  private keepOne(keepLine: number, deleteLines: number[]): void {
    if (deleteLines.length === 0) return;
    this.editRequest((requestId) => ({ type: 'keepOne', requestId, version: this.version, keepLine, deleteLines }));
  }

  // ---- detail ----

  private renderDetail(): TemplateResult {
    const e = this.example;
    const notice = this.notice === undefined ? nothing : html`<p class="notice ${this.notice.kind}" role=${this.notice.kind === 'error' ? 'alert' : 'status'}>${this.notice.text}</p>`;
    if (e === undefined) {
      return html`<section class="detail-pane" aria-label="Example">
        ${notice}
        <p class="placeholder">Select a record (arrow keys, then Enter) to see its conversation.</p>
      </section>`;
    }
    return html`<section class="detail-pane" aria-label="Example">
      <h2>${exampleTitle(e)}</h2>
      ${notice}
      <div class="detail-actions">
        <vscode-button class="open-text" @click=${() => this.send({ type: 'openInTextEditor', line: e.line })}>Open in text editor</vscode-button>
        ${this.readOnly ? nothing : html`<vscode-button secondary class="delete-example" @click=${() => this.deleteExample(e)}>Delete example</vscode-button>`}
      </div>
      ${e.truncated ? html`<p class="notice info">The record is too long to show whole; its text is cut.</p>` : nothing}
      <ol class="conversation">
        ${e.messages.map((m, i) => this.renderMessage(e, m, i))}
      </ol>
      <h3>Findings (${e.findings.length})</h3>
      ${e.findings.length === 0
        ? html`<p>No findings.</p>`
        : html`<ul class="findings">
            ${e.findings.map(
              (f, fi) => html`<li class="finding ${f.severity}" data-code=${f.code}>
                <span class="badge ${f.severity}">${f.severity}</span> <code>${f.code}</code> ${f.message}
                ${this.readOnly
                  ? nothing
                  : f.fixes.map(
                      (fix, xi) =>
                        html`<vscode-button secondary class="fix" @click=${() => this.editRequest((id) => ({ type: 'applyFix', requestId: id, version: this.version, line: e.line, findingIndex: fi, fixIndex: xi }))}
                          >${fix.title}</vscode-button
                        >`,
                    )}
              </li>`,
            )}
          </ul>`}
    </section>`;
  }

  private renderMessage(e: ExampleResult, m: ExampleResult['messages'][number], index: number): TemplateResult {
    const editing = this.draft?.messageIndex === index ? this.draft : undefined;
    const tokens = m.tokens === null ? '' : `${formatInt(m.tokens)} tokens`;
    return html`<li class="bubble ${bubbleKind(m.role)}" data-index=${index}>
      <div class="bubble-head">
        <span class="role">${m.role}</span><span class="tokens">${tokens}</span>
        ${this.readOnly || editing !== undefined
          ? nothing
          : html`<vscode-button secondary class="edit-message" aria-label=${`Edit message ${index + 1} (${m.role})`} @click=${() => this.startEdit(e, index)}>Edit</vscode-button>`}
      </div>
      ${editing === undefined ? html`<div class="content">${m.content}</div>` : this.renderEditor(e, editing)}
      ${m.toolCalls.map((t) => html`<pre class="tool-call"><code>${t.name}(${formatToolArguments(t.arguments)})</code></pre>`)}
    </li>`;
  }

  private renderEditor(e: ExampleResult, draft: MessageDraft): TemplateResult {
    const roles: readonly string[] = EDITABLE_ROLES.includes(draft.role as (typeof EDITABLE_ROLES)[number]) ? EDITABLE_ROLES : [draft.role, ...EDITABLE_ROLES];
    return html`<div class="message-editor">
      <vscode-single-select class="edit-role" label="Role" .value=${draft.role} @change=${(ev: Event) => (draft.role = (ev.target as HTMLSelectElement).value)}>
        ${roles.map((r) => html`<vscode-option value=${r}>${r}</vscode-option>`)}
      </vscode-single-select>
      <vscode-textarea class="edit-content" label="Message content" rows="6" resize="vertical" .value=${draft.content} @input=${(ev: Event) => (draft.content = (ev.target as HTMLTextAreaElement).value)}></vscode-textarea>
      <div class="editor-actions">
        <vscode-button class="save-message" @click=${() => this.saveDraft(e, draft)}>Save</vscode-button>
        <vscode-button secondary class="cancel-edit" @click=${() => this.cancelEdit()}>Cancel</vscode-button>
      </div>
    </div>`;
  }

  private startEdit(e: ExampleResult, index: number): void {
    this.draft = draftOf(e, index);
    this.notice = undefined;
    this.requestUpdate();
    void this.updateComplete.then(() => this.querySelector<HTMLElement>('vscode-textarea.edit-content')?.focus());
  }

  private cancelEdit(): void {
    this.draft = undefined;
    this.requestUpdate();
  }

  private saveDraft(e: ExampleResult, draft: MessageDraft): void {
    const requestId = this.nextRequestId++;
    const message = editMessageRequest(requestId, this.version, e, draft);
    if (message === undefined) {
      this.draft = undefined;
      this.notice = { kind: 'info', text: 'Nothing changed.' };
      this.requestUpdate();
      return;
    }
    this.pending.set(requestId, { kind: 'edit' });
    this.send(message);
  }

  private deleteExample(e: ExampleResult): void {
    this.editRequest((requestId) => ({ type: 'deleteExample', requestId, version: this.version, line: e.line }));
  }

  private editRequest(build: (requestId: number) => WebviewMessage): void {
    this.notice = undefined;
    this.request({ kind: 'edit' }, build);
    this.requestUpdate();
  }

  protected override render(): TemplateResult {
    return html`<main class="page">
      ${this.renderHeader()} ${this.renderCharts()} ${this.renderClusters()}
      <div class="main">${this.renderList()} ${this.renderDetail()}</div>
    </main>`;
  }
}
