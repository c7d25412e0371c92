// Every kind of quick fix the engine offers, applied in the real editor as the light bulb applies it (the server
// resolves the edit for the document's current version), checked to the byte, with its diagnostic gone afterwards;
// then one `undo` restores the exact original text and the diagnostic comes back. Fix-all (the source action and the
// slmgen.fixAll command) and "Remove all exact duplicates" are each one undoable edit.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import {
  applyCodeAction,
  codeActions,
  codeOf,
  hasCodeAt,
  openWorkspaceFile,
  revertAndClose,
  slmgenOrSkip,
  summary,
  undoOnce,
  waitForDiagnostics,
  wholeRange,
} from './editorHelpers';

const FIX_ALL_KIND = 'source.fixAll.slmgen';
const REMOVE_DUPLICATES_KIND = 'source.removeDuplicates.slmgen';

/** `text` with `find` (which must occur exactly once) replaced by `replacement`. */
function replaceOnce(text: string, find: string, replacement: string): string {
  const at = text.indexOf(find);
  assert.ok(at >= 0 && text.indexOf(find, at + 1) < 0, `the fixture holds ${JSON.stringify(find)} exactly once`);
  return text.slice(0, at) + replacement + text.slice(at + find.length);
}

/** `text` without its line `index` (0-based, with its line break). */
function withoutLine(text: string, index: number): string {
  const lines = text.split('\n');
  lines.splice(index, 1);
  return lines.join('\n');
}

// fixes.jsonl: one fixable problem per record (see its lines); duplicates.jsonl: duplicates, a near duplicate, a
// contradiction.
const PRETTY = [
  '{',
  '  "messages": [',
  '    {"role": "system", "content": "You are a concise tutor."},',
  '    {"role": "user", "content": "Explain gravity in two sentences."},',
  '    {"role": "assistant", "content": "Gravity pulls masses toward each other. It keeps the planets in orbit around the sun."}',
  '  ]',
  '}',
].join('\n');
const JOINED =
  '{"messages": [{"role": "system", "content": "You are a concise tutor."}, {"role": "user", "content": "Explain gravity in two sentences."}, ' +
  '{"role": "assistant", "content": "Gravity pulls masses toward each other. It keeps the planets in orbit around the sun."}]}';
const renameRole = (t: string) => replaceOnce(t, '"role": "User"', '"role": "user"');
const trimReply = (t: string) =>
  replaceOnce(t, '"  Interest is added to the principal each period. Later interest is then earned on earlier interest.  "', '"Interest is added to the principal each period. Later interest is then earned on earlier interest."');
const joinRecord = (t: string) => replaceOnce(t, PRETTY, JOINED);

interface FixCase {
  file: string;
  code: string;
  /** 0-based line of the diagnostic. */
  line: number;
  title: string;
  expected: (original: string) => string;
}

const CASES: FixCase[] = [
  { file: 'fixes.jsonl', code: 'role-alias', line: 0, title: 'Rename role to "user"', expected: renameRole },
  {
    file: 'fixes.jsonl',
    code: 'system-not-first',
    line: 1,
    title: 'Move system messages to the start',
    expected: (t) =>
      replaceOnce(
        t,
        '[{"role": "user", "content": "Explain binary search in two sentences."}, {"role": "system", "content": "You are a concise tutor."}, ',
        '[{"role": "system", "content": "You are a concise tutor."}, {"role": "user", "content": "Explain binary search in two sentences."}, ',
      ),
  },
  {
    file: 'fixes.jsonl',
    code: 'consecutive-same-role',
    line: 2,
    title: 'Merge with the previous turn',
    expected: (t) => replaceOnce(t, '"Explain the water cycle."}, {"role": "user", "content": "Use two sentences."}', '"Explain the water cycle.\\n\\nUse two sentences."}'),
  },
  { file: 'fixes.jsonl', code: 'untrimmed-reply', line: 3, title: 'Trim whitespace from the reply', expected: trimReply },
  { file: 'fixes.jsonl', code: 'pii-email', line: 4, title: 'Redact this email address', expected: (t) => replaceOnce(t, 'jane.doe@example.com', '[REDACTED_EMAIL]') },
  {
    file: 'fixes.jsonl',
    code: 'secret-api-key',
    line: 5,
    title: 'Redact this OpenAI API key',
    expected: (t) => replaceOnce(t, 'sk-3Xa9Qm7LpT2vR8nY4kW1zB6cD0e', '[REDACTED_API_KEY]'),
  },
  { file: 'fixes.jsonl', code: 'multiline-record', line: 6, title: 'Join the record onto one line', expected: joinRecord },
  {
    file: 'fixes.jsonl',
    code: 'mixed-formats',
    line: 13,
    title: 'Convert record to OpenAI messages',
    expected: (t) =>
      replaceOnce(
        t,
        '{"conversations": [{"from": "system", "value": "You are a concise tutor."}, {"from": "human", "value": "Explain inflation in two sentences."}, {"from": "gpt", "value": "Inflation is a general rise in prices. Each unit of money then buys less than before."}]}',
        '{"messages": [{"role": "system", "content": "You are a concise tutor."}, {"role": "user", "content": "Explain inflation in two sentences."}, {"role": "assistant", "content": "Inflation is a general rise in prices. Each unit of money then buys less than before."}]}',
      ),
  },
  { file: 'duplicates.jsonl', code: 'exact-duplicate', line: 2, title: 'Delete this duplicate', expected: (t) => withoutLine(t, 2) },
  { file: 'duplicates.jsonl', code: 'near-duplicate', line: 3, title: 'Delete this near duplicate', expected: (t) => withoutLine(t, 3) },
  { file: 'duplicates.jsonl', code: 'contradiction', line: 5, title: 'Delete this example', expected: (t) => withoutLine(t, 5) },
];

