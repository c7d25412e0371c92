/**
 * Tools in the notebooks: a dataset with declared tools and tool-call turns gives notebook data that carries the tool
 * schemas and the calls' structure, and both targets' chat-template cells (run in Python with a tokenizer stand-in
 * that records what it receives: test/python/check_tools.py) pass the tools to apply_chat_template.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { analyzeDatasetBytes } from '../../../src/core/analysis/analyzeBytes';
import { examplesToJsonl } from '../../../src/core/notebook/datasetJsonl';
import { generateNotebook } from '../../../src/core/notebook/generateNotebook';
import type { NotebookTarget } from '../../../src/core/notebook/generateNotebook';
import { findModel } from '../../../src/core/recommend/registry';
import { resolveTrainingConfig } from '../../../src/core/recommend/trainingConfig';
import { createEstimateEncoder } from '../../../src/core/tokens/estimate';
import { TokenCounter } from '../../../src/core/tokens/tokenCounter';
import { gzip } from '../../../src/node/gzip';

const PYTHON = '/usr/bin/python3';
const CHECKER = join(__dirname, '../../python/check_tools.py');
const TARGETS: NotebookTarget[] = ['colab', 'trl'];

const WEATHER = { name: 'get_weather', description: 'Current weather of a city', parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] } };
const WRAPPED = { type: 'function', function: WEATHER };

// ShareGPT as LLaMA-Factory writes it: the tools column is a JSON string, a function_call turn holds the call.
const SHAREGPT = [
  {
    conversations: [
      { from: 'human', value: 'What is the weather in Paris?' },
      { from: 'function_call', value: JSON.stringify({ name: 'get_weather', arguments: { city: 'Paris' } }) },
      { from: 'observation', value: '{"temp": 21}' },
      { from: 'gpt', value: 'It is 21 degrees in Paris.' },
    ],
    tools: JSON.stringify([WEATHER]),
  },
  { conversations: [{ from: 'human', value: 'Say hello to the team.' }, { from: 'gpt', value: 'Hello, team! Good to see you.' }] },
];

// OpenAI with tools and the legacy function_call form.
const OPENAI = [
  {
    messages: [
      { role: 'user', content: 'Weather in Rome, please?' },
      { role: 'assistant', content: null, function_call: { name: 'get_weather', arguments: '{"city": "Rome"}' } },
      { role: 'function', name: 'get_weather', content: '{"temp": 25}' },
      { role: 'assistant', content: 'It is 25 degrees in Rome.' },
    ],
    tools: [WRAPPED],
  },
];

interface RenderCall {
  messages: Record<string, unknown>[];
  tools: unknown;
}

function isProbe(call: RenderCall): boolean {
  return call.messages[0]?.['content'] === 'ping';
}

interface ToolRun {
  path: string;
  error?: string;
  examples: unknown[];
  calls: RenderCall[];
  texts: string[];
  stdout: string;
}

describe('notebook: tools reach the chat template in both targets', () => {
  let dir = '';
  before(function () {
    const probe = spawnSync(PYTHON, ['-c', 'import json'], { encoding: 'utf8' });
    assert.equal(probe.status, 0, `these tests need ${PYTHON}`);
    dir = mkdtempSync(join(tmpdir(), 'slmgen-tools-'));
  });
  after(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  function notebooks(name: string, lines: unknown[], modelId = 'qwen2.5-0.5b'): { paths: string[]; expected: unknown[] } {
    const bytes = new TextEncoder().encode(lines.map((l) => JSON.stringify(l)).join('\n') + '\n');
    const { report, examples } = analyzeDatasetBytes(bytes, { counter: new TokenCounter(createEstimateEncoder('o200k_base')), countMode: 'raw', maxSeqLength: 2048, encoding: 'o200k_base', tokensExact: false });
    assert.equal(report.invalid_examples, 0, JSON.stringify(report.findings));
    const model = findModel(modelId)!;
    const resolved = resolveTrainingConfig({ eval_split: 0 }, report, model);
    assert.ok(resolved.ok, resolved.ok ? '' : resolved.errors.join('; '));
    const paths = TARGETS.map((target) => {
      const nb = generateNotebook({ report, examples, model, config: resolved.config, target, embed: true, gzip, now: new Date('2026-01-02T03:04:05Z') });
      const path = join(dir, `${name}-${target}.ipynb`);
      writeFileSync(path, JSON.stringify(nb.notebook));
      return path;
    });
    return { paths, expected: examplesToJsonl(examples).trimEnd().split('\n').map((l) => JSON.parse(l) as unknown) };
  }

  function run(paths: string[], tools: 'show' | 'ignore'): ToolRun[] {
    const out = spawnSync(PYTHON, [CHECKER, ...paths], { cwd: dir, encoding: 'utf8', env: { ...process.env, SLMGEN_TEMPLATE_TOOLS: tools } });
    assert.equal(out.status, 0, out.stderr);
    const runs = out.stdout.trim().split('\n').map((l) => JSON.parse(l) as ToolRun);
    for (const r of runs) assert.equal(r.error, undefined, `${r.path}: ${r.error}`);
    return runs;
  }

  it('ShareGPT: the tools column and the function_call turn arrive as tool schemas and a structured call', () => {
    const { paths, expected } = notebooks('sharegpt', SHAREGPT);
    // The notebook data: OpenAI records with the tools as a list and the call as tool_calls.
    assert.deepEqual((expected[0] as { tools: unknown }).tools, [WRAPPED]);
    assert.deepEqual((expected[0] as { messages: unknown[] }).messages[1], {
      role: 'assistant',
      content: '',
      tool_calls: [{ type: 'function', function: { name: 'get_weather', arguments: '{"city":"Paris"}' } }],
    });
    for (const r of run(paths, 'show')) {
      assert.deepEqual(r.examples, expected, r.path);
      assert.equal(r.calls.filter((c) => isProbe(c) && c.tools !== null).length, 1, 'one probe of the template\'s tool support');
      const calls = r.calls.filter((c) => c.messages.some((m) => m['tool_calls'] !== undefined));
      assert.equal(calls.length, 1, r.path);
      const call = calls[0]!;
      assert.deepEqual(call.tools, [WRAPPED], r.path);
      // The call keeps its structure, its arguments parsed for templates that `tojson` them.
      assert.deepEqual(call.messages[1], { role: 'assistant', content: '', tool_calls: [{ type: 'function', function: { name: 'get_weather', arguments: { city: 'Paris' } } }] });
      assert.equal(call.messages[2]!['role'], 'tool');
      // The example without tools is rendered without them.
      assert.ok(r.calls.some((c) => c.tools === null && JSON.stringify(c.messages).includes('Say hello')), r.path);
      // The training text is what the template rendered, tools included.
      const withTools = r.texts.filter((t) => t.startsWith('TOOLS '));
      assert.equal(withTools.length, 1, r.path);
      assert.deepEqual(JSON.parse(withTools[0]!.split('\n')[0]!.slice('TOOLS '.length)), [WRAPPED]);
      assert.ok(!r.stdout.includes('Warning: this chat template'), r.path);
    }
  });

  it('OpenAI: a legacy function_call turn becomes a tool call, and the tools are passed', () => {
    const { paths, expected } = notebooks('openai', OPENAI);
    for (const r of run(paths, 'show')) {
      assert.deepEqual(r.examples, expected, r.path);
      const call = r.calls.find((c) => c.tools !== null && !isProbe(c))!;
      assert.deepEqual(call.tools, [WRAPPED], r.path);
      assert.deepEqual(call.messages[1], { role: 'assistant', content: '', tool_calls: [{ type: 'function', function: { name: 'get_weather', arguments: { city: 'Rome' } } }] });
      assert.deepEqual(call.messages[2], { role: 'tool', content: '{"temp": 25}', name: 'get_weather' });
    }
  });

  it('a template that requires strict alternation (Gemma) gets the calls as text the model learns to write', () => {
    assert.equal(findModel('gemma-3-1b')?.strictAlternation, true);
    const { paths } = notebooks('gemma', OPENAI, 'gemma-3-1b');
    for (const r of run(paths, 'show')) {
      const call = r.calls.find((c) => c.tools !== null && !isProbe(c))!;
      assert.deepEqual(call.messages.slice(1, 3), [
        { role: 'assistant', content: 'Tool calls: [{"name": "get_weather", "arguments": {"city": "Rome"}}]' },
        { role: 'user', content: 'Tool result:\n{"temp": 25}' },
      ]);
    }
  });

  it('a chat template that leaves the tools out is reported, not silent', () => {
    const { paths } = notebooks('ignored', OPENAI);
    for (const r of run(paths, 'ignore')) {
      assert.ok(r.stdout.includes('Warning: this chat template does not write tools into the text; the tool schemas of 1 examples are not trained.'), `${r.path}: ${r.stdout}`);
    }
  });
});
