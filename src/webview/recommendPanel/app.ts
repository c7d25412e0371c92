// The Recommendation and notebook panel's page: task and deployment, the ranked model cards, two models side by side,
// and the training-config form with its live estimates. It holds no numbers of its own: the ranking, the estimates,
// the resolved config and its errors are the host's answers (the language server's), asked again as the user types.
import { html, LitElement, nothing } from 'lit';
import { ref } from 'lit/directives/ref.js';
import type { TemplateResult } from 'lit';
import type { RecommendResult, TrainingPlanResult } from '../../shared/lspProtocol';
import { DEPLOYMENT_CHOICES, NOTEBOOK_DATA_CHOICES, NOTEBOOK_TARGET_CHOICES, PRESET_CHOICES, TASK_CHOICES } from '../../shared/notebookChoices';
import type { Choice, NotebookDataId } from '../../shared/notebookChoices';
import { DataId, DeploymentId, PresetId, TargetId, TaskId } from '../../shared/recommendPanelMessages';
import type { DatasetTokens, PanelHostMessage } from '../../shared/recommendPanelMessages';
import { comparisonRows, contextFit, estimateLines, formatInt, formatMinutes, reasonsWithPoints } from './cards';
import type { Recommendation } from './cards';
import { configFromEdits, errorsByField, formFields } from './form';
import type { FormField } from './form';
import { PanelHost } from './host';
import { reducePanelState, restoreViewState } from './viewState';
import type { PanelAction, PanelViewState } from './viewState';

/** Wait after the last keystroke before asking the host about the config. */
const PLAN_DEBOUNCE_MS = 200;
/** While the model's own token counts are being made, the plan is asked again this often. */
const PLAN_RECHECK_MS = 1500;

type Pending = { kind: 'recommend' } | { kind: 'plan' } | { kind: 'generate' };

interface Notice {
  kind: 'info' | 'error';
  text: string;
}

/** A width set through the CSSOM (the page's CSP blocks style attributes). */
function widthPercent(percent: number) {
  return ref((element) => {
    if (element instanceof HTMLElement) element.style.width = `${Math.max(0, Math.min(100, percent))}%`;
  });
}

/** Where the examples go, in a sentence under the form. */
function dataSentence(data: NotebookDataId): string {
  if (data === 'embed') return 'The data is embedded in the notebook.';
  return 'The data is written to a sidecar file next to the notebook (<dataset>.normalized.jsonl), which the notebook reads.';
}

/** The notice after "Generate": the files written and the example counts. */
function generatedText(g: { path: string; datasetPath: string | null; examples: number; excluded: number }): string {
  const counts = `${formatInt(g.examples)} examples${g.excluded > 0 ? `, ${formatInt(g.excluded)} invalid left out` : ''}`;
  if (g.datasetPath === null) return `Notebook written: ${g.path} (${counts}).`;
  return `Notebook written: ${g.path} (${counts}); data file: ${g.datasetPath}, which the notebook reads (upload it where the notebook runs).`;
}

function options(choices: readonly Choice[], selected: string): TemplateResult[] {
  return choices.map((c) => html`<vscode-option value=${c.id} description=${c.description} ?selected=${c.id === selected}>${c.label}</vscode-option>`);
}

export class RecommendPanelApp extends LitElement {
  private readonly host = new PanelHost();
  private view: PanelViewState = restoreViewState(this.host.state);
  private initialized = false;
  private fileName = '';
  private tokens: DatasetTokens | null = null;
  private ranked: RecommendResult | undefined;
  /** The latest answer about the config, and the last config that resolved (shown while there are errors). */
  private plan: TrainingPlanResult | undefined;
  private resolved: Record<string, unknown> | undefined;
  private generated: { path: string; datasetPath: string | null; examples: number; excluded: number } | undefined;
  private notice: Notice | undefined;
  private nextRequestId = 1;
  private readonly pending = new Map<number, Pending>();
  private latestPlan = 0;
  private latestRecommend = 0;
  private planTimer: ReturnType<typeof setTimeout> | undefined;
  private scrollRestored = false;

  protected override createRenderRoot(): HTMLElement {
    return this;
  }

