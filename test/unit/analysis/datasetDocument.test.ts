import assert from 'node:assert/strict';
import fc from 'fast-check';
import { estimateOptions } from './analyzeText';
import { analyzeDatasetBytes } from '../../../src/core/analysis/analyzeBytes';
import type { DocumentSnapshot } from '../../../src/core/analysis/datasetDocument';
import { CancelledError, DatasetDocument, StaleVersionError } from '../../../src/core/analysis/datasetDocument';
import { CANDIDATE_WINDOW } from '../../../src/core/dedup/nearDuplicates';
import type { Position } from '../../../src/core/types';

const options = estimateOptions;

const msgs = (...m: [string, string][]) => JSON.stringify({ messages: m.map(([role, content]) => ({ role, content })) });
const ex = (q: string, a: string) => msgs(['user', q], ['assistant', a]);

// ---- A model of a document: UTF-16 units, some of which are U+FFFD standing for invalid bytes of the file. ----

const INVALID = -1;

/** The document as a reference sees it: units (char codes, or INVALID), and whether the file has a BOM. */
interface Model {
  units: number[];
  bom: boolean;
}

function modelText(m: Model): string {
  let out = '';
  for (const u of m.units) out += String.fromCharCode(u === INVALID ? 0xfffd : u);
  return out;
}

/** The file's bytes: a BOM, the text as UTF-8, and one 0xFF byte (an invalid sequence) per invalid unit. */
function modelBytes(m: Model): Uint8Array {
  const parts: number[] = m.bom ? [0xef, 0xbb, 0xbf] : [];
  let run = '';
  const flush = () => {
    for (const b of new TextEncoder().encode(run)) parts.push(b);
    run = '';
  };
  for (const u of m.units) {
    if (u === INVALID) {
      flush();
      parts.push(0xff);
    } else run += String.fromCharCode(u);
  }
  flush();
  return Uint8Array.from(parts);
}

function modelOf(text: string, bom = false): Model {
  return { units: Array.from({ length: text.length }, (_, i) => text.charCodeAt(i)), bom };
}

/** The document position of a unit offset, as an editor gives it (never inside a `\r\n` or a surrogate pair). */
function positionOf(text: string, offset: number): Position {
  let line = 0;
  let lineStart = 0;
  for (let i = 0; i < offset; i++) {
    if (text.charCodeAt(i) === 10) {
      line++;
      lineStart = i + 1;
    }
  }
  return { line, character: offset - lineStart };
}

/** Move an offset off the middle of a `\r\n` pair or a surrogate pair. */
function settle(text: string, offset: number): number {
  let o = Math.max(0, Math.min(offset, text.length));
  if (o > 0 && text.charCodeAt(o - 1) === 13 && text.charCodeAt(o) === 10) o--;
  if (o > 0 && (text.charCodeAt(o) & 0xfc00) === 0xdc00) o--;
  return o;
}

/** Everything the document reports must equal a fresh analysis of the file's bytes. */
function assertEqualsFresh(doc: DatasetDocument, model: Model, snapshot: DocumentSnapshot, context: string): void {
  const fresh = analyzeDatasetBytes(modelBytes(model), options());
  assert.equal(doc.getText(), modelText(model), `${context}: text`);
  assert.deepEqual(snapshot.findings, fresh.findings, `${context}: findings`);
  assert.deepEqual(snapshot.report, fresh.report, `${context}: report`);
  assert.deepEqual(doc.examples(), fresh.examples, `${context}: examples`);
  const recordOnly = fresh.findings.filter((f) => !WHOLE_FILE.has(f.code));
  assert.deepEqual(doc.recordFindings(), recordOnly, `${context}: per-record findings`);
}

const WHOLE_FILE = new Set(['exact-duplicate', 'near-duplicate', 'contradiction', 'mixed-formats', 'no-examples', 'too-few-examples', 'inconsistent-system', 'bom', 'file-encoding']);

// ---- Building blocks of generated documents and edits. ----

