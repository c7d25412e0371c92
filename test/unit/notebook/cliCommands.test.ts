import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateCommand } from '../../../src/cli/commands/generate';
import { modelsCommand } from '../../../src/cli/commands/models';
import { recommendCommand } from '../../../src/cli/commands/recommend';
import type { CliCommand } from '../../../src/cli/io';
import { UsageError } from '../../../src/cli/io';
import { MODELS } from '../../../src/core/recommend/registry';

async function run(cmd: CliCommand, args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await cmd(args, { stdout: (t) => (out += t), stderr: (t) => (err += t), isStderrTty: false });
  return { code, out, err };
}

const LINES = [
  '{"messages":[{"role":"user","content":"What is 2+2?"},{"role":"assistant","content":"4"}]}',
  'not json at all',
  '{"messages":[{"role":"system","content":"Be terse."},{"role":"user","content":"Capital of France?"},{"role":"assistant","content":"Paris."}]}',
  '{"messages":[{"role":"user","content":"Say hi"},{"role":"assistant","content":"Hi!"}]}',
];

describe('CLI: models, recommend, generate', () => {
  let dir = '';
  let data = '';
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'slmgen-cli-'));
    data = join(dir, 'data.jsonl');
    writeFileSync(data, LINES.join('\n') + '\n');
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('models lists every registry model, as a table or JSON', async () => {
    const table = await run(modelsCommand, []);
    assert.equal(table.code, 0);
    for (const m of MODELS) assert.ok(table.out.includes(m.id), m.id);
    const json = await run(modelsCommand, ['--json']);
    const parsed = JSON.parse(json.out) as { id: string; context_length: number; hf_repo: string }[];
    assert.equal(parsed.length, MODELS.length);
    assert.equal(parsed.find((m) => m.id === 'phi-4-mini')?.context_length, 131072);
  });

  it('recommend ranks models for the dataset, with reasons', async () => {
    const json = await run(recommendCommand, [data, '--task', 'qa', '--deploy', 'edge', '--json', '--estimate']);
    assert.equal(json.code, 0, json.err);
    const parsed = JSON.parse(json.out) as { total_examples: number; recommendations: { model_id: string; score: number; reasons: string[] }[] };
    assert.equal(parsed.total_examples, 3);
    assert.equal(parsed.recommendations.length, MODELS.length);
    assert.ok(parsed.recommendations[0]!.reasons.length >= 3);
    const text = await run(recommendCommand, [data, '--task', 'chat', '--deploy', 'mobile', '--top', '2', '--estimate']);
    assert.match(text.out, /^1\. .*\/100/m);
    assert.match(text.out, /more \(--top/);
    await assert.rejects(run(recommendCommand, [data, '--task', 'poetry']), (e: Error) => e instanceof UsageError && /accepted values/.test(e.message));
    await assert.rejects(run(recommendCommand, [data, '--deploy', 'moon']), UsageError);
  });

  it('generate writes a notebook with the valid examples embedded', async () => {
    const out = join(dir, 'nb.ipynb');
    const r = await run(generateCommand, [data, '--model', 'qwen25', '--preset', 'fast', '--config', '{"num_epochs": 2, "export": ["lora", "ollama"]}', '--out', out, '--estimate']);
    assert.equal(r.code, 0, r.err);
    assert.match(r.out, /Left out 1 invalid records/);
    const nb = JSON.parse(readFileSync(out, 'utf8')) as { cells: { id: string; source: string[] }[] };
    const settings = nb.cells.find((c) => c.id === 'settings')!.source.join('');
    assert.ok(settings.includes('NUM_EPOCHS = 2'));
    assert.ok(settings.includes('LORA_RANK = 8'));
    assert.ok(settings.includes('"Qwen/Qwen2.5-3B-Instruct"'));
    assert.ok(nb.cells.find((c) => c.id === 'load-dataset')!.source.join('').includes('EXPECTED_EXAMPLES = 3'));
  });

  it('generate --no-embed writes the normalized JSONL next to the notebook', async () => {
    const r = await run(generateCommand, [data, '--model', 'gemma-3-1b', '--target', 'trl', '--no-embed', '--out', `${dir}/`, '--json', '--estimate']);
    assert.equal(r.code, 0, r.err);
    const info = JSON.parse(r.out) as { notebook_path: string; dataset_path: string; target: string };
    assert.equal(info.target, 'trl');
    assert.ok(existsSync(info.notebook_path));
    const lines = readFileSync(info.dataset_path, 'utf8').trim().split('\n');
    assert.equal(lines.length, 3);
    assert.deepEqual(JSON.parse(lines[1]!), JSON.parse(LINES[2]!));
  });

  it("generate --model gemma-3-1b warns that its chat template refuses a lone reply (a text record), which the notebook leaves out", async () => {
    const file = join(dir, 'with-text.jsonl');
    writeFileSync(file, `${LINES[0]!}\n{"text": "Just some text, no conversation."}\n${LINES[3]!}\n`);
    const r = await run(generateCommand, [file, '--model', 'gemma-3-1b', '--out', join(dir, 'gemma.ipynb')]);
    assert.equal(r.code, 0, r.err);
    assert.match(r.err, /warning: Gemma 3 1B's chat template refuses 1 of the examples .*the notebook leaves them out \(`slmgen analyze --model gemma-3-1b` lists them/);
    const qwen = await run(generateCommand, [file, '--model', 'qwen2.5-0.5b', '--out', join(dir, 'qwen.ipynb')]);
    assert.equal(qwen.code, 0, qwen.err);
    assert.doesNotMatch(qwen.err, /refuses/);
  });

  it('generate rejects bad models and configs with usage errors', async () => {
    await assert.rejects(run(generateCommand, [data, '--model', 'gpt-5']), (e: Error) => e instanceof UsageError && e.message.includes('phi-4-mini'));
    await assert.rejects(run(generateCommand, [data, '--model', 'phi4', '--config', '{"lora_rank": 3}', '--estimate']), (e: Error) => e instanceof UsageError && /lora_rank: must be a power of two from 4 to 128/.test(e.message));
    await assert.rejects(run(generateCommand, [data, '--model', 'phi4', '--config', '{oops']), (e: Error) => e instanceof UsageError && /not valid JSON/.test(e.message));
    await assert.rejects(run(generateCommand, [data, '--model', 'phi4', '--target', 'kaggle']), UsageError);
  });
});
