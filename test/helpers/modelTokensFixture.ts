/**
 * A small multi-turn dataset and notebook helpers for the tests that compare the notebooks of the CLI, the server and
 * the language server when a model's own token counts set the defaults.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

/** Eight three-turn conversations with a system prompt and a JSON reply, ~400 o200k_base tokens each. */
export function multiTurnDataset(facts = 8): string {
  const topics = ['rivers', 'glaciers', 'volcanoes', 'deserts', 'forests', 'reefs', 'caves', 'lakes'];
  return topics
    .map((t, i) => {
      const para = (n: number) =>
        Array.from({ length: n }, (_, k) => `Fact ${k + 1} about ${t}: they shape the land over ${i * 10 + k} thousand years, and scientists measure them with care.`).join(' ');
      return JSON.stringify({
        messages: [
          { role: 'system', content: 'You are a patient geography tutor.' },
          { role: 'user', content: `Tell me about ${t}.` },
          { role: 'assistant', content: para(facts) },
          { role: 'user', content: `And how old can ${t} get?` },
          { role: 'assistant', content: para(5) },
          { role: 'user', content: 'Thanks! One more detail, in JSON?' },
          { role: 'assistant', content: JSON.stringify({ topic: t, ages: [i, i * 2, i * 3], note: para(2) }) },
        ],
      });
    })
    .join('\n')
    .concat('\n');
}

export interface Notebook {
  metadata: { slmgen: Record<string, unknown> };
  cells: { source: string[] | string }[];
}

/** The notebook without its generation time (the only part that differs between two runs). */
export function withoutTime(nb: Notebook): Notebook {
  const { generated_at: _time, ...slmgen } = nb.metadata.slmgen;
  return { ...nb, metadata: { ...nb.metadata, slmgen } };
}

/** The MAX_SEQ_LENGTH the notebook trains with. */
export function maxSeqLength(nb: Notebook): number {
  const code = nb.cells.map((c) => (Array.isArray(c.source) ? c.source.join('') : c.source)).join('\n');
  const match = /^MAX_SEQ_LENGTH = (\d+)/m.exec(code);
  assert.ok(match, 'the notebook sets MAX_SEQ_LENGTH');
  return Number(match[1]);
}

/** `slmgen generate FILE --model ID --json` of the built CLI `cli`, writing into `out`: its notebook and JSON answer. */
export function cliGenerate(cli: string, file: string, modelId: string, out: string): { notebook: Notebook; json: { training_config: { max_seq_length: number }; tokenizer: unknown } } {
  const run = spawnSync(process.execPath, [cli, 'generate', file, '--model', modelId, '--out', `${out}/`, '--json'], { encoding: 'utf8' });
  assert.equal(run.status, 0, run.stderr);
  const json = JSON.parse(run.stdout) as { notebook_path: string; training_config: { max_seq_length: number }; tokenizer: unknown };
  return { notebook: JSON.parse(readFileSync(json.notebook_path, 'utf8')) as Notebook, json };
}
