import assert from 'node:assert/strict';
import { analyzeDatasetBytes } from '../../../src/core/analysis/analyzeBytes';
import { DatasetDocument } from '../../../src/core/analysis/datasetDocument';
import type { ChatExample } from '../../../src/core/formats/chat';
import { TokenCounter } from '../../../src/core/tokens/tokenCounter';
import { loadEncoder } from '../../../src/node/tokenizers';

const TOOLS = [{ type: 'function', function: { name: 'get_weather', description: 'Current weather of a city', parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] } } }];
const CALLS = [{ id: 'c1', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Paris"}' } }];

const WITH_TOOLS: ChatExample = {
  messages: [
    { role: 'user', content: 'Weather in Paris?' },
    { role: 'assistant', content: '', toolCalls: CALLS },
    { role: 'tool', content: '21', toolCallId: 'c1' },
    { role: 'assistant', content: 'It is 21 degrees.' },
  ],
  tools: TOOLS,
};

describe('tokens: declared tools and tool calls count', () => {
  const enc = loadEncoder('o200k_base');
  const contents = enc.count('Weather in Paris?') + enc.count('21') + enc.count('It is 21 degrees.');
  const calls = enc.count(JSON.stringify(CALLS));
  const tools = enc.count(JSON.stringify(TOOLS));

  it('raw mode: contents, tool calls as JSON and the declared tools as JSON', () => {
    const counter = new TokenCounter(enc);
    assert.deepEqual(counter.countExample(WITH_TOOLS, 'raw'), { total: contents + calls + tools, assistant: enc.count('It is 21 degrees.') });
    const { tools: _, ...withoutTools } = WITH_TOOLS;
    assert.equal(counter.countExample(withoutTools, 'raw').total, contents + calls);
  });

  it('openai mode: the cookbook count plus the declared tools', () => {
    const counter = new TokenCounter(enc);
    const { tools: _, ...withoutTools } = WITH_TOOLS;
    assert.equal(counter.countExample(WITH_TOOLS, 'openai').total, counter.countExample(withoutTools, 'openai').total + tools);
    assert.equal(counter.overheadOf(WITH_TOOLS, 'openai'), 3 + tools);
  });

  it('the report and an editor\'s per-record breakdown include the tools, and still add up', () => {
    const line = JSON.stringify({
      messages: [{ role: 'user', content: 'Weather in Paris?' }, { role: 'assistant', content: null, tool_calls: CALLS }, { role: 'tool', tool_call_id: 'c1', content: '21' }, { role: 'assistant', content: 'It is 21 degrees.' }],
      tools: JSON.stringify(TOOLS),
    });
    const options = { counter: new TokenCounter(enc), countMode: 'raw' as const, maxSeqLength: 2048, encoding: 'o200k_base' as const, tokensExact: true };
    const { report } = analyzeDatasetBytes(new TextEncoder().encode(line + '\n'), options);
    assert.equal(report.total_tokens, contents + calls + tools);
    const doc = new DatasetDocument(options);
    doc.open(1, line);
    const info = doc.recordInfo({ line: 0, character: 1 })!;
    assert.equal(info.total, contents + calls + tools);
    assert.equal(info.overhead, tools);
    assert.equal(info.messages.reduce((n, m) => n + m.tokens, 0) + info.overhead, info.total);
  });
});