  override connectedCallback(): void {
    super.connectedCallback();
    this.host.listen((m) => this.receive(m));
    this.addEventListener('scroll', () => this.dispatch({ type: 'scrolled', scrollY: this.scrollTop }, false));
    this.host.send({ type: 'ready' });
  }

  private dispatch(action: PanelAction, render = true): void {
    this.view = reducePanelState(this.view, action);
    this.host.state = this.view;
    if (render) this.requestUpdate();
  }

  private request(kind: Pending['kind']): number {
    const id = this.nextRequestId++;
    this.pending.set(id, { kind });
    return id;
  }

  private receive(message: PanelHostMessage): void {
    switch (message.type) {
      case 'init':
        this.fileName = message.fileName;
        this.tokens = message.tokens;
        this.view = { ...this.view, uri: message.uri };
        this.host.state = this.view;
        if (!this.initialized) {
          this.initialized = true;
          this.recommend();
          if (this.view.model !== null) this.askPlan();
        }
        break;
      case 'recommendations':
        this.pending.delete(message.requestId);
        if (message.requestId !== this.latestRecommend) return;
        this.ranked = message.result;
        break;
      case 'plan':
        this.pending.delete(message.requestId);
        if (message.requestId !== this.latestPlan) return;
        {
          // Restored typed values were read before the field list was known: ask again with it.
          const first = this.plan === undefined;
          this.plan = message.result;
          if (message.result.config !== undefined) this.resolved = message.result.config;
          if (first && Object.keys(this.view.edits).length > 0) this.askPlan();
          // The model's own counts are being made: ask again until the plan is from them (a newer edit supersedes).
          else if (message.result.countsPending === true) this.askPlan(PLAN_RECHECK_MS);
        }
        break;
      case 'generated':
        this.pending.delete(message.requestId);
        this.generated = { path: message.path, datasetPath: message.datasetPath ?? null, examples: message.examples, excluded: message.excluded };
        this.notice = { kind: 'info', text: generatedText(this.generated) };
        break;
      case 'error':
        if (message.requestId !== undefined) this.pending.delete(message.requestId);
        this.notice = { kind: 'error', text: message.message };
        break;
    }
    this.requestUpdate();
  }

  private recommend(): void {
    this.latestRecommend = this.request('recommend');
    this.host.send({ type: 'recommend', requestId: this.latestRecommend, task: this.view.task, deployment: this.view.deployment });
  }

  /** Ask the host about the config as it is now (after a short pause while typing). */
  private askPlan(delay = 0): void {
    clearTimeout(this.planTimer);
    this.planTimer = setTimeout(() => {
      const model = this.view.model;
      if (model === null) return;
      const { config, errors } = configFromEdits(this.view.edits, this.plan?.fieldRanges ?? {});
      // Texts that are not numbers stay marked; the rest is still checked by the host.
      for (const name of Object.keys(errors)) delete config[name];
      this.latestPlan = this.request('plan');
      this.host.send({ type: 'plan', requestId: this.latestPlan, model, preset: this.view.preset, target: this.view.target, config });
    }, delay);
  }

  private get busy(): boolean {
    return [...this.pending.values()].some((p) => p.kind === 'generate');
  }

  private get selected(): Recommendation | undefined {
    return this.ranked?.recommendations.find((r) => r.model_id === this.view.model);
  }

  /** Errors that stop "Generate": the host's, or a text that is not a number. */
  private get formErrors(): number {
    const local = Object.keys(configFromEdits(this.view.edits, this.plan?.fieldRanges ?? {}).errors).length;
    return local + (this.plan?.errors.length ?? 0);
  }

  private generate(): void {
    const model = this.view.model;
    if (model === null || this.formErrors > 0 || this.busy) return;
    const { config } = configFromEdits(this.view.edits, this.plan?.fieldRanges ?? {});
    this.notice = { kind: 'info', text: 'Writing the notebook…' };
    this.generated = undefined;
    const { task, deployment, preset, target, data } = this.view;
    this.host.send({ type: 'generate', requestId: this.request('generate'), task, deployment, model, preset, target, config, data });
    this.requestUpdate();
  }

