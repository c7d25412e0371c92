import assert from 'node:assert/strict';
import fc from 'fast-check';
import { estimateOptions } from './analyzeText';
import { analyzeDatasetBytes } from '../../../src/core/analysis/analyzeBytes';
import type { DocumentFix } from '../../../src/core/analysis/datasetDocument';
import { DatasetDocument, StaleVersionError } from '../../../src/core/analysis/datasetDocument';
import { checkRecord } from '../../../src/core/checks/checkRecord';
import { isSensitiveCode } from '../../../src/core/checks/codes';
import type { CodeName } from '../../../src/core/checks/codes';
import { findSensitive, redactionToken } from '../../../src/core/checks/sensitive';
import type { Finding, Position, TextEdit } from '../../../src/core/types';
import { spanOf } from '../checks/applyEdits';

// Fixes touch only what they fix: every fix of every finding of generated documents is applied and checked against
// an independent reading of the source text (a small JSON walker below), never against the fix code's own locator.

const options = estimateOptions;

// ---- Text and LSP edits ----

/** Offset of each line's first character (lines split on `\n`; a `\r` before it belongs to the line end). */
function lineStarts(text: string): number[] {
  const starts = [0];
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) starts.push(i + 1);
  return starts;
}

/** The offset of an LSP position: UTF-16 units within its line, never past the line's end (`\r\n` excluded). */
function offsetAt(text: string, starts: readonly number[], p: Position): number {
  const start = starts[p.line];
  assert.ok(start !== undefined, `line ${p.line} is past the end`);
  const next = starts[p.line + 1];
  const lineEnd = next === undefined ? text.length : next - 1 - (text.charCodeAt(next - 2) === 0x0d && next - 2 >= start ? 1 : 0);
  assert.ok(p.character >= 0 && p.character <= lineEnd - start, `character ${p.character} is past the end of line ${p.line}`);
  return start + p.character;
}

interface Located {
  start: number;
  end: number;
  newText: string;
}

function isLowSurrogate(c: number): boolean {
  return (c & 0xfc00) === 0xdc00;
}

/** Apply LSP edits (all relative to the original text, non-overlapping) to a text with `\n` or `\r\n` line ends. */
function applyEdits(text: string, edits: readonly TextEdit[]): { text: string; located: Located[] } {
  const starts = lineStarts(text);
  const located = edits
    .map((e) => ({ start: offsetAt(text, starts, e.range.start), end: offsetAt(text, starts, e.range.end), newText: e.newText }))
    .sort((a, b) => a.start - b.start || a.end - b.end);
  let out = '';
  let at = 0;
  for (const e of located) {
    assert.ok(e.start <= e.end, 'an edit range is reversed');
    assert.ok(e.start >= at, 'edits overlap');
    for (const o of [e.start, e.end]) assert.ok(!(o > 0 && isLowSurrogate(text.charCodeAt(o)) && !isLowSurrogate(text.charCodeAt(o - 1))), 'an edit splits a surrogate pair');
    out += text.slice(at, e.start) + e.newText;
    at = e.end;
  }
  return { text: out + text.slice(at), located };
}

// ---- An independent reading of JSON source: every value's path and source span ----

type JsonPath = (string | number)[];

interface SourceNode {
  path: JsonPath;
  start: number;
  end: number;
  kind: 'string' | 'number' | 'literal' | 'object' | 'array';
  /** Objects: the keys in source order. */
  keys?: string[];
  /** Arrays: the element count. */
  length?: number;
}

interface SourceTree {
  end: number;
  nodes: Map<string, SourceNode>;
  /** The source text of the value at a path. */
  src(path: JsonPath): string;
}

const pathKey = (path: JsonPath): string => JSON.stringify(path);
const SCALAR = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?|true|false|null/y;

/** Walk the JSON value starting at `start`, recording every value's span (a throw means invalid JSON). */
function readSource(text: string, start: number): SourceTree {
  const nodes = new Map<string, SourceNode>();
  let i = start;
  const space = (): void => {
    while (i < text.length && ' \t\r\n'.includes(text[i] as string)) i++;
  };
  const expect = (c: string): void => {
    assert.equal(text[i], c, `expected ${c} at ${i}`);
    i++;
  };
  const string = (): void => {
    expect('"');
    while (text[i] !== '"') {
      assert.ok(i < text.length, 'unterminated string');
      i += text[i] === '\\' ? 2 : 1;
    }
    i++;
  };
  const value = (path: JsonPath): void => {
    space();
    const from = i;
    const c = text[i];
    if (c === '{') {
      i++;
      const keys: string[] = [];
      space();
      if (text[i] === '}') i++;
      else {
        for (;;) {
          space();
          const k = i;
          string();
          const key = JSON.parse(text.slice(k, i)) as string;
          keys.push(key);
          space();
          expect(':');
          value([...path, key]);
          space();
          if (text[i] !== ',') break;
          i++;
        }
        expect('}');
      }
      nodes.set(pathKey(path), { path, start: from, end: i, kind: 'object', keys });
    } else if (c === '[') {
      i++;
      let length = 0;
      space();
      if (text[i] === ']') i++;
      else {
        for (;;) {
          value([...path, length++]);
          space();
          if (text[i] !== ',') break;
          i++;
        }
        expect(']');
      }
      nodes.set(pathKey(path), { path, start: from, end: i, kind: 'array', length });
    } else if (c === '"') {
      string();
      nodes.set(pathKey(path), { path, start: from, end: i, kind: 'string' });
    } else {
      SCALAR.lastIndex = i;
      const m = SCALAR.exec(text);
      assert.ok(m, `no JSON value at ${i}`);
      i += m[0].length;
      nodes.set(pathKey(path), { path, start: from, end: i, kind: /^[-\d]/.test(m[0]) ? 'number' : 'literal' });
    }
  };
  value([]);
  return {
    end: i,
    nodes,
    src: (path) => {
      const node = nodes.get(pathKey(path));
      assert.ok(node, `no value at ${pathKey(path)}`);
      return text.slice(node.start, node.end);
    },
  };
}

const isLeaf = (n: SourceNode): boolean => n.kind !== 'object' && n.kind !== 'array';
const body = (literal: string): string => literal.slice(1, -1);
const decode = (literal: string): unknown => JSON.parse(literal);

/**
 * Every leaf of `before` (except those `map` sends to null) is spelled the same at its mapped path in `after`, and
 * every object keeps its key order; `after` has no leaf that does not come from `before` except at `extra` paths.
 */
