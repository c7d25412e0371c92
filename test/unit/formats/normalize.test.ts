import assert from 'node:assert/strict';
import { normalizeRecord, resolveOpenAIRole, toOpenAIRecord } from '../../../src/core/formats/normalize';

describe('formats/normalizeRecord', () => {
  it('keeps OpenAI messages with names, weights, tool calls and tools; joins text parts with a newline', () => {
    const toolCalls = [{ id: 'c1', type: 'function', function: { name: 'f', arguments: '{}' } }];
    const result = normalizeRecord(
      {
        messages: [
          { role: 'user', content: [{ type: 'text', text: 'a' }, { type: 'text', text: 'b' }], name: 'ann' },
          { role: 'assistant', content: null, tool_calls: toolCalls },
          { role: 'tool', content: '42', tool_call_id: 'c1' },
          { role: 'assistant', content: 'It is 42.', weight: 1 },
        ],
        tools: [{ type: 'function', function: { name: 'f', parameters: { type: 'object' } } }],
      },
      'openai',
    );
    assert.deepEqual(result.issues, []);
    assert.deepEqual(result.example, {
      messages: [
        { role: 'user', content: 'a\nb', name: 'ann' },
        { role: 'assistant', content: '', toolCalls },
        { role: 'tool', content: '42', toolCallId: 'c1' },
        { role: 'assistant', content: 'It is 42.', weight: 1 },
      ],
      tools: [{ type: 'function', function: { name: 'f', parameters: { type: 'object' } } }],
    });
    assert.deepEqual(result.origins[0]!.contentPaths, [['messages', 0, 'content', 0, 'text'], ['messages', 0, 'content', 1, 'text']]);
  });

  it('resolves OpenAI role aliases and reports them', () => {
    assert.deepEqual(resolveOpenAIRole('user'), { role: 'user', isAlias: false });
    assert.deepEqual(resolveOpenAIRole('User'), { role: 'user', isAlias: true });
    assert.deepEqual(resolveOpenAIRole('gpt'), { role: 'assistant', isAlias: true });
    assert.equal(resolveOpenAIRole('narrator'), null);
    const result = normalizeRecord({ messages: [{ role: 'human', content: 'q' }, { role: 'assistant', content: 'a' }] }, 'openai');
    assert.equal(result.example?.messages[0]?.role, 'user');
    assert.deepEqual(result.issues.map((i) => [i.code, i.rename]), [['role-alias', 'user']]);
  });

  it('gives no example when a role is unknown or a content part is not a typed part', () => {
    assert.equal(normalizeRecord({ messages: [{ role: 'narrator', content: 'x' }] }, 'openai').example, null);
    const broken = normalizeRecord({ messages: [{ role: 'user', content: [{ type: 'text', text: 'a' }, { url: 'x.png' }] }] }, 'openai');
    assert.equal(broken.example, null);
    assert.deepEqual(broken.issues.map((i) => [i.code, i.path]), [['missing-content', ['messages', 0, 'content']]]);
    assert.match(broken.issues[0]!.message, /item 1 is not a/);
  });

  it('normalizes ShareGPT turns, its system field and function_call/observation turns', () => {
    const result = normalizeRecord(
      {
        system: 'Be brief.',
        conversations: [
          { from: 'human', value: 'weather?' },
          { from: 'function_call', value: '{"name":"w"}' },
          { from: 'observation', value: 'sunny' },
          { from: 'gpt', value: 'Sunny.' },
        ],
      },
      'sharegpt',
    );
    assert.deepEqual(result.example, {
      messages: [
        { role: 'system', content: 'Be brief.' },
        { role: 'user', content: 'weather?' },
        { role: 'assistant', content: '', toolCalls: [{ type: 'function', function: { name: 'w' } }] },
        { role: 'tool', content: 'sunny' },
        { role: 'assistant', content: 'Sunny.' },
      ],
    });
    assert.deepEqual(result.origins[1]!.rolePath, ['conversations', 0, 'from']);
  });

  it('normalizes Alpaca with system, history and input appended after a blank line', () => {
    const result = normalizeRecord(
      { system: 'S', history: [['q0', 'a0']], instruction: 'Translate', input: 'chat', output: 'cat' },
      'alpaca',
    );
    assert.deepEqual(result.example?.messages, [
      { role: 'system', content: 'S' },
      { role: 'user', content: 'q0' },
      { role: 'assistant', content: 'a0' },
      { role: 'user', content: 'Translate\n\nchat' },
      { role: 'assistant', content: 'cat' },
    ]);
    assert.deepEqual(result.origins[3]!.contentPaths, [['instruction'], ['input']]);
    assert.equal(result.origins[3]!.editPath, null);
    const noInput = normalizeRecord({ instruction: 'Say hi', input: '', output: 'hi' }, 'alpaca');
    assert.equal(noInput.example?.messages[0]?.content, 'Say hi');
  });

  it('normalizes prompt/completion to user/assistant and text to one assistant message', () => {
    assert.deepEqual(normalizeRecord({ prompt: 'p', completion: 'c' }, 'prompt_completion').example?.messages, [
      { role: 'user', content: 'p' },
      { role: 'assistant', content: 'c' },
    ]);
    assert.deepEqual(normalizeRecord({ text: 'raw text' }, 'text').example?.messages, [{ role: 'assistant', content: 'raw text' }]);
  });

  it('reports non-string fields of the simple formats', () => {
    const result = normalizeRecord({ prompt: 'p', completion: 3 }, 'prompt_completion');
    assert.equal(result.example, null);
    assert.deepEqual(result.issues.map((i) => [i.code, i.path]), [['missing-content', ['completion']]]);
  });

  it('converts a normalized record to OpenAI messages, keeping unconsumed keys', () => {
    const record = { id: 7, instruction: 'I', input: '', output: 'O' };
    const example = normalizeRecord(record, 'alpaca').example!;
    assert.deepEqual(toOpenAIRecord(record, example, 'alpaca'), {
      messages: [
        { role: 'user', content: 'I' },
        { role: 'assistant', content: 'O' },
      ],
      id: 7,
    });
  });
});
