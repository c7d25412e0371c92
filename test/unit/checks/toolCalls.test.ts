import assert from 'node:assert/strict';
import { checkRecord } from '../../../src/core/checks/checkRecord';
import type { RecordCheck } from '../../../src/core/checks/checkRecord';
import type { Finding } from '../../../src/core/types';
import { applyEdits, spanOf } from './applyEdits';

function check(record: string, withFixes = false): RecordCheck {
  return checkRecord(JSON.parse(record), record, spanOf(record), { withFixes });
}

/** The code, severity and located source text of each finding of a one-line record. */
function located(record: string, findings: readonly Finding[]): [string, string, string][] {
  return findings.map((f) => {
    assert.equal(f.range.start.line, 0);
    return [f.code, f.severity, record.slice(f.range.start.character, f.range.end.character)];
  });
}

const TOOLS = '"tools":[{"type":"function","function":{"name":"get_weather","parameters":{"type":"object"}}}]';

function openai(calls: string): string {
  return `{"messages":[{"role":"user","content":"Weather in Paris?"},{"role":"assistant","content":null,"tool_calls":${calls}},{"role":"tool","tool_call_id":"c1","content":"21"},{"role":"assistant","content":"It is 21 degrees."}],${TOOLS}}`;
}

describe('checks: tool calls against the declared tools', () => {
  it('passes a call to a declared tool with JSON-object arguments', () => {
    const record = openai('[{"id":"c1","type":"function","function":{"name":"get_weather","arguments":"{\\"city\\":\\"Paris\\"}"}}]');
    assert.deepEqual(check(record).findings, []);
  });

  it('reports a call to an undeclared function at its name, and arguments that are not JSON at the arguments', () => {
    const record = openai('[{"id":"c1","type":"function","function":{"name":"get_wether","arguments":"{city: Paris}"}}]');
    const result = check(record);
    assert.deepEqual(located(record, result.findings), [
      ['undeclared-tool-call', 'warning', '"get_wether"'],
      ['invalid-tool-call', 'error', '"{city: Paris}"'],
    ]);
    assert.equal(result.findings[0]!.message, 'messages[1].tool_calls[0] calls "get_wether", which the record\'s tools do not declare (declared: "get_weather")');
    assert.match(result.findings[1]!.message, /^messages\[1\]\.tool_calls\[0\] has arguments that are not valid JSON \(/);
  });

  it('reports calls without a function name, and arguments that are JSON but not an object', () => {
    const record = openai('[{"id":"c1","type":"function","function":{"arguments":"[1]"}},{"id":"c2","type":"function"}]');
    assert.deepEqual(located(record, check(record).findings), [
      ['invalid-tool-call', 'error', '{"id":"c1","type":"function","function":{"arguments":"[1]"}}'],
      ['invalid-tool-call', 'error', '"[1]"'],
      ['invalid-tool-call', 'error', '{"id":"c2","type":"function"}'],
    ]);
  });

  it('checks legacy function_call the same way; without declared tools only the call itself is checked', () => {
    const record = '{"messages":[{"role":"user","content":"q"},{"role":"assistant","content":null,"function_call":{"name":"lookup","arguments":"{oops"}},{"role":"function","name":"lookup","content":"r"},{"role":"assistant","content":"Done, here it is."}]}';
    assert.deepEqual(located(record, check(record).findings), [['invalid-tool-call', 'error', '"{oops"']]);
  });

  it('checks ShareGPT function_call turns against a tools column written as a JSON string, located at the turn value', () => {
    const tools = JSON.stringify(JSON.stringify([{ name: 'get_weather', parameters: { type: 'object' } }]));
    const record = `{"conversations":[{"from":"human","value":"Weather?"},{"from":"function_call","value":"{\\"name\\": \\"get_time\\", \\"arguments\\": {}}"},{"from":"observation","value":"12:00"},{"from":"gpt","value":"It is noon now."}],"tools":${tools}}`;
    const result = check(record);
    assert.deepEqual(located(record, result.findings), [['undeclared-tool-call', 'warning', '"{\\"name\\": \\"get_time\\", \\"arguments\\": {}}"']]);
    assert.match(result.findings[0]!.message, /^conversations\[1\] calls "get_time"/);
  });

  it('converting a ShareGPT record with tools keeps the tool calls and writes the tools as a list', () => {
    const tools = JSON.stringify(JSON.stringify([{ name: 'get_weather', parameters: { type: 'object' } }]));
    const record = `{"conversations":[{"from":"human","value":"Weather?"},{"from":"function_call","value":"{\\"name\\": \\"get_weather\\", \\"arguments\\": {\\"city\\": \\"Paris\\"}}"},{"from":"observation","value":"21"},{"from":"gpt","value":"ok"}],"tools":${tools},"id":3}`;
    const result = check(record, true);
    const convert = result.fixes.get(result.findings[0]!)!.find((f) => f.kind === 'convert-to-messages')!;
    const converted = JSON.parse(applyEdits(record, convert.edits)) as Record<string, unknown>;
    assert.deepEqual(converted, {
      messages: [
        { role: 'user', content: 'Weather?' },
        { role: 'assistant', content: '', tool_calls: [{ type: 'function', function: { name: 'get_weather', arguments: '{"city":"Paris"}' } }] },
        { role: 'tool', content: '21' },
        { role: 'assistant', content: 'ok' },
      ],
      tools: [{ type: 'function', function: { name: 'get_weather', parameters: { type: 'object' } } }],
      id: 3,
    });
  });

  it('non-text content is a warning located at the part; the example stays usable', () => {
    const record = '{"messages":[{"role":"user","content":[{"type":"text","text":"What is in the picture?"},{"type":"image_url","image_url":{"url":"cat.png"}}]},{"role":"assistant","content":"A cat on a mat."}]}';
    const result = check(record);
    assert.deepEqual(located(record, result.findings), [['non-text-content', 'warning', '{"type":"image_url","image_url":{"url":"cat.png"}}']]);
    assert.ok(result.example);
    assert.ok(!result.findings.some((f) => f.severity === 'error'));
  });

  it('an image-only user turn is non-text content and then an empty user message', () => {
    const record = '{"messages":[{"role":"user","content":[{"type":"image_url","image_url":{"url":"cat.png"}}]},{"role":"assistant","content":"A cat on a mat."}]}';
    assert.deepEqual(
      check(record).findings.map((f) => f.code),
      ['missing-content', 'non-text-content'],
    );
  });
});