function assertSameSpellings(before: SourceTree, after: SourceTree, map: (path: JsonPath) => JsonPath | null, extra: readonly JsonPath[] = []): void {
  const reached = new Set(extra.map(pathKey));
  for (const node of before.nodes.values()) {
    const to = map(node.path);
    if (to === null) continue;
    reached.add(pathKey(to));
    const other = after.nodes.get(pathKey(to));
    assert.ok(other, `${pathKey(node.path)} is gone`);
    if (isLeaf(node)) assert.equal(after.src(to), before.src(node.path), `${pathKey(node.path)} is spelled differently`);
    if (node.kind === 'object') assert.deepEqual(other.keys, node.keys, `key order of ${pathKey(node.path)}`);
  }
  for (const node of after.nodes.values()) if (isLeaf(node)) assert.ok(reached.has(pathKey(node.path)), `${pathKey(node.path)} is new`);
}

// ---- Generated documents ----

/** A value to render: a scalar's source text, an object (members with their key literals), or an array. */
type Src = string | { obj: [string, Src][] } | { arr: Src[] };

interface Style {
  colon: string;
  comma: string;
  pretty: boolean;
}

function render(src: Src, style: Style, eol: string, indent = ''): string {
  if (typeof src === 'string') return src;
  const inner = `${indent}  `;
  const parts = 'obj' in src ? src.obj.map(([k, v]) => `${k}${style.colon}${render(v, style, eol, inner)}`) : src.arr.map((v) => render(v, style, eol, inner));
  const [open, close] = 'obj' in src ? ['{', '}'] : ['[', ']'];
  return style.pretty ? `${open}${eol}${parts.map((p) => inner + p).join(`,${eol}`)}${eol}${indent}${close}` : `${open}${parts.join(style.comma)}${close}`;
}

const k = (key: string): string => JSON.stringify(key);
const lit = (raw: string): string => `"${raw}"`;

// Built from parts so that secret scanners do not flag this file; the value is random and not a real credential.
const API_KEY = 'sk-' + 'proj-' + 'Ab3dEf9hIjK1mNoPqR5tUvWxYz012345aB7cD8eF9gH0iJ1k';
const WORDS = ['hello', 'river', 'the', 'model', 'answers', 'calmly', 'Paris', 'capital', 'of', 'France', 'sources'];
/** Spellings (JSON string bodies) worth keeping: escapes, non-BMP characters written raw and as escapes. */
const SPECIAL = ['caf\\u00e9', 'a\\/b', '\\"quoted\\"', '😀', '\\ud83d\\ude00', 'tab\\there', 'line\\nbreak', 'back\\\\slash', 'na\u00efve', '\\u00e9t\\u00e9'];
/** Sensitive data, some of it spelled with escapes inside the match. */
const PII = ['bob@example.com', 'ann\\u0040example.org', 'bob\\u002esmith@example.com', '555-123-4567', '+44 20 7946 0958', API_KEY];
/** Whitespace at the ends of a string: raw and as escapes. */
const SPACE = [' ', '  ', '\\n', '\\u0020', '\\t', '\\r\\n', '\\u00a0', '\u3000'];
const LONG = 'the model should learn to answer questions about rivers lakes and mountains in a calm and helpful voice while giving sources and short examples for every claim it makes so that readers can check them later on';
/** Replies to one prompt: near duplicates of each other, and one that contradicts them. */
const LONGS = [LONG, LONG.replace('calm', 'quiet'), `${LONG.replace('calm', 'quiet')} indeed`, 'Water runs downhill into the sea.'];

/** Extra keys of a record, with spellings that a re-serialization would change. */
const EXTRAS: [string, Src][] = [
  [k('id'), '12345678901234567890'],
  [k('score'), '1.0'],
  [k('neg'), '-0.0'],
  [k('big'), '1e5'],
  [k('tiny'), '2.50E-3'],
  [k('meta'), { obj: [[k('note'), lit('caf\\u00e9 \\/ \\"x\\"')], [k('list'), { arr: ['1.0', '2', 'null'] }]] }],
  [k('tag'), lit('a\\/b')],
  [lit('k\\u00e9y'), 'true'],
];

const spaceArb = fc.oneof({ weight: 3, arbitrary: fc.constant('') }, { weight: 1, arbitrary: fc.array(fc.constantFrom(...SPACE), { minLength: 1, maxLength: 2 }).map((s) => s.join('')) });
const pieceArb = fc.oneof({ weight: 8, arbitrary: fc.constantFrom(...WORDS) }, { weight: 3, arbitrary: fc.constantFrom(...SPECIAL) }, { weight: 1, arbitrary: fc.constantFrom(...PII) });
/** A string literal's body: words, escapes and sensitive data, sometimes with whitespace at either end. */
const textArb = fc.tuple(spaceArb, fc.array(pieceArb, { minLength: 1, maxLength: 5 }), spaceArb).map(([a, words, b]) => lit(a + words.join(' ') + b));

type Role = 'system' | 'user' | 'assistant';
const OPENAI_SPELLINGS: Record<Role, string[]> = {
  user: ['user', 'user', 'User', 'human', '\\u0055ser', 'USER', ' user'],
  assistant: ['assistant', 'assistant', 'gpt', 'Assistant', 'bot', 'model'],
  system: ['system', 'system', 'System'],
};
const SHAREGPT_SPELLINGS: Record<Role, string[]> = { user: ['human', 'user', 'Human'], assistant: ['gpt', 'assistant', 'gpt '], system: ['system'] };
const SHAREGPT_ROLE: Record<string, Role> = { human: 'user', user: 'user', gpt: 'assistant', assistant: 'assistant', system: 'system' };
/** OpenAI roles as written (lower-cased, trimmed), aliases included. */
const OPENAI_ROLE: Record<string, Role> = { ...SHAREGPT_ROLE, bot: 'assistant', model: 'assistant' };

/** Roles of a conversation: usually well formed, sometimes any sequence (repeats, late system messages). */
const rolesArb: fc.Arbitrary<Role[]> = fc.oneof(
  fc.constantFrom<Role[]>(['user', 'assistant'], ['system', 'user', 'assistant'], ['user', 'assistant', 'user', 'assistant']),
  fc.array(fc.constantFrom<Role>('system', 'user', 'assistant'), { minLength: 1, maxLength: 5 }),
  fc.constantFrom<Role[]>(['user', 'user', 'assistant'], ['user', 'user', 'user', 'assistant'], ['user', 'system', 'assistant', 'system'], ['user', 'assistant', 'assistant', 'assistant']),
);

/** OpenAI content: usually a string, sometimes a list of text parts (which merge and trim cannot edit in place). */
const partsArb: fc.Arbitrary<Src> = fc.oneof({ weight: 6, arbitrary: textArb }, { weight: 1, arbitrary: textArb.map((t): Src => ({ arr: [{ obj: [[k('type'), lit('text')], [k('text'), t]] }] })) });

function turnsArb(spellings: Record<Role, string[]>, roleKey: string, contentKey: string, openai: boolean): fc.Arbitrary<Src> {
  return rolesArb.chain((roles) =>
    fc.tuple(
      ...roles.map((role) =>
        fc.record({ role: fc.constantFrom(...spellings[role]), content: openai ? partsArb : textArb, contentFirst: fc.boolean(), name: openai ? fc.option(fc.constant(lit('caf\\u00e9')), { freq: 5 }) : fc.constant(null) }),
      ),
    ).map((turns) => ({
      arr: turns.map((t): Src => {
        const members: [string, Src][] = [[k(roleKey), lit(t.role)], [k(contentKey), t.content]];
        if (t.contentFirst) members.reverse();
        if (t.name !== null) members.push([k('name'), t.name]);
        return { obj: members };
      }),
    })),
  );
}

