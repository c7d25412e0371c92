// The SLMGEN Dataset Editor as a person uses it, in a real VS Code (code-server + Debian Chromium): open
// duplicates.jsonl with "SLMGEN: Open in Dataset Editor", read the header (it must say what `slmgen analyze --json`
// says), filter to duplicates, edit a message and delete an example from the webview and see the file change on that
// record only, undo both with Ctrl+Z, run axe-core in the webview, and take screenshots in three themes.
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Frame, Page } from 'playwright-core';
import { headerFromReport } from '../../src/extension/datasetEditor/headerFromReport';
import { headerItems } from '../../src/webview/datasetEditor/format';
import { repoRoot } from '../helpers/codeServer';
import type { EditorSession } from './editorSession';
import { openEditorSession, quickOpen, runCommand } from './editorSession';

const FILE = 'duplicates.jsonl';

/** The webview's content frame: the workbench's `iframe.webview`, then its `iframe#active-frame` (TESTING.md §6). */
async function webviewFrame(page: Page): Promise<Frame> {
  const outer = await page.locator('iframe.webview.ready').last().elementHandle({ timeout: 60_000 });
  const outerFrame = await outer!.contentFrame();
  const inner = await outerFrame!.locator('iframe#active-frame').elementHandle({ timeout: 60_000 });
  const frame = await inner!.contentFrame();
  assert.ok(frame, 'the webview has a content frame');
  return frame;
}

/** The lines of the rows the list shows (its virtualized rows, read inside the frame). */
async function listedLines(frame: Frame): Promise<number[]> {
  const lines = await frame.locator('.rows-scroll .row[data-line]').evaluateAll((rows) => rows.map((r) => Number(r.getAttribute('data-line'))));
  return lines.sort((a, b) => a - b);
}

async function waitFor(what: string, check: () => Promise<boolean>, timeoutMs = 20_000): Promise<void> {
  for (const deadline = Date.now() + timeoutMs; !(await check()); ) {
    if (Date.now() > deadline) assert.fail(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 150));
  }
}

/** Lines of a file on disk, split on LF (the fixture's line breaks). */
function fileLines(path: string): string[] {
  return readFileSync(path, 'utf8').split('\n');
}

async function chooseTheme(page: Page, theme: string): Promise<void> {
  // F1 pressed inside the webview does not reach the workbench: focus the side bar first.
  await page.locator('.part.sidebar .composite.title').click();
  await page.keyboard.press('F1');
  const input = page.locator('.quick-input-widget input');
  await input.fill('>Preferences: Color Theme');
  // "Preferences: Browse Color Themes in Marketplace" is listed first: pick the command by its row.
  await page.locator('.quick-input-list .monaco-list-row', { hasText: 'Preferences: Color Theme' }).filter({ hasNotText: 'Browse' }).first().click();
  await input.fill(theme);
  await page.locator('.quick-input-list .monaco-list-row').first().filter({ hasText: theme }).waitFor();
  await page.keyboard.press('Enter');
  await page.locator('.quick-input-widget').waitFor({ state: 'hidden' });
  await page.waitForTimeout(800);
}

