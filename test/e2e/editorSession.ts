// A browser session on a real VS Code for UI scenarios: code-server with one extension under development (and any
// installed beside it), a temp copy of test/fixtures/workspace/, and a Chromium page on the workbench. Everything it
// starts is stopped by close(), and on Ctrl-C, SIGTERM or exit as well.
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Frame, Locator, Page } from 'playwright-core';
import { launchChromium } from '../helpers/chromium';
import type { CodeServer } from '../helpers/codeServer';
import { repoRoot, startCodeServer, workbenchUrl } from '../helpers/codeServer';
import { Cleanup, trapSignals } from '../helpers/processCleanup';

/** Screenshots land here (gitignored; CI keeps it as an artifact). */
export const ARTIFACTS_DIR = join(repoRoot, 'test-artifacts');

export interface EditorSessionOptions {
  /** The extension under development (loaded through the workbench's payload). */
  extension: string;
  /** Unpacked extension folders installed beside it. */
  install?: readonly string[];
  /** Workspace settings (.vscode/settings.json) written before the workbench starts: it reads them only then. */
  workspaceSettings?: Record<string, unknown>;
  /** Extra environment for code-server (the extension host inherits it), e.g. local stand-ins' addresses. */
  env?: Record<string, string>;
}

export interface EditorSession {
  page: Page;
  server: CodeServer;
  workspace: string;
  /** Saves a PNG of the page as test-artifacts/<name>.png and returns its path. */
  screenshot(name: string): Promise<string>;
  close(): Promise<void>;
}

/** One cleanup list for the whole mocha process: each session empties it on close, a signal empties it at once. */
const cleanup = new Cleanup();
let trapped = false;

/** Starts code-server and Chromium and opens the workbench on the workspace copy, ready for input. */
export async function openEditorSession(options: EditorSessionOptions): Promise<EditorSession> {
  if (!trapped) trapSignals(cleanup, 'e2e');
  trapped = true;

  const scratchDir = mkdtempSync(join(tmpdir(), 'slmgen-e2e-'));
  cleanup.add({ name: 'scratch folder', immediate: () => rmSync(scratchDir, { recursive: true, force: true }) });
  try {
    const workspace = join(scratchDir, 'workspace');
    cpSync(join(repoRoot, 'test/fixtures/workspace'), workspace, { recursive: true });
    if (options.workspaceSettings) {
      mkdirSync(join(workspace, '.vscode'), { recursive: true });
      writeFileSync(join(workspace, '.vscode', 'settings.json'), `${JSON.stringify(options.workspaceSettings, null, 2)}\n`);
    }
    const server = await startCodeServer({ scratchDir, workspace, cleanup, installExtensions: options.install ?? [], env: options.env });
    const { browser } = await launchChromium(cleanup);
    const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    await page.goto(workbenchUrl(server, workspace, options.extension));
    await page.locator('.monaco-workbench').waitFor({ timeout: 60_000 });
    // The explorer lists the workspace once the remote file system is up; input before that is lost.
    await page.locator('.explorer-folders-view .monaco-list-row').first().waitFor({ timeout: 60_000 });
    return {
      page,
      server,
      workspace,
      screenshot: async (name) => {
        mkdirSync(ARTIFACTS_DIR, { recursive: true });
        const path = join(ARTIFACTS_DIR, `${name}.png`);
        await page.screenshot({ path });
        return path;
      },
      close: () => cleanup.run(),
    };
  } catch (error) {
    await cleanup.run();
    throw error;
  }
}

/** Polls `check` every 150 ms until it holds; fails naming `what` after `timeoutMs`. */
export async function waitFor(what: string, check: () => Promise<boolean>, timeoutMs = 20_000): Promise<void> {
  for (const deadline = Date.now() + timeoutMs; !(await check()); ) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 150));
  }
}

/**
 * Opens a workspace file through quick open, waiting until the list's first row is that file (TESTING.md §6). A file
 * the test has just written may be missing from the file search for a while (a fresh-clone run waited 30 s in vain
 * once): the search is asked again, a fresh quick open each time, for up to a minute.
 */