const LONG = 'the model should learn to answer questions about rivers lakes and mountains in a calm and helpful voice while giving sources and short examples for every claim it makes so that readers can check them later on';
const LONG2 = LONG.replace('calm', 'quiet');
const PRETTY = ['{"messages": [', '  {"role": "user", "content": "Hi there"},', '  {"role": "assistant", "content": "Hello! How can I help you today?"}', ']}'];
const RECORDS = [
  ex('What is the capital of France?', 'Paris is the capital of France.'),
  '{"messages": [{"role": "user", "content": "What is the capital of France?"}, {"role": "assistant", "content": "Paris is the capital of France."}]}',
  ex('What is the capital of France?', 'It is Lyon, obviously, everyone knows that.'),
  ex('Tell me about rivers.', LONG),
  ex('Tell me about rivers.', LONG2),
  ex('Tell me about lakes.', LONG2 + ' indeed'),
  msgs(['User', 'Hi'], ['assistant', 'Hello there, friend.']),
  msgs(['system', 'Be brief.'], ['assistant', 'Sure thing, happy to help.']),
  msgs(['user', 'Mail bob@example.com'], ['assistant', 'I will not store that address.']),
  msgs(['user', 'caf\\u00e9 \\"quoted\\" 😀'], ['assistant', 'Un caf\u00e9, s\'il vous pla\u00eet.']),
  '{"instruction": "Name a colour.", "input": "", "output": "Blue, like the sky."}',
  '{"conversations": [{"from": "human", "value": "Hi"}, {"from": "gpt", "value": "Hello, how are you?"}]}',
  'not json',
  '{"a": 1}',
  '[1, 2]',
  '',
  '   ',
  ...PRETTY,
];
const FRAGMENTS = ['', 'x', ']}', '}', '{', '[', ']', '"', ',', '\n', '\r\n', '\uFFFD', '😀', '  ', '"content": "', ...RECORDS.map((r) => `${r}\n`), `\n${RECORDS[0]}`, PRETTY.join('\n')];

interface Doc {
  lines: string[];
  crlf: boolean;
  trailingNewline: boolean;
  bom: boolean;
  array: boolean;
  invalidAt: number[];
}

const docArb: fc.Arbitrary<Doc> = fc.record({
  lines: fc.array(fc.constantFrom(...RECORDS), { minLength: 0, maxLength: 14 }),
  crlf: fc.boolean(),
  trailingNewline: fc.boolean(),
  bom: fc.boolean(),
  array: fc.boolean(),
  invalidAt: fc.array(fc.nat(), { maxLength: 2 }),
});

interface Edit {
  start: number;
  length: number;
  text: string;
}

const editArb: fc.Arbitrary<Edit> = fc.record({
  start: fc.nat(),
  length: fc.oneof(fc.constant(0), fc.nat({ max: 4 }), fc.nat({ max: 400 })),
  text: fc.constantFrom(...FRAGMENTS),
});

function initialModel(d: Doc): Model {
  const eol = d.crlf ? '\r\n' : '\n';
  const body = d.array ? `[${eol}${d.lines.filter((l) => l.trim() !== '' && !PRETTY.includes(l)).join(`,${eol}`)}${eol}]` : d.lines.join(eol);
  const model = modelOf(body + (d.trailingNewline ? eol : ''), d.bom);
  // A few invalid bytes inside the text (not inside a `\r\n`).
  for (const at of d.invalidAt) {
    if (model.units.length === 0) break;
    const i = settle(modelText(model), at % model.units.length);
    model.units.splice(i, 0, INVALID);
  }
  return model;
}

function open(model: Model): DatasetDocument {
  const doc = new DatasetDocument(options());
  doc.openBytes(1, modelBytes(model));
  return doc;
}

/** Apply one edit to the model and the document (same offsets, as an editor would send them). */
function edit(doc: DatasetDocument, model: Model, e: Edit, version: number): void {
  const text = modelText(model);
  const start = settle(text, e.start % (text.length + 1));
  const end = settle(text, Math.min(text.length, start + e.length));
  doc.applyChanges(version, [{ range: { start: positionOf(text, start), end: positionOf(text, end) }, text: e.text }]);
  model.units.splice(start, end - start, ...modelOf(e.text).units);
}

