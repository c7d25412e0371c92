import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { TokenCounter } from '../../../src/core/tokens/tokenCounter';
import { analyzeText } from '../analysis/analyzeText';
import { NOTEBOOK_COUNTS_OF_MIX } from './cookbookMix';

// One token per UTF-16 unit, so token figures can be checked by hand.
const charCounter = () => new TokenCounter({ name: 'o200k_base', exact: true, count: (t: string) => t.length });
const analyze = (lines: string[]) => analyzeText(lines.join('\n'), { counter: charCounter(), countMode: 'raw', maxSeqLength: 4096, encoding: 'o200k_base', tokensExact: true });
const msgs = (...m: object[]) => JSON.stringify({ messages: m });

describe("the OpenAI cookbook's semantics, exactly", () => {
  it('an example whose only fault is a missing user message is a warning and counts in every statistic, token figure and billing estimate', () => {
    const full = msgs({ role: 'user', content: 'Hi there' }, { role: 'assistant', content: 'Hello, how can I help?' });
    const noUser = msgs({ role: 'system', content: 'Be brief.' }, { role: 'assistant', content: 'Sure thing, happy to help.' });
    const { report, findings } = analyze([full, noUser]);
    const warning = findings.find((f) => f.code === 'no-user-turn');
    assert.equal(warning?.severity, 'warning');
    assert.equal(report.total_examples, 2, 'OpenAI accepts it: it is a usable example');
    assert.equal(report.invalid_examples, 0);
    assert.equal(report.format_valid, true);
    assert.equal(report.data_warnings.missing_user, 1, "the cookbook's missing_user warning");
    const tokens = 'Hi there'.length + 'Hello, how can I help?'.length + 'Be brief.'.length + 'Sure thing, happy to help.'.length;
    assert.equal(report.total_tokens, tokens);
    assert.equal(report.billing.billable_tokens, tokens);
    assert.equal(report.distribution.roles.system, 1);
    assert.equal(report.token_stats.total.max, 'Be brief.'.length + 'Sure thing, happy to help.'.length);
    assert.equal(report.format_errors['no-user-turn'], undefined, 'a warning is not a format error');
  });

  it('format_errors count what the notebook counts, rule for rule, where our findings accept the record', () => {
    // A function call without a content key, and a tool message with tool_call_id: both fine for today's API and
    // for our checks, but the notebook counts message_missing_key + missing_content for the first and
    // unrecognized_role + message_unrecognized_key for the second.
    const call = msgs({ role: 'user', content: 'What is the weather in Paris?' }, { role: 'assistant', function_call: { name: 'weather', arguments: '{"city":"Paris"}' } }, { role: 'function', name: 'weather', content: '18 C' }, { role: 'assistant', content: 'It is 18 degrees.' });
    const tool = msgs({ role: 'user', content: 'Look it up.' }, { role: 'assistant', content: null, tool_calls: [{ id: 'c1', type: 'function', function: { name: 'f', arguments: '{}' } }] }, { role: 'tool', tool_call_id: 'c1', content: 'done' }, { role: 'assistant', content: 'All done now.' });
    const { report, findings } = analyze([call, tool]);
    assert.deepEqual(findings.filter((f) => f.severity === 'error'), [], 'our checks accept both records');
    assert.equal(report.total_examples, 2);
    assert.deepEqual(report.format_errors, {
      message_missing_key: 1,
      message_unrecognized_key: 2,
      missing_content: 2,
      unrecognized_role: 1,
    });
  });

  it("the notebook's counts for a mixed file, with our own error codes beside them", () => {
    const lines = readFileSync(join(__dirname, '../../fixtures/checks/cookbook-mix.jsonl'), 'utf8').split('\n').filter((l) => l.trim() !== '');
    const { report } = analyze(lines);
    const cookbook = Object.fromEntries(Object.entries(report.format_errors).filter(([key]) => !key.includes('-')));
    assert.deepEqual(cookbook, NOTEBOOK_COUNTS_OF_MIX);
    assert.ok(Object.keys(report.format_errors).some((key) => key.includes('-')), 'our stricter findings keep their own codes');
  });
});