export async function quickOpen(page: Page, fileName: string): Promise<void> {
  const input = page.locator('.quick-input-widget input');
  const row = firstQuickInputRow(page).filter({ hasText: fileName });
  for (const deadline = Date.now() + 60_000; ; ) {
    await page.keyboard.press('Control+P');
    await input.waitFor();
    await input.fill(fileName);
    const found = await row.waitFor({ timeout: 5_000 }).then(
      () => true,
      () => false,
    );
    if (found) break;
    if (Date.now() > deadline) throw new Error(`quick open never listed ${fileName}`);
    await page.keyboard.press('Escape');
    await input.waitFor({ state: 'hidden' });
  }
  await page.keyboard.press('Enter');
  await page.locator('.tab.active', { hasText: fileName }).waitFor();
}

/**
 * Runs a command from the palette by its exact title. The palette is opened again when something closed it before
 * the command was listed (an editor or a webview that opens just then takes the focus, and the palette closes with
 * it: seen in a fresh-clone run, "element is not visible" while filling it).
 */
export async function runCommand(page: Page, title: string): Promise<void> {
  const input = page.locator('.quick-input-widget input');
  const row = firstQuickInputRow(page).filter({ hasText: title });
  for (const deadline = Date.now() + 60_000; ; ) {
    await page.keyboard.press('F1');
    const listed = await input
      .waitFor({ timeout: 5_000 })
      .then(() => input.fill(`>${title}`, { timeout: 5_000 }))
      .then(() => row.waitFor({ timeout: 5_000 }))
      .then(
        () => true,
        () => false,
      );
    if (listed) break;
    if (Date.now() > deadline) throw new Error(`the command palette never listed "${title}"`);
    await page.keyboard.press('Escape');
  }
  await page.keyboard.press('Enter');
}

/** The content frame of the last webview shown: the workbench's `iframe.webview`, then its `iframe#active-frame` (TESTING.md §6). */
export async function webviewFrame(page: Page): Promise<Frame> {
  const outer = await page.locator('iframe.webview.ready').last().elementHandle({ timeout: 60_000 });
  const outerFrame = await outer?.contentFrame();
  const inner = await outerFrame?.locator('iframe#active-frame').elementHandle({ timeout: 60_000 });
  const frame = await inner?.contentFrame();
  if (!frame) throw new Error('the webview has no content frame');
  return frame;
}

function firstQuickInputRow(page: Page): Locator {
  return page.locator('.quick-input-list .monaco-list-row').first();
}

/** One row of the Problems panel: a file row or a problem row. */
export interface ProblemRow {
  kind: 'file' | 'problem';
  /** The row's visible text, e.g. "Line is not valid JSON … hello-fixture(invalid-json) [Ln 2, Col 1]". */
  text: string;
  source?: string;
  code?: string;
}

/**
 * Every row of the Problems panel. The list renders only what is visible, so the rows are collected while
 * scrolling it with the mouse wheel until nothing new appears.
 */
export async function readProblemRows(page: Page): Promise<ProblemRow[]> {
  const list = page.locator('.markers-panel .monaco-list');
  const seen = new Map<number, ProblemRow>();
  for (let pass = 0; pass < 100; pass++) {
    const before = seen.size;
    // One round trip per pass: the rendered rows, read inside the page. (No named functions in here: tsx would
    // wrap them in a `__name` helper that does not exist in the page.)
    const visible = await list.locator('.monaco-list-row').evaluateAll((elements) =>
      elements.map((element) => ({
        index: Number(element.getAttribute('data-index')),
        isFile: element.querySelector('.resource-label-container') !== null,
        text: (element as unknown as { innerText: string }).innerText.replace(/\s+/g, ' ').trim(),
        source: element.querySelector('.marker-source')?.textContent?.trim() || undefined,
        code: element.querySelector('.marker-code')?.textContent?.trim() || undefined,
      })),
    );
    for (const row of visible) {
      seen.set(row.index, row.isFile ? { kind: 'file', text: row.text } : { kind: 'problem', text: row.text, source: row.source, code: row.code });
    }
    if (seen.size === before && pass > 0) break;
    await list.hover();
    await page.mouse.wheel(0, 400);
    await page.waitForTimeout(150);
  }
  // Back to the top, pointer off the list: the screenshot shows the first rows without a hover.
  await page.mouse.wheel(0, -100_000);
  await page.mouse.move(1, 1);
  return [...seen.entries()].sort(([a], [b]) => a - b).map(([, row]) => row);
}

