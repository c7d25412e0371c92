// The Recommendation and notebook panel as a person uses it, in a real VS Code (code-server + Debian Chromium): open
// clean.jsonl, run "SLMGEN: Open Recommendation Panel", pick a task and a deployment and see the ranked cards of
// `slmgen recommend --json` in the same order with the same scores (and each card's memory, GPU minutes, gated and
// licence badges as the language server computed them), compare two models, pick one, type an invalid
// learning rate and see the error next to the field, fix it, run axe-core in the panel, take screenshots in three
// themes, generate the notebook (written next to the dataset, nbformat 4) and go through every control with Tab. Then
// choose a sidecar data file (by keyboard) and generate again, "Open in Colab": the consent in the workbench's dialog
// says what travels, a local stand-in for the GitHub API receives the secret gist, and the Colab URL opens (routed: no
// network); and a panel on a 2,000-example dataset shows the language server's minutes per GPU, and its config's
// estimates follow the typed epochs and max_seq_length as the language server computes them. Each card's context
// length is shown against the dataset's p95 / p99 tokens of the language server's report (on clean.jsonl, and on a
// dataset whose p99 is longer than TinyLlama's context).
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { IncomingHttpHeaders, Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Frame, Page } from 'playwright-core';
import { RECOMMEND_METHOD, RecommendResult, REPORT_METHOD, ReportResult, TRAINING_PLAN_METHOD, TrainingPlanResult } from '../../src/shared/lspProtocol';
import { DEFAULT_PRESET } from '../../src/shared/notebookChoices';
import { contextFit, formatInt, formatMinutes } from '../../src/webview/recommendPanel/cards';
import { repoRoot } from '../helpers/codeServer';
import { LspTestClient } from '../lsp/lspClient';
import type { EditorSession } from './editorSession';
import { axeViolations, openEditorSession, screenshotThemes, quickOpen, runCommand, tabWalk, waitFor, webviewFrame } from './editorSession';

const FILE = 'clean.jsonl';
const TASK = { id: 'qa', label: 'Question answering' };
const DEPLOYMENT = { id: 'edge', label: 'Edge' };

/** Choose an option of a vscode-single-select as a user does: open it, click the option. */
async function choose(frame: Frame, select: string, label: string): Promise<void> {
  await frame.locator(`vscode-single-select.${select}`).click();
  await frame.locator(`vscode-single-select.${select} li[role="option"]`, { hasText: label }).first().click();
}

/** The frame that holds the panel's page (a notebook editor has webview frames of its own), of `fileName` if given. */
async function panelFrame(page: Page, fileName?: string): Promise<Frame> {
  const shows = async (f: Frame) =>
    fileName === undefined
      ? (await f.locator('slmgen-recommend-panel').count()) > 0
      : (await f.locator('slmgen-recommend-panel h1 .file-name').allInnerTexts()).some((t) => t.trim() === fileName);
  for (const deadline = Date.now() + 60_000; Date.now() < deadline; await page.waitForTimeout(250)) {
    for (const f of page.frames()) if (await shows(f).catch(() => false)) return f;
  }
  throw new Error(`no frame shows the Recommendation panel${fileName === undefined ? '' : ` of ${fileName}`}`);
}

/** Runs `ask` against a language server of the same bundle with the file open (its text, version 1), then stops it. */
async function askLanguageServer<T>(path: string, ask: (client: LspTestClient, uri: string) => Promise<T>): Promise<T> {
  const client = new LspTestClient([join(repoRoot, 'dist/lsp.js'), '--stdio']);
  try {
    await client.initialize();
    const uri = pathToFileURL(path).href;
    await client.notify('textDocument/didOpen', { textDocument: { uri, languageId: 'jsonl', version: 1, text: readFileSync(path, 'utf8') } });
    return await ask(client, uri);
  } finally {
    client.kill();
  }
}

/** The language server's ranking of a dataset for TASK on DEPLOYMENT: the same request to the same bundle, on the file's text. */
async function hostRecommendations(path: string): Promise<RecommendResult> {
  return askLanguageServer(path, async (client, uri) => RecommendResult.parse(await client.request(RECOMMEND_METHOD, { uri, task: TASK.id, deployment: DEPLOYMENT.id })));
}

/** The dataset's figures the panel compares context lengths with, as the language server's `slmgen/report` has them. */
async function hostTokenFigures(path: string): Promise<{ examples: number; encoding: string; p95: number; p99: number; max: number }> {
  const { report } = ReportResult.parse(await askLanguageServer(path, (client, uri) => client.request(REPORT_METHOD, { uri })));
  const { total_examples, encoding, token_stats } = report as { total_examples: number; encoding: string; token_stats: { total: { p95: number; p99: number; max: number } } };
  return { examples: total_examples, encoding, ...token_stats.total };
}

