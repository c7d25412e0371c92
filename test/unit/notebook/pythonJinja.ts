/**
 * Real chat templates rendered by Python's Jinja as transformers' apply_chat_template renders them
 * (test/python/render_chat.py, Debian's python3-jinja2): the reference for what a model was trained on, where
 * @huggingface/jinja differs (its `trim` filter is JavaScript's, whose whitespace is not Python's).
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import type { RealTokenizer } from './realTokenizers';

const PYTHON = '/usr/bin/python3';
const SCRIPT = join(__dirname, '../../python/render_chat.py');

/** One rendering: the tokenizer's template over `messages`. */
export interface ChatRender {
  tok: RealTokenizer;
  messages: readonly { role: string; content: string }[];
  addGenerationPrompt: boolean;
  kwargs: Record<string, unknown>;
}

/** Each rendering's text; a template error throws, naming the request. */
export function renderWithPythonJinja(renders: readonly ChatRender[]): string[] {
  const special = (tok: RealTokenizer): Record<string, string> =>
    Object.fromEntries((['bos', 'eos', 'pad', 'unk'] as const).map((k) => [`${k}_token`, tok.specialToken(k) ?? '']));
  const input = renders.map((r) => JSON.stringify({ template: r.tok.chatTemplate, messages: r.messages, add_generation_prompt: r.addGenerationPrompt, kwargs: r.kwargs, special: special(r.tok) }));
  const run = spawnSync(PYTHON, [SCRIPT], { input: `${input.join('\n')}\n`, encoding: 'utf8', maxBuffer: 512 * 1024 * 1024 });
  if (run.status !== 0) throw new Error(`render_chat.py exited with ${String(run.status)}: ${run.stderr}`);
  const lines = run.stdout.trim().split('\n');
  if (lines.length !== renders.length) throw new Error(`render_chat.py answered ${lines.length} of ${renders.length} requests`);
  return lines.map((line, i) => {
    const answer = JSON.parse(line) as { text?: string; error?: string };
    if (answer.text === undefined) throw new Error(`Jinja error for ${JSON.stringify(renders[i]!.messages)}: ${answer.error ?? line}`);
    return answer.text;
  });
}
