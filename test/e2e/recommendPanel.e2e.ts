// The Recommendation and notebook panel as a person uses it, in a real VS Code (code-server + Debian Chromium): open
// clean.jsonl, run "SLMGEN: Open Recommendation Panel", pick a task and a deployment and see the ranked cards of
// `slmgen recommend --json` in the same order with the same scores, compare two models, pick one, type an invalid
// learning rate and see the error next to the field, fix it, generate the notebook (written next to the dataset,
// nbformat 4), run axe-core in the panel, and take screenshots in three themes.
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Frame, Page } from 'playwright-core';
import { repoRoot } from '../helpers/codeServer';
import type { EditorSession } from './editorSession';
import { axeViolations, openEditorSession, screenshotThemes, quickOpen, runCommand, webviewFrame } from './editorSession';

const FILE = 'clean.jsonl';
const TASK = { id: 'qa', label: 'Question answering' };
const DEPLOYMENT = { id: 'edge', label: 'Edge' };

/** Choose an option of a vscode-single-select as a user does: open it, click the option. */
async function choose(frame: Frame, select: string, label: string): Promise<void> {
  await frame.locator(`vscode-single-select.${select}`).click();
  await frame.locator(`vscode-single-select.${select} li[role="option"]`, { hasText: label }).first().click();
}

/** The frame that holds the panel's page (a notebook editor has webview frames of its own). */
async function panelFrame(page: Page): Promise<Frame> {
  for (const deadline = Date.now() + 60_000; Date.now() < deadline; await page.waitForTimeout(250)) {
    for (const f of page.frames()) if ((await f.locator('slmgen-recommend-panel').count().catch(() => 0)) > 0) return f;
  }
  throw new Error('no frame shows the Recommendation panel');
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

  before(async function () {
    if (!existsSync(join(repoRoot, 'dist', 'webview', 'recommendPanel.js'))) {
      console.log('      skipped: dist/webview/recommendPanel.js does not exist (npm run build)');
      this.skip();
    }
    session = await openEditorSession({ extension: repoRoot });
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
});