/**
 * The language server's `slmgen/trainingPlan` for `model` on the balanced preset (the panel's default) with each of
 * `configs`, once the model's own token counts are in (the panel asks again until then too).
 */
async function hostPlans(path: string, model: string, configs: Record<string, number>[]): Promise<TrainingPlanResult[]> {
  return askLanguageServer(path, async (client, uri) => {
    const plans: TrainingPlanResult[] = [];
    for (const config of configs) {
      let plan: TrainingPlanResult | undefined;
      await waitFor(`the plan of ${model} with ${JSON.stringify(config)}`, async () => {
        plan = TrainingPlanResult.parse(await client.request(TRAINING_PLAN_METHOD, { uri, model, preset: DEFAULT_PRESET, target: 'colab', config }));
        return plan.countsPending !== true;
      }, 120_000);
      plans.push(plan!);
    }
    return plans;
  });
}

/** The rows of the config's live estimates as the panel shows a plan's estimate: label and value. */
function liveEstimateRows(plan: TrainingPlanResult): [string, string][] {
  const e = plan.estimate;
  assert.ok(e !== undefined, `the plan has estimates (errors: ${JSON.stringify(plan.errors)})`);
  return [
    ['Train / eval examples', `${formatInt(e.train_examples)} / ${formatInt(e.eval_examples)}`],
    ['Steps', formatInt(e.total_steps)],
    ['Time on T4', formatMinutes(e.minutes.t4)],
    ['Time on L4', formatMinutes(e.minutes.l4)],
    ['Time on A100', formatMinutes(e.minutes.a100)],
    ['Peak VRAM', `${e.peak_vram_gb} GB ${e.fits_t4 ? '(fits a T4)' : '(more than a T4)'}`],
  ];
}

/** Waits until the panel's live estimates are those of `plan`. */
async function waitForLiveEstimates(frame: Frame, plan: TrainingPlanResult, what: string): Promise<void> {
  const expected = JSON.stringify(liveEstimateRows(plan));
  const shown = () => frame.locator('dl.live-estimates > div').evaluateAll((rows) => rows.map((row) => [row.querySelector('dt')?.textContent?.trim(), row.querySelector('dd')?.textContent?.trim()]));
  await waitFor(what, async () => JSON.stringify(await shown()) === expected, 120_000).catch(async (error: unknown) => {
    console.log(`      shown: ${JSON.stringify(await shown())}, expected: ${expected}`);
    throw error;
  });
}

/** Each card, in order, shows the host's memory figures, its minutes on T4, L4 and A100, a gated badge when gated, and the licence. */
async function assertCardsShow(frame: Frame, host: RecommendResult): Promise<void> {
  const cards = frame.locator('.cards .card');
  assert.equal(await cards.count(), host.recommendations.length);
  for (const [i, r] of host.recommendations.entries()) {
    const card = cards.nth(i);
    assert.equal(await card.getAttribute('data-model'), r.model_id);
    const shown = await card.locator('.estimates > div').evaluateAll((rows) => rows.map((row) => [row.querySelector('dt')?.textContent?.trim(), row.querySelector('dd')?.textContent?.trim()]));
    const e = r.estimate;
    assert.ok(r.vram_gb !== undefined && e !== undefined, `${r.model_id} has memory figures and estimates`);
    assert.deepEqual(
      shown,
      [
        ['VRAM (4-bit LoRA training)', `${r.vram_gb.train_4bit_lora} GB`],
        ['VRAM (4-bit inference)', `${r.vram_gb.inference_4bit} GB`],
        ['Peak VRAM, balanced preset', `${e.peak_vram_gb} GB ${e.fits_t4 ? '(fits a T4)' : '(more than a T4)'}`],
        ['Time on T4', formatMinutes(e.minutes.t4)],
        ['Time on L4', formatMinutes(e.minutes.l4)],
        ['Time on A100', formatMinutes(e.minutes.a100)],
      ],
      `the estimates of ${r.model_id}`,
    );
    assert.equal(await card.locator('.badge.gated').count(), r.is_gated ? 1 : 0, `${r.model_id} ${r.is_gated ? 'has' : 'has no'} gated badge`);
    assert.equal((await card.locator('.badge.license').innerText()).trim(), r.license, `the licence of ${r.model_id}`);
  }
}

/** A request the GitHub API stand-in received. */
interface GistRequest {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  body: string;
}

/** Stand-in for api.github.com on 127.0.0.1: records each request, answers like GitHub's `POST /gists`. */
async function startGitHubStandIn(seen: GistRequest[]): Promise<Server> {
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      seen.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body });
      res.writeHead(201, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ id: 'f00dcafe', html_url: 'https://gist.github.com/stand-in-user/f00dcafe', owner: { login: 'stand-in-user' } }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return server;
}