describe('DatasetDocument: equal to a fresh analysis after any edits', () => {
  it('property: random edits (inside and across records, bracket-closing, line breaks, CRLF, BOM, invalid UTF-8, JSON arrays)', () => {
    fc.assert(
      fc.property(docArb, fc.array(editArb, { minLength: 1, maxLength: 6 }), fc.array(fc.boolean(), { minLength: 6, maxLength: 6 }), (d, edits, snapshotAfter) => {
        const model = initialModel(d);
        const doc = open(model);
        assertEqualsFresh(doc, model, doc.snapshot(), 'opened');
        edits.forEach((e, k) => {
          edit(doc, model, e, k + 2);
          assert.deepEqual(doc.recordFindings(), analyzeDatasetBytes(modelBytes(model), options()).findings.filter((f) => !WHOLE_FILE.has(f.code)), `after edit ${k}: per-record findings`);
          if (snapshotAfter[k]) assertEqualsFresh(doc, model, doc.snapshot(), `after edit ${k}`);
        });
        assertEqualsFresh(doc, model, doc.snapshot(), 'at the end');
      }),
      { numRuns: Number(process.env.SLMGEN_PROPERTY_RUNS ?? 400) },
    );
  });

  it('property: templated records (LSH buckets far fuller than the candidate window), lines inserted, deleted and changed', () => {
    const base = `${LONG} and then ${[...LONG.split(' ')].reverse().join(' ')}`.split(' ');
    const variant = (seed: number) => {
      const words = [...base];
      words[seed % words.length] = `w${seed}`;
      return ex(`Question ${seed % 4}?`, words.join(' '));
    };
    const lineEdit = fc.record({ at: fc.nat(), kind: fc.constantFrom('insert', 'delete', 'replace', 'word'), seed: fc.nat(1000) });
    // Such data has near duplicates, and buckets hold more records than the window looks at.
    const sample = new DatasetDocument(options());
    sample.open(1, Array.from({ length: 120 }, (_, i) => variant(i * 37)).join('\n'));
    assert.ok(sample.snapshot().report.duplicates.near.count > 20);
    const fullest = Math.max(...[...(sample as unknown as { buckets: Map<number, { recs: unknown[] }> }).buckets.values()].map((b) => b.recs.length));
    assert.ok(fullest > CANDIDATE_WINDOW, `fullest bucket ${fullest}`);
    fc.assert(
      fc.property(fc.array(fc.nat(1000), { minLength: 90, maxLength: 160 }), fc.array(lineEdit, { minLength: 1, maxLength: 5 }), (seeds, edits) => {
        const model = modelOf(seeds.map(variant).join('\n'));
        const doc = open(model);
        doc.snapshot();
        edits.forEach((e, k) => {
          const text = modelText(model);
          const lines = text.split('\n');
          const line = e.at % lines.length;
          const lineStart = lines.slice(0, line).reduce((n, l) => n + l.length + 1, 0);
          const lineLength = (lines[line] as string).length;
          if (e.kind === 'insert') edit(doc, model, { start: lineStart, length: 0, text: `${variant(e.seed)}\n` }, k + 2);
          else if (e.kind === 'delete') edit(doc, model, { start: lineStart, length: lineLength + 1, text: '' }, k + 2);
          else if (e.kind === 'replace') edit(doc, model, { start: lineStart, length: lineLength, text: variant(e.seed) }, k + 2);
          else edit(doc, model, { start: lineStart + Math.floor(lineLength / 2), length: 4, text: 'zzzz' }, k + 2);
          if (k % 2 === 1) assertEqualsFresh(doc, model, doc.snapshot(), `after edit ${k}`);
        });
        assertEqualsFresh(doc, model, doc.snapshot(), 'at the end');
      }),
      { numRuns: Number(process.env.SLMGEN_PROPERTY_RUNS ?? 400) >= 1000 ? 200 : 25 },
    );
  });

  it('property: JSON arrays are split again only around an edit, and still equal a fresh analysis', () => {
    const elementEdit = fc.record({ at: fc.nat(), length: fc.nat({ max: 6 }), text: fc.constantFrom('', 'x', ',', ' ,', '}', '{', '"', ']', '[', ', {"a": 1}', '\n', RECORDS[0]!, `,\n  ${RECORDS[3]!}`, '\uFFFD') });
    let narrow = 0;
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...RECORDS.filter((r) => r.trim() !== '' && !PRETTY.includes(r))), { minLength: 20, maxLength: 40 }), fc.array(elementEdit, { minLength: 1, maxLength: 4 }), fc.boolean(), (elements, edits, crlf) => {
        const eol = crlf ? '\r\n' : '\n';
        const model = modelOf(`[${eol}  ${elements.join(`,${eol}  `)}${eol}]${eol}`);
        const doc = open(model);
        doc.snapshot();
        edits.forEach((e, k) => {
          const text = modelText(model);
          // Inside the array's elements mostly: past the opening line.
          const start = settle(text, (text.indexOf('\n') + 1 + (e.at % Math.max(1, text.length))) % (text.length + 1));
          const end = settle(text, Math.min(text.length, start + e.length));
          const summary = doc.applyChanges(k + 2, [{ range: { start: positionOf(text, start), end: positionOf(text, end) }, text: e.text }]);
          model.units.splice(start, end - start, ...modelOf(e.text).units);
          if (summary.recheckedTo - summary.recheckedFrom < 10) narrow++;
          assertEqualsFresh(doc, model, doc.snapshot(), `after edit ${k}`);
        });
      }),
      { numRuns: Number(process.env.SLMGEN_PROPERTY_RUNS ?? 400) >= 1000 ? 1000 : 100 },
    );
    assert.ok(narrow > 50, `edits split again only around themselves (${narrow} times)`);
  });

  it('a pretty-printed record whose closing "]}" is typed becomes one valid record (was 4 invalid ones)', () => {
    const lines = [RECORDS[0]!, ...PRETTY.slice(0, 3), RECORDS[3]!];
    const model = modelOf(lines.join('\n'));
    const doc = open(model);
    assert.equal(doc.snapshot().report.invalid_examples, 3);
    edit(doc, model, { start: modelText(model).indexOf(RECORDS[3]!), length: 0, text: ']}\n' }, 2);
    const snapshot = doc.snapshot();
    assert.equal(snapshot.report.total_examples, 3);
    assert.equal(snapshot.report.invalid_examples, 0);
    assert.ok(snapshot.findings.some((f) => f.code === 'multiline-record' && f.range.start.line === 1));
    assertEqualsFresh(doc, model, snapshot, 'closed');
  });

  it('a JSON array file is read as records, and a byte order mark is not a parse error', () => {
    const text = `\ufeff[\n  ${RECORDS[0]},\n  ${RECORDS[3]}\n]\n`;
    const doc = new DatasetDocument(options());
    doc.open(1, text);
    const snapshot = doc.snapshot();
    assert.equal(snapshot.report.total_examples, 2);
    assert.deepEqual(snapshot.findings.map((f) => f.code), ['too-few-examples', 'bom']);
    assertEqualsFresh(doc, modelOf(text.slice(1), true), snapshot, 'array');
  });

  it('replacing a line with an empty line keeps the line (it is not a deletion)', () => {
    const model = modelOf([RECORDS[0], 'not json', RECORDS[3]].join('\n'));
    const doc = open(model);
    const text = modelText(model);
    const at = text.indexOf('not json');
    edit(doc, model, { start: at, length: 'not json'.length, text: '' }, 2);
    const report = doc.snapshot().report;
    assert.equal(report.total_lines, 3);
    assert.equal(report.blank_lines, 1);
    assert.equal(report.invalid_examples, 0);
  });
});

