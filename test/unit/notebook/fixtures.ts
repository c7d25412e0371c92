import type { ChatExample } from '../../../src/core/formats/chat';

/** Normalized examples with the awkward cases: unicode, line separators, quotes, tools, system and multi-turn. */
export const EXAMPLES: ChatExample[] = [
  {
    messages: [
      { role: 'system', content: 'You answer in JSON.' },
      { role: 'user', content: 'Extract: "Ana, 34" \\ path C:\\tmp' },
      { role: 'assistant', content: '{"name": "Ana", "age": 34}' },
    ],
  },
  {
    messages: [
      { role: 'user', content: '你好 👋 — naïve café\u2028next\u2029para\r\nline """ \'\'\' ${x} {{ .Content }}' },
      { role: 'assistant', content: 'Bonjour!\n\n```py\nprint("hi")\n```' },
      { role: 'user', content: 'Again?' },
      { role: 'assistant', content: 'Yes.', weight: 1 },
    ],
  },
  {
    messages: [
      { role: 'user', content: 'Weather in Paris?' },
      { role: 'assistant', content: '', toolCalls: [{ id: 'c1', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Paris"}' } }] },
      { role: 'tool', content: '{"temp": 21}', toolCallId: 'c1' },
      { role: 'assistant', content: 'It is 21 °C.' },
    ],
    tools: [{ type: 'function', function: { name: 'get_weather', parameters: { type: 'object', properties: { city: { type: 'string' } } } } }],
  },
  {
    messages: [
      { role: 'user', content: 'a' },
      { role: 'user', content: 'b' },
      { role: 'assistant', content: 'c', name: 'bot' },
    ],
  },
];

/** The same examples as OpenAI JSONL objects, written out by hand. */
export const EXPECTED_OPENAI: unknown[] = [
  {
    messages: [
      { role: 'system', content: 'You answer in JSON.' },
      { role: 'user', content: 'Extract: "Ana, 34" \\ path C:\\tmp' },
      { role: 'assistant', content: '{"name": "Ana", "age": 34}' },
    ],
  },
  {
    messages: [
      { role: 'user', content: '你好 👋 — naïve café\u2028next\u2029para\r\nline """ \'\'\' ${x} {{ .Content }}' },
      { role: 'assistant', content: 'Bonjour!\n\n```py\nprint("hi")\n```' },
      { role: 'user', content: 'Again?' },
      { role: 'assistant', content: 'Yes.', weight: 1 },
    ],
  },
  {
    messages: [
      { role: 'user', content: 'Weather in Paris?' },
      { role: 'assistant', content: '', tool_calls: [{ id: 'c1', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Paris"}' } }] },
      { role: 'tool', content: '{"temp": 21}', tool_call_id: 'c1' },
      { role: 'assistant', content: 'It is 21 °C.' },
    ],
    tools: [{ type: 'function', function: { name: 'get_weather', parameters: { type: 'object', properties: { city: { type: 'string' } } } } }],
  },
  {
    messages: [
      { role: 'user', content: 'a' },
      { role: 'user', content: 'b' },
      { role: 'assistant', content: 'c', name: 'bot' },
    ],
  },
];