/** The workbench's modal dialog whose message contains `text`. */
function dialog(page: Page, text: string) {
  return page.locator('.monaco-dialog-box', { hasText: text });
}

interface Ranked {
  model_id: string;
  score_100: number;
}

describe('SLMGEN Recommendation panel (code-server + Chromium)', function () {
  let session: EditorSession | undefined;
  let frame: Frame;
  let path: string;
  let ranked: Ranked[];
  const gistRequests: GistRequest[] = [];
  let gitHub: Server | undefined;

  before(async function () {
    if (!existsSync(join(repoRoot, 'dist', 'webview', 'recommendPanel.js'))) {
      console.log('      skipped: dist/webview/recommendPanel.js does not exist (npm run build)');
      this.skip();
    }
    gitHub = await startGitHubStandIn(gistRequests);
    const env = { SLMGEN_GITHUB_API_URL: `http://127.0.0.1:${(gitHub.address() as AddressInfo).port}`, SLMGEN_GITHUB_TOKEN: 'gho_stand_in_token' };
    session = await openEditorSession({ extension: repoRoot, env });
    path = join(session.workspace, FILE);
  });

  afterEach(async function () {
    if (session && this.currentTest?.state === 'failed') {
      const name = `e2e-failed-recommend-panel-${(this.currentTest.title.match(/[a-z0-9]+/gi) ?? []).slice(0, 4).join('-')}`;
      console.log(`      screenshot of the failure: ${await session.screenshot(name)}`);
    }
  });

  after(async function () {
    await session?.close();
    gitHub?.close();
  });

  it(`opens the panel on ${FILE}, and for ${TASK.id} on ${DEPLOYMENT.id} shows the cards of slmgen recommend --json in order with their scores`, async function () {
    const { page } = session!;
    await quickOpen(page, FILE);
    await runCommand(page, 'SLMGEN: Open Recommendation Panel');
    frame = await webviewFrame(page);
    await frame.locator('.cards .card').first().waitFor({ timeout: 60_000 });
    await frame.locator('.dataset-tokens', { hasText: 'p99' }).waitFor({ timeout: 60_000 });
    await choose(frame, 'task', TASK.label);
    await frame.locator('.ranked-status', { hasText: `for ${TASK.id} on` }).waitFor();
    await choose(frame, 'deployment', DEPLOYMENT.label);
    await frame.locator('.ranked-status', { hasText: `for ${TASK.id} on ${DEPLOYMENT.id}` }).waitFor();

    const cli = JSON.parse(execFileSync(process.execPath, [join(repoRoot, 'dist/cli.js'), 'recommend', path, '--task', TASK.id, '--deploy', DEPLOYMENT.id, '--json'], { encoding: 'utf8' })) as {
      recommendations: (Ranked & { terms: { points: number }[]; license: string; is_gated: boolean })[];
    };
    ranked = cli.recommendations;
    const shown = await frame.locator('.cards .card').evaluateAll((cards) => cards.map((c) => ({ model_id: c.getAttribute('data-model'), score_100: Number(c.getAttribute('data-score')) })));
    console.log(`      cards: ${shown.slice(0, 5).map((c) => `${c.model_id} ${c.score_100}`).join(' · ')} … (${shown.length})`);
    assert.deepEqual(shown, ranked.map((r) => ({ model_id: r.model_id, score_100: r.score_100 })));
    // The first card: every reason with its points, the licence badge, the context against p95/p99, the estimates.
    const first = frame.locator('.cards .card').first();
    assert.deepEqual(
      await first.locator('.reasons .points').allInnerTexts(),
      cli.recommendations[0]!.terms.map((t) => (t.points < 0 ? `${t.points}` : `+${t.points}`)),
    );
    assert.equal((await first.locator('.badge.license').innerText()).trim(), cli.recommendations[0]!.license);
    assert.match(await first.locator('.context').innerText(), /p95 .* p99/);
    assert.ok((await first.locator('.estimates dt').allInnerTexts()).includes('Time on T4'));
    console.log(`      screenshot: ${await session!.screenshot('e2e-recommend-panel-cards')}`);
  });

  it("shows each card's VRAM and its time on T4, L4 and A100 as the language server computed them, and its gated and licence badges", async function () {
    const host = await hostRecommendations(path);
    assert.deepEqual(host.recommendations.map((r) => r.model_id), ranked.map((r) => r.model_id), 'the language server ranks as the CLI does');
    await assertCardsShow(frame, host);
    const gated = host.recommendations.filter((r) => r.is_gated);
    assert.ok(gated.length > 0, 'some ranked models are gated (Llama, Gemma)');
    console.log(`      gated: ${gated.map((r) => `${r.model_id} (${r.license})`).join(', ')}`);
    assert.equal((await frame.locator(`.cards .card[data-model="${gated[0]!.model_id}"] .badge.gated`).innerText()).trim(), 'Gated');
  });

  it("shows each card's context length against the dataset's p95 / p99 tokens per example of the language server's report", async function () {
    const tokens = await hostTokenFigures(path);
    const host = await hostRecommendations(path);
    const header = (await frame.locator('.dataset-tokens').innerText()).replace(/\s+/g, ' ').trim();
    assert.equal(header, `${formatInt(tokens.examples)} examples · tokens per example (${tokens.encoding}): p95 ${formatInt(tokens.p95)}, p99 ${formatInt(tokens.p99)}, max ${formatInt(tokens.max)}`);
    const of = `p95 ${formatInt(tokens.p95)} / p99 ${formatInt(tokens.p99)} (${tokens.encoding})`;
    const shown = await frame.locator('.cards .card').evaluateAll((cards) => cards.map((c) => [c.getAttribute('data-model'), c.querySelector('.context')?.textContent?.trim()]));
    assert.deepEqual(
      shown,
      host.recommendations.map((r) => [r.model_id, `${formatInt(r.context_length)} tokens of context: fits ${of}`]),
      "each model's context (from slmgen/recommend) fits the dataset's p99",
    );
    console.log(`      ${header}; ${shown[0]![0]}: ${shown[0]![1]}`);
  });

  it('compares two models side by side', async function () {
    await frame.locator('.cards .card').nth(0).locator('vscode-checkbox.compare-model').click();
    await frame.locator('.cards .card').nth(1).locator('vscode-checkbox.compare-model').click();
    const table = frame.locator('.comparison table');
    await table.waitFor();
    const heads = await table.locator('thead th').allInnerTexts();
    assert.equal(heads.length, 3);
    const scores = await table.locator('tbody tr', { hasText: 'Score' }).locator('td').allInnerTexts();
    assert.deepEqual(scores, [`${ranked[0]!.score_100} / 100`, `${ranked[1]!.score_100} / 100`]);
  });

  it('picks a model by keyboard, shows the error of an out-of-range learning rate next to the field, and clears it when fixed', async function () {
    const { page } = session!;
    const card = frame.locator('.cards .card').nth(1);
    await card.locator('vscode-button.select-model').focus();
    await page.keyboard.press('Enter');
    await frame.locator('.config h2', { hasText: 'Training config for' }).waitFor();
    const field = frame.locator('.form-field[data-field="learning_rate"]');
    await field.locator('.range', { hasText: '1e-6 to 1e-2' }).waitFor({ timeout: 30_000 });
    await frame.locator('.live-estimates .t4').waitFor();
    const input = field.locator('vscode-textfield input');
    await input.fill('5');
    const error = field.locator('.field-error');
    await error.waitFor({ timeout: 30_000 });
    const text = await error.innerText();
    console.log(`      error next to the field: ${text}`);
    assert.match(text, /Learning rate: must be a number from 1e-6 to 1e-2 \(got 5\)/);
    assert.equal(await frame.locator('vscode-button.generate').evaluate((b) => (b as unknown as { disabled: boolean }).disabled), true, 'Generate is off while the config is wrong');
    console.log(`      screenshot: ${await session!.screenshot('e2e-recommend-panel-error')}`);
    await input.fill('0.0003');
    await error.waitFor({ state: 'detached', timeout: 30_000 });
    await frame.locator('.live-estimates .t4').waitFor();
    await frame.locator('vscode-button.generate:not([disabled])').waitFor();
  });

  it('keeps its choices when hidden and shown again (getState/setState)', async function () {
    const { page } = session!;
    const group = page.locator('.editor-group-container').last();
    // The panel's group also gets the text editor: open the dataset there, then come back to the panel's tab.
    // Clicking the panel's tab makes its group the active one; the explorer then opens the dataset in it.
    const panelTab = group.locator('.tab[data-resource-name^="webview-slmgen.recommendPanel"]');
    await panelTab.click();
    await page.locator('.explorer-folders-view .monaco-list-row', { hasText: FILE }).click();
    await group.locator(`.tab.active[data-resource-name="${FILE}"]`).waitFor();
    await panelTab.click();
    frame = await webviewFrame(page);
    await frame.locator('.ranked-status', { hasText: `for ${TASK.id} on ${DEPLOYMENT.id}` }).waitFor({ timeout: 60_000 });
    await frame.locator('.cards .card.selected').waitFor();
    assert.equal(await frame.locator('.cards .card.selected').getAttribute('data-model'), ranked[1]!.model_id);
    assert.equal(await frame.locator('.form-field[data-field="learning_rate"] vscode-textfield').evaluate((t) => (t as unknown as { value: string }).value), '0.0003');
    await frame.locator('.comparison table').waitFor();
  });

  it('has no serious or critical axe-core violations', async function () {
    const violations = await axeViolations(frame);
    const serious = violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
    assert.deepEqual(serious, [], 'no serious or critical violations');
  });

  it('is readable in Dark Modern, Light Modern and a high-contrast theme (screenshots)', async function () {
    await screenshotThemes(session!, frame, 'slmgen-recommend-panel', 'e2e-recommend-panel', { selector: '.config', suffix: 'config' });
  });

  it('generates the notebook next to the dataset: valid JSON, nbformat 4', async function () {
    const before = new Set(readdirSync(session!.workspace));
    await frame.locator('vscode-button.generate').click();
    const notice = frame.locator('.notice', { hasText: 'Notebook written' });
    await notice.waitFor({ timeout: 120_000 });
    console.log(`      ${await notice.innerText()}`);
    const written = readdirSync(session!.workspace).filter((f) => f.endsWith('.ipynb') && !before.has(f));
    assert.equal(written.length, 1, `one new notebook (${written.join(', ')})`);
    const notebook = JSON.parse(readFileSync(join(session!.workspace, written[0]!), 'utf8')) as { nbformat: number; cells: unknown[] };
    assert.equal(notebook.nbformat, 4);
    assert.ok(notebook.cells.length > 0);
    assert.equal(await frame.locator('vscode-button.open-colab').evaluate((b) => (b as unknown as { disabled: boolean }).disabled), false, 'Open in Colab is offered');
  });

  it('is usable with the keyboard alone: Tab reaches every control (task, deployment, each card, the config, Generate, Open in Colab) with a visible focus style', async function () {
    const { page } = session!;
    // Into the panel (Generate left the focus in the workbench), then Tab from its heading.
    await frame.locator('h1').click();
    const walk = await tabWalk(page, frame, 'h1');
    assert.deepEqual(walk.unreached, [], 'every control is reached with Tab');
    assert.deepEqual(walk.unstyled, [], 'every focused control has a visible outline or focus ring');
    const stops = (cls: string) => walk.order.filter((v) => v.id.split('|')[0]!.split('.').includes(cls)).length;
    for (const control of ['task', 'deployment', 'preset', 'target', 'data', 'generate', 'open-colab']) assert.equal(stops(control), 1, `${control} is one stop`);
    assert.equal(stops('select-model'), ranked.length, "each card's Select button");
    assert.equal(stops('compare-model'), ranked.length, "each card's Compare checkbox");
    assert.equal(stops('field-input'), await frame.locator('.form-field vscode-textfield').count(), 'each config field');
  });

  it('is restored after a window reload by its serializer, with the same choices', async function () {
    const { page } = session!;
    await page.locator('.part.sidebar .composite.title').click();
    const reloaded = page.waitForEvent('framenavigated', { predicate: (f) => f === page.mainFrame(), timeout: 60_000 });
    await runCommand(page, 'Developer: Reload Window');
    await reloaded;
    await page.locator('.monaco-workbench').waitFor({ timeout: 60_000 });
    frame = await panelFrame(page);
    await frame.locator('.ranked-status', { hasText: `for ${TASK.id} on ${DEPLOYMENT.id}` }).waitFor({ timeout: 60_000 });
    await frame.locator('.cards .card.selected').waitFor();
    assert.equal(await frame.locator('.cards .card.selected').getAttribute('data-model'), ranked[1]!.model_id);
    assert.equal(await frame.locator('.form-field[data-field="learning_rate"] vscode-textfield').evaluate((t) => (t as unknown as { value: string }).value), '0.0003');
  });
  it('writes the data to a sidecar file when chosen by keyboard: the notebook and clean.normalized.jsonl next to the dataset, the notebook opened', async function () {
    const { page, workspace } = session!;
    const notebookName = `slmgen-${ranked[1]!.model_id}-colab.ipynb`;
    // The embedded notebook of the earlier test has the same name: close it and remove it, to see this one written and opened.
    const tab = page.locator(`.tab[data-resource-name="${notebookName}"]`);
    if ((await tab.count()) > 0) {
      await tab.hover();
      await tab.locator('.tab-actions .action-label[aria-label^="Close"]').click();
      await tab.waitFor({ state: 'detached' });
    }
    rmSync(join(workspace, notebookName), { force: true });
    const sidecar = join(workspace, 'clean.normalized.jsonl');
    assert.equal(existsSync(sidecar), false);

    // Tab from the target control reaches the data control; the arrow keys and Enter choose the sidecar.
    await frame.locator('vscode-single-select.target').focus();
    await page.keyboard.press('Tab');
    assert.equal(await frame.locator('vscode-single-select.data').evaluate((e) => e.ownerDocument.activeElement === e), true, 'the data control follows the target control');
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('Enter');
    await frame.locator('.preset-description', { hasText: 'sidecar file next to the notebook' }).waitFor();
    assert.equal(await frame.locator('vscode-single-select.data').evaluate((e) => (e as unknown as { value: string }).value), 'sidecar');

    await frame.locator('vscode-button.generate').click();
    const notice = frame.locator('.notice', { hasText: 'Notebook written' });
    await notice.waitFor({ timeout: 120_000 });
    const text = await notice.innerText();
    console.log(`      ${text}`);
    assert.ok(text.includes(join(workspace, notebookName)) && text.includes(`data file: ${sidecar}`), text);
    const notebook = JSON.parse(readFileSync(join(workspace, notebookName), 'utf8')) as { metadata: { slmgen: { embedded: boolean } }; cells: { source: string[] }[] };
    assert.equal(notebook.metadata.slmgen.embedded, false);
    const source = notebook.cells.map((c) => c.source.join('')).join('\n');
    assert.match(source, /^DATASET_PATH = "clean\.normalized\.jsonl"$/m);
    assert.ok(!source.includes('DATASET_GZ_B64'));
    const dataset = readFileSync(path, 'utf8').trim().split('\n');
    const lines = readFileSync(sidecar, 'utf8').trim().split('\n');
    assert.equal(lines.length, dataset.length);
    assert.deepEqual(lines.map((l) => JSON.parse(l) as unknown), dataset.map((l) => JSON.parse(l) as unknown), 'the normalized examples of clean.jsonl (already in the chat format)');
    await tab.waitFor({ timeout: 60_000 });
    // The command's message names both files (in the notification centre: the toast may be gone already).
    const bell = page.locator('.statusbar-item[id="status.notifications"]');
    await bell.click();
    const message = page.locator('.notifications-center .notification-list-item-message', { hasText: 'clean.normalized.jsonl' }).first();
    await message.waitFor({ timeout: 30_000 });
    const said = await message.innerText();
    console.log(`      notification: ${said}`);
    assert.ok(said.includes(notebookName), said);
    console.log(`      screenshot: ${await session!.screenshot('e2e-recommend-panel-sidecar')}`);
    await bell.click();
    await page.locator('.notifications-center').waitFor({ state: 'hidden' });
  });

  it('Open in Colab (GitHub API stand-in): the consent says the dataset stays out, the secret gist holds the notebook, and Colab opens on it', async function () {
    const { page, workspace } = session!;
    const notebookName = `slmgen-${ranked[1]!.model_id}-colab.ipynb`;
    const colabUrl = `https://colab.research.google.com/gist/stand-in-user/f00dcafe/${notebookName}`;
    const context = page.context();
    // Colab itself is never reached: the browser's request is answered here.
    const colabRequests: string[] = [];
    await context.route('https://colab.research.google.com/**', (route) => {
      colabRequests.push(route.request().url());
      return route.fulfill({ status: 200, contentType: 'text/html', body: '<!doctype html><title>Colab stand-in</title>' });
    });
    const opened = context.waitForEvent('page', { timeout: 90_000 });
    const before = gistRequests.length;

    await frame.locator('vscode-button.open-colab').click();
    const consent = dialog(page, `Publish ${notebookName} to GitHub to open it in Colab?`);
    await consent.waitFor({ timeout: 30_000 });
    const detail = await consent.locator('.dialog-message-detail').innerText();
    console.log(`      consent: ${detail}`);
    assert.match(detail, /does not contain your training examples/);
    assert.match(detail, /you upload clean\.normalized\.jsonl in Colab yourself/);
    assert.doesNotMatch(detail, /embeds your training dataset/);
    console.log(`      screenshot: ${await session!.screenshot('e2e-recommend-panel-colab-consent')}`);
    await consent.locator('.dialog-buttons a.monaco-button', { hasText: 'Publish Secret Gist and Open Colab' }).click();

    // The workbench may ask before opening an external site (link protection) or after a blocked pop-up: "Open".
    const colab = await Promise.race([
      opened,
      (async () => {
        const ask = page.locator('.monaco-dialog-box .dialog-buttons a.monaco-button', { hasText: /^Open$/ });
        await ask.waitFor({ timeout: 60_000 });
        console.log(`      the workbench asked: ${await page.locator('.monaco-dialog-box .dialog-message-text').innerText()}`);
        await ask.click();
        return opened;
      })(),
    ]);
    await colab.waitForLoadState('domcontentloaded');
    assert.equal(colab.url(), colabUrl);
    assert.deepEqual(colabRequests, [colabUrl]);

    assert.equal(gistRequests.length, before + 1, 'one gist request');
    const request = gistRequests.at(-1)!;
    assert.equal(request.method, 'POST');
    assert.equal(request.url, '/gists');
    assert.equal(request.headers.authorization, 'Bearer gho_stand_in_token');
    const content = readFileSync(join(workspace, notebookName), 'utf8');
    assert.deepEqual(JSON.parse(request.body), { description: `SLMGEN fine-tuning notebook (${notebookName})`, public: false, files: { [notebookName]: { content } } });
    assert.ok(!content.includes('DATASET_GZ_B64') && !content.includes('Explain photosynthesis'), 'no training example travels');
    await colab.close();
  });

  it("on a dataset of 2,000 longer examples shows the language server's minutes on T4, L4 and A100 (more than a minute on some)", async function () {
    const { page, workspace } = session!;
    // Varied words (a fixed pseudo-random sequence): no duplicates, ~200 tokens an example.
    const words = ['river', 'model', 'orbit', 'garden', 'signal', 'copper', 'lantern', 'harbor', 'meadow', 'canyon', 'ember', 'glacier', 'violet', 'summit', 'thicket', 'marble'];
    let seed = 7;
    const next = () => (seed = (seed * 1103515245 + 12345) % 2147483648);
    const text = (n: number) => Array.from({ length: n }, () => words[next() % words.length]).join(' ');
    const big = join(workspace, 'big.jsonl');
    const records = Array.from({ length: 2000 }, (_, i) => JSON.stringify({ messages: [{ role: 'user', content: `Question ${i}: ${text(40)}?` }, { role: 'assistant', content: text(160) }] }));
    writeFileSync(big, `${records.join('\n')}\n`);
    await page.locator('.part.sidebar .composite.title').click();
    await quickOpen(page, 'big.jsonl');
    await runCommand(page, 'SLMGEN: Open Recommendation Panel');
    const bigFrame = await panelFrame(page, 'big.jsonl');
    await bigFrame.locator('.cards .card').first().waitFor({ timeout: 60_000 });
    await choose(bigFrame, 'task', TASK.label);
    await bigFrame.locator('.ranked-status', { hasText: `for ${TASK.id} on` }).waitFor();
    await choose(bigFrame, 'deployment', DEPLOYMENT.label);
    await bigFrame.locator('.ranked-status', { hasText: `for ${TASK.id} on ${DEPLOYMENT.id}` }).waitFor();
    const host = await hostRecommendations(big);
    const minutes = host.recommendations.map((r) => r.estimate!.minutes);
    assert.ok(minutes.some((m) => m.t4 >= 1 && m.l4 >= 1 && m.a100 >= 1), 'some model takes a minute or more on each GPU');
    await assertCardsShow(bigFrame, host);
    const first = host.recommendations[0]!;
    console.log(`      ${first.model_id}: T4 ${first.estimate!.minutes.t4} min, L4 ${first.estimate!.minutes.l4} min, A100 ${first.estimate!.minutes.a100} min, ${first.estimate!.peak_vram_gb} GB peak`);
    console.log(`      screenshot: ${await session!.screenshot('e2e-recommend-panel-estimates')}`);
  });

  it("updates the config's estimates as fields change (epochs, then max_seq_length) to the language server's slmgen/trainingPlan of the typed config", async function () {
    const { page, workspace } = session!;
    const big = join(workspace, 'big.jsonl');
    const bigFrame = await panelFrame(page, 'big.jsonl');
    const card = bigFrame.locator('.cards .card').first();
    const model = (await card.getAttribute('data-model'))!;
    await card.locator('vscode-button.select-model').click();
    await bigFrame.locator('.config h2', { hasText: 'Training config for' }).waitFor({ timeout: 30_000 });
    const [defaults, epochs, longer] = await hostPlans(big, model, [{}, { num_epochs: 6 }, { num_epochs: 6, max_seq_length: 1024 }]);
    // Each step changes what it should: more epochs, more time; longer sequences, more memory.
    assert.ok(epochs!.estimate!.minutes.t4 > defaults!.estimate!.minutes.t4 && epochs!.estimate!.total_steps > defaults!.estimate!.total_steps, 'more epochs take longer');
    assert.ok(longer!.estimate!.peak_vram_gb > epochs!.estimate!.peak_vram_gb, 'longer sequences need more memory');
    assert.notEqual(defaults!.config!['num_epochs'], 6);
    assert.notEqual(defaults!.config!['max_seq_length'], 1024);
    await waitForLiveEstimates(bigFrame, defaults!, `the estimates of ${model} with the defaults`);
    const field = (name: string) => bigFrame.locator(`.form-field[data-field="${name}"] vscode-textfield input`);
    await field('num_epochs').fill('6');
    await waitForLiveEstimates(bigFrame, epochs!, 'the estimates with 6 epochs');
    await field('max_seq_length').fill('1024');
    await waitForLiveEstimates(bigFrame, longer!, 'the estimates with 6 epochs and max_seq_length 1024');
    const t4 = (plan: TrainingPlanResult) => formatMinutes(plan.estimate!.minutes.t4);
    console.log(`      ${model}: T4 ${t4(defaults!)} → ${t4(epochs!)} (6 epochs); peak VRAM ${epochs!.estimate!.peak_vram_gb} → ${longer!.estimate!.peak_vram_gb} GB (max_seq_length 1024)`);
    await bigFrame.locator('dl.live-estimates').scrollIntoViewIfNeeded();
    console.log(`      screenshot: ${await session!.screenshot('e2e-recommend-panel-live-estimates')}`);
  });

  it("on a dataset with a few long examples shows a short-context model's context against p95 / p99 of the language server's report: fits p95 but not p99", async function () {
    const { page, workspace } = session!;
    // 97 examples of ~50 tokens and 3 of ~3,000: p95 is short, p99 is longer than TinyLlama's 2,048 tokens of context.
    const words = ['river', 'model', 'orbit', 'garden', 'signal', 'copper', 'lantern', 'harbor'];
    const text = (n: number, i: number) => Array.from({ length: n }, (_, k) => words[(k * 5 + i) % words.length]).join(' ');
    const long = join(workspace, 'long.jsonl');
    const records = Array.from({ length: 100 }, (_, i) =>
      JSON.stringify({ messages: [{ role: 'user', content: `Question ${i}: ${text(20, i)}?` }, { role: 'assistant', content: text(i < 97 ? 30 : 3000, i) }] }),
    );
    writeFileSync(long, `${records.join('\n')}\n`);
    await page.locator('.part.sidebar .composite.title').click();
    await quickOpen(page, 'long.jsonl');
    await runCommand(page, 'SLMGEN: Open Recommendation Panel');
    const longFrame = await panelFrame(page, 'long.jsonl');
    await longFrame.locator('.cards .card').first().waitFor({ timeout: 60_000 });
    await longFrame.locator('.dataset-tokens', { hasText: 'p99' }).waitFor({ timeout: 60_000 });
    await choose(longFrame, 'task', TASK.label);
    await longFrame.locator('.ranked-status', { hasText: `for ${TASK.id} on` }).waitFor();
    await choose(longFrame, 'deployment', DEPLOYMENT.label);
    await longFrame.locator('.ranked-status', { hasText: `for ${TASK.id} on ${DEPLOYMENT.id}` }).waitFor();
    const tokens = await hostTokenFigures(long);
    const host = await hostRecommendations(long);
    const expected = host.recommendations.map((r) => {
      const fit = contextFit(r.context_length, tokens);
      return [r.model_id, `context ${fit.level}`, fit.text];
    });
    // The cards re-render when the panel's ranking and the report's figures arrive: read them until they settle.
    const cardsShown = () => longFrame.locator('.cards .card').evaluateAll((cards) => cards.map((c) => [c.getAttribute('data-model'), c.querySelector('.context')?.className, c.querySelector('.context')?.textContent?.trim()]));
    await waitFor("the cards' context lines for long.jsonl", async () => JSON.stringify(await cardsShown()) === JSON.stringify(expected), 30_000).catch(() => undefined);
    assert.deepEqual(await cardsShown(), expected, "each card's context against the report's p95 / p99");
    const tight = host.recommendations.find((r) => r.model_id === 'tinyllama-1.1b');
    assert.ok(tight !== undefined && tokens.p95 <= tight.context_length && tight.context_length < tokens.p99, `p95 ${tokens.p95} ≤ ${tight?.context_length} < p99 ${tokens.p99}`);
    const card = longFrame.locator('.cards .card[data-model="tinyllama-1.1b"] .context');
    assert.equal(
      (await card.innerText()).trim(),
      `2,048 tokens of context: fits p95 ${formatInt(tokens.p95)} but not p99 ${formatInt(tokens.p99)} (${tokens.encoding})`,
    );
    console.log(`      ${(await card.innerText()).trim()}`);
    await card.scrollIntoViewIfNeeded();
    console.log(`      screenshot: ${await session!.screenshot('e2e-recommend-panel-context-tight')}`);
  });
});