describe('DatasetDocument: versions, snapshots, cancellation', () => {
  it('snapshots are fresh values for their version; per-record findings are current after every edit', () => {
    const doc = new DatasetDocument(options());
    doc.open(1, [RECORDS[0], 'not json'].join('\n'));
    const first = doc.snapshot();
    assert.equal(first.version, 1);
    assert.equal(doc.snapshot(), first, 'the same snapshot until the next change');
    assert.throws(() => {
      (first.findings[0] as { message: string }).message = 'changed';
    }, TypeError);
    assert.throws(() => {
      (first.report as { total_examples: number }).total_examples = 99;
    }, TypeError);
    const summary = doc.applyChanges(2, [{ range: { start: { line: 1, character: 0 }, end: { line: 1, character: 8 } }, text: RECORDS[3]! }]);
    assert.equal(summary.version, 2);
    assert.equal(summary.analyzed, 1, 'only the edited record is analysed again');
    assert.deepEqual(doc.recordFindings().filter((f) => f.severity === 'error'), []);
    assert.equal(first.report.invalid_examples, 1, 'an earlier snapshot does not change');
    const second = doc.snapshot();
    assert.equal(second.version, 2);
    assert.equal(second.report.invalid_examples, 0);
  });

  it('a cancelled whole-file computation throws and leaves the document consistent', () => {
    const lines = Array.from({ length: 600 }, (_, i) => ex(`Question number ${i} about rivers?`, `${LONG} ${i % 7}`));
    const model = modelOf(lines.join('\n'));
    const doc = open(model);
    let asked = 0;
    assert.throws(() => doc.snapshot({ isCancelled: () => ++asked > 2 }), CancelledError);
    assertEqualsFresh(doc, model, doc.snapshot(), 'after a cancelled run');
  });

  it('fixes are computed for one finding on request and refused for a stale version', () => {
    const doc = new DatasetDocument(options());
    doc.open(3, [RECORDS[0], RECORDS[6]].join('\n'));
    const alias = doc.recordFindings().find((f) => f.code === 'role-alias')!;
    const [rename] = doc.fixes(3, alias);
    assert.equal(rename?.version, 3);
    assert.equal(rename?.kind, 'rename-role');
    assert.deepEqual(rename?.edits, [{ range: alias.range, newText: '"user"' }]);
    doc.applyChanges(4, [{ range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, text: '\n' }]);
    assert.throws(() => doc.fixes(3, alias), (err: unknown) => err instanceof StaleVersionError && /version 3, now 4/.test(err.message));
  });
});

