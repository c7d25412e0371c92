import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ChatExample, ChatRole } from '../../../src/core/formats/chat';
import { TokenCounter } from '../../../src/core/tokens/tokenCounter';
import { freeEncoders, loadEncoder } from '../../../src/node/tokenizers';

// openai-cookbook examples/data/toy_chat_fine_tuning.jsonl, and the figures its notebook
// examples/Chat_finetuning_data_prep.ipynb publishes for it (cl100k_base, num_tokens_from_messages).
const fixture = join(__dirname, '../../fixtures/tokens/toy_chat_fine_tuning.jsonl');

function loadExamples(): ChatExample[] {
  return readFileSync(fixture, 'utf8')
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => {
      const raw = JSON.parse(line) as { messages: { role: ChatRole; content: string }[] };
      return { messages: raw.messages.map((m) => ({ role: m.role, content: m.content })) };
    });
}

/** numpy's default (linear) quantile, as the notebook prints it. */
function quantile(values: number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  const pos = (sorted.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.min(lo + 1, sorted.length - 1);
  return sorted[lo]! + (sorted[hi]! - sorted[lo]!) * (pos - lo);
}

const mean = (xs: number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length;

describe('tokens: OpenAI cookbook chat fine-tuning data prep figures', () => {
  let examples: ChatExample[] = [];
  let counter: TokenCounter;
  let totals: number[] = [];
  let assistant: number[] = [];
  before(() => {
    examples = loadExamples();
    counter = new TokenCounter(loadEncoder('cl100k_base'));
    const counts = examples.map((ex) => counter.countExample(ex, 'openai'));
    totals = counts.map((c) => c.total);
    assistant = counts.map((c) => c.assistant);
  });
  after(() => freeEncoders());

  it('reads the 5 sample examples', () => {
    assert.equal(examples.length, 5);
  });

  it('reproduces num_total_tokens_per_example (min 26, max 8032, mean 1648.4, median 45, p10/p90 26.8/4863.6)', () => {
    assert.equal(Math.min(...totals), 26);
    assert.equal(Math.max(...totals), 8032);
    assert.ok(Math.abs(mean(totals) - 1648.4) < 1e-9);
    assert.equal(quantile(totals, 0.5), 45);
    assert.ok(Math.abs(quantile(totals, 0.1) - 26.8) < 1e-9);
    assert.ok(Math.abs(quantile(totals, 0.9) - 4863.6) < 1e-9);
  });

  it('reproduces num_assistant_tokens_per_example (min 4, max 8000, mean 1610.2, median 10, p10/p90 6/4811.2)', () => {
    assert.equal(Math.min(...assistant), 4);
    assert.equal(Math.max(...assistant), 8000);
    assert.ok(Math.abs(mean(assistant) - 1610.2) < 1e-9);
    assert.equal(quantile(assistant, 0.5), 10);
    assert.ok(Math.abs(quantile(assistant, 0.1) - 6) < 1e-9);
    assert.ok(Math.abs(quantile(assistant, 0.9) - 4811.2) < 1e-9);
  });

  it('reproduces the billing estimate (~4306 tokens capped at 4096 per example; 1 example over the limit)', () => {
    assert.equal(totals.reduce((a, t) => a + Math.min(4096, t), 0), 4306);
    assert.equal(totals.filter((t) => t > 4096).length, 1);
  });

  it('counts the repeated system prompt once (4 of 5 examples share it)', () => {
    const hits = counter.stats().cacheHits;
    assert.ok(hits >= 3, `cache hits ${hits}`);
  });
});