/** Opens a fixture and waits until the diagnostics named are all there (whole-file ones arrive after a delay). */
async function openWith(file: string, expected: { code: string; line: number }[]): Promise<vscode.TextDocument> {
  const document = await openWorkspaceFile(file);
  await waitForDiagnostics(document.uri, `${expected.map((e) => `${e.code}@${e.line}`).join(', ')}`, (ds) => expected.every((e) => hasCodeAt(ds, e.code, e.line)));
  return document;
}

describe('Quick fixes apply, clear their diagnostic, and undo to the exact original text', function () {
  const documents = new Map<string, vscode.TextDocument>();

  before(async function () {
    await slmgenOrSkip(this);
  });

  after(async function () {
    for (const document of documents.values()) if (document.isDirty) await revertAndClose(document);
  });

  for (const fix of CASES) {
    it(`${fix.file} line ${fix.line + 1}, ${fix.code}: "${fix.title}"`, async function () {
      const document = documents.get(fix.file) ?? (await openWith(fix.file, [{ code: fix.code, line: fix.line }]));
      documents.set(fix.file, document);
      await vscode.window.showTextDocument(document, { preview: false });
      const { uri } = document;
      const original = document.getText();
      assert.equal(document.isDirty, false, 'the previous test left the document as it is on disk');
      const diagnostics = await waitForDiagnostics(uri, `${fix.code} on line ${fix.line + 1}`, (ds) => hasCodeAt(ds, fix.code, fix.line));
      const diagnostic = diagnostics.find((d) => codeOf(d) === fix.code && d.range.start.line === fix.line)!;

      // The actions offered for the diagnostic's range (VS Code does not hand back which diagnostic each one fixes).
      // Fixes are offered only for findings of the current version: after the previous test's undo, a whole-file
      // finding (mixed-formats) is shown from the last snapshot until the refresh of this version lands, so ask
      // again until then, as the light bulb appears then.
      let actions: vscode.CodeAction[];
      const deadline = Date.now() + 20_000;
      for (;;) {
        actions = await codeActions(uri, diagnostic.range, vscode.CodeActionKind.QuickFix.value);
        if (actions.some((a) => a.title === fix.title) || Date.now() > deadline) break;
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
      const action = actions.find((a) => a.title === fix.title);
      assert.ok(action, `"${fix.title}" is offered at ${fix.code} within 20 s; offered: ${actions.map((a) => `"${a.title}"`).join(', ')}`);
      assert.ok(action.edit, 'the action was resolved with an edit');
      await applyCodeAction(action);
      assert.equal(document.getText(), fix.expected(original));
      await waitForDiagnostics(uri, `${fix.code} gone from line ${fix.line + 1}`, (ds) => !hasCodeAt(ds, fix.code, fix.line));

      await undoOnce(document);
      assert.equal(document.getText(), original, 'one undo restores the original text exactly');
      assert.equal(document.isDirty, false);
      await waitForDiagnostics(uri, `${fix.code} back on line ${fix.line + 1}`, (ds) => hasCodeAt(ds, fix.code, fix.line));
    });
  }
});

describe('Fix all and Remove all exact duplicates are each one undoable edit', function () {
  let fixes: vscode.TextDocument;
  let duplicates: vscode.TextDocument;
  // The safe fixes of fixes.jsonl: the role rename, the trim and the join; the others need review.
  const fixedAll = (t: string) => joinRecord(trimReply(renameRole(t)));

  before(async function () {
    await slmgenOrSkip(this);
    fixes = await openWith('fixes.jsonl', [
      { code: 'role-alias', line: 0 },
      { code: 'untrimmed-reply', line: 3 },
      { code: 'multiline-record', line: 6 },
      { code: 'mixed-formats', line: 13 },
    ]);
    duplicates = await openWith('duplicates.jsonl', [
      { code: 'exact-duplicate', line: 2 },
      { code: 'exact-duplicate', line: 6 },
    ]);
  });

  after(async function () {
    for (const document of [fixes, duplicates]) if (document?.isDirty) await revertAndClose(document);
  });

  async function settled(document: vscode.TextDocument): Promise<void> {
    // The code actions only fix diagnostics of the current version: wait for the undo's own to arrive.
    await waitForDiagnostics(document.uri, 'the diagnostics of the restored text', (ds) => hasCodeAt(ds, 'role-alias', 0) && hasCodeAt(ds, 'mixed-formats', 13));
  }

  it(`fixes.jsonl: the ${FIX_ALL_KIND} source action applies the safe fixes only, and one undo restores the file`, async function () {
    await vscode.window.showTextDocument(fixes, { preview: false });
    await settled(fixes);
    const original = fixes.getText();
    const actions = await codeActions(fixes.uri, wholeRange(fixes), FIX_ALL_KIND);
    assert.equal(actions.length, 1, `one fix-all action; got ${actions.map((a) => a.title).join(', ')}`);
    await applyCodeAction(actions[0]!);
    assert.equal(fixes.getText(), fixedAll(original));
    const after = await waitForDiagnostics(fixes.uri, 'role-alias, untrimmed-reply and multiline-record gone', (ds) => !ds.some((d) => ['role-alias', 'untrimmed-reply', 'multiline-record'].includes(codeOf(d) ?? '')));
    // The fixes that need review stay offered (the joined record moved the sharegpt record up to line 8).
    assert.ok(hasCodeAt(after, 'system-not-first', 1) && hasCodeAt(after, 'pii-email', 4), `left for review: ${summary(after).join(', ')}`);
    await undoOnce(fixes);
    assert.equal(fixes.getText(), original);
  });

  it('fixes.jsonl: the slmgen.fixAll command does the same and reports what it applied', async function () {
    await settled(fixes);
    const original = fixes.getText();
    const result = await vscode.commands.executeCommand<{ applied?: string; changed: boolean }>('slmgen.fixAll', fixes.uri);
    assert.equal(result?.changed, true, `the command changed the document: ${JSON.stringify(result)}`);
    assert.equal(fixes.getText(), fixedAll(original));
    await undoOnce(fixes);
    assert.equal(fixes.getText(), original);
    assert.equal(fixes.isDirty, false);
  });

  it(`duplicates.jsonl: ${REMOVE_DUPLICATES_KIND} deletes both extra copies (lines 3 and 7) in one edit; one undo restores them`, async function () {
    await vscode.window.showTextDocument(duplicates, { preview: false });
    const original = duplicates.getText();
    const actions = await codeActions(duplicates.uri, wholeRange(duplicates), REMOVE_DUPLICATES_KIND);
    assert.equal(actions.length, 1, `one remove-duplicates action; got ${actions.map((a) => a.title).join(', ')}`);
    assert.equal(actions[0]!.title, 'Remove all exact duplicates');
    await applyCodeAction(actions[0]!);
    assert.equal(duplicates.getText(), withoutLine(withoutLine(original, 6), 2));
    const after = await waitForDiagnostics(duplicates.uri, 'no exact duplicates left', (ds) => !ds.some((d) => codeOf(d) === 'exact-duplicate'));
    // The near duplicate and the contradiction are not exact duplicates: they stay, one line up.
    assert.ok(hasCodeAt(after, 'near-duplicate', 2), `near duplicate kept: ${summary(after).join(', ')}`);
    await undoOnce(duplicates);
    assert.equal(duplicates.getText(), original);
    await waitForDiagnostics(duplicates.uri, 'both exact duplicates back', (ds) => hasCodeAt(ds, 'exact-duplicate', 2) && hasCodeAt(ds, 'exact-duplicate', 6));
  });

  it('duplicates.jsonl: the slmgen.removeDuplicates command deletes them the same way', async function () {
    const original = duplicates.getText();
    const result = await vscode.commands.executeCommand<{ changed: boolean }>('slmgen.removeDuplicates', duplicates.uri);
    assert.equal(result?.changed, true, `the command changed the document: ${JSON.stringify(result)}`);
    assert.equal(duplicates.getText(), withoutLine(withoutLine(original, 6), 2));
    await undoOnce(duplicates);
    assert.equal(duplicates.getText(), original);
  });
});
