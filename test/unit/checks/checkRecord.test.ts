import assert from 'node:assert/strict';
import { checkRecord, convertToOpenAIFix } from '../../../src/core/checks/checkRecord';
import type { CheckOptions, RecordCheck } from '../../../src/core/checks/checkRecord';
import type { Finding, Fix } from '../../../src/core/types';
import { applyEdits, spanOf } from './applyEdits';

// Fixes are built on request only: these tests ask for them, and check that asking changes no finding.
function check(record: string, options: CheckOptions = {}, startLine = 0): RecordCheck {
  const withFixes = checkRecord(JSON.parse(record), record, spanOf(record, startLine), { ...options, withFixes: true });
  const plain = checkRecord(JSON.parse(record), record, spanOf(record, startLine), options);
  assert.deepEqual(withFixes.findings, plain.findings);
  assert.equal(plain.fixes.size, 0, 'no fix is built unless asked for');
  lastCheck = withFixes;
  return withFixes;
}

let lastCheck: RecordCheck | undefined;
function fixesOf(finding: Finding): Fix[] | undefined {
  const fixes = lastCheck?.fixes.get(finding);
  return fixes && fixes.length > 0 ? fixes : undefined;
}

function codes(result: RecordCheck): string[] {
  return result.findings.map((f) => f.code);
}

function only(result: RecordCheck, code: string): Finding {
  const found = result.findings.filter((f) => f.code === code);
  assert.equal(found.length, 1, `expected one ${code} in ${JSON.stringify(codes(result))}`);
  return found[0]!;
}

function fixed(record: string, finding: Finding, kind: string): string {
  const fix = fixesOf(finding)?.find((f) => f.kind === kind);
  assert.ok(fix, `no ${kind} fix on ${finding.code}`);
  return applyEdits(record, fix.edits);
}

const msgs = (...m: [string, string][]): string =>
  JSON.stringify({ messages: m.map(([role, content]) => ({ role, content })) });

const GOOD = msgs(['system', 'Be kind.'], ['user', 'Hi there'], ['assistant', 'Hello, how can I help?']);