/** An axe-core violation: rule, impact, how many elements, what it asks for. */
export interface AxeViolation {
  id: string;
  impact: string;
  nodes: number;
  help: string;
}

/**
 * Runs axe-core (npm) in a webview frame and logs its violations by impact. Evaluated through the debugger protocol,
 * not as a page script: the webviews' CSP allows no inline scripts.
 */
export async function axeViolations(frame: Frame): Promise<AxeViolation[]> {
  await frame.evaluate(readFileSync(join(repoRoot, 'node_modules/axe-core/axe.min.js'), 'utf8'));
  type Axe = { run: (context: unknown, options: unknown) => Promise<{ violations: { id: string; impact: string; nodes: unknown[]; help: string }[] }> };
  const violations = (await frame.evaluate(() =>
    (globalThis as unknown as { axe: Axe; document: unknown }).axe
      .run((globalThis as unknown as { document: unknown }).document, { resultTypes: ['violations'] })
      .then((r) => r.violations.map((v) => ({ id: v.id, impact: v.impact, nodes: v.nodes.length, help: v.help }))),
  )) as AxeViolation[];
  const byImpact: Record<string, string[]> = {};
  for (const v of violations) (byImpact[v.impact] ??= []).push(`${v.id} (${v.nodes}: ${v.help})`);
  console.log(`      axe-core violations by impact: ${JSON.stringify(byImpact)}`);
  return violations;
}

