import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { analyzeFile, readExamplesPage } from '../../../src/node/analyzeFile';

const fixture = (name: string) => join(__dirname, '../../fixtures/analysis', name);

/** Run `fn` with a fresh temporary directory, removed afterwards whatever happens. */
async function withTempDir(prefix: string, fn: (dir: string) => Promise<void>): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  try {
    await fn(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe('analyzeFile (streaming engine over real files)', () => {
  it('reports a clean OpenAI-format file with exact o200k_base tokens', async () => {
    const { report } = await analyzeFile(fixture('valid.jsonl'));
    assert.equal(report.format, 'openai');
    assert.equal(report.total_examples, 12);
    assert.equal(report.invalid_examples, 0);
    assert.equal(report.total_lines, 12);
    assert.equal(report.blank_lines, 0);
    assert.equal(report.format_valid, true);
    assert.equal(report.encoding, 'o200k_base');
    assert.equal(report.tokens_exact, true);
    assert.ok(report.total_tokens > 12 * 20, `total tokens ${report.total_tokens}`);
    assert.equal(report.duplicates.count, 0);
    assert.equal(report.distribution.roles.user, 12);
    assert.equal(report.distribution.roles.assistant, 12);
    assert.equal(report.token_stats.messages_per_example.max, 2);
    assert.equal(report.billing.epochs, 8, '12 examples × 3 < 100, so epochs = floor(100 / 12)');
    assert.equal(report.billing.charged_tokens, report.billing.billable_tokens * 8);
  });

  it('accounts for every line of a broken CRLF file and locates each problem', async () => {
    const { report, findings } = await analyzeFile(fixture('broken.jsonl'));
    assert.equal(report.total_lines, 12);
    assert.equal(report.blank_lines, 2);
    assert.equal(report.total_examples + report.invalid_examples, 10);
    assert.equal(report.invalid_examples, 3, 'bad JSON, missing assistant, role alias');
    assert.equal(report.format_valid, false);
    assert.equal(report.duplicates.count, 1);
    assert.deepEqual(report.duplicates.examples, [7]);
    assert.deepEqual(report.duplicates.exact.groups[0]?.lines, [1, 8]);

    const badJson = report.findings.find((f) => f.code === 'invalid-json');
    assert.ok(badJson, 'invalid-json finding');
    const line3 = readFileSync(fixture('broken.jsonl'), 'utf8').split('\r\n')[2] as string;
    assert.equal(badJson.line, 3);
    assert.equal(badJson.column, line3.indexOf('"content": "x"') + 1, 'column where parsing failed');
    assert.match(badJson.message, /expected/i);

    const dup = findings.find((f) => f.code === 'exact-duplicate');
    assert.ok(dup?.related?.[0], 'duplicate has a related location');
    assert.equal(dup.related[0].range.start.line, 0, 'related = first copy');
    assert.ok(report.findings.some((f) => f.code === 'role-alias' && f.line === 10));
    assert.ok(report.findings.some((f) => f.code === 'missing-assistant' && f.line === 9));
  });

  it('joins a pretty-printed record and flags it, with a final line lacking a newline', async () => {
    const { report, findings } = await analyzeFile(fixture('pretty.jsonl'));
    assert.equal(report.total_examples, 3);
    const ml = findings.find((f) => f.code === 'multiline-record');
    assert.ok(ml, 'multiline-record finding');
    assert.equal(ml.range.start.line, 1);
    assert.ok(ml.range.end.line > 2);
    assert.equal(report.total_lines, readFileSync(fixture('pretty.jsonl'), 'utf8').split('\n').length);
  });

  it('reads a .json file holding a top-level array', async () => {
    const { report } = await analyzeFile(fixture('array.json'), { collectExamples: true });
    assert.equal(report.format, 'openai');
    assert.equal(report.total_examples, 4);
    assert.equal(report.format_valid, true);
  });

  it('locates findings inside a pretty-printed JSON array at their real columns', async () => {
    await withTempDir('slmgen-array-', async (dir) => {
      const file = join(dir, 'data.json');
      const good = { messages: [{ role: 'user', content: 'What is the boiling point of water at sea level?' }, { role: 'assistant', content: 'Water boils at 100 degrees Celsius at sea level.' }] };
      const alias = { messages: [{ role: 'User', content: 'Name a primary colour.' }, { role: 'assistant', content: 'Red is a primary colour.' }] };
      const text = '\ufeff' + JSON.stringify([good, alias, good], null, 2);
      writeFileSync(file, text);
      const { report, findings } = await analyzeFile(file);
      assert.equal(report.total_examples, 2);
      const role = findings.find((f) => f.code === 'role-alias');
      assert.ok(role, 'role-alias finding');
      const lines = text.slice(1).split('\n');
      assert.equal(lines[role.range.start.line]?.slice(role.range.start.character, role.range.end.character), '"User"');
      const dup = findings.find((f) => f.code === 'exact-duplicate');
      assert.ok(dup, 'duplicate element found by re-reading its bytes');
    });
  });

  it('detects Alpaca records and normalizes them', async () => {
    const { report, examples } = await analyzeFile(fixture('alpaca.jsonl'), { collectExamples: true });
    assert.equal(report.format, 'alpaca');
    assert.equal(report.total_examples, 5);
    assert.equal(examples?.length, 5);
    assert.deepEqual(examples?.[0]?.messages.map((m) => m.role), ['user', 'assistant']);
  });

  it('reports a BOM and an invalid UTF-8 line without losing the other lines', async () => {
    const { report } = await analyzeFile(fixture('bom-invalid-utf8.jsonl'));
    assert.equal(report.total_lines, 3);
    assert.ok(report.findings.some((f) => f.code === 'bom'));
    const bad = report.findings.find((f) => f.code === 'invalid-utf8');
    assert.ok(bad);
    assert.equal(bad.line, 2);
    assert.equal(bad.column, 21);
    assert.equal(report.total_examples, 2);
  });

  for (const [name, encode] of [
    ['UTF-16 LE with a byte order mark', (t: string) => Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(t, 'utf16le')])],
    ['UTF-16 BE with a byte order mark', (t: string) => Buffer.concat([Buffer.from([0xfe, 0xff]), Buffer.from(t, 'utf16le').swap16()])],
    ['UTF-16 LE without a byte order mark', (t: string) => Buffer.from(t, 'utf16le')],
    ['UTF-32 LE with a byte order mark', (t: string) => Buffer.concat([Buffer.from([0xff, 0xfe, 0, 0]), ...[...t].map((c) => { const b = Buffer.alloc(4); b.writeUInt32LE(c.codePointAt(0) ?? 0); return b; })])],
  ] as const) {
    it(`reports a ${name} file once, not as an error on every line, and accounts for its lines`, async () => {
      await withTempDir('slmgen-wide-', async (dir) => {
        const file = join(dir, 'wide.jsonl');
        writeFileSync(file, encode(readFileSync(fixture('valid.jsonl'), 'utf8')));
        for (const workers of [0, 2]) {
          const { report } = await analyzeFile(file, { workers, exact: false, blockBytes: 256 });
          const codes = report.findings.map((f) => f.code);
          assert.deepEqual(codes.filter((c) => c === 'file-encoding'), ['file-encoding']);
          assert.ok(!codes.includes('invalid-json') && !codes.includes('invalid-utf8'), codes.join());
          const finding = report.findings.find((f) => f.code === 'file-encoding');
          assert.equal(finding?.severity, 'error');
          assert.equal(finding?.line, 1);
          assert.match(finding?.message ?? '', new RegExp(`${name.slice(0, 9)} encoded;.*UTF-8`));
          assert.equal(report.format_valid, false);
          assert.equal(report.total_examples, 0);
          assert.equal(report.total_examples + report.invalid_examples + report.blank_lines, report.total_lines);
          assert.ok(report.total_lines >= 12);
        }
      });
    });
  }

  it('a UTF-16 JSON array file gets the one encoding error and no array-level parse error', async () => {
    await withTempDir('slmgen-wide-', async (dir) => {
      const file = join(dir, 'wide.json');
      const records = readFileSync(fixture('valid.jsonl'), 'utf8').trim().split('\n');
      writeFileSync(file, Buffer.from(`[${records.join(',')}]`, 'utf16le'));
      const { report } = await analyzeFile(file, { exact: false });
      assert.deepEqual(report.findings.filter((f) => f.severity === 'error').map((f) => f.code).filter((c) => c !== 'no-examples'), ['file-encoding']);
    });
  });

  it('a UTF-8 file whose first line holds NUL bytes keeps its per-line errors (no encoding error)', async () => {
    await withTempDir('slmgen-wide-', async (dir) => {
      const file = join(dir, 'odd.jsonl');
      const valid = readFileSync(fixture('valid.jsonl'));
      writeFileSync(file, Buffer.concat([Buffer.from([0x61, 0, 0x62, 0, 0x0a]), valid, Buffer.from('{"messages": [\n')]));
      const { report } = await analyzeFile(file, { exact: false });
      const codes = report.findings.map((f) => f.code);
      assert.ok(!codes.includes('file-encoding'));
      assert.equal(codes.filter((c) => c === 'invalid-json').length, 2, codes.join());
      assert.equal(report.total_examples, 12);
    });
  });

  it('gives identical reports, findings and indexes with 0, 2 and 3 threads', async () => {
    await withTempDir('slmgen-workers-', async (dir) => {
      const base = readFileSync(fixture('valid.jsonl'), 'utf8').trim().split('\n');
      const lines: string[] = [];
      for (let i = 0; i < 3000; i++) {
        const rec = JSON.parse(base[i % base.length] as string) as { messages: { content: string }[] };
        if (i % 7 !== 0) rec.messages[0]!.content += ` variant ${i} with some unique words ${i * 31}`;
        lines.push(i % 500 === 3 ? '' : JSON.stringify(rec, null, i % 997 === 5 ? 2 : undefined));
      }
      // Near duplicates far apart (other blocks): one word of a long reply changed per copy.
      const story = Array.from({ length: 200 }, (_, w) => `word${w}`);
      for (let copy = 0; copy < 6; copy++) {
        const words = story.map((w, k) => (k === 30 * copy + 5 ? `changed${copy}` : w));
        lines.splice(400 * copy + 17, 0, JSON.stringify({ messages: [{ role: 'user', content: 'Tell me the story.' }, { role: 'assistant', content: words.join(' ') }] }));
      }
      const file = join(dir, 'many.jsonl');
      writeFileSync(file, lines.join('\n') + '\n');
      const inline = await analyzeFile(file, { workers: 0, exact: false });
      assert.ok(inline.report.total_examples > 2900);
      assert.equal(inline.report.duplicates.near.groups.length, 1);
      assert.equal(inline.report.duplicates.near.count, 5);
      // Small blocks: many blocks, analysed both on this thread and in the pool, merged in file order.
      for (const workers of [2, 3]) {
        const pooled = await analyzeFile(file, { workers, exact: false, blockBytes: 48 * 1024 });
        assert.deepEqual(pooled.report, inline.report, `${workers} threads`);
        assert.deepEqual(pooled.findings, inline.findings, `${workers} threads`);
        assert.deepEqual(pooled.index, inline.index, `${workers} threads`);
      }
    });
  });

  it('cuts blocks whose only line starts are at their first byte and not at a `{` (it looped forever)', async () => {
    await withTempDir('slmgen-cut-', async (dir) => {
      const file = join(dir, 'bom-line.jsonl');
      const record = '{"messages":[{"role":"user","content":"Paris"},{"role":"assistant","content":"Paris"}]}';
      writeFileSync(file, Buffer.concat([Buffer.from('\n'), Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(`${record}\n ${record}\n`)]));
      const inline = await analyzeFile(file, { exact: false, workers: 0 });
      const pooled = await analyzeFile(file, { exact: false, workers: 2, blockBytes: 16 });
      assert.deepEqual(pooled.report, inline.report);
      assert.equal(inline.report.total_lines, 3);
    });
  });

  it('takes the near-duplicate threshold as an option and reports the one it used', async () => {
    await withTempDir('slmgen-near-', async (dir) => {
      // Two replies of 40 words, 4 of them changed: 5-word shingles give a true Jaccard of about 0.6.
      const words = Array.from({ length: 40 }, (_, w) => `token${w}`);
      const other = words.map((w, k) => (k % 10 === 9 ? `other${k}` : w));
      const file = join(dir, 'near.jsonl');
      const line = (reply: string[]) => JSON.stringify({ messages: [{ role: 'user', content: 'Say the words.' }, { role: 'assistant', content: reply.join(' ') }] });
      writeFileSync(file, `${line(words)}\n${line(other)}\n`);
      const strict = await analyzeFile(file, { exact: false });
      assert.equal(strict.report.duplicates.near.count, 0);
      assert.equal(strict.report.duplicates.near.threshold, 0.8);
      const loose = await analyzeFile(file, { exact: false, nearThreshold: 0.2 });
      assert.equal(loose.report.duplicates.near.count, 1);
      assert.equal(loose.report.duplicates.near.threshold, 0.2);
      const invalid = await analyzeFile(file, { exact: false, nearThreshold: 1.5 });
      assert.equal(invalid.report.duplicates.near.threshold, 0.8, 'a threshold outside 0-1 falls back to the default');
    });
  });

  it('labels estimates and changes totals with the count mode', async () => {
    const est = await analyzeFile(fixture('valid.jsonl'), { exact: false });
    assert.equal(est.report.tokens_exact, false);
    const raw = await analyzeFile(fixture('valid.jsonl'), { encoding: 'cl100k_base', countMode: 'raw' });
    const openai = await analyzeFile(fixture('valid.jsonl'), { encoding: 'cl100k_base', countMode: 'openai' });
    assert.equal(openai.report.count_mode, 'openai');
    // openai mode adds 3 per message + role tokens + 3 priming per example.
    assert.ok(openai.report.total_tokens >= raw.report.total_tokens + 12 * (3 * 2 + 3 + 2));
  });

  it('pages through valid examples with exact token counts', async () => {
    const page = await readExamplesPage(fixture('valid.jsonl'), 2, 5);
    assert.equal(page.total_count, 12);
    assert.deepEqual(page.examples.map((e) => e.index), [5, 6, 7, 8, 9]);
    assert.ok(page.examples.every((e) => e.token_count > 10));
  });

  it('handles a 20 MB line among normal ones', async () => {
    await withTempDir('slmgen-long-', async (dir) => {
      const file = join(dir, 'long.jsonl');
      const huge = 'lorem ipsum dolor sit amet '.repeat(800_000);
      const normal = readFileSync(fixture('valid.jsonl'), 'utf8').split('\n')[0] as string;
      writeFileSync(file, [normal, JSON.stringify({ messages: [{ role: 'user', content: 'Repeat it.' }, { role: 'assistant', content: huge }] }), normal.replace('student', 'pupil')].join('\n'));
      const { report } = await analyzeFile(file, { exact: false });
      assert.equal(report.total_lines, 3);
      assert.equal(report.total_examples, 3);
      assert.equal(report.over_limit.count, 1);
      assert.ok(report.findings.some((f) => f.code === 'too-long' && f.line === 2));
    });
  });

  it('reports progress and can be cancelled while workers run', async () => {
    await withTempDir('slmgen-cancel-', async (dir) => {
      const file = join(dir, 'big.jsonl');
      const line = readFileSync(fixture('valid.jsonl'), 'utf8').split('\n')[0] as string;
      writeFileSync(file, (line + '\n').repeat(40_000));
      const controller = new AbortController();
      const seen: number[] = [];
      const run = analyzeFile(file, {
        workers: 2,
        exact: false,
        signal: controller.signal,
        onProgress: (p) => {
          seen.push(p.bytes);
          if (p.bytes > 0) controller.abort();
        },
      });
      await assert.rejects(run, (err: Error) => err.name === 'AbortError');
      assert.ok(seen.length >= 1 && (seen[0] as number) > 0);
    });
  });
});
