import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { examplesToJsonl } from '../../../src/core/notebook/datasetJsonl';
import { analyzeFile } from '../../../src/node/analyzeFile';
import { ensureCliBundle } from '../../helpers/cliBundle';

const PYTHON = '/usr/bin/python3';

// Runs the notebook's data cell alone with plain Python and prints the decoded examples as JSON.
const RUN_DATA_CELL = `
import contextlib, io, json, sys
nb = json.load(open(sys.argv[1], encoding="utf-8"))
cell = next(c for c in nb["cells"] if c.get("id") == "load-dataset")
ns = {}
with contextlib.redirect_stdout(io.StringIO()):
    exec("".join(cell["source"]), ns)
sys.stdout.write(json.dumps(ns["examples"], ensure_ascii=False))
`;

const LINES = [
  '{"messages":[{"role":"system","content":"Be terse."},{"role":"user","content":"Capital of France?"},{"role":"assistant","content":"Paris."}]}',
  '{"messages":[{"role":"user","content":"broken", "oops"}]}',
  '{"messages":[{"role":"user","content":"naïve 你好 \u2028 \\"q\\""},{"role":"assistant","content":"ok"}]}',
  '{"messages":[{"role":"user","content":"Weather?"},{"role":"assistant","content":"","tool_calls":[{"id":"c1","type":"function","function":{"name":"w","arguments":"{\\"city\\":\\"Paris\\"}"}}]},{"role":"tool","tool_call_id":"c1","content":"21"},{"role":"assistant","content":"21 °C"}]}',
];

describe('end to end: CLI generate → notebook data cell in Python', () => {
  let dir = '';
  let cli = '';
  before(function () {
    this.timeout(300_000);
    cli = ensureCliBundle();
    dir = mkdtempSync(join(tmpdir(), 'slmgen-e2e-'));
  });
  after(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  for (const target of ['colab', 'trl']) {
    it(`${target}: the embedded data decodes to the engine's normalized examples, without the rejected line`, async () => {
      const data = join(dir, `raw-${target}.jsonl`);
      writeFileSync(data, LINES.join('\n') + '\n');
      const out = join(dir, `nb-${target}.ipynb`);
      const gen = spawnSync(process.execPath, [cli, 'generate', data, '--model', 'qwen2.5-0.5b', '--target', target, '--out', out, '--json'], { encoding: 'utf8' });
      assert.equal(gen.status, 0, gen.stderr);
      assert.equal((JSON.parse(gen.stdout) as { notebook_path: string }).notebook_path, out);

      const { report, examples } = await analyzeFile(data, { collectExamples: true });
      assert.equal(report.invalid_examples, 1);
      assert.ok(examples && examples.length === 3);
      const expected = examplesToJsonl(examples).trimEnd().split('\n').map((l) => JSON.parse(l) as unknown);

      const run = spawnSync(PYTHON, ['-c', RUN_DATA_CELL, out], { cwd: dir, encoding: 'utf8' });
      assert.equal(run.status, 0, run.stderr);
      const decoded = JSON.parse(run.stdout) as unknown[];
      assert.deepEqual(decoded, expected);
      assert.ok(!JSON.stringify(decoded).includes('broken'), 'the rejected line is absent');
      assert.ok(readFileSync(out, 'utf8').includes('EXPECTED_EXAMPLES = 3'));
    });
  }
});