describe('SLMGEN Dataset Editor (code-server + Chromium)', function () {
  let session: EditorSession | undefined;
  let frame: Frame;
  let path: string;
  let original: string;

  before(async function () {
    if (!existsSync(join(repoRoot, 'dist', 'webview', 'datasetEditor.js'))) {
      console.log('      skipped: dist/webview/datasetEditor.js does not exist (npm run build)');
      this.skip();
    }
    session = await openEditorSession({ extension: repoRoot });
    path = join(session.workspace, FILE);
    original = readFileSync(path, 'utf8');
  });

  afterEach(async function () {
    if (session && this.currentTest?.state === 'failed') {
      const name = `e2e-failed-dataset-editor-${(this.currentTest.title.match(/[a-z0-9]+/gi) ?? []).slice(0, 4).join('-')}`;
      console.log(`      screenshot of the failure: ${await session.screenshot(name)}`);
    }
  });

  after(async function () {
    await session?.close();
  });

  it(`opens ${FILE} with "SLMGEN: Open in Dataset Editor" and shows the numbers of slmgen analyze --json`, async function () {
    const { page } = session!;
    await quickOpen(page, FILE);
    await runCommand(page, 'SLMGEN: Open in Dataset Editor');
    frame = await webviewFrame(page);
    await frame.locator('.summary-item[data-id="examples"] dd').waitFor({ timeout: 60_000 });

    const report = JSON.parse(execFileSync(process.execPath, [join(repoRoot, 'dist/cli.js'), 'analyze', path, '--json'], { encoding: 'utf8' })) as Record<string, unknown>;
    const expected = headerItems(headerFromReport(report));
    const shown = await frame.locator('.summary-item').evaluateAll((items) =>
      items.map((i) => ({ id: i.getAttribute('data-id'), label: i.querySelector('dt')?.textContent?.trim(), value: i.querySelector('dd')?.textContent?.trim() })),
    );
    console.log(`      header: ${shown.map((s) => `${s.label}=${s.value}`).join(' · ')}`);
    assert.deepEqual(
      shown,
      expected.map((e) => ({ id: e.id, label: e.label, value: e.value })),
    );
    const deductions = await frame.locator('.deductions li').evaluateAll((items) => items.map((i) => i.getAttribute('data-code')));
    assert.deepEqual(deductions, (report['quality_issues'] as { code: string }[]).map((q) => q.code), 'each deduction is listed');
    await frame.locator('.list-status', { hasText: '7 records' }).waitFor();
    assert.deepEqual(await listedLines(frame), [1, 2, 3, 4, 5, 6, 7]);
    await frame.locator('.chart-canvas canvas').first().waitFor();
    assert.equal(await frame.locator('.chart-canvas canvas').count(), 4, 'four charts drawn');
    console.log(`      four uPlot charts drawn in ${await frame.locator('.chart-grid').getAttribute('data-render-ms')} ms`);
    console.log(`      screenshot: ${await session!.screenshot('e2e-dataset-editor-dark')}`);
  });

  it('filters to duplicates and lists exactly the duplicate rows', async function () {
    const report = JSON.parse(execFileSync(process.execPath, [join(repoRoot, 'dist/cli.js'), 'analyze', path, '--json'], { encoding: 'utf8' })) as {
      duplicates: { exact: { groups: { lines: number[] }[] } };
    };
    const duplicateLines = report.duplicates.exact.groups.flatMap((g) => g.lines).sort((a, b) => a - b);
    await frame.locator('vscode-checkbox.flag-duplicates').click();
    await frame.locator('.list-status', { hasText: `${duplicateLines.length} of 7 records match` }).waitFor();
    await waitFor('the duplicate rows', async () => (await listedLines(frame)).length === duplicateLines.length);
    assert.deepEqual(await listedLines(frame), duplicateLines);
    console.log(`      duplicates listed: lines ${duplicateLines.join(', ')}`);
    await frame.locator('vscode-button.clear-filters').click();
    await frame.locator('.list-status', { hasText: '7 records' }).waitFor();
  });

  it('edits a message in the webview: the file changes on that record only, and Ctrl+Z restores it', async function () {
    const { page } = session!;
    // Keyboard: focus the list, arrow down to the second record, Enter opens it.
    await frame.locator('.rows-scroll').focus();
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('Enter');
    await frame.locator('.detail-pane h2', { hasText: 'Lines 2 ·' }).waitFor();
    const bubbles = frame.locator('.conversation .bubble');
    assert.equal(await bubbles.count(), 3);
    await frame.locator('.bubble[data-index="1"] vscode-button.edit-message').click();
    const textarea = frame.locator('vscode-textarea.edit-content textarea');
    await textarea.fill('Explain the tides to a child.');
    await frame.locator('vscode-button.save-message').click();
    await frame.locator('.notice', { hasText: 'Saved to the document' }).waitFor();
    await frame.locator('.bubble[data-index="1"] .content', { hasText: 'Explain the tides to a child.' }).waitFor();

    // The document is dirty; save it and compare the file with the original, line by line.
    await frame.locator('.rows-scroll').focus();
    await page.keyboard.press('Control+S');
    const before = original.split('\n');
    const expected = before.map((line, i) => (i === 1 ? line.replace('"Explain the tides in a few sentences."', '"Explain the tides to a child."') : line));
    // The file is written in place (it can be read half-written): wait for what the edit should give, then compare.
    await waitFor('the saved edit', async () => readFileSync(path, 'utf8') === expected.join('\n')).catch(() => undefined);
    const after = fileLines(path);
    assert.equal(after.length, before.length);
    for (let i = 0; i < before.length; i++) if (i !== 1) assert.equal(after[i], before[i], `line ${i + 1} is unchanged`);
    assert.equal(after[1], before[1]!.replace('"Explain the tides in a few sentences."', '"Explain the tides to a child."'), 'only the content of message 2 changed');

    // Beside it, the text editor shows the record changed.
    await frame.locator('vscode-button.open-text').click();
    await page.locator('.monaco-editor .view-line', { hasText: 'Explain the tides to a child.' }).first().waitFor();
    console.log(`      screenshot: ${await session!.screenshot('e2e-dataset-editor-edited')}`);

    // Undo in the Dataset Editor (the text document's undo), then save: the file is as it was.
    // The Dataset Editor is the active editor of the first group (the text editor opened beside it).
    await runCommand(page, 'View: Focus First Editor Group');
    await frame.locator('.rows-scroll').focus();
    await page.keyboard.press('Control+Z');
    await frame.locator('.bubble[data-index="1"] .content', { hasText: 'Explain the tides in a few sentences.' }).waitFor();
    await page.keyboard.press('Control+S');
    await waitFor('the undone file', async () => readFileSync(path, 'utf8') === original);
  });

  it('deletes an example and undoes it', async function () {
    const { page } = session!;
    await frame.locator('.rows-scroll .row[data-line="5"]').click();
    await frame.locator('.detail-pane h2', { hasText: 'Lines 5 ·' }).waitFor();
    await frame.locator('vscode-button.delete-example').click();
    await frame.locator('.list-status', { hasText: '6 records' }).waitFor();
    await frame.locator('.rows-scroll').focus();
    await page.keyboard.press('Control+S');
    const before = original.split('\n');
    await waitFor('the saved deletion', async () => readFileSync(path, 'utf8') === [...before.slice(0, 4), ...before.slice(5)].join('\n')).catch(() => undefined);
    assert.deepEqual(fileLines(path), [...before.slice(0, 4), ...before.slice(5)], 'exactly line 5 is gone');
    await page.keyboard.press('Control+Z');
    await frame.locator('.list-status', { hasText: '7 records' }).waitFor();
    await page.keyboard.press('Control+S');
    await waitFor('the restored file', async () => readFileSync(path, 'utf8') === original);
  });

  it('shows a near-duplicate cluster side by side with its differences marked, keeps one and deletes the other in one undoable edit', async function () {
    const { page } = session!;
    await frame.locator('details.clusters summary').click();
    await frame.locator('.cluster-member[data-line="4"] .member-text mark').first().waitFor({ timeout: 30_000 });
    const marked = await frame.locator('.cluster-member[data-line="4"] .member-text mark').allInnerTexts();
    console.log(`      cluster 1: lines 2 and 4; marked in line 4: ${JSON.stringify(marked)}`);
    assert.ok(marked.some((m) => m.includes('short')), 'the word line 4 adds is marked');
    await frame.locator('details.clusters').scrollIntoViewIfNeeded();
    console.log(`      screenshot: ${await session!.screenshot('e2e-dataset-editor-clusters')}`);
    await frame.locator('.cluster-member[data-line="2"] vscode-button.keep-one').click();
    await frame.locator('.list-status', { hasText: '6 records' }).waitFor();
    await frame.locator('.rows-scroll').focus();
    await page.keyboard.press('Control+S');
    const before = original.split('\n');
    const expected = [...before.slice(0, 3), ...before.slice(4)];
    await waitFor('the saved cluster edit', async () => readFileSync(path, 'utf8') === expected.join('\n')).catch(() => undefined);
    assert.deepEqual(fileLines(path), expected, 'exactly line 4 is gone');
    await page.keyboard.press('Control+Z');
    await frame.locator('.list-status', { hasText: '7 records' }).waitFor();
    await page.keyboard.press('Control+S');
    await waitFor('the restored file', async () => readFileSync(path, 'utf8') === original);
  });

  it('keeps its filters and selection when it is hidden and shown again (getState/setState)', async function () {
    const { page } = session!;
    await frame.locator('vscode-checkbox.flag-contradictions').click();
    await frame.locator('.list-status', { hasText: '2 of 7 records match' }).waitFor();
    await frame.locator('.rows-scroll .row[data-line="6"]').click();
    await frame.locator('.detail-pane h2', { hasText: 'Lines 6 ·' }).waitFor();
    // The first group holds the text editor (quick open) and the Dataset Editor: show one, then the other. A hidden
    // webview is destroyed (no retainContextWhenHidden) and built again from its saved state.
    const tabs = page.locator('.editor-group-container').first().locator('.tab');
    await tabs.nth(0).click();
    await page.locator('.editor-group-container').first().locator('.monaco-editor').first().waitFor();
    await tabs.nth(1).click();
    frame = await webviewFrame(page);
    await frame.locator('.list-status', { hasText: '2 of 7 records match' }).waitFor({ timeout: 30_000 });
    assert.equal(await frame.locator('vscode-checkbox.flag-contradictions').evaluate((e) => (e as unknown as { checked: boolean }).checked), true, 'the filter is back');
    await frame.locator('.rows-scroll .row.selected[data-line="6"]').waitFor();
    await frame.locator('.detail-pane h2', { hasText: 'Lines 6 ·' }).waitFor();
    await frame.locator('vscode-button.clear-filters').click();
    await frame.locator('.list-status', { hasText: '7 records' }).waitFor();
  });

  it('has no serious or critical axe-core violations', async function () {
    // Every part open: deductions, charts, clusters (with its members loaded).
    await frame.locator('details').evaluateAll((all) => all.forEach((d) => ((d as unknown as { open: boolean }).open = true)));
    await frame.locator('.cluster-member[data-line="4"] .member-text mark').first().waitFor({ timeout: 30_000 });
    await frame.locator('.rows-scroll .row[data-line="2"]').click();
    await frame.locator('.detail-pane h2', { hasText: 'Lines 2 ·' }).waitFor();
    const source = readFileSync(join(repoRoot, 'node_modules/axe-core/axe.min.js'), 'utf8');
    // Evaluated through the debugger protocol, not as a page script: the webview's CSP allows no inline scripts.
    await frame.evaluate(source);
    type Axe = { run: (context: unknown, options: unknown) => Promise<{ violations: { id: string; impact: string; nodes: unknown[]; help: string }[] }> };
    const violations = (await frame.evaluate(() =>
      (globalThis as unknown as { axe: Axe; document: unknown }).axe
        .run((globalThis as unknown as { document: unknown }).document, { resultTypes: ['violations'] })
        .then((r) => r.violations.map((v) => ({ id: v.id, impact: v.impact, nodes: v.nodes.length, help: v.help }))),
    )) as { id: string; impact: string; nodes: number; help: string }[];
    const byImpact: Record<string, string[]> = {};
    for (const v of violations) (byImpact[v.impact] ??= []).push(`${v.id} (${v.nodes}: ${v.help})`);
    console.log(`      axe-core violations by impact: ${JSON.stringify(byImpact)}`);
    const serious = violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
    assert.deepEqual(serious, [], 'no serious or critical violations');
  });

  it('is readable in Light Modern and a high-contrast theme (screenshots)', async function () {
    const { page } = session!;
    await frame.locator('.rows-scroll .row[data-line="3"]').click();
    await frame.locator('.detail-pane h2', { hasText: 'Lines 3 ·' }).waitFor();
    for (const [theme, name] of [
      ['Light Modern', 'light'],
      ['Dark High Contrast', 'high-contrast'],
      ['Dark Modern', 'dark'],
    ] as const) {
      await chooseTheme(page, theme);
      await frame.locator('slmgen-dataset-editor').evaluate((e) => e.scrollTo(0, 0));
      console.log(`      screenshot: ${await session!.screenshot(`e2e-dataset-editor-${name}`)}`);
      await frame.locator('.detail-pane').scrollIntoViewIfNeeded();
      console.log(`      screenshot: ${await session!.screenshot(`e2e-dataset-editor-${name}-detail`)}`);
    }
  });

  it('applies a quick fix from the detail pane (fixes.jsonl, role-alias) and undoes it', async function () {
    const { page } = session!;
    const fixesPath = join(session!.workspace, 'fixes.jsonl');
    const fixesOriginal = readFileSync(fixesPath, 'utf8');
    await page.locator('.part.sidebar .composite.title').click();
    await quickOpen(page, 'fixes.jsonl');
    await runCommand(page, 'SLMGEN: Open in Dataset Editor');
    frame = await webviewFrame(page);
    await frame.locator('.rows-scroll .row[data-line="1"]').click();
    const finding = frame.locator('.finding[data-code="role-alias"]');
    await finding.waitFor({ timeout: 30_000 });
    const fix = finding.locator('vscode-button.fix').first();
    console.log(`      fix offered: ${(await fix.innerText()).trim()}`);
    await fix.click();
    await frame.locator('.notice', { hasText: 'Saved to the document' }).waitFor();
    await frame.locator('.finding[data-code="role-alias"]').waitFor({ state: 'detached' });
    await frame.locator('.rows-scroll').focus();
    await page.keyboard.press('Control+S');
    const before = fixesOriginal.split('\n');
    await waitFor('the saved fix', async () => readFileSync(fixesPath, 'utf8') !== fixesOriginal && fileLines(fixesPath).length === before.length).catch(() => undefined);
    const after = fileLines(fixesPath);
    assert.equal(after.length, before.length);
    for (let i = 1; i < before.length; i++) assert.equal(after[i], before[i], `line ${i + 1} is unchanged`);
    assert.equal(after[0], before[0]!.replace('"role": "User"', '"role": "user"'), 'the role alias is renamed on line 1 only');
    await page.keyboard.press('Control+Z');
    await frame.locator('.finding[data-code="role-alias"]').waitFor();
    await page.keyboard.press('Control+S');
    await waitFor('the restored file', async () => readFileSync(fixesPath, 'utf8') === fixesOriginal);
  });
});
