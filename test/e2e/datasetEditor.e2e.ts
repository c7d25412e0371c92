// The SLMGEN Dataset Editor as a person uses it, in a real VS Code (code-server + Debian Chromium): open
// duplicates.jsonl with "SLMGEN: Open in Dataset Editor", read the header (it must say what `slmgen analyze --json`
// says), filter to duplicates, edit a message and delete an example from the webview and see the file change on that
// record only (the tab dirty until saved), undo both with Ctrl+Z and redo with Ctrl+Shift+Z, open the record in the text
// editor at its line, run axe-core in the webview, and take screenshots in three themes. Then: change a message's role,
// go through every control with Tab (each with a visible focus style), reload the window (filter and selection come
// back; an unsaved edit comes back unsaved, from the workbench's hot-exit backup), open the editor from "Reopen Editor With…" and from the text editor's title button, see a scrolled list come
// back where it was after hiding it, and open a file over a lowered `slmgen.analysis.largeFileThresholdMB` read-only.
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, join, sep } from 'node:path';
import type { Frame, Locator, Page } from 'playwright-core';
import { headerFromReport } from '../../src/extension/datasetEditor/headerFromReport';
import { headerItems } from '../../src/webview/datasetEditor/format';
import { repoRoot } from '../helpers/codeServer';
import type { EditorSession } from './editorSession';
import { axeViolations, openEditorSession, screenshotThemes, quickOpen, runCommand, tabWalk, waitFor, webviewFrame } from './editorSession';

const FILE = 'duplicates.jsonl';

/** The lines of the rows the list shows (its virtualized rows, read inside the frame). */
async function listedLines(frame: Frame): Promise<number[]> {
  const lines = await frame.locator('.rows-scroll .row[data-line]').evaluateAll((rows) => rows.map((r) => Number(r.getAttribute('data-line'))));
  return lines.sort((a, b) => a - b);
}

/** Answer the workbench's own file dialog (code-server) with a path of the workspace. */
async function openFromDialog(page: Page, path: string): Promise<void> {
  const input = page.locator('.quick-input-widget input');
  await input.waitFor();
  // The dialog fills in its folder once it has listed it: type the path after that.
  await page.locator('.quick-input-list .monaco-list-row', { hasText: basename(path) }).first().waitFor();
  await input.fill(path);
  await waitFor('the typed path', async () => (await input.inputValue()) === path);
  await page.keyboard.press('Enter');
}

/** The active tab of the first editor group (the Dataset Editor in the editing scenarios; VS Code marks it `dirty`). */
function activeTab(page: Page): Locator {
  return page.locator('.editor-group-container').first().locator('.tab.active');
}

/** Waits until the tab's dirty mark is `dirty` (VS Code's class on a tab of an unsaved document). */
async function dirtyMark(tab: Locator, dirty: boolean): Promise<void> {
  await waitFor(dirty ? 'a dirty tab' : 'a clean tab', async () => ((await tab.getAttribute('class')) ?? '').split(/\s+/).includes('dirty') === dirty);
}

/** Waits until VS Code's status bar shows the active text editor's cursor at `position` ("Ln 2, Col 1"). */
async function cursorAt(page: Page, position: string): Promise<void> {
  await page.locator('.statusbar-item[id="status.editor.selection"]', { hasText: position }).waitFor({ timeout: 30_000 });
}

/** Closes every editor (from the side bar: keys pressed in a webview do not reach the workbench). */
async function closeAllEditors(page: Page): Promise<void> {
  await page.locator('.part.sidebar .composite.title').click();
  await runCommand(page, 'View: Close All Editors');
  await page.locator('.editor-group-container .tab').first().waitFor({ state: 'detached' });
  await page.locator('.quick-input-widget').waitFor({ state: 'hidden' });
  await page.locator('.part.sidebar .composite.title').click();
}

/** "View: Reopen Editor With…" on the active editor, choosing `editor` ("Text Editor", "SLMGEN Dataset Editor"). */
async function reopenWith(page: Page, editor: string): Promise<void> {
  await page.locator('.part.sidebar .composite.title').click();
  await runCommand(page, 'View: Reopen Editor With...');
  // The palette's own rows ("View: Reopen Editor With Text Editor") are gone once the editors are listed.
  await page.locator('.quick-input-list .monaco-list-row', { hasText: editor }).filter({ hasNotText: 'Reopen' }).first().click();
  await page.locator('.quick-input-widget').waitFor({ state: 'hidden' });
}