describe('checkRecord', () => {
  it('accepts a clean OpenAI record with no findings', () => {
    const result = check(GOOD);
    assert.deepEqual(result.findings, []);
    assert.equal(result.format, 'openai');
    assert.equal(result.example?.messages.length, 3);
    assert.deepEqual(result.cookbookErrors, {});
    assert.equal(result.missingSystem, false);
    assert.equal(result.missingUser, false);
  });

  it('not-an-object: covers the whole record', () => {
    const result = check('  [1, 2]');
    assert.deepEqual(codes(result), ['not-an-object']);
    assert.deepEqual(result.findings[0]!.range, { start: { line: 0, character: 2 }, end: { line: 0, character: 8 } });
    assert.match(result.findings[0]!.message, /found array/);
    assert.deepEqual(result.cookbookErrors, { data_type: 1 });
    assert.equal(result.format, null);
  });

  it('unknown-shape: names the keys found and the shapes accepted', () => {
    const result = check('{"prompt": "only a prompt", "id": 3}');
    assert.deepEqual(codes(result), ['unknown-shape']);
    assert.match(result.findings[0]!.message, /"prompt", "id"/);
    assert.match(result.findings[0]!.message, /"prompt" \+ "completion"/);
    assert.deepEqual(result.cookbookErrors, { missing_messages_list: 1 });
  });

  it('missing-messages-list: points at the messages value', () => {
    const line = '{"messages": []}';
    const f = only(check(line), 'missing-messages-list');
    assert.deepEqual(f.range, { start: { line: 0, character: 13 }, end: { line: 0, character: 15 } });
    assert.equal(check(line).example, null);
  });

  it('message-missing-key: points at the message object', () => {
    const line = '{"messages": [{"role": "user"}, {"role": "assistant", "content": "Sure thing!"}]}';
    const f = only(check(line), 'message-missing-key');
    assert.equal(line.slice(f.range.start.character, f.range.end.character), '{"role": "user"}');
    assert.match(f.message, /missing "content"/);
  });

  it('message-unrecognized-key: points at the key', () => {
    const line = '{"messages": [{"role": "user", "content": "q?", "lang": "en"}, {"role": "assistant", "content": "Answer here."}]}';
    const f = only(check(line), 'message-unrecognized-key');
    assert.equal(line.slice(f.range.start.character, f.range.end.character), '"lang"');
  });

  it('unrecognized-role: says what was expected and points at the role value', () => {
    const line = msgs(['narrator', 'Once upon a time'], ['assistant', 'And then...?']);
    const result = check(line);
    const f = only(result, 'unrecognized-role');
    assert.equal(f.message, 'role must be one of system, user, assistant, tool; found "narrator"');
    assert.equal(line.slice(f.range.start.character, f.range.end.character), '"narrator"');
    assert.equal(result.example, null);
  });

  it('missing-content: non-text content, null content without tool calls, and empty user content', () => {
    const parts = '{"messages": [{"role": "user", "content": {"x": 1}}, {"role": "assistant", "content": "A complete reply."}]}';
    assert.deepEqual(codes(check(parts)), ['missing-content']);
    assert.deepEqual(codes(check(msgs(['user', ''], ['assistant', 'A full reply.']))), ['missing-content']);
    const nul = '{"messages": [{"role": "user", "content": null}, {"role": "assistant", "content": "A complete reply."}]}';
    assert.deepEqual(codes(check(nul)), ['missing-content']);
  });

  it('allows null assistant content with tool calls', () => {
    const line = JSON.stringify({
      messages: [
        { role: 'user', content: 'Weather in Oslo?' },
        { role: 'assistant', content: null, tool_calls: [{ id: 'c', type: 'function', function: { name: 'w', arguments: '{}' } }] },
        { role: 'tool', content: 'sunny', tool_call_id: 'c' },
        { role: 'assistant', content: 'It is sunny in Oslo.' },
      ],
    });
    assert.deepEqual(check(line).findings, []);
  });

  it('missing-assistant, no-user-turn and too-few-messages cover the whole record', () => {
    const line = msgs(['system', 'You are terse.']);
    const result = check(line);
    assert.deepEqual(codes(result).sort(), ['missing-assistant', 'no-user-turn', 'too-few-messages']);
    for (const f of result.findings) assert.deepEqual(f.range.end, { line: 0, character: line.length });
    assert.equal(result.missingUser, true);
    assert.deepEqual(result.cookbookErrors, { example_missing_assistant_message: 1 });
  });

  it('empty-assistant: an empty or whitespace-only reply', () => {
    assert.deepEqual(codes(check(msgs(['user', 'Hello?'], ['assistant', '  ']))), ['empty-assistant']);
    assert.deepEqual(codes(check(msgs(['user', 'Hello?'], ['assistant', '']))), ['empty-assistant']);
  });

  it('short-reply: below the threshold in code points, configurable', () => {
    const line = msgs(['user', 'Capital of France?'], ['assistant', 'Paris']);
    const f = only(check(line), 'short-reply');
    assert.equal(f.severity, 'info');
    assert.equal(line.slice(f.range.start.character, f.range.end.character), '"Paris"');
    assert.deepEqual(codes(check(line, { shortReplyChars: 3 })), []);
    assert.deepEqual(codes(check(msgs(['user', 'Emoji?'], ['assistant', '😀😀😀😀😀😀😀😀😀😀']))), []);
  });

  it('short-reply: the message counts characters in the right number', () => {
    assert.match(only(check(msgs(['user', 'Capital of France?'], ['assistant', 'Paris'])), 'short-reply').message, /the assistant reply has 5 characters \(fewer than 10\)/);
    assert.match(only(check(msgs(['user', 'Yes or no?'], ['assistant', 'Y'])), 'short-reply').message, /the assistant reply has 1 character \(fewer than 10\)/);
  });

  it('role-alias: safe rename fix', () => {
    const line = msgs(['User', 'Hi there'], ['gpt', 'Hello, how can I help?']);
    const result = check(line);
    assert.deepEqual(codes(result), ['role-alias', 'role-alias']);
    const [first, second] = result.findings;
    assert.equal(fixesOf(first!)?.[0]?.isSafe, true);
    const both = applyEdits(line, [...fixesOf(first!)![0]!.edits, ...fixesOf(second!)![0]!.edits]);
    assert.equal(both, msgs(['user', 'Hi there'], ['assistant', 'Hello, how can I help?']));
    assert.deepEqual(check(both).findings, []);
    assert.equal(result.example?.messages[1]?.role, 'assistant');
  });

  it('consecutive-same-role: merge fix joins the turns', () => {
    const line = msgs(['user', 'First part.'], ['user', 'Second part.'], ['assistant', 'A complete answer.']);
    const f = only(check(line), 'consecutive-same-role');
    assert.equal(fixesOf(f)?.[0]?.isSafe, false);
    assert.equal(fixed(line, f, 'merge-turns'), msgs(['user', 'First part.\n\nSecond part.'], ['assistant', 'A complete answer.']));
  });

  it('system-not-first: move fix puts system messages first', () => {
    const line = msgs(['user', 'Question one?'], ['system', 'Be brief.'], ['assistant', 'A brief answer.']);
    const f = only(check(line), 'system-not-first');
    assert.equal(line.slice(f.range.start.character, f.range.end.character), '"system"');
    assert.equal(fixed(line, f, 'move-system-first'), msgs(['system', 'Be brief.'], ['user', 'Question one?'], ['assistant', 'A brief answer.']));
  });

  it('last-not-assistant: points at the last message', () => {
    const line = msgs(['user', 'Question one?'], ['assistant', 'The first answer.'], ['user', 'And then?']);
    const f = only(check(line), 'last-not-assistant');
    assert.equal(line.slice(f.range.start.character, f.range.end.character), '{"role":"user","content":"And then?"}');
  });

  it('whitespace-only-content: a non-assistant message of spaces', () => {
    assert.deepEqual(codes(check(msgs(['system', ' \t'], ['user', 'Hello?'], ['assistant', 'Hello to you!']))), ['whitespace-only-content']);
  });

  it('untrimmed-reply: safe trim fix', () => {
    const line = msgs(['user', 'Hello?'], ['assistant', '  Hello to you!\n']);
    const f = only(check(line), 'untrimmed-reply');
    assert.equal(fixesOf(f)?.[0]?.isSafe, true);
    assert.equal(fixed(line, f, 'trim'), msgs(['user', 'Hello?'], ['assistant', 'Hello to you!']));
  });

  it('invalid-weight: points at the weight value', () => {
    const line = '{"messages": [{"role": "user", "content": "Hello?"}, {"role": "assistant", "content": "Hello to you!", "weight": 0.5}]}';
    const f = only(check(line), 'invalid-weight');
    assert.equal(line.slice(f.range.start.character, f.range.end.character), '0.5');
    assert.equal(f.message, 'weight must be 0 or 1; found 0.5');
  });

  it('pii-email: exact range through escapes, with a redact fix', () => {
    const line = '{"messages": [{"role": "user", "content": "Line\\nmail bob@example.com please"}, {"role": "assistant", "content": "I will reach out."}]}';
    const f = only(check(line), 'pii-email');
    assert.equal(line.slice(f.range.start.character, f.range.end.character), 'bob@example.com');
    assert.equal(f.message, 'possible email address in this text; remove or redact it before fine-tuning');
    const redacted = JSON.parse(fixed(line, f, 'redact')) as { messages: { content: string }[] };
    assert.equal(redacted.messages[0]!.content, 'Line\nmail [REDACTED_EMAIL] please');
  });

  it('secret-api-key: an error on the key', () => {
    const key = `sk-proj-${'a1B2c3D4e5'.repeat(5)}`;
    const line = msgs(['user', `My key is ${key}`], ['assistant', 'Please revoke that key now.']);
    const f = only(check(line), 'secret-api-key');
    assert.equal(f.severity, 'error');
    assert.equal(line.slice(f.range.start.character, f.range.end.character), key);
  });

  it('pii-phone, pii-credit-card, pii-iban, secret-private-key: one finding per match, one redaction per text', () => {
    const pem = '-----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEAu1SU1LfVLPHCozMxH2Mo4lgOEePzNm0tRgeLezV6ffAt0gun\n-----END RSA PRIVATE KEY-----';
    const content = `Call +44 20 7946 0958, card 4111 1111 1111 1111, IBAN DE89 3704 0044 0532 0130 00.\n${pem}`;
    const line = msgs(['user', content], ['assistant', 'I cannot store these details.']);
    const result = check(line);
    assert.deepEqual(codes(result), ['pii-phone', 'pii-credit-card', 'pii-iban', 'secret-private-key']);
    assert.deepEqual(result.findings.map((f) => f.severity), ['warning', 'warning', 'warning', 'error']);
    assert.deepEqual(
      result.findings.map((f) => f.message.split(' in this text')[0]),
      ['possible phone number', 'possible credit card number (Visa)', 'possible IBAN (DE)', 'possible RSA private key'],
    );
    const key = result.findings[3]!;
    assert.equal(JSON.parse(`"${line.slice(key.range.start.character, key.range.end.character)}"`), pem);
    const phone = result.findings[0]!;
    const one = JSON.parse(fixed(line, phone, 'redact')) as { messages: { content: string }[] };
    assert.equal(one.messages[0]!.content, content.replace('+44 20 7946 0958', '[REDACTED_PHONE]'), 'the preferred fix redacts only its own match');
    const all = fixesOf(phone)?.find((x) => x.title === 'Redact all sensitive data in this text');
    assert.ok(all);
    const redacted = JSON.parse(applyEdits(line, all.edits)) as { messages: { content: string }[] };
    assert.equal(
      redacted.messages[0]!.content,
      'Call [REDACTED_PHONE], card [REDACTED_CREDIT_CARD], IBAN [REDACTED_IBAN].\n[REDACTED_PRIVATE_KEY]',
    );
  });

  it('gives exact document ranges for a role value in a multi-line record', () => {
    const record = [
      '{"messages": [',
      '  {"role": "system", "content": "Be kind."},',
      '  {"role": "User", "content": "Hi there"},',
      '  {"role": "assistant", "content": "Hello, how can I help?"}',
      ']}',
    ].join('\n');
    const document = `${GOOD}\n${GOOD}\n\n${record}\n`;
    const result = check(record, {}, 3);
    const f = only(result, 'role-alias');
    assert.deepEqual(f.range, { start: { line: 5, character: 11 }, end: { line: 5, character: 17 } });
    assert.equal(fixed(document, f, 'rename-role'), document.replace('"User"', '"user"'));
  });

  it('fixes on a multi-line record edit it in place, keeping its layout', () => {
    const record = '{"messages": [\n {"role": "user", "content": "a"},\n {"role": "user", "content": "b"},\n {"role": "assistant", "content": "A long enough reply."}\n]}';
    const document = `${GOOD}\n${record}\n${GOOD}`;
    const f = only(check(record, {}, 1), 'consecutive-same-role');
    const merged = '{"messages": [\n {"role": "user", "content": "a\\n\\nb"},\n {"role": "assistant", "content": "A long enough reply."}\n]}';
    assert.equal(fixed(document, f, 'merge-turns'), `${GOOD}\n${merged}\n${GOOD}`);
  });

  it('checks ShareGPT records and offers conversion to OpenAI messages', () => {
    const line = '{"conversations": [{"from": "human", "value": "Hi"}, {"from": "gpt", "value": "Yo"}]}';
    const result = check(line);
    assert.equal(result.format, 'sharegpt');
    const f = only(result, 'short-reply');
    assert.deepEqual(fixesOf(f)?.map((x) => x.kind), ['convert-to-messages']);
    // The record's own separators (a space after ':' and ',') are kept.
    assert.equal(fixed(line, f, 'convert-to-messages'), '{"messages": [{"role": "user", "content": "Hi"}, {"role": "assistant", "content": "Yo"}]}');
  });

  it('reports unknown ShareGPT speakers at the from value', () => {
    const line = '{"conversations": [{"from": "robot", "value": "Hi"}, {"from": "gpt", "value": "Hello there, friend."}]}';
    const f = only(check(line), 'unrecognized-role');
    assert.equal(line.slice(f.range.start.character, f.range.end.character), '"robot"');
    assert.equal(fixesOf(f), undefined);
  });

  it('trims an Alpaca output in place and converts Alpaca on request', () => {
    const line = '{"instruction": "Name a colour.", "input": "", "output": "Blue, like the sky. "}';
    const result = check(line);
    assert.equal(result.format, 'alpaca');
    const f = only(result, 'untrimmed-reply');
    assert.equal(fixed(line, f, 'trim'), '{"instruction": "Name a colour.", "input": "", "output": "Blue, like the sky."}');
    const convert = convertToOpenAIFix(JSON.parse(line), line, spanOf(line));
    assert.equal(applyEdits(line, convert!.edits), '{"messages": [{"role": "user", "content": "Name a colour."}, {"role": "assistant", "content": "Blue, like the sky. "}]}');
    assert.equal(convertToOpenAIFix(JSON.parse(GOOD), GOOD, spanOf(GOOD)), null);
  });

  it('checks prompt/completion records', () => {
    const result = check('{"prompt": "Two plus two?", "completion": ""}');
    assert.equal(result.format, 'prompt_completion');
    assert.deepEqual(codes(result), ['empty-assistant']);
  });

  it('does not report no-user-turn or too-few-messages for text records', () => {
    const result = check('{"text": "A paragraph of pretraining text."}');
    assert.equal(result.format, 'text');
    assert.deepEqual(result.findings, []);
    assert.equal(result.missingUser, false);
    assert.equal(result.missingSystem, true);
  });

  it('uses the written roles for the cookbook data warnings', () => {
    const result = check(msgs(['User', 'Hi there'], ['assistant', 'Hello, how can I help?']));
    assert.equal(result.missingUser, true);
    assert.equal(result.missingSystem, true);
  });
});
