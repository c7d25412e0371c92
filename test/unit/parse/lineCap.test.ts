import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import type { EmptyLineRun, OversizedLine, RawLine } from '../../../src/core/parse/lineSplitter';
import { LineSplitter } from '../../../src/core/parse/lineSplitter';
import { analysisOptions } from '../../../src/cli/options';
import type { AnalyzeFileOptions } from '../../../src/node/analyzeFile';
import { analyzeFile } from '../../../src/node/analyzeFile';
import { analyzeFileInWorker } from '../../../src/node/analyzeInWorker';
import { utf8 } from './parseHelpers';

/** What the splitter hands over for one line, as a comparable string. */
type Item = string;

/** Lines of `bytes` computed from the whole input: a line over `cap` bytes (without `\r`) is `over`, else its bytes. */
function reference(bytes: Uint8Array, cap: number): Item[] {
  const out: Item[] = [];
  let start = 0;
  let line = 0;
  for (;;) {
    const nl = bytes.indexOf(10, start);
    if (nl === -1 && start >= bytes.length) break;
    const end = nl === -1 ? bytes.length : nl;
    const hadCR = end > start && bytes[end - 1] === 13;
    const length = end - start - (hadCR ? 1 : 0);
    out.push(length > cap ? `over ${line} @${start}+${length}` : `line ${line} @${start} ${Buffer.from(bytes.subarray(start, start + length)).toString('hex')}`);
    line++;
    if (nl === -1) break;
    start = nl + 1;
  }
  return out;
}

/** Lines through a capped splitter's `pushTo`/`endTo`, cut at `cuts`, empty-line runs expanded. */
function split(bytes: Uint8Array, cuts: readonly number[], cap: number): Item[] {
  const splitter = new LineSplitter(true, cap);
  const out: Item[] = [];
  const sink = {
    line: (raw: RawLine) => {
      assert.ok(raw.bytes.length <= cap, `a line of ${raw.bytes.length} bytes went through a ${cap}-byte cap`);
      out.push(`line ${raw.line} @${raw.byteOffset} ${Buffer.from(raw.bytes).toString('hex')}`);
    },
    emptyLines: (run: EmptyLineRun) => {
      for (let k = 0; k < run.count; k++) out.push(`line ${run.line + k} @${run.byteOffset + k * run.lineBytes} `);
    },
    oversizedLine: (o: OversizedLine) => out.push(`over ${o.line} @${o.byteOffset}+${o.byteLength}`),
  };
  let prev = 0;
  for (const cut of [...cuts, bytes.length]) {
    splitter.pushTo(bytes.slice(prev, cut), sink);
    prev = cut;
  }
  splitter.endTo(sink);
  return out;
}

const CAP = 16;
/** Lines around the cap: runs of `a` from 0 to 3 × CAP, multi-byte characters, `\r`, `\n`, `\r\n`. */
const input = fc
  .array(fc.oneof(fc.constantFrom('\n', '\r\n', '\r', '\n\n', 'é', '{'), fc.nat({ max: 3 * CAP }).map((n) => 'a'.repeat(n))), { maxLength: 30 })
  .map((parts) => utf8(parts.join('')));
const inputWithCuts = input.chain((b) => fc.tuple(fc.constant(b), fc.uniqueArray(fc.nat({ max: b.length }), { maxLength: 10 }).map((c) => [...c].sort((x, y) => x - y))));