describe('DatasetDocument: what it hands out', () => {
  it('examples are copies; fixes point at the record a finding is on, and never convert bytes that were invalid', () => {
    const doc = new DatasetDocument(options());
    const alpaca = '{"instruction": "Name a colour.", "input": "", "output": "\uFFFDBlue, like the sky."}';
    const bytes = new TextEncoder().encode(`[${RECORDS[0]}, ${alpaca}] garbage`);
    // One 0xFF where the U+FFFD is (its three bytes replaced by one invalid byte).
    const cut = bytes.indexOf(0xef);
    const file = Uint8Array.from([...bytes.subarray(0, cut), 0xff, ...bytes.subarray(cut + 3)]);
    doc.openBytes(1, file);
    const findings = doc.snapshot().findings;
    const badByte = findings.find((f) => f.code === 'invalid-utf8')!;
    assert.deepEqual(doc.fixes(1, badByte), [], 'no conversion would write the U+FFFD out as a real character');
    const structure = findings.find((f) => f.code === 'invalid-json' && f.message.includes('after the top-level array'))!;
    assert.deepEqual(doc.fixes(1, structure), [], 'a finding after the last element is not about it');

    const jsonl = new DatasetDocument(options());
    jsonl.open(1, [RECORDS[0], RECORDS[3]].join('\n'));
    const [first] = jsonl.examples();
    first!.messages[1]!.content = 'changed by the caller';
    assert.notEqual(jsonl.examples()[0]!.messages[1]!.content, 'changed by the caller');
  });
});

describe('DatasetDocument.recordInfo (what a hover shows)', () => {
  it('gives the record at a position with its example index and per-message tokens that add up to the report', () => {
    for (const countMode of ['raw', 'openai'] as const) {
      const doc = new DatasetDocument({ ...options(), countMode });
      const text = [RECORDS[0], '', 'not json', RECORDS[7], RECORDS[6], '[1]', RECORDS[11]].join('\n');
      doc.open(5, text);
      const report = doc.snapshot().report;
      const infos = [0, 3, 6].map((line) => doc.recordInfo({ line, character: 2 })!);
      assert.deepEqual(infos.map((i) => [i.ordinal, i.exampleIndex, i.version]), [[0, 0, 5], [2, 1, 5], [5, 2, 5]]);
      for (const info of infos) {
        assert.equal(info.messages.reduce((n, m) => n + m.tokens, 0) + info.overhead, info.total, 'messages and overhead add up to the total');
        assert.equal(info.overhead, countMode === 'openai' ? 3 : 0);
        assert.deepEqual([info.encoding, info.countMode, info.tokensExact], ['o200k_base', countMode, false]);
      }
      assert.equal(infos.reduce((n, i) => n + i.total, 0), report.total_tokens, 'the report adds up the usable examples');
      assert.deepEqual(infos[2]!.messages.map((m) => m.role), ['user', 'assistant'], 'ShareGPT roles normalized');
      assert.deepEqual(infos[0]!.range, { start: { line: 0, character: 0 }, end: { line: 0, character: RECORDS[0]!.length } });

      const alias = doc.recordInfo({ line: 4, character: 0 })!;
      assert.deepEqual([alias.ordinal, alias.exampleIndex], [3, null], 'a record with errors is no example');
      assert.deepEqual(alias.findings.map((f) => [f.code, f.range.start.line]), [['role-alias', 4]], 'its findings at their place');
      const broken = doc.recordInfo({ line: 2, character: 3 })!;
      assert.deepEqual([broken.ordinal, broken.messages, broken.total, broken.findings[0]?.code], [1, [], 0, 'invalid-json']);
      assert.equal(doc.recordInfo({ line: 1, character: 0 }), null, 'a blank line is no record');
    }
  });

  it('follows edits: ordinals and example indices of the records after an edit move', () => {
    const doc = new DatasetDocument(options());
    doc.open(1, [RECORDS[0], RECORDS[3]].join('\n'));
    doc.applyChanges(2, [{ range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, text: `${RECORDS[7]}\nnot json\n` }]);
    const info = doc.recordInfo({ line: 3, character: 0 })!;
    assert.deepEqual([info.version, info.ordinal, info.exampleIndex, info.range.start.line], [2, 3, 2, 3]);
  });
});