/** Switches the workbench's color theme through "Preferences: Color Theme" (TESTING.md §6). */
export async function chooseTheme(page: Page, theme: string): Promise<void> {
  // F1 pressed inside a webview does not reach the workbench: focus the side bar first.
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

/**
 * Screenshots of a webview in Light Modern, Dark High Contrast and Dark Modern (ending in Dark Modern): one of its top
 * (`root` scrolled to 0) and one with `second.selector` scrolled into view, saved as `<prefix>-<theme>[-<suffix>]`.
 */
export async function screenshotThemes(session: EditorSession, frame: Frame, root: string, prefix: string, second: { selector: string; suffix: string }): Promise<void> {
  for (const [theme, name] of [
    ['Light Modern', 'light'],
    ['Dark High Contrast', 'high-contrast'],
    ['Dark Modern', 'dark'],
  ] as const) {
    await chooseTheme(session.page, theme);
    await frame.locator(root).evaluate((e) => e.scrollTo(0, 0));
    console.log(`      screenshot: ${await session.screenshot(`${prefix}-${name}`)}`);
    await frame.locator(second.selector).scrollIntoViewIfNeeded();
    console.log(`      screenshot: ${await session.screenshot(`${prefix}-${name}-${second.suffix}`)}`);
  }
}

/** One stop of a Tab walk: the focused control (`tag.classes|label`) and whether it shows a focus style. */
export interface TabStop {
  id: string;
  focusStyle: boolean;
}

/** What a Tab walk through a webview found: every stop in order, the controls never reached, the stops without a focus style. */
export interface TabWalk {
  order: TabStop[];
  unreached: string[];
  unstyled: string[];
}

/**
 * Presses Tab from the frame's `start` element (a heading, made focusable for this) until the focus leaves the page
 * or comes back to a control already visited, and compares the stops with the page's enabled, visible controls
 * (vscode-elements, summaries, `tabindex="0"`), each named `tag#id.classes|label` (its aria-label, label or text).
 * A stop's focus style is visible when there is an outline or a ring (box-shadow) on the element or its focused part,
 * or a part of its shadow root bordered in the theme's focusBorder colour.
 */
export async function tabWalk(page: Page, frame: Frame, start: string, maxStops = 200): Promise<TabWalk> {
  const controls = await frame.locator('vscode-button, vscode-checkbox, vscode-single-select, vscode-textfield, summary, [tabindex="0"]').evaluateAll((all) =>
    all
      // The page's own controls (the locator also finds the parts inside the elements' shadow roots), enabled and shown.
      .filter((e) => (e.getRootNode() as unknown as { host?: unknown }).host === undefined)
      .filter((e) => !e.hasAttribute('disabled'))
      .filter((e) => (e as unknown as { offsetParent: unknown }).offsetParent !== null || e.tagName === 'SUMMARY')
      .map((e) => `${e.tagName.toLowerCase()}${e.id === '' ? '' : `#${e.id}`}.${[...e.classList].join('.')}|${e.getAttribute('aria-label') ?? e.getAttribute('label') ?? e.textContent?.trim().slice(0, 30) ?? ''}`),
  );
  await frame.locator(start).evaluate((h) => {
    (h as unknown as { tabIndex: number; focus(): void }).tabIndex = -1;
    (h as unknown as { focus(): void }).focus();
  });
  const order: TabStop[] = [];
  for (let i = 0; i < maxStops; i++) {
    await page.keyboard.press('Tab');
    const focused = await frame.evaluate(() => {
      type Node = {
        tagName: string;
        id: string;
        classList: Iterable<string>;
        textContent: string | null;
        style: { color: string };
        getAttribute(n: string): string | null;
        shadowRoot: { activeElement: Node | null; querySelectorAll(s: string): Iterable<Node> } | null;
      };
      type Style = { outlineStyle: string; outlineWidth: string; boxShadow: string; borderTopWidth: string; borderTopColor: string; color: string; getPropertyValue(p: string): string };
      type Doc = { activeElement: Node | null; body: Node & { append(n: Node): void }; documentElement: Node; createElement(t: string): Node & { remove(): void } };
      const g = globalThis as unknown as { document: Doc; getComputedStyle(e: Node): Style };
      const host = g.document.activeElement;
      if (host === null || host === g.document.body) return null;
      const probe = g.document.createElement('span');
      probe.style.color = g.getComputedStyle(g.document.documentElement).getPropertyValue('--vscode-focusBorder').trim();
      g.document.body.append(probe);
      const focusColor = g.getComputedStyle(probe).color;
      probe.remove();
      let inner: Node = host;
      while (inner.shadowRoot?.activeElement) inner = inner.shadowRoot.activeElement;
      const parts = [host, inner, ...(host.shadowRoot ? [...host.shadowRoot.querySelectorAll('*')] : [])];
      const styled = parts.some((e) => {
        const s = g.getComputedStyle(e);
        return (s.outlineStyle !== 'none' && s.outlineWidth !== '0px') || s.boxShadow !== 'none' || (s.borderTopWidth !== '0px' && s.borderTopColor === focusColor);
      });
      const label = host.getAttribute('aria-label') ?? host.getAttribute('label') ?? host.textContent?.trim().slice(0, 30) ?? '';
      return { id: `${host.tagName.toLowerCase()}${host.id === '' ? '' : `#${host.id}`}.${[...host.classList].join('.')}|${label}`, focusStyle: styled };
    });
    if (focused === null || order.some((v) => v.id === focused.id)) break;
    order.push(focused);
  }
  console.log(`      Tab order (${order.length}): ${order.map((v) => v.id.split('|')[0]).join(' → ')}`);
  return {
    order,
    unreached: controls.filter((c) => !order.some((v) => v.id === c)),
    unstyled: order.filter((v) => !v.focusStyle).map((v) => v.id),
  };
}