describe('per-line cap (line-too-long)', () => {
  describe('LineSplitter with a cap', () => {
    it('hands over each line over the cap as one oversized item, whatever the chunking (property)', () => {
      fc.assert(
        fc.property(inputWithCuts, ([bytes, cuts]) => {
          assert.deepEqual(split(bytes, cuts, CAP), reference(bytes, CAP));
        }),
        { numRuns: 3000 },
      );
    });

    it('byte by byte: a CRLF line of exactly the cap is kept, one byte more is not', () => {
      const text = `${'a'.repeat(CAP)}\r\n${'b'.repeat(CAP + 1)}\r\n${'c'.repeat(CAP)}\r`;
      const bytes = utf8(text);
      const cuts = Array.from({ length: bytes.length - 1 }, (_, k) => k + 1);
      assert.deepEqual(split(bytes, cuts, CAP), [
        `line 0 @0 ${Buffer.from('a'.repeat(CAP)).toString('hex')}`,
        `over 1 @${CAP + 2}+${CAP + 1}`,
        `line 2 @${2 * CAP + 5} ${Buffer.from('c'.repeat(CAP)).toString('hex')}`,
      ]);
    });

    it('a last line without newline over the cap is one oversized item', () => {
      assert.deepEqual(split(utf8(`{}\n${'x'.repeat(40)}`), [5, 9], CAP), [`line 0 @0 7b7d`, `over 1 @3+40`]);
    });

    it('offsets count a byte order mark', () => {
      assert.deepEqual(split(utf8(`\uFEFF${'x'.repeat(20)}\n{}`), [1, 2, 4], CAP), [`over 0 @3+20`, `line 1 @24 7b7d`]);
    });

    it('without an oversizedLine handler a capped splitter refuses instead of dropping the line', () => {
      const splitter = new LineSplitter(true, 4);
      const sink = { line: () => undefined, emptyLines: () => undefined };
      assert.throws(() => splitter.pushTo(utf8('abcdefgh\n'), sink), /oversizedLine/);
    });
  });

  describe('analyzeFile with --max-line-bytes', () => {
    let dir: string;
    before(() => {
      dir = mkdtempSync(join(tmpdir(), 'slmgen-linecap-'));
    });
    after(() => rmSync(dir, { recursive: true, force: true }));

    const record = (k: number) => JSON.stringify({ messages: [{ role: 'user', content: `question number ${k} about topic ${k * 7}` }, { role: 'assistant', content: `a sufficiently long answer to question ${k}, different each time (${k * 13})` }] });
    const longRecord = (bytes: number) => {
      const head = '{"messages":[{"role":"user","content":"';
      const tail = '"},{"role":"assistant","content":"ok fine"}]}';
      return head + 'z'.repeat(bytes - head.length - tail.length) + tail;
    };

    /** 40 lines: records, a 5,000-byte line at line 10 (0-based), a blank line, an invalid line at 30. */
    function build(eol: string, lastNewline: boolean, longAt = 10): { text: string; lines: string[] } {
      const lines: string[] = [];
      for (let k = 0; k < 40; k++) {
        if (k === longAt) lines.push(longRecord(5000));
        else if (k === 20) lines.push('');
        else if (k === 30) lines.push('{"messages": [');
        else lines.push(record(k));
      }
      return { text: lines.join(eol) + (lastNewline ? eol : ''), lines };
    }

    const runs: Array<[string, AnalyzeFileOptions]> = [
      ['in-process', { workers: 0 }],
      ['2 threads, the long line spanning blocks', { workers: 2, blockBytes: 512 }],
      ['2 threads, the long line inside a block', { workers: 2, blockBytes: 16384 }],
    ];
    for (const [name, threads] of runs) {
      for (const eol of ['\n', '\r\n']) {
        it(`${name}, ${eol === '\n' ? 'LF' : 'CRLF'}: one line-too-long at its line, later lines keep their numbers and offsets`, async () => {
          const { text, lines } = build(eol, true);
          const file = join(dir, `cap-${name.length}-${eol.length}.jsonl`);
          writeFileSync(file, text);
          const { report, findings, index } = await analyzeFile(file, { ...threads, maxLineBytes: 1024, exact: false });
          const tooLong = findings.filter((f) => f.code === 'line-too-long');
          assert.equal(tooLong.length, 1);
          assert.deepEqual(tooLong[0]?.range, { start: { line: 10, character: 0 }, end: { line: 10, character: 1 } });
          assert.equal(tooLong[0]?.severity, 'error');
          assert.match(tooLong[0]?.message ?? '', /^Line 11 is 5,000 bytes, over the limit of 1,024 bytes \(--max-line-bytes\); it was not parsed\.$/);
          const invalid = findings.filter((f) => f.code === 'invalid-json');
          assert.deepEqual(invalid.map((f) => f.range.start.line), [30]);
          assert.equal(report.total_lines, 40);
          assert.equal(report.blank_lines, 1);
          assert.equal(report.invalid_examples, 2, 'the long line and the invalid line');
          assert.equal(report.total_examples, 37);
          // Byte offsets of the usable records after the long line point at their lines.
          const bytes = readFileSync(file);
          const starts: number[] = [];
          let at = 0;
          for (const l of lines) {
            starts.push(at);
            at += Buffer.byteLength(l) + eol.length;
          }
          const expected = lines.map((_, k) => k).filter((k) => k !== 10 && k !== 20 && k !== 30);
          assert.deepEqual(index.offsets, expected.map((k) => starts[k]));
          for (let i = 0; i < expected.length; i++) {
            const k = expected[i] as number;
            assert.equal(bytes.subarray(index.offsets[i], (index.offsets[i] as number) + (index.lengths[i] as number)).toString(), lines[k]);
          }
        });
      }

      it(`${name}: a last line over the cap without a newline`, async () => {
        const { text } = build('\n', false, 39);
        const file = join(dir, `cap-last-${name.length}.jsonl`);
        writeFileSync(file, text);
        const { report, findings } = await analyzeFile(file, { ...threads, maxLineBytes: 1024, exact: false });
        assert.deepEqual(findings.filter((f) => f.code === 'line-too-long').map((f) => f.range.start.line), [39]);
        assert.equal(report.total_lines, 40);
        assert.equal(report.invalid_examples, 2);
      });
    }

    it('a line over the cap inside a pretty-printed record: the group is given up, every line accounted for', async () => {
      const text = `{"messages": [\n${longRecord(3000)}\n]}\n${record(1)}\n`;
      const file = join(dir, 'cap-pretty.jsonl');
      writeFileSync(file, text);
      const { report, findings } = await analyzeFile(file, { maxLineBytes: 1024, exact: false });
      assert.deepEqual(findings.filter((f) => f.code === 'line-too-long').map((f) => f.range.start.line), [1]);
      assert.equal(report.total_lines, 4);
      assert.equal(report.total_examples, 1);
      assert.equal(report.invalid_examples, 3, '{"messages": [, the long line, ]}');
    });

    it('in a dedicated analysis thread (what the server and the CLI run), the cap crosses to the thread', async () => {
      const { text } = build('\n', true);
      const file = join(dir, 'cap-thread.jsonl');
      writeFileSync(file, text);
      const { report, findings } = await analyzeFileInWorker(file, { maxLineBytes: 1024, exact: false });
      assert.deepEqual(findings.filter((f) => f.code === 'line-too-long').map((f) => f.range.start.line), [10]);
      assert.equal(report.invalid_examples, 2);
    });

    it('the default cap (64 MiB) leaves a long line alone', async () => {
      const file = join(dir, 'cap-default.jsonl');
      writeFileSync(file, `${longRecord(200_000)}\n`);
      const { report, findings } = await analyzeFile(file, { exact: false });
      assert.equal(findings.filter((f) => f.code === 'line-too-long').length, 0);
      assert.equal(report.total_examples, 1);
    });
  });

  it('--max-line-bytes takes a positive integer', () => {
    assert.equal(analysisOptions({ 'max-line-bytes': '1024' }).maxLineBytes, 1024);
    assert.equal(analysisOptions({}).maxLineBytes, undefined);
    for (const bad of ['0', '-1', '1.5', 'abc', '']) assert.throws(() => analysisOptions({ 'max-line-bytes': bad }), /--max-line-bytes must be a positive integer/);
  });
});