/** The workbench's hot-exit backups of unsaved workspace files: files under the user data's Backups/<workspace>/vscode-remote/. */
function backupFiles(session: EditorSession): string[] {
  const dir = join(session.workspace, '..', 'user-data', 'User', 'Backups');
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile() && entry.parentPath.split(sep).includes('vscode-remote'))
    .map((entry) => join(entry.parentPath, entry.name));
}

/** Lines of a file on disk, split on LF (the fixture's line breaks). */
function fileLines(path: string): string[] {
  return readFileSync(path, 'utf8').split('\n');
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
    // A 1 MB large-file threshold from the start (the workbench reads workspace settings written from outside only at
    // start-up; a settings file written mid-session was picked up too late once): every fixture is far below it, and
    // the read-only scenario's large.jsonl (~2.2 MB) is above it.
    // Auto-save off, as in desktop VS Code (the web workbench's default is afterDelay: an edit is written to disk a
    // second later), so that an edit stays unsaved until Ctrl+S, and over a reload (hot exit).
    session = await openEditorSession({ extension: repoRoot, workspaceSettings: { 'slmgen.analysis.largeFileThresholdMB': 1, 'files.autoSave': 'off' } });
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

  it('edits a message in the webview: the file changes on that record only, the tab is dirty until saved, Ctrl+Z restores it and Ctrl+Shift+Z re-applies it', async function () {
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

    // The document is dirty (the Dataset Editor's tab says so); save it and compare the file with the original, line by line.
    const tab = activeTab(page);
    await dirtyMark(tab, true);
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
    await dirtyMark(tab, false);

    // Beside it, the text editor shows the record changed, with the cursor on its line.
    await frame.locator('vscode-button.open-text').click();
    await page.locator('.monaco-editor .view-line', { hasText: 'Explain the tides to a child.' }).first().waitFor();
    await cursorAt(page, 'Ln 2, Col 1');
    console.log(`      screenshot: ${await session!.screenshot('e2e-dataset-editor-edited')}`);

    // Undo in the Dataset Editor (the text document's undo), then save: the file is as it was.
    // The Dataset Editor is the active editor of the first group (the text editor opened beside it).
    await runCommand(page, 'View: Focus First Editor Group');
    await frame.locator('.rows-scroll').focus();
    await page.keyboard.press('Control+Z');
    await frame.locator('.bubble[data-index="1"] .content', { hasText: 'Explain the tides in a few sentences.' }).waitFor();
    await page.keyboard.press('Control+S');
    await waitFor('the undone file', async () => readFileSync(path, 'utf8') === original);
    await dirtyMark(tab, false);
    // Redo (Ctrl+Shift+Z) applies the edit again: the tab is dirty, and once saved the file has the edited record.
    await page.keyboard.press('Control+Shift+Z');
    await frame.locator('.bubble[data-index="1"] .content', { hasText: 'Explain the tides to a child.' }).waitFor();
    await dirtyMark(tab, true);
    await page.keyboard.press('Control+S');
    await waitFor('the redone file', async () => readFileSync(path, 'utf8') === expected.join('\n')).catch(() => undefined);
    assert.deepEqual(fileLines(path), expected, 'the redo gives the edited record back');
    await dirtyMark(tab, false);
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
    const violations = await axeViolations(frame);
    const serious = violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
    assert.deepEqual(serious, [], 'no serious or critical violations');
  });

  it('is readable in Light Modern and a high-contrast theme (screenshots)', async function () {
    await frame.locator('.rows-scroll .row[data-line="3"]').click();
    await frame.locator('.detail-pane h2', { hasText: 'Lines 3 ·' }).waitFor();
    await screenshotThemes(session!, frame, 'slmgen-dataset-editor', 'e2e-dataset-editor', { selector: '.detail-pane', suffix: 'detail' });
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

  it('changes a message role from the browser (OpenAI record): the document changes in that field only, and Ctrl+Z restores it', async function () {
    const { page } = session!;
    // Back to duplicates.jsonl alone (the previous scenarios opened it twice, then fixes.jsonl).
    await page.locator('.part.sidebar .composite.title').click();
    await runCommand(page, 'View: Close All Editors');
    await page.locator('.editor-group-container .tab').first().waitFor({ state: 'detached' });
    await page.locator('.quick-input-widget').waitFor({ state: 'hidden' });
    await page.locator('.part.sidebar .composite.title').click();
    await quickOpen(page, FILE);
    await runCommand(page, 'SLMGEN: Open in Dataset Editor');
    frame = await webviewFrame(page);
    await frame.locator('.list-status', { hasText: '7 records' }).waitFor({ timeout: 30_000 });
    await frame.locator('.rows-scroll .row[data-line="2"]').click();
    await frame.locator('.detail-pane h2', { hasText: 'Lines 2 ·' }).waitFor();
    await frame.locator('.bubble[data-index="1"] vscode-button.edit-message').click();
    const select = frame.locator('vscode-single-select.edit-role');
    await select.click();
    await select.getByRole('option', { name: 'assistant', exact: true }).click();
    await frame.locator('vscode-button.save-message').click();
    await frame.locator('.notice', { hasText: 'Saved to the document' }).waitFor();
    await frame.locator('.bubble[data-index="1"] .role', { hasText: 'assistant' }).waitFor();
    await frame.locator('.rows-scroll').focus();
    await page.keyboard.press('Control+S');
    const before = original.split('\n');
    const changed = before[1]!.replace('{"role": "user", "content": "Explain', '{"role": "assistant", "content": "Explain');
    assert.notEqual(changed, before[1], 'the fixture has the user message this scenario edits');
    const expected = before.map((line, i) => (i === 1 ? changed : line));
    await waitFor('the saved role edit', async () => readFileSync(path, 'utf8') === expected.join('\n')).catch(() => undefined);
    assert.deepEqual(fileLines(path), expected, 'only the role of message 2 on line 2 changed');
    await page.keyboard.press('Control+Z');
    await frame.locator('.bubble[data-index="1"] .role', { hasText: 'user' }).waitFor();
    await page.keyboard.press('Control+S');
    await waitFor('the undone file', async () => readFileSync(path, 'utf8') === original);
  });

  it('is usable with the keyboard alone: Tab reaches every control with a visible focus style, arrow keys move in the list', async function () {
    const { page } = session!;
    await frame.locator('.rows-scroll .row[data-line="1"]').click();
    await frame.locator('.detail-pane h2', { hasText: 'Lines 1 ·' }).waitFor();
    // Arrow keys: the selection (and the list's active descendant) moves one row at a time.
    await frame.locator('.rows-scroll').focus();
    const selectedLine = () => frame.locator('.rows-scroll .row.selected').getAttribute('data-line');
    await page.keyboard.press('ArrowDown');
    await waitFor('row 2 selected', async () => (await selectedLine()) === '2');
    await page.keyboard.press('ArrowDown');
    await waitFor('row 3 selected', async () => (await selectedLine()) === '3');
    await page.keyboard.press('ArrowUp');
    await waitFor('row 2 selected again', async () => (await selectedLine()) === '2');
    assert.equal(await frame.locator('.rows-scroll').getAttribute('aria-activedescendant'), await frame.locator('.rows-scroll .row.selected').getAttribute('id'));
    await page.keyboard.press('Enter');
    await frame.locator('.detail-pane h2', { hasText: 'Lines 2 ·' }).waitFor();

    // Tab from the top of the page through every control; each focused element must show a focus style.
    const walk = await tabWalk(page, frame, 'h1');
    assert.deepEqual(walk.unreached, [], 'every control is reached with Tab');
    assert.deepEqual(walk.unstyled, [], 'every focused control has a visible outline or focus ring');
  });

  it('restores its filter and selection after "Developer: Reload Window"', async function () {
    const { page } = session!;
    await frame.locator('.rows-scroll .row[data-line="1"]').click();
    await frame.locator('vscode-checkbox.flag-duplicates').click();
    await frame.locator('.list-status', { hasText: 'of 7 records match' }).waitFor();
    const status = (await frame.locator('.list-status').innerText()).trim();
    const duplicateLine = await frame.locator('.rows-scroll .row[data-line]').last().getAttribute('data-line');
    await frame.locator(`.rows-scroll .row[data-line="${duplicateLine}"]`).click();
    await frame.locator('.detail-pane h2', { hasText: `Lines ${duplicateLine} ·` }).waitFor();
    await runCommand(page, 'Developer: Reload Window');
    await page.waitForLoadState('domcontentloaded');
    await page.locator('.monaco-workbench').waitFor({ timeout: 60_000 });
    frame = await webviewFrame(page);
    await frame.locator('.list-status', { hasText: status }).waitFor({ timeout: 60_000 });
    assert.equal(await frame.locator('vscode-checkbox.flag-duplicates').evaluate((e) => (e as unknown as { checked: boolean }).checked), true, 'the filter is back');
    await frame.locator(`.rows-scroll .row.selected[data-line="${duplicateLine}"]`).waitFor();
    await frame.locator('.detail-pane h2', { hasText: `Lines ${duplicateLine} ·` }).waitFor();
    console.log(`      after the reload: "${status}", line ${duplicateLine} selected`);
    await frame.locator('vscode-button.clear-filters').click();
    await frame.locator('.list-status', { hasText: '7 records' }).waitFor();
  });

  it('keeps an unsaved edit over "Developer: Reload Window" (hot exit): the edited text is shown, the tab is dirty, the file is unchanged until reverted', async function () {
    const { page } = session!;
    await frame.locator('.rows-scroll .row[data-line="2"]').click();
    await frame.locator('.detail-pane h2', { hasText: 'Lines 2 ·' }).waitFor();
    await frame.locator('.bubble[data-index="1"] vscode-button.edit-message').click();
    await frame.locator('vscode-textarea.edit-content textarea').fill('Explain the tides after a reload.');
    await frame.locator('vscode-button.save-message').click();
    await frame.locator('.notice', { hasText: 'Saved to the document' }).waitFor();
    await dirtyMark(activeTab(page), true);
    assert.equal(readFileSync(path, 'utf8'), original, 'the edit is in the document only');

    // The workbench writes the backup a moment after the edit; a reload before that would be held up by the browser.
    await waitFor("the unsaved document's backup", async () => backupFiles(session!).length === 1);
    // Reload from the side bar (keys pressed in the webview do not reach the workbench); the page navigates once.
    await page.locator('.part.sidebar .composite.title').click();
    const reloaded = page.waitForEvent('framenavigated', { predicate: (f) => f === page.mainFrame(), timeout: 60_000 });
    await runCommand(page, 'Developer: Reload Window');
    await reloaded;
    await page.locator('.monaco-workbench').waitFor({ timeout: 60_000 });
    frame = await webviewFrame(page);
    await frame.locator('.list-status', { hasText: '7 records' }).waitFor({ timeout: 60_000 });
    await frame.locator('.rows-scroll .row[data-line="2"]').click();
    await frame.locator('.bubble[data-index="1"] .content', { hasText: 'Explain the tides after a reload.' }).waitFor({ timeout: 30_000 });
    await dirtyMark(activeTab(page), true);
    assert.equal(readFileSync(path, 'utf8'), original, 'the file on disk is unchanged after the reload');
    console.log(`      screenshot: ${await session!.screenshot('e2e-dataset-editor-hot-exit')}`);

    // "File: Revert File" drops the restored edit: the original text, a clean tab, the same file.
    await page.locator('.part.sidebar .composite.title').click();
    await runCommand(page, 'File: Revert File');
    await frame.locator('.bubble[data-index="1"] .content', { hasText: 'Explain the tides in a few sentences.' }).waitFor({ timeout: 30_000 });
    await dirtyMark(activeTab(page), false);
    assert.equal(readFileSync(path, 'utf8'), original);
    await waitFor('the backup discarded', async () => backupFiles(session!).length === 0);
  });

  it('opens from "Reopen Editor With…" (SLMGEN Dataset Editor) and from the editor title button of a .jsonl text editor; "Open in text editor" puts the cursor on the record', async function () {
    const { page } = session!;
    await closeAllEditors(page);
    await quickOpen(page, FILE);
    // Quick Open reopens a file in the editor it last had: the text editor first, through "Reopen Editor With…".
    await reopenWith(page, 'Text Editor');
    // The title bar of a .jsonl text editor has the command's button (the $(table) icon).
    const button = page.locator('.editor-actions .action-label.codicon-table');
    await button.waitFor();
    assert.match((await button.getAttribute('aria-label')) ?? '', /Open in Dataset Editor/);
    await button.click();
    frame = await webviewFrame(page);
    await frame.locator('.list-status', { hasText: '7 records' }).waitFor({ timeout: 30_000 });
    assert.equal((await frame.locator('h1').innerText()).includes(FILE), true, 'the Dataset Editor of the file');

    // "Open With…": the custom editor is offered for .jsonl by its display name.
    await reopenWith(page, 'Text Editor');
    await button.waitFor();
    await reopenWith(page, 'SLMGEN Dataset Editor');
    frame = await webviewFrame(page);
    await frame.locator('.list-status', { hasText: '7 records' }).waitFor({ timeout: 30_000 });
    await button.waitFor({ state: 'detached' });

    // The detail pane's "Open in text editor": a text editor beside it, with the cursor on the record's line.
    await frame.locator('.rows-scroll .row[data-line="5"]').click();
    await frame.locator('.detail-pane h2', { hasText: 'Lines 5 ·' }).waitFor();
    await frame.locator('vscode-button.open-text').click();
    await cursorAt(page, 'Ln 5, Col 1');
    assert.equal(await page.locator('.editor-group-container').count(), 2, 'the text editor is beside the Dataset Editor');
  });

  it('keeps the list scrolled where it was when hidden and shown again', async function () {
    const { page, workspace } = session!;
    // 400 records (clean.jsonl's, repeated): a list far taller than the pane.
    const records = readFileSync(join(workspace, 'clean.jsonl'), 'utf8').split('\n').filter((l) => l.trim() !== '');
    const many = join(workspace, 'many.jsonl');
    writeFileSync(many, `${Array.from({ length: 400 }, (_, i) => records[i % records.length]).join('\n')}\n`);
    await closeAllEditors(page);
    await runCommand(page, 'SLMGEN: Open in Dataset Editor');
    await openFromDialog(page, many);
    frame = await webviewFrame(page);
    await frame.locator('.list-status', { hasText: '400 records' }).waitFor({ timeout: 60_000 });
    const scroller = frame.locator('.rows-scroll');
    await scroller.hover();
    await page.mouse.wheel(0, 3000);
    await waitFor('the list scrolled down', async () => (await scroller.evaluate((e) => e.scrollTop)) > 2000);
    await waitFor('the rows down there', async () => (await listedLines(frame)).some((line) => line > 100));
    const scrolled = await scroller.evaluate((e) => e.scrollTop);
    // Another editor in the same group hides it (its webview is destroyed), its tab shows it again.
    await page.locator('.part.sidebar .composite.title').click();
    await quickOpen(page, 'clean.jsonl');
    await page.locator('.tab[data-resource-name="many.jsonl"]').click();
    frame = await webviewFrame(page);
    await frame.locator('.list-status', { hasText: '400 records' }).waitFor({ timeout: 30_000 });
    const restored = frame.locator('.rows-scroll');
    await waitFor('the rows at the saved position', async () => (await listedLines(frame)).some((line) => line > 100));
    const offset = await restored.evaluate((e) => e.scrollTop);
    console.log(`      scrollTop ${scrolled} before hiding, ${offset} after showing again`);
    assert.ok(Math.abs(offset - scrolled) <= 26, `scrollTop ${offset} is within a row (26 px) of ${scrolled}`);
  });

  it("chooses a model from the header: its own token counts (those of slmgen analyze --model) and its context line on the histogram", async function () {
    const { page } = session!;
    // From a clean slate (Quick Open would reopen the file in the editor it last had): the command asks for the file.
    await runCommand(page, 'View: Close All Editors');
    await page.locator('.editor-group-container .tab').first().waitFor({ state: 'detached' });
    await runCommand(page, 'SLMGEN: Open in Dataset Editor');
    await openFromDialog(page, path);
    frame = await webviewFrame(page);
    await frame.locator('.summary-item[data-id="examples"] dd').waitFor({ timeout: 60_000 });
    assert.equal(await frame.locator('.summary-item[data-id="model"]').count(), 0, 'no model chosen yet');
    // "Choose model…" asks in the workbench's QuickPick and sets slmgen.analysis.model for the workspace.
    await frame.locator('vscode-button.choose-model').click();
    const input = page.locator('.quick-input-widget input');
    await input.waitFor();
    await input.fill('Qwen3 1.7B');
    await page.locator('.quick-input-list .monaco-list-row', { hasText: 'Qwen3 1.7B' }).first().waitFor();
    await page.keyboard.press('Enter');

    const cli = JSON.parse(
      execFileSync(process.execPath, [join(repoRoot, 'dist/cli.js'), 'analyze', path, '--json', '--model', 'qwen3-1.7b', '--max-seq-length', '2048'], { encoding: 'utf8' }),
    ) as { tokenizer: { name: string }; model_tokens: { total_tokens: number; truncated: unknown[] } };
    const total = frame.locator('.summary-item[data-id="modelTokens"]');
    await total.locator('dd', { hasText: cli.model_tokens.total_tokens.toLocaleString('en-US') }).waitFor({ timeout: 120_000 });
    assert.equal((await total.locator('dt').innerText()).trim(), `Model tokens (${cli.tokenizer.name})`);
    assert.equal((await frame.locator('.summary-item[data-id="model"] dd').innerText()).trim(), 'Qwen3 1.7B');
    assert.equal((await frame.locator('.summary-item[data-id="modelTruncated"] dd').innerText()).trim(), String(cli.model_tokens.truncated.length));
    const settings = JSON.parse(readFileSync(join(session!.workspace, '.vscode', 'settings.json'), 'utf8')) as Record<string, unknown>;
    assert.equal(settings['slmgen.analysis.model'], 'qwen3-1.7b', 'the choice is the workspace setting');
    const chart = frame.locator('.chart-canvas[data-chart="tokens"]');
    await waitFor('the context line', async () => (await chart.getAttribute('data-markers')) === 'maxSeqLength:2048 context:40960');
    assert.match((await frame.locator('.chart figcaption').first().innerText()).trim(), /^Qwen3 1\.7B tokens \(Qwen3 tokenizer\) per example/);
    console.log(`      Qwen3 1.7B: ${cli.model_tokens.total_tokens} tokens (${cli.tokenizer.name}), markers ${await chart.getAttribute('data-markers')}`);
    console.log(`      screenshot: ${await session!.screenshot('e2e-dataset-editor-model')}`);

    // Back to none: the model's items and line go away.
    await frame.locator('vscode-button.choose-model').click();
    await input.waitFor();
    await input.fill('None');
    await page.locator('.quick-input-list .monaco-list-row', { hasText: 'o200k_base counts only' }).first().waitFor();
    await page.keyboard.press('Enter');
    await frame.locator('.summary-item[data-id="model"]').waitFor({ state: 'detached', timeout: 60_000 });
    await waitFor('no context line', async () => (await chart.getAttribute('data-markers')) === 'maxSeqLength:2048');
  });

  it('opens a file over slmgen.analysis.largeFileThresholdMB read-only: says so, lists rows from disk, offers no edit', async function () {
    const { page } = session!;
    // A ~2 MB file (clean.jsonl's records repeated) and a 1 MB threshold: the command analyses it from disk.
    const records = readFileSync(join(session!.workspace, 'clean.jsonl'), 'utf8').split('\n').filter((l) => l.trim() !== '');
    const lines: string[] = [];
    for (let size = 0; size < 2.2 * 1024 * 1024; size += lines[lines.length - 1]!.length + 1) lines.push(records[lines.length % records.length]!);
    const large = join(session!.workspace, 'large.jsonl');
    writeFileSync(large, `${lines.join('\n')}\n`);
    await runCommand(page, 'View: Close All Editors');
    await page.locator('.editor-group-container .tab').first().waitFor({ state: 'detached' });
    // No file open: the command asks for one (the workbench's own file dialog in code-server).
    await runCommand(page, 'SLMGEN: Open in Dataset Editor');
    await openFromDialog(page, large);
    frame = await webviewFrame(page);
    const note = frame.locator('.read-only');
    await note.waitFor({ timeout: 60_000 });
    const noteText = (await note.innerText()).trim();
    console.log(`      header: "${noteText}"`);
    assert.match(noteText, /^Read-only: the rows are read from the file on disk\.$/);
    await frame.locator('.list-status', { hasText: `${lines.length.toLocaleString('en-US')} records` }).waitFor({ timeout: 60_000 });
    await frame.locator('.rows-scroll .row[data-line="3"]').click();
    await frame.locator('.detail-pane h2', { hasText: 'Lines 3 ·' }).waitFor();
    assert.equal(await frame.locator('.bubble').count() > 0, true, 'the record is shown from disk');
    for (const control of ['vscode-button.edit-message', 'vscode-button.delete-example', 'vscode-button.fix', 'vscode-button.keep-one']) {
      assert.equal(await frame.locator(control).count(), 0, `${control} is not offered`);
    }
    // Ctrl+Z and typing in the webview change nothing on disk.
    await frame.locator('.rows-scroll').focus();
    await page.keyboard.press('Control+Z');
    await page.keyboard.press('Delete');
    assert.equal(readFileSync(large, 'utf8'), `${lines.join('\n')}\n`, 'the file is unchanged');
    assert.equal(await page.locator('.tab.active', { hasText: 'large.jsonl' }).count(), 1, 'the read-only panel is the active tab');
    console.log(`      screenshot: ${await session!.screenshot('e2e-dataset-editor-read-only')}`);
  });
});