/** Main members of a record of each format (extra keys are added around them). */
const mainArb: fc.Arbitrary<[string, Src][]> = fc.oneof(
  { weight: 4, arbitrary: turnsArb(OPENAI_SPELLINGS, 'role', 'content', true).map((list): [string, Src][] => [[k('messages'), list]]) },
  {
    weight: 2,
    arbitrary: fc.tuple(turnsArb(SHAREGPT_SPELLINGS, 'from', 'value', false), fc.option(textArb, { freq: 3 })).map(([list, system]): [string, Src][] => [
      ...(system === null ? [] : ([[k('system'), system]] as [string, Src][])),
      [k('conversations'), list],
    ]),
  },
  {
    weight: 2,
    arbitrary: fc
      .record({ instruction: textArb, input: fc.constantFrom<'absent' | 'empty' | 'text'>('absent', 'empty', 'text'), text: textArb, output: textArb, system: fc.option(textArb, { freq: 3 }), history: fc.option(fc.tuple(textArb, textArb), { freq: 4 }) })
      .map((r): [string, Src][] => [
        ...(r.system === null ? [] : ([[k('system'), r.system]] as [string, Src][])),
        ...(r.history === null ? [] : ([[k('history'), { arr: [{ arr: [...r.history] }] }]] as [string, Src][])),
        [k('instruction'), r.instruction],
        ...(r.input === 'absent' ? [] : ([[k('input'), r.input === 'empty' ? '""' : r.text]] as [string, Src][])),
        [k('output'), r.output],
      ]),
  },
  { weight: 1, arbitrary: fc.tuple(textArb, textArb).map(([p, c]): [string, Src][] => [[k('prompt'), p], [k('completion'), c]]) },
  // Long replies: near duplicates and contradictions of each other, across formats. (Text records no longer
  // contradict each other, having no prompt: this is the generator's only source of contradictions, hence the weight.)
  {
    weight: 6,
    arbitrary: fc.tuple(fc.constantFrom('rivers', 'lakes'), fc.constantFrom(...LONGS), fc.boolean()).map(([topic, reply, alpaca]): [string, Src][] =>
      alpaca
        ? [[k('instruction'), lit(`Tell me about ${topic}.`)], [k('output'), lit(reply)]]
        : [[k('messages'), { arr: [{ obj: [[k('role'), lit('user')], [k('content'), lit(`Tell me about ${topic}.`)]] }, { obj: [[k('role'), lit('assistant')], [k('content'), lit(reply)]] }] }]],
    ),
  },
  { weight: 1, arbitrary: textArb.map((t): [string, Src][] => [[k('text'), t]]) },
);

interface GenRecord {
  src: Src;
  style: Style;
}

const recordArb: fc.Arbitrary<GenRecord> = fc
  .record({
    main: mainArb,
    extras: fc.shuffledSubarray(EXTRAS, { maxLength: 3 }),
    split: fc.nat(),
    colon: fc.constantFrom(': ', ':'),
    comma: fc.constantFrom(', ', ','),
    pretty: fc.nat({ max: 3 }),
  })
  .map((r) => {
    const at = r.split % (r.extras.length + 1);
    return { src: { obj: [...r.extras.slice(0, at), ...r.main, ...r.extras.slice(at)] }, style: { colon: r.colon, comma: r.comma, pretty: r.pretty === 0 } };
  });

type Layout = 'jsonl' | 'array-lines' | 'array-inline';

interface GenDoc {
  records: GenRecord[];
  /** Exact copies: [which record, where to insert it]. */
  copies: [number, number][];
  layout: Layout;
  crlf: boolean;
  trailingNewline: boolean;
  /** The file starts with a byte order mark (not part of the document's coordinates). */
  bom: boolean;
  /** JSONL: a line that is not a usable record, and where it goes. */
  garbage: [number, string] | null;
}

const docArb: fc.Arbitrary<GenDoc> = fc.record({
  records: fc.array(recordArb, { minLength: 1, maxLength: 6 }),
  copies: fc.array(fc.tuple(fc.nat(), fc.nat()), { maxLength: 2 }),
  layout: fc.constantFrom<Layout>('jsonl', 'jsonl', 'array-lines', 'array-inline'),
  crlf: fc.boolean(),
  trailingNewline: fc.boolean(),
  bom: fc.boolean(),
  garbage: fc.option(fc.tuple(fc.nat(), fc.constantFrom('not json', '{"a": 1.0}', '[1, 2]')), { freq: 4 }),
});

interface Built {
  text: string;
  /** Each record's source span, in document order. */
  spans: { start: number; end: number }[];
  array: boolean;
  bom: boolean;
}

function build(d: GenDoc): Built {
  const eol = d.crlf ? '\r\n' : '\n';
  const rendered = d.records.map((r) => render(r.src, r.style, eol));
  for (const [which, where] of d.copies) rendered.splice(where % (rendered.length + 1), 0, rendered[which % rendered.length] as string);
  const spans: Built['spans'] = [];
  let text = '';
  const add = (record: string): void => {
    spans.push({ start: text.length, end: text.length + record.length });
    text += record;
  };
  if (d.layout === 'jsonl') {
    const lines: (string | null)[] = [...rendered];
    if (d.garbage) lines.splice(d.garbage[0] % (lines.length + 1), 0, null);
    lines.forEach((r, i) => {
      if (i > 0) text += eol;
      if (r === null) text += (d.garbage as [number, string])[1];
      else add(r);
    });
  } else {
    const inline = d.layout === 'array-inline';
    text = inline ? '[' : `[${eol}`;
    rendered.forEach((r, i) => {
      if (i > 0) text += inline ? ', ' : `,${eol}`;
      if (!inline) text += '  ';
      add(r);
    });
    text += inline ? ']' : `${eol}]`;
  }
  if (d.trailingNewline) text += eol;
  return { text, spans, array: d.layout !== 'jsonl', bom: d.bom };
}

// ---- What each fix must do ----

/** The codes each kind of fix is offered for (convert-to-messages: any finding of a non-OpenAI record). */
const TARGETS: Record<string, (code: CodeName) => boolean> = {
  'rename-role': (c) => c === 'role-alias',
  trim: (c) => c === 'untrimmed-reply',
  redact: (c) => isSensitiveCode(c),
  'merge-turns': (c) => c === 'consecutive-same-role',
  'move-system-first': (c) => c === 'system-not-first',
  'join-lines': (c) => c === 'multiline-record',
  'delete-duplicate': (c) => c === 'exact-duplicate' || c === 'near-duplicate',
  other: (c) => c === 'contradiction',
  'convert-to-messages': () => true,
};

