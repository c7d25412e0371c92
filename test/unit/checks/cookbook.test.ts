import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { checkRecord } from '../../../src/core/checks/checkRecord';
import { countCookbookErrors } from '../../../src/core/checks/cookbook';
import type { CookbookMode } from '../../../src/core/checks/cookbook';
import { spanOf } from './applyEdits';
import { NOTEBOOK_COUNTS_OF_MIX } from './cookbookMix';

const lines = readFileSync(join(__dirname, '../../fixtures/checks/cookbook-mix.jsonl'), 'utf8').split('\n').filter((l) => l.trim() !== '');

function totals(mode: CookbookMode): Record<string, number> {
  const sum: Record<string, number> = {};
  lines.forEach((line, i) => {
    const { cookbookErrors } = checkRecord(JSON.parse(line), line, spanOf(line, i), { cookbookMode: mode });
    for (const [key, n] of Object.entries(cookbookErrors)) sum[key] = (sum[key] ?? 0) + n;
  });
  return sum;
}

describe('cookbook format-error counts', () => {
  it('match the notebook exactly on a mixed file', () => {
    assert.deepEqual(totals('notebook'), NOTEBOOK_COUNTS_OF_MIX);
  });

  it('accept tool messages, null content with calls and text parts in extended mode', () => {
    assert.deepEqual(totals('extended'), {
      data_type: 1,
      missing_messages_list: 2,
      message_missing_key: 1,
      message_unrecognized_key: 1,
      unrecognized_role: 1,
      missing_content: 2,
      example_missing_assistant_message: 1,
    });
  });

  it('counts per message, not per example', () => {
    const record = { messages: [{ role: 'bot', content: '' }, { role: 'bot', content: '', x: 1 }] };
    assert.deepEqual(countCookbookErrors(record), {
      message_unrecognized_key: 1,
      unrecognized_role: 2,
      missing_content: 2,
      example_missing_assistant_message: 1,
    });
  });

  it('treats a non-list messages value as missing and a non-object message as empty (the notebook crashes)', () => {
    assert.deepEqual(countCookbookErrors({ messages: 'hi' }), { missing_messages_list: 1 });
    assert.deepEqual(countCookbookErrors({ messages: ['hi', { role: 'assistant', content: 'ok' }] }), {
      message_missing_key: 1,
      unrecognized_role: 1,
      missing_content: 1,
    });
  });

  it('does not count records of other supported formats', () => {
    const line = '{"conversations":[{"from":"human","value":"hi"},{"from":"gpt","value":"hello there"}]}';
    assert.deepEqual(checkRecord(JSON.parse(line), line, spanOf(line)).cookbookErrors, {});
  });
});