  protected override updated(): void {
    if (!this.scrollRestored && this.ranked !== undefined) {
      this.scrollRestored = true;
      this.scrollTop = this.view.scrollY;
    }
  }

  protected override render(): TemplateResult {
    return html`<main class="page">
      <header class="panel-header">
        <h1>Recommend a model${this.fileName === '' ? '' : html` for <span class="file-name">${this.fileName}</span>`}</h1>
        ${this.tokensLine()}
      </header>
      ${this.choices()} ${this.cards()} ${this.comparison()} ${this.form()}
    </main>`;
  }

  private tokensLine(): TemplateResult {
    const t = this.tokens;
    if (t === null) return html`<p class="dataset-tokens">Analysing the dataset…</p>`;
    return html`<p class="dataset-tokens">
      ${formatInt(t.examples)} examples · tokens per example (${t.encoding}): p95 <strong>${formatInt(t.p95)}</strong>, p99 <strong>${formatInt(t.p99)}</strong>, max ${formatInt(t.max)}
    </p>`;
  }

  private choices(): TemplateResult {
    return html`<section class="choices" aria-label="Task and deployment">
      <div class="choice">
        <label for="task-select">Task</label>
        <vscode-single-select id="task-select" class="task" label="Task" .value=${this.view.task} @change=${(e: Event) => this.onTask((e.target as HTMLSelectElement).value)}>
          ${options(TASK_CHOICES, this.view.task)}
        </vscode-single-select>
      </div>
      <div class="choice">
        <label for="deployment-select">Deployment</label>
        <vscode-single-select
          id="deployment-select"
          class="deployment"
          label="Deployment"
          .value=${this.view.deployment}
          @change=${(e: Event) => this.onDeployment((e.target as HTMLSelectElement).value)}
        >
          ${options(DEPLOYMENT_CHOICES, this.view.deployment)}
        </vscode-single-select>
      </div>
    </section>`;
  }

  private onTask(value: string): void {
    const task = TaskId.safeParse(value);
    if (!task.success || task.data === this.view.task) return;
    this.dispatch({ type: 'setTask', task: task.data });
    this.recommend();
  }

  private onDeployment(value: string): void {
    const deployment = DeploymentId.safeParse(value);
    if (!deployment.success || deployment.data === this.view.deployment) return;
    this.dispatch({ type: 'setDeployment', deployment: deployment.data });
    this.recommend();
  }

  private cards(): TemplateResult {
    const ranked = this.ranked;
    const status =
      ranked === undefined ? 'Ranking the models…' : `${ranked.recommendations.length} models ranked for ${this.view.task} on ${this.view.deployment} (score of 100).`;
    return html`<section class="ranked" aria-labelledby="ranked-heading">
      <h2 id="ranked-heading">Ranked models</h2>
      <p class="ranked-status" role="status">${status}</p>
      ${ranked === undefined ? nothing : html`<ol class="cards">${ranked.recommendations.map((r) => this.card(r))}</ol>`}
    </section>`;
  }