/** Keys each non-OpenAI format consumes when converted (written out here, not taken from the code under test). */
const CONSUMED: Record<string, string[]> = {
  sharegpt: ['conversations', 'system'],
  alpaca: ['instruction', 'input', 'output', 'system', 'history'],
  prompt_completion: ['prompt', 'completion'],
};

function formatOf(root: SourceNode | undefined): string {
  const keys = root?.keys ?? [];
  if (keys.includes('messages')) return 'openai';
  if (keys.includes('conversations')) return 'sharegpt';
  if (keys.includes('instruction') && keys.includes('output')) return 'alpaca';
  if (keys.includes('prompt') && keys.includes('completion')) return 'prompt_completion';
  return keys.includes('text') ? 'text' : 'unknown';
}

/** A record's messages as OpenAI would hold them: each role and its content's source literal. */
function expectedMessages(tree: SourceTree, format: string): { role: Role; content: string }[] {
  const has = (path: JsonPath): boolean => tree.nodes.has(pathKey(path));
  const out: { role: Role; content: string }[] = [];
  const system = (): void => {
    if (has(['system']) && String(decode(tree.src(['system']))).trim() !== '') out.push({ role: 'system', content: tree.src(['system']) });
  };
  if (format === 'sharegpt') {
    system();
    const n = tree.nodes.get(pathKey(['conversations']))?.length ?? 0;
    for (let i = 0; i < n; i++) {
      const from = String(decode(tree.src(['conversations', i, 'from']))).trim().toLowerCase();
      out.push({ role: SHAREGPT_ROLE[from] as Role, content: tree.src(['conversations', i, 'value']) });
    }
  } else if (format === 'alpaca') {
    system();
    if (has(['history', 0])) out.push({ role: 'user', content: tree.src(['history', 0, 0]) }, { role: 'assistant', content: tree.src(['history', 0, 1]) });
    const input = has(['input']) ? tree.src(['input']) : '""';
    const instruction = tree.src(['instruction']);
    out.push({ role: 'user', content: input === '""' ? instruction : `"${body(instruction)}\\n\\n${body(input)}"` });
    out.push({ role: 'assistant', content: tree.src(['output']) });
  } else if (format === 'prompt_completion') {
    out.push({ role: 'user', content: tree.src(['prompt']) }, { role: 'assistant', content: tree.src(['completion']) });
  }
  return out;
}

/** The content key and list key of a format with turns. */
function turnKeys(format: string): { list: string; role: string; content: string } {
  return format === 'openai' ? { list: 'messages', role: 'role', content: 'content' } : { list: 'conversations', role: 'from', content: 'value' };
}

function roleOf(tree: SourceTree, format: string, i: number): Role | undefined {
  const keys = turnKeys(format);
  const raw = String(decode(tree.src([keys.list, i, keys.role])));
  return (format === 'openai' ? OPENAI_ROLE : SHAREGPT_ROLE)[raw.trim().toLowerCase()];
}

interface DocState {
  text: string;
  starts: number[];
  built: Built;
  findings: readonly Finding[];
  /** Fresh analyses of fixed texts. */
  analyses: Map<string, Finding[]>;
}

const errorsOf = (findings: readonly Finding[], except?: CodeName): number => findings.filter((f) => f.severity === 'error' && f.code !== except).length;
const countOf = (findings: readonly Finding[], code: CodeName): number => findings.filter((f) => f.code === code).length;

/** Findings whose range starts in `[from, to)` of `text`. */
function findingsIn(findings: readonly Finding[], starts: readonly number[], text: string, from: number, to: number): Finding[] {
  return findings.filter((f) => {
    const o = offsetAt(text, starts, f.range.start);
    return o >= from && o < to;
  });
}

