/**
 * Real chat templates rendered by Python's Jinja as transformers' apply_chat_template renders them
 * (test/python/render_chat.py, Debian's python3-jinja2): the reference for what a model was trained on, where
 * @huggingface/jinja differs (its `trim` filter is JavaScript's, whose whitespace is not Python's).
 */
import { join } from 'node:path';
import { renderJsonLines } from '../../helpers/jsonLinesRenderer';
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
  const requests = renders.map((r) => ({ template: r.tok.chatTemplate, messages: r.messages, add_generation_prompt: r.addGenerationPrompt, kwargs: r.kwargs, special: special(r.tok) }));
  return renderJsonLines(PYTHON, [SCRIPT], requests, (i) => `Jinja rendering of ${JSON.stringify(renders[i]!.messages)}`);
}
