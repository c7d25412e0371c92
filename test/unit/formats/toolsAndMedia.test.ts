import assert from 'node:assert/strict';
import { formatSummary } from '../../../src/cli/commands/analyze';
import { analyzeDatasetBytes } from '../../../src/core/analysis/analyzeBytes';
import { normalizeRecord, toOpenAIRecord } from '../../../src/core/formats/normalize';
import { createEstimateEncoder } from '../../../src/core/tokens/estimate';
import { TokenCounter } from '../../../src/core/tokens/tokenCounter';

const WEATHER = { name: 'get_weather', description: 'Weather of a city', parameters: { type: 'object', properties: { city: { type: 'string' } } } };

describe('formats: tools and non-text content', () => {
  it('keeps OpenAI tools, wrapping bare function definitions in the OpenAI shape', () => {
    const result = normalizeRecord(
      { messages: [{ role: 'user', content: 'q' }, { role: 'assistant', content: 'a' }], tools: [{ type: 'function', function: WEATHER }, { name: 'now' }] },
      'openai',
    );
    assert.deepEqual(result.issues, []);
    assert.deepEqual(result.example?.tools, [
      { type: 'function', function: WEATHER },
      { type: 'function', function: { name: 'now' } },
    ]);
  });

  it('reads a ShareGPT tools column written as a JSON string, and function_call turns as structured tool calls', () => {
    const record = {
      conversations: [
        { from: 'human', value: 'Weather in Paris and Rome?' },
        { from: 'function_call', value: '[{"name": "get_weather", "arguments": {"city": "Paris"}}, {"name": "get_weather", "arguments": "{\\"city\\": \\"Rome\\"}"}]' },
        { from: 'observation', value: '21, 25' },
        { from: 'gpt', value: 'Paris 21, Rome 25.' },
      ],
      tools: JSON.stringify([WEATHER]),
      id: 7,
    };
    const result = normalizeRecord(record, 'sharegpt');
    assert.deepEqual(result.issues, []);
    assert.deepEqual(result.example?.tools, [{ type: 'function', function: WEATHER }]);
    assert.deepEqual(result.example?.messages[1], {
      role: 'assistant',
      content: '',
      toolCalls: [
        { type: 'function', function: { name: 'get_weather', arguments: '{"city":"Paris"}' } },
        { type: 'function', function: { name: 'get_weather', arguments: '{"city": "Rome"}' } },
      ],
    });
    assert.equal(result.origins[1]!.hasCall, true);
    // Converting to OpenAI writes the tools as a list and keeps the calls; other keys stay.
    const converted = toOpenAIRecord(record, result.example!, 'sharegpt');
    assert.deepEqual(Object.keys(converted), ['messages', 'tools', 'id']);
    assert.deepEqual(converted['tools'], [{ type: 'function', function: WEATHER }]);
    assert.deepEqual((converted['messages'] as Record<string, unknown>[])[1]!['tool_calls'], result.example?.messages[1]?.toolCalls);
  });

  it('reports tools that cannot be read, at the tools value or the bad entry', () => {
    const messages = [{ role: 'user', content: 'q' }, { role: 'assistant', content: 'a' }];
    const notJson = normalizeRecord({ messages, tools: '[{"name": "f",' }, 'openai');
    assert.deepEqual(notJson.issues.map((i) => [i.code, i.path]), [['invalid-tools', ['tools']]]);
    assert.match(notJson.issues[0]!.message, /"tools" is a string that is not valid JSON/);
    assert.equal(notJson.example?.tools, undefined);
    const badEntry = normalizeRecord({ messages, tools: [WEATHER, { type: 'function', function: { description: 'no name' } }, 3] }, 'openai');
    assert.deepEqual(badEntry.issues.map((i) => [i.code, i.path]), [
      ['invalid-tools', ['tools', 1]],
      ['invalid-tools', ['tools', 2]],
    ]);
    assert.deepEqual(badEntry.example?.tools, [{ type: 'function', function: WEATHER }]);
    const notList = normalizeRecord({ messages, tools: { name: 'f' } }, 'openai');
    assert.deepEqual(notList.issues.map((i) => [i.code, i.path, i.message]), [['invalid-tools', ['tools'], '"tools" must be a list of function definitions; found object']]);
    for (const empty of [null, '', []]) assert.deepEqual(normalizeRecord({ messages, tools: empty }, 'openai').issues, []);
  });

  it('keeps a ShareGPT function_call turn whose value is not JSON as text, and reports it', () => {
    const result = normalizeRecord(
      { conversations: [{ from: 'human', value: 'q' }, { from: 'function_call', value: 'get_weather(Paris)' }, { from: 'gpt', value: 'a' }] },
      'sharegpt',
    );
    assert.deepEqual(result.issues.map((i) => [i.code, i.path]), [['invalid-tool-call', ['conversations', 1, 'value']]]);
    assert.deepEqual(result.example?.messages[1], { role: 'assistant', content: 'get_weather(Paris)' });
  });

  it('says which content part is not text and keeps the text parts', () => {
    const result = normalizeRecord(
      {
        messages: [
          { role: 'user', content: [{ type: 'text', text: 'What is this?' }, { type: 'image_url', image_url: { url: 'https://x/cat.png' } }] },
          { role: 'assistant', content: 'A cat.' },
        ],
      },
      'openai',
    );
    assert.deepEqual(result.issues.map((i) => [i.code, i.path, i.message]), [
      ['non-text-content', ['messages', 0, 'content', 1], 'messages[0].content[1] is a part of type "image_url", not text; text-only fine-tuning drops it'],
    ]);
    assert.deepEqual(result.example?.messages[0], { role: 'user', content: 'What is this?' });
    assert.deepEqual(result.origins[0]!.contentPaths, [['messages', 0, 'content', 0, 'text']]);
  });

  it('reports record-level media lists (images, videos, audios, image) in any format', () => {
    const sharegpt = normalizeRecord({ conversations: [{ from: 'human', value: '<image>What is this?' }, { from: 'gpt', value: 'A cat.' }], images: ['a.png', 'b.png'] }, 'sharegpt');
    assert.deepEqual(sharegpt.issues.map((i) => [i.code, i.path, i.message]), [
      ['non-text-content', ['images'], '"images" holds 2 items that are not text; text-only fine-tuning drops them and keeps only the messages\' text'],
    ]);
    assert.ok(sharegpt.example, 'the text example is kept');
    const llava = normalizeRecord({ conversations: [{ from: 'human', value: 'q' }, { from: 'gpt', value: 'a' }], image: 'coco/1.jpg' }, 'sharegpt');
    assert.deepEqual(llava.issues.map((i) => [i.code, i.path]), [['non-text-content', ['image']]]);
    const alpaca = normalizeRecord({ instruction: 'q', output: 'a', videos: ['v.mp4'], audios: [] }, 'alpaca');
    assert.deepEqual(alpaca.issues.map((i) => [i.code, i.path]), [['non-text-content', ['videos']]]);
  });

  it('counts records with non-text content in the report, usable or not', () => {
    const lines = [
      { messages: [{ role: 'user', content: [{ type: 'text', text: 'What is in this picture?' }, { type: 'image_url', image_url: { url: 'a.png' } }, { type: 'image_url', image_url: { url: 'b.png' } }] }, { role: 'assistant', content: 'Two cats on a mat.' }] },
      { messages: [{ role: 'user', content: 'Describe the picture.' }, { role: 'assistant', content: 'A dog in the park.' }], images: ['c.png'] },
      { messages: [{ role: 'user', content: [{ type: 'image_url', image_url: { url: 'd.png' } }] }, { role: 'assistant', content: 'A bird on a wire.' }] },
      { messages: [{ role: 'user', content: 'Plain text question?' }, { role: 'assistant', content: 'Plain text answer.' }] },
    ];
    const bytes = new TextEncoder().encode(lines.map((l) => JSON.stringify(l)).join('\n') + '\n');
    const { report, findings } = analyzeDatasetBytes(bytes, { counter: new TokenCounter(createEstimateEncoder('o200k_base')), countMode: 'raw', maxSeqLength: 2048, encoding: 'o200k_base', tokensExact: false });
    assert.equal(report.data_warnings.non_text_content, 3);
    assert.deepEqual(findings.filter((f) => f.code === 'non-text-content').map((f) => [f.severity, f.range.start.line]), [['warning', 0], ['warning', 0], ['warning', 1], ['warning', 2]]);
    // The image-only user turn is empty once the image is dropped: that record is not usable.
    assert.equal(report.total_examples, 3);
    assert.ok(formatSummary('d.jsonl', report).includes('\n  non-text content: 3 records with images or other media that text-only fine-tuning drops\n'));
  });
});