  private card(r: Recommendation): TemplateResult {
    const selected = r.model_id === this.view.model;
    const compared = this.view.compare.includes(r.model_id);
    const fit = contextFit(r.context_length, this.tokens);
    return html`<li class="card${selected ? ' selected' : ''}" data-model=${r.model_id} data-rank=${r.rank} data-score=${r.score_100} aria-label=${`#${r.rank} ${r.model_name}, score ${r.score_100} of 100`}>
      <div class="card-head">
        <h3><span class="rank">#${r.rank}</span> ${r.model_name}</h3>
        <span class="size">${r.size}</span>
        ${r.is_gated ? html`<span class="badge gated" title="Accept the license on Hugging Face before downloading">Gated</span>` : nothing}
        ${r.license === undefined ? nothing : html`<span class="badge license">${r.license}</span>`}
      </div>
      <div class="score">
        <div class="score-bar" role="meter" aria-label="Score" aria-valuemin="0" aria-valuemax="100" aria-valuenow=${r.score_100}>
          <div class="score-fill" ${widthPercent(r.score_100)}></div>
        </div>
        <span class="score-value">${r.score_100} / 100</span>
      </div>
      <ul class="reasons">
        ${reasonsWithPoints(r).map((reason) => html`<li>${reason.points === undefined ? nothing : html`<span class="points">${reason.points}</span>`}<span>${reason.text}</span></li>`)}
      </ul>
      <p class="context ${fit.level}">${fit.text}</p>
      <dl class="estimates">${estimateLines(r).map((l) => html`<div><dt>${l.label}</dt><dd>${l.value}</dd></div>`)}</dl>
      <div class="card-actions">
        <vscode-button class="select-model" aria-pressed=${selected ? 'true' : 'false'} ?secondary=${!selected} @click=${() => this.selectModel(r.model_id)}
          >${selected ? 'Selected' : `Select ${r.model_name}`}</vscode-button
        >
        <vscode-checkbox
          class="compare-model"
          label=${`Compare ${r.model_name}`}
          .checked=${compared}
          @change=${() => this.dispatch({ type: 'toggleCompare', model: r.model_id })}
        ></vscode-checkbox>
      </div>
    </li>`;
  }

  private selectModel(model: string): void {
    if (model === this.view.model) return;
    this.dispatch({ type: 'selectModel', model });
    this.askPlan();
  }

  private comparison(): TemplateResult | typeof nothing {
    const [a, b] = this.view.compare.map((id) => this.ranked?.recommendations.find((r) => r.model_id === id));
    if (a === undefined || b === undefined) {
      if (this.ranked === undefined) return nothing;
      return html`<p class="compare-hint">Tick "Compare" on two models to see them side by side.</p>`;
    }
    return html`<section class="comparison" aria-labelledby="compare-heading">
      <h2 id="compare-heading">${a.model_name} and ${b.model_name} side by side</h2>
      <table>
        <thead>
          <tr><th scope="col">Property</th><th scope="col">${a.model_name}</th><th scope="col">${b.model_name}</th></tr>
        </thead>
        <tbody>
          ${comparisonRows(a, b, this.tokens).map((row) => html`<tr><th scope="row">${row.label}</th><td>${row.values[0]}</td><td>${row.values[1]}</td></tr>`)}
        </tbody>
      </table>
    </section>`;
  }

  private form(): TemplateResult {
    const model = this.selected;
    if (model === undefined) {
      return html`<section class="config" aria-labelledby="config-heading"><h2 id="config-heading">Training config</h2><p>Select a model to configure its training and generate the notebook.</p></section>`;
    }
    const fields = formFields(this.plan, this.resolved, this.view.edits);
    const general = errorsByField(this.plan)[''];
    const preset = PRESET_CHOICES.find((p) => p.id === this.view.preset);
    return html`<section class="config" aria-labelledby="config-heading">
      <h2 id="config-heading">Training config for ${model.model_name}</h2>
      <div class="choices">
        <div class="choice">
          <label for="preset-select">Preset</label>
          <vscode-single-select id="preset-select" class="preset" label="Preset" .value=${this.view.preset} @change=${(e: Event) => this.onPreset((e.target as HTMLSelectElement).value)}>
            ${options(PRESET_CHOICES, this.view.preset)}
          </vscode-single-select>
        </div>
        <div class="choice">
          <label for="target-select">Notebook target</label>
          <vscode-single-select id="target-select" class="target" label="Notebook target" .value=${this.view.target} @change=${(e: Event) => this.onTarget((e.target as HTMLSelectElement).value)}>
            ${options(NOTEBOOK_TARGET_CHOICES, this.view.target)}
          </vscode-single-select>
        </div>
        <div class="choice">
          <label for="data-select">Data</label>
          <vscode-single-select id="data-select" class="data" label="Data" .value=${this.view.data} @change=${(e: Event) => this.onData((e.target as HTMLSelectElement).value)}>
            ${options(NOTEBOOK_DATA_CHOICES, this.view.data)}
          </vscode-single-select>
        </div>
      </div>
      <p class="preset-description">${preset === undefined ? '' : `${preset.description}. `}${dataSentence(this.view.data)}</p>
      ${general === undefined ? nothing : html`<p class="form-error" role="alert">${general}</p>`}
      <div class="fields">${fields.map((f) => this.field(f))}</div>
      ${this.liveEstimates()}
      <div class="actions">
        <vscode-button class="generate" ?disabled=${this.formErrors > 0 || this.busy || this.plan === undefined} @click=${() => this.generate()}>Generate notebook</vscode-button>
        <vscode-button
          class="open-colab"
          secondary
          ?disabled=${this.generated === undefined}
          @click=${() => this.generated !== undefined && this.host.send({ type: 'openInColab', path: this.generated.path })}
          >Open in Colab</vscode-button
        >
      </div>
      ${this.notice === undefined ? nothing : html`<p class="notice ${this.notice.kind}" role=${this.notice.kind === 'error' ? 'alert' : 'status'}>${this.notice.text}</p>`}
    </section>`;
  }

  private field(f: FormField): TemplateResult {
    const id = `field-${f.name}`;
    return html`<div class="form-field${f.error === undefined ? '' : ' invalid'}" data-field=${f.name}>
      <label for=${id}>${f.label}</label>
      <vscode-textfield
        id=${id}
        class="field-input"
        .label=${f.label}
        .value=${f.text}
        ?invalid=${f.error !== undefined}
        @input=${(e: Event) => this.onField(f.name, (e.target as HTMLInputElement).value)}
      ></vscode-textfield>
      <span class="range">Allowed: ${f.range}${f.list ? ' (comma-separated)' : ''}</span>
      ${f.edited ? html`<vscode-button class="reset-field" secondary aria-label=${`Reset ${f.label} to the default`} @click=${() => this.onReset(f.name)}>Default</vscode-button>` : nothing}
      ${f.why === undefined ? nothing : html`<span class="why">${f.why}</span>`}
      ${f.error === undefined ? nothing : html`<span class="field-error" role="alert">${f.label}: ${f.error}</span>`}
    </div>`;
  }

  private liveEstimates(): TemplateResult {
    const e = this.plan?.estimate;
    if (e === undefined) return html`<p class="live-estimates" aria-live="polite">${this.plan === undefined ? 'Estimating…' : 'Fix the errors above to see the estimates.'}</p>`;
    const pending =
      this.plan?.countsPending === true
        ? html`<p class="counts-pending">Counting the dataset with ${this.view.model ?? 'the model'}'s own tokenizer: max_seq_length and these estimates are from o200k_base counts until then.</p>`
        : nothing;
    return html`${pending}<dl class="live-estimates" aria-live="polite">
      <div><dt>Train / eval examples</dt><dd>${formatInt(e.train_examples)} / ${formatInt(e.eval_examples)}</dd></div>
      <div><dt>Steps</dt><dd>${formatInt(e.total_steps)}</dd></div>
      <div><dt>Time on T4</dt><dd class="t4">${formatMinutes(e.minutes.t4)}</dd></div>
      <div><dt>Time on L4</dt><dd>${formatMinutes(e.minutes.l4)}</dd></div>
      <div><dt>Time on A100</dt><dd>${formatMinutes(e.minutes.a100)}</dd></div>
      <div><dt>Peak VRAM</dt><dd class="vram">${e.peak_vram_gb} GB${e.fits_t4 ? ' (fits a T4)' : ' (more than a T4)'}</dd></div>
    </dl>`;
  }

  private onField(name: string, text: string): void {
    this.dispatch({ type: 'editField', field: name, text });
    this.askPlan(PLAN_DEBOUNCE_MS);
  }

  private onReset(name: string): void {
    this.dispatch({ type: 'resetField', field: name });
    this.askPlan();
  }

  private onPreset(value: string): void {
    const preset = PresetId.safeParse(value);
    if (!preset.success || preset.data === this.view.preset) return;
    this.dispatch({ type: 'setPreset', preset: preset.data });
    this.askPlan();
  }

  private onData(value: string): void {
    const data = DataId.safeParse(value);
    if (!data.success || data.data === this.view.data) return;
    this.dispatch({ type: 'setData', data: data.data });
    this.generated = undefined;
  }

  private onTarget(value: string): void {
    const target = TargetId.safeParse(value);
    if (!target.success || target.data === this.view.target) return;
    this.dispatch({ type: 'setTarget', target: target.data });
    this.generated = undefined;
    this.askPlan();
  }
}