/** Apply one fix of `finding` and check everything it promises. */
function checkFix(state: DocState, finding: Finding, fix: DocumentFix, version: number): void {
  const { text, starts, built } = state;
  const what = `${fix.kind} for ${finding.code} at ${JSON.stringify(finding.range.start)}`;
  assert.equal(fix.version, version, `${what}: version`);
  assert.ok(fix.edits.length > 0, `${what}: no edits`);
  assert.ok(TARGETS[fix.kind]?.(finding.code), `${what}: offered for the wrong finding`);
  const { text: after, located } = applyEdits(text, fix.edits);
  const afterStarts = lineStarts(after);
  // Many findings of one record share a fix (convert-to-messages): analyse each fixed text once.
  let fresh = state.analyses.get(after);
  if (!fresh) state.analyses.set(after, (fresh = analyzeDatasetBytes(new TextEncoder().encode(built.bom ? `\ufeff${after}` : after), options()).findings));

  // (b) No new error (converting one record of a single-format file can make the file mixed: that one is allowed).
  if (fix.kind === 'convert-to-messages') assert.ok(errorsOf(fresh, 'mixed-formats') <= errorsOf(state.findings, 'mixed-formats'), `${what}: adds an error`);
  else assert.ok(errorsOf(fresh) <= errorsOf(state.findings), `${what}: adds an error: ${JSON.stringify(fresh.filter((f) => f.severity === 'error').map((f) => f.code))}`);

  if (fix.kind === 'delete-duplicate' || fix.kind === 'other') {
    checkDelete(state, finding, located, after, fresh, what);
    return;
  }

  // (c) Every edit lies inside the finding's record (so nothing outside it changes), and below, per kind, inside the
  // smallest span it has to touch.
  const index = built.spans.findIndex((s) => located.every((e) => e.start >= s.start && e.end <= s.end));
  const span = built.spans[index];
  assert.ok(span, `${what}: the edits are not inside one record`);
  const at = offsetAt(text, starts, finding.range.start);
  assert.ok(at >= span.start && at <= span.end, `${what}: edits a record other than the finding's`);
  const delta = located.reduce((sum, e) => sum + e.newText.length - (e.end - e.start), 0);
  const newEnd = span.end + delta;
  const before = readSource(text, span.start);
  const fixed = readSource(after, span.start);
  assert.equal(fixed.end, newEnd, `${what}: the fixed record is not one JSON value`);
  const format = formatOf(before.nodes.get(pathKey([])));
  const mine = (findings: readonly Finding[], s: readonly number[], t: string, end: number) => findingsIn(findings, s, t, span.start, end);
  const was = mine(state.findings, starts, text, span.end + 1);
  const now = mine(fresh, afterStarts, after, newEnd + 1);
  const leafAt = (e: Located): SourceNode => {
    const node = [...before.nodes.values()].find((n) => n.kind === 'string' && n.start < e.start && e.end < n.end);
    assert.ok(node, `${what}: an edit is not inside a string`);
    return node;
  };

  switch (fix.kind) {
    case 'rename-role': {
      // The edit is exactly the role's string literal (and the finding's range), spelled as the canonical role.
      assert.equal(located.length, 1);
      const e = located[0] as Located;
      const node = [...before.nodes.values()].find((n) => n.start === e.start && n.end === e.end);
      assert.ok(node && node.path.at(-1) === 'role', `${what}: the edit is not a role value`);
      assert.deepEqual(fix.edits[0]?.range, finding.range);
      assert.equal(e.newText, JSON.stringify(roleOf(before, format, node.path[1] as number)));
      assertSameSpellings(before, fixed, (p) => (pathKey(p) === pathKey(node.path) ? null : p), [node.path]);
      assert.equal(countOf(now, 'role-alias'), countOf(was, 'role-alias') - 1, `${what}: still there`);
      break;
    }
    case 'trim': {
      // Each edit deletes source characters that decode to whitespace only, at one end of the string.
      const node = leafAt(located[0] as Located);
      assert.ok(located.length <= 2);
      for (const e of located) {
        assert.equal(e.newText, '');
        assert.ok(e.start === node.start + 1 || e.end === node.end - 1, `${what}: not at an end of the string`);
        assert.equal(String(decode(`"${text.slice(e.start, e.end)}"`)).trim(), '', `${what}: deletes more than whitespace`);
      }
      assert.equal(decode(fixed.src(node.path)), String(decode(before.src(node.path))).trim());
      assertSameSpellings(before, fixed, (p) => (pathKey(p) === pathKey(node.path) ? null : p), [node.path]);
      assert.equal(countOf(now, 'untrimmed-reply'), countOf(was, 'untrimmed-reply') - 1, `${what}: still there`);
      break;
    }
    case 'redact': {
      // Each edit replaces exactly one match (as found in the decoded string) by its token.
      const node = leafAt(located[0] as Located);
      const value = String(decode(before.src(node.path)));
      const matches = findSensitive(value);
      for (const e of located) {
        assert.ok(e.start > node.start && e.end < node.end, `${what}: outside the string`);
        const removed = String(decode(`"${text.slice(e.start, e.end)}"`));
        assert.ok(matches.some((m) => value.slice(m.start, m.end) === removed && redactionToken(m.kind) === e.newText), `${what}: ${JSON.stringify(removed)} is not a match`);
      }
      assertSameSpellings(before, fixed, (p) => (pathKey(p) === pathKey(node.path) ? null : p), [node.path]);
      if (!fix.title.startsWith('Redact all')) {
        // One match: the finding's own, so the edit's range is the finding's range.
        assert.equal(located.length, 1);
        assert.deepEqual(fix.edits[0]?.range, finding.range, `${what}: the edit is not the match`);
        assert.equal(countOf(now, finding.code), countOf(was, finding.code) - 1, `${what}: still there`);
      } else {
        assert.equal(located.length, matches.length, `${what}: redacts all`);
        const literal = fixed.nodes.get(pathKey(node.path)) as SourceNode;
        assert.deepEqual(findingsIn(now, afterStarts, after, literal.start, literal.end).filter((f) => isSensitiveCode(f.code)), [], `${what}: sensitive data left`);
      }
      break;
    }
    case 'merge-turns': {
      const keys = turnKeys(format);
      const j = [...Array(before.nodes.get(pathKey([keys.list]))?.length ?? 0).keys()].find((i) => {
        const n = before.nodes.get(pathKey([keys.list, i])) as SourceNode;
        return offsetAt(text, starts, finding.range.start) === n.start && offsetAt(text, starts, finding.range.end) === n.end;
      });
      assert.ok(j !== undefined && j > 0, `${what}: the finding is not a turn`);
      const a = before.nodes.get(pathKey([keys.list, j - 1, keys.content])) as SourceNode;
      const merged = `"${body(before.src([keys.list, j - 1, keys.content]))}\\n\\n${body(before.src([keys.list, j, keys.content]))}"`;
      assert.equal(fixed.src([keys.list, j - 1, keys.content]), merged, `${what}: merged content`);
      // Two edits: an insertion before the earlier content's closing quote, and the later turn deleted with the
      // separator before it (from the end of the earlier turn to its own end).
      const element = (i: number) => before.nodes.get(pathKey([keys.list, i])) as SourceNode;
      assert.deepEqual(
        located.map((e) => [e.start, e.end, e.newText === '']),
        [[a.end - 1, a.end - 1, false], [element(j - 1).end, element(j).end, true]],
        `${what}: edits other spans`,
      );
      assertSameSpellings(before, fixed, (p) => {
        if (p[0] !== keys.list || typeof p[1] !== 'number') return p;
        if (p[1] === j || (p[1] === j - 1 && p[2] === keys.content)) return null;
        return p[1] > j ? [keys.list, p[1] - 1, ...p.slice(2)] : p;
      }, [[keys.list, j - 1, keys.content]]);
      assert.equal(countOf(now, 'consecutive-same-role'), countOf(was, 'consecutive-same-role') - 1, `${what}: still there`);
      break;
    }
    case 'move-system-first': {
      const keys = turnKeys(format);
      const n = before.nodes.get(pathKey([keys.list]))?.length ?? 0;
      const roles = [...Array(n).keys()].map((i) => roleOf(before, format, i));
      const first = roles.findIndex((r) => r !== 'system');
      const order = [...Array(n).keys()];
      const moved = order.filter((i) => i > first && roles[i] === 'system');
      const expected = [...order.slice(0, first), ...moved, ...order.slice(first).filter((i) => !moved.includes(i))];
      // One insertion before the first non-system turn; each moved turn deleted with the separator before it.
      const element = (i: number) => before.nodes.get(pathKey([keys.list, i])) as SourceNode;
      assert.deepEqual(
        located.map((e) => [e.start, e.end, e.newText === '']),
        [[element(first).start, element(first).start, false], ...moved.map((i) => [element(i - 1).end, element(i).end, true])],
        `${what}: edits other spans`,
      );
      // The inserted text is the moved turns' source, byte for byte, each followed by a separator.
      let inserted = (located[0] as Located).newText;
      for (const i of moved) {
        const source = text.slice(element(i).start, element(i).end);
        assert.ok(inserted.startsWith(source), `${what}: a moved turn is not copied as written`);
        const separator = /^\s*,\s*/.exec(inserted.slice(source.length));
        assert.ok(separator, `${what}: no separator after a moved turn`);
        inserted = inserted.slice(source.length + separator[0].length);
      }
      assert.equal(inserted, '');
      assertSameSpellings(before, fixed, (p) => (p[0] === keys.list && typeof p[1] === 'number' ? [keys.list, expected.indexOf(p[1]), ...p.slice(2)] : p));
      assert.equal(countOf(now, 'system-not-first'), 0, `${what}: still there`);
      break;
    }
    case 'join-lines': {
      for (const e of located) {
        assert.match(text.slice(e.start, e.end), /^[ \t\r]*\n[ \t\r\n]*$/, `${what}: joins more than a line break`);
        assert.ok(e.newText === '' || e.newText === ' ');
      }
      assert.ok(!after.slice(span.start, newEnd).includes('\n'), `${what}: still on several lines`);
      assertSameSpellings(before, fixed, (p) => p);
      assert.equal(countOf(now, 'multiline-record'), 0, `${what}: still there`);
      break;
    }
    case 'convert-to-messages': {
      // In place: the first member the format consumes becomes "messages" (built from the source's literals), the
      // other consumed members are deleted each with the separator before it, and every other member stays as written.
      assert.equal(formatOf(fixed.nodes.get(pathKey([]))), 'openai');
      const consumed = CONSUMED[format] ?? [];
      const keysBefore = before.nodes.get(pathKey([]))?.keys ?? [];
      const kept = keysBefore.filter((key) => !consumed.includes(key));
      const firstConsumed = keysBefore.findIndex((key) => consumed.includes(key));
      const expectedKeys = keysBefore.flatMap((key, i) => (i === firstConsumed ? ['messages'] : consumed.includes(key) ? [] : [key]));
      assert.deepEqual(fixed.nodes.get(pathKey([]))?.keys, expectedKeys, `${what}: key order`);
      assert.equal(located.filter((e) => e.newText !== '').length, 1, `${what}: one member replaced`);
      for (const e of located) {
        assert.ok(e.start >= span.start && e.end <= span.end, `${what}: an edit outside the record`);
        if (e.newText === '') assert.match(text.slice(e.start, e.end), /^\s*,\s*"/, `${what}: a deletion that is not a separator and a member`);
        else assert.ok(e.newText.startsWith('"messages"'), `${what}: the replaced member is not "messages"`);
      }
      const messages = expectedMessages(before, format);
      assert.deepEqual(
        [...Array(fixed.nodes.get(pathKey(['messages']))?.length ?? 0).keys()].map((i) => ({ role: decode(fixed.src(['messages', i, 'role'])) as Role, content: fixed.src(['messages', i, 'content']) })),
        messages,
        `${what}: messages`,
      );
      assertSameSpellings(before, fixed, (p) => (typeof p[0] === 'string' && kept.includes(p[0]) ? p : null), messages.flatMap((_, i) => [['messages', i, 'role'], ['messages', i, 'content']]));
      for (const key of kept) assert.equal(fixed.src([key]), before.src([key]), `${what}: "${key}" is not copied as written`);
      if (finding.code === 'mixed-formats') {
        const formats = built.spans.map((s) => formatOf(readSource(text, s.start).nodes.get(pathKey([]))));
        const others = formats.filter((f, i) => i !== index);
        if (formats.filter((f) => f === format).length === 1 && others.every((f) => f === 'openai')) assert.equal(countOf(fresh, 'mixed-formats'), 0, `${what}: still mixed`);
      }
      break;
    }
    default:
      assert.fail(`${what}: unexpected kind`);
  }
}

/** A deletion removes exactly one whole record (with one separator) and makes its finding count go down. */
function checkDelete(state: DocState, finding: Finding, located: Located[], after: string, fresh: Finding[], what: string): void {
  const { text, built } = state;
  assert.equal(located.length, 1);
  const e = located[0] as Located;
  assert.equal(e.newText, '');
  const index = built.spans.findIndex((s) => s.start >= e.start && s.end <= e.end);
  const span = built.spans[index];
  assert.ok(span, `${what}: deletes no whole record`);
  const at = offsetAt(text, state.starts, finding.range.start);
  assert.ok(at >= span.start && at <= span.end, `${what}: deletes a record other than the finding's`);
  const lead = text.slice(e.start, span.start);
  const trail = text.slice(span.end, e.end);
  if (built.array) {
    // The element and exactly one comma, with the whitespace around it; the file stays one valid JSON array.
    assert.ok((/^\s*,\s*$/.test(lead) && trail === '') || (lead === '' && /^\s*,\s*$/.test(trail)) || (lead === '' && trail === ''), `${what}: ${JSON.stringify([lead, trail])}`);
    const expected = JSON.parse(text) as unknown[];
    expected.splice(index, 1);
    assert.deepEqual(JSON.parse(after), expected);
  } else {
    // Whole lines: the record and the line break after it (or before it, for the last line of a file without one).
    assert.ok((lead === '' && /^\r?\n$/.test(trail)) || (/^\r?\n$/.test(lead) && trail === '') || (lead === '' && trail === ''), `${what}: ${JSON.stringify([lead, trail])}`);
    assert.ok(lead === '' || e.end === text.length || /^\r?\n$/.test(text.slice(e.end)), `${what}: leaves a dangling line`);
  }
  // A later exact copy of the deleted record takes over its near-duplicate or contradiction finding, so those are
  // counted together with the exact duplicates.
  const count = (fs: readonly Finding[]) => countOf(fs, 'exact-duplicate') + (finding.code === 'exact-duplicate' ? 0 : countOf(fs, finding.code));
  if (finding.code === 'exact-duplicate') assert.equal(count(fresh), count(state.findings) - 1, `${what}: still there`);
  else assert.ok(count(fresh) < count(state.findings), `${what}: still there`);
}

describe('DatasetDocument fixes: touch only what they fix', () => {
  it('property: every fix of every finding changes nothing outside its edits, keeps every spelling, removes its finding, adds no error', () => {
    const seen = new Map<string, number>();
    fc.assert(
      fc.property(docArb, (d) => {
        const built = build(d);
        const doc = new DatasetDocument(options());
        doc.open(5, built.bom ? `\ufeff${built.text}` : built.text);
        const snapshot = doc.snapshot();
        const state: DocState = { text: doc.getText(), starts: lineStarts(built.text), built, findings: snapshot.findings, analyses: new Map() };
        assert.equal(state.text, built.text);
        for (const finding of snapshot.findings) {
          assert.ok(!Object.hasOwn(finding, 'fixes'), 'an analysis ships no fixes');
          assert.throws(() => doc.fixes(4, finding), StaleVersionError);
          for (const fix of doc.fixes(5, finding)) {
            seen.set(fix.kind, (seen.get(fix.kind) ?? 0) + 1);
            checkFix(state, finding, fix, 5);
          }
        }
      }),
      { numRuns: Number(process.env.SLMGEN_FIX_RUNS ?? 150) },
    );
    // The generator reaches every kind of fix (a property that never met one would prove nothing about it).
    if (process.env.SLMGEN_FIX_SEEN) console.log(JSON.stringify([...seen]));
    for (const kind of Object.keys(TARGETS)) assert.ok((seen.get(kind) ?? 0) > 0, `no ${kind} fix was generated: ${JSON.stringify([...seen])}`);
  });
});


// ---- Focused cases ----

const msgs = (...m: [string, string][]): string => JSON.stringify({ messages: m.map(([role, content]) => ({ role, content })) });
const A = msgs(['user', 'What is the capital of France?'], ['assistant', 'Paris is the capital of France.']);
const B = msgs(['user', 'Tell me about rivers.'], ['assistant', LONG]);

function openDoc(text: string, version = 1): DatasetDocument {
  const doc = new DatasetDocument(options());
  doc.open(version, text);
  return doc;
}

/** The one finding of `code` (the `nth` when several) and its fix of `kind`. */
function fixOf(doc: DatasetDocument, code: CodeName, kind: string, nth = 0): { finding: Finding; fix: DocumentFix } {
  const finding = doc.snapshot().findings.filter((f) => f.code === code)[nth];
  assert.ok(finding, `no ${code} finding`);
  const fix = doc.fixes(doc.version, finding).find((f) => f.kind === kind);
  assert.ok(fix, `no ${kind} fix for ${code}`);
  return { finding, fix };
}

/** A range on line `line` covering the first occurrence of `part` in that line of `text`. */
function rangeOf(text: string, part: string, line = 0): { start: Position; end: Position } {
  const lineText = text.split('\n')[line] as string;
  const at = lineText.indexOf(part);
  assert.ok(at >= 0, `${part} is not on line ${line}`);
  return { start: { line, character: at }, end: { line, character: at + part.length } };
}

const codesOf = (text: string): string[] => analyzeDatasetBytes(new TextEncoder().encode(text), options()).findings.map((f) => f.code);

describe('DatasetDocument fixes: focused cases', () => {
  it('merge keeps both contents as written (escapes) and every other key spelled as it was', () => {
    const record = '{"id": 12345678901234567890, "messages": [{"role": "user", "content": "caf\\u00e9"}, {"role": "user", "content": "a\\/b"}, {"role": "assistant", "content": "Un caf\\u00e9 au lait, merci."}], "score": 1.0, "neg": -0.0}';
    const text = `${A}\n${record}\n`;
    const { fix } = fixOf(openDoc(text), 'consecutive-same-role', 'merge-turns');
    const closing = { ...rangeOf(text, '"caf\\u00e9"', 1).end };
    closing.character -= 1;
    assert.deepEqual(fix.edits, [
      // Inserted before the closing quote of "caf\u00e9": the later content's escaped text, as written.
      { range: { start: closing, end: closing }, newText: '\\n\\na\\/b' },
      { range: rangeOf(text, ', {"role": "user", "content": "a\\/b"}', 1), newText: '' },
    ]);
    const after = applyEdits(text, fix.edits).text;
    assert.equal(after, `${A}\n{"id": 12345678901234567890, "messages": [{"role": "user", "content": "caf\\u00e9\\n\\na\\/b"}, {"role": "assistant", "content": "Un caf\\u00e9 au lait, merci."}], "score": 1.0, "neg": -0.0}\n`);
    assert.ok(!codesOf(after).includes('consecutive-same-role'));
  });

  it('merge is not offered when it would leave a single message (too few for an example: an added error)', () => {
    const two = msgs(['assistant', 'Hello there, friend.'], ['assistant', 'How can I help today?']);
    const doc = openDoc(`${A}\n${two}\n`);
    const finding = doc.snapshot().findings.find((f) => f.code === 'consecutive-same-role');
    assert.ok(finding);
    assert.deepEqual(doc.fixes(1, finding), []);
    const three = msgs(['user', 'Hi'], ['assistant', 'Hello there, friend.'], ['assistant', 'How can I help today?']);
    assert.equal(fixOf(openDoc(`${A}\n${three}\n`), 'consecutive-same-role', 'merge-turns').fix.edits.length, 2);
  });

  it('convert-to-messages of an Alpaca record keeps its literals and the unconsumed keys spelled and ordered as written', () => {
    const alpaca = '{"id": 12345678901234567890, "instruction": "Say caf\\u00e9.", "input": "a\\/b", "score": 1.0, "output": "Caf\\u00e9 is coffee, \\"strong\\".", "tags": ["x", -0.0, 1e5]}';
    const text = `${A}\n${B}\n${alpaca}`;
    const { finding, fix } = fixOf(openDoc(text), 'mixed-formats', 'convert-to-messages');
    assert.deepEqual(finding.range, rangeOf(text, alpaca, 2));
    assert.deepEqual(fix.edits.map((e) => e.range), [
      rangeOf(text, '"instruction": "Say caf\\u00e9."', 2),
      rangeOf(text, ', "input": "a\\/b"', 2),
      rangeOf(text, ', "output": "Caf\\u00e9 is coffee, \\"strong\\"."', 2),
    ]);
    const after = applyEdits(text, fix.edits).text;
    assert.equal(
      after,
      `${A}\n${B}\n{"id": 12345678901234567890, "messages": [{"role": "user", "content": "Say caf\\u00e9.\\n\\na\\/b"}, {"role": "assistant", "content": "Caf\\u00e9 is coffee, \\"strong\\"."}], "score": 1.0, "tags": ["x", -0.0, 1e5]}`,
    );
    assert.ok(!codesOf(after).includes('mixed-formats'));
  });

  it('trim of a reply written with escapes deletes exactly the escape sequences of the whitespace', () => {
    const line = '{"messages": [{"role": "user", "content": "Hi"}, {"role": "assistant", "content": "\\n  Hello there, friend\\u0020"}]}';
    const text = `${A}\n${line}\n`;
    const { fix } = fixOf(openDoc(text), 'untrimmed-reply', 'trim');
    assert.deepEqual(fix.edits, [
      { range: rangeOf(text, '\\n  ', 1), newText: '' },
      { range: rangeOf(text, '\\u0020', 1), newText: '' },
    ]);
    const after = applyEdits(text, fix.edits).text;
    assert.equal(after, `${A}\n${line.replace('\\n  Hello there, friend\\u0020', 'Hello there, friend')}\n`);
    assert.ok(!codesOf(after).includes('untrimmed-reply'));
  });

  it('rename-role replaces exactly the role literal, however it is spelled', () => {
    const line = '{"messages": [{"role": "\\u0055ser", "content": "caf\\u00e9?"}, {"role": "assistant", "content": "Un caf\\u00e9, merci."}], "n": 1.0}';
    const text = `${A}\n${line}`;
    const { finding, fix } = fixOf(openDoc(text), 'role-alias', 'rename-role');
    assert.deepEqual(finding.range, rangeOf(text, '"\\u0055ser"', 1));
    assert.deepEqual(fix.edits, [{ range: finding.range, newText: '"user"' }]);
    assert.equal(applyEdits(text, fix.edits).text, `${A}\n${line.replace('"\\u0055ser"', '"user"')}`);
  });

  it('redact replaces exactly the match, even when the match is written with escapes', () => {
    const line = '{"messages": [{"role": "user", "content": "Mail ann\\u0040example.org or call 555-123-4567"}, {"role": "assistant", "content": "I will not keep these."}]}';
    const text = `${A}\n${line}\n`;
    const doc = openDoc(text);
    const { finding, fix } = fixOf(doc, 'pii-email', 'redact');
    assert.deepEqual(finding.range, rangeOf(text, 'ann\\u0040example.org', 1));
    assert.deepEqual(fix.edits, [{ range: finding.range, newText: '[REDACTED_EMAIL]' }]);
    const all = doc.fixes(1, finding).find((f) => f.title === 'Redact all sensitive data in this text');
    assert.ok(all);
    assert.equal(applyEdits(text, all.edits).text, `${A}\n${line.replace('ann\\u0040example.org', '[REDACTED_EMAIL]').replace('555-123-4567', '[REDACTED_PHONE]')}\n`);
  });

  it('deleting a duplicate in a JSON array removes the element and one comma, leaving valid JSON', () => {
    const lines = `[\n  ${A},\n  ${B},\n  ${A}\n]\n`;
    const last = fixOf(openDoc(lines), 'exact-duplicate', 'delete-duplicate').fix;
    assert.equal(applyEdits(lines, last.edits).text, `[\n  ${A},\n  ${B}\n]\n`);
    const inline = `[${A}, ${A}, ${B}]`;
    const middle = applyEdits(inline, fixOf(openDoc(inline), 'exact-duplicate', 'delete-duplicate').fix.edits).text;
    assert.equal(middle, `[${A}, ${B}]`);
    assert.deepEqual(JSON.parse(middle), [JSON.parse(A), JSON.parse(B)]);
  });

  it('deleting the last line of a JSONL file without a trailing newline removes the line break before it', () => {
    for (const eol of ['\n', '\r\n']) {
      const text = `${A}${eol}${B}${eol}${A}`;
      const { fix } = fixOf(openDoc(text), 'exact-duplicate', 'delete-duplicate');
      assert.equal(applyEdits(text, fix.edits).text, `${A}${eol}${B}`, JSON.stringify(eol));
      const inner = `${A}${eol}${A}${eol}${B}${eol}`;
      assert.equal(applyEdits(inner, fixOf(openDoc(inner), 'exact-duplicate', 'delete-duplicate').fix.edits).text, `${A}${eol}${B}${eol}`);
    }
  });

  it('a fix carries its version; a stale version is refused with a message naming both versions', () => {
    const text = `${A}\n${msgs(['User', 'Hi there'], ['assistant', 'Hello, how can I help?'])}`;
    const doc = openDoc(text, 3);
    const alias = doc.snapshot().findings.find((f) => f.code === 'role-alias');
    assert.ok(alias);
    assert.deepEqual(doc.fixes(3, alias).map((f) => f.version), [3]);
    doc.applyChanges(4, [{ range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, text: '\n' }]);
    assert.throws(
      () => doc.fixes(3, alias),
      (err: unknown) => err instanceof StaleVersionError && err.requested === 3 && err.current === 4 && /version 3/.test(err.message) && /now 4/.test(err.message),
    );
    const moved = doc.snapshot().findings.find((f) => f.code === 'role-alias');
    assert.ok(moved);
    assert.deepEqual(doc.fixes(4, moved).map((f) => [f.version, f.edits[0]?.range.start.line]), [[4, 2]]);
  });

  it('fixes are computed only on request: analyses ship findings without a fixes property', () => {
    const text = `${A}\n${msgs(['User', 'Mail bob@example.com'], ['assistant', ' Hello, how can I help? '])}\n${A}\n{"instruction": "Name a colour.", "output": "Blue, like the sky."}\n`;
    const doc = openDoc(text);
    const snapshot = doc.snapshot();
    const analysed = analyzeDatasetBytes(new TextEncoder().encode(text), options()).findings;
    for (const f of [...snapshot.findings, ...doc.recordFindings(), ...analysed]) assert.ok(!Object.hasOwn(f, 'fixes'), `${f.code} ships fixes`);
    assert.deepEqual(
      snapshot.findings.map((f): [string, string[]] => [f.code, doc.fixes(1, f).map((x) => x.kind)]).filter(([, kinds]) => kinds.length > 0),
      [
        ['role-alias', ['rename-role']],
        ['pii-email', ['redact']],
        ['untrimmed-reply', ['trim']],
        ['exact-duplicate', ['delete-duplicate']],
        ['mixed-formats', ['convert-to-messages']],
      ],
    );
  });

  // A pretty-printed record in a JSONL file with CRLF line ends: a moved turn and a converted record's other values
  // span lines, so the fix copies line breaks.
  const PRETTY_MOVE = ['{"messages": [', '  {"role": "user", "content": "Hi"},', '  {', '    "role": "system",', '    "content": "Be brief."', '  },', '  {"role": "assistant", "content": "Hello there, friend."}', ']}'];
  const MOVED = ['{"messages": [', '  {', '    "role": "system",', '    "content": "Be brief."', '  },', '  {"role": "user", "content": "Hi"},', '  {"role": "assistant", "content": "Hello there, friend."}', ']}'];
  const PRETTY_ALPACA = ['{"instruction": "Name a colour.",', ' "meta": {', '   "note": 1.0', ' },', ' "output": "Blue, like the sky."}'];
  const CONVERTED = ['{"messages": [{"role": "user", "content": "Name a colour."}, {"role": "assistant", "content": "Blue, like the sky."}],', ' "meta": {', '   "note": 1.0', ' }}'];

  it('the fix code copies line breaks as written when it is given the record as written (CRLF)', () => {
    const record = PRETTY_MOVE.join('\r\n');
    const check = checkRecord(JSON.parse(record), record, spanOf(record, 1), { withFixes: true });
    const finding = check.findings.find((f) => f.code === 'system-not-first');
    assert.ok(finding);
    const move = check.fixes.get(finding)?.find((f) => f.kind === 'move-system-first');
    assert.ok(move);
    assert.equal(applyEdits(`${A}\r\n${record}\r\n`, move.edits).text, `${A}\r\n${MOVED.join('\r\n')}\r\n`);
  });

  // A multi-line JSONL record is assembled with bare "\n"; the document gives the fix code the record as written,
  // so a CRLF document keeps its "\r\n" in copied text (this was a bug: bare "\n" line breaks were written).
  it('JSONL with CRLF: moving a multi-line turn and converting a multi-line record keep the document\'s "\\r\\n"', () => {
    const text = `${A}\r\n${PRETTY_MOVE.join('\r\n')}\r\n${B}\r\n${PRETTY_ALPACA.join('\r\n')}\r\n`;
    const doc = openDoc(text);
    const move = fixOf(doc, 'system-not-first', 'move-system-first').fix;
    assert.equal(applyEdits(text, move.edits).text, text.replace(PRETTY_MOVE.join('\r\n'), MOVED.join('\r\n')));
    const convert = fixOf(doc, 'mixed-formats', 'convert-to-messages').fix;
    assert.equal(applyEdits(text, convert.edits).text, text.replace(PRETTY_ALPACA.join('\r\n'), CONVERTED.join('\r\n')));
  });
});
