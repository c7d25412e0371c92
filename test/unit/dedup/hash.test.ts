import assert from 'node:assert/strict';
import type { ChatExample, ChatRole } from '../../../src/core/formats/chat';
import { cyrb53, hashCanonicalExample, hashPromptAndReply } from '../../../src/core/dedup/hash';

function ex(...pairs: [ChatRole, string][]): ChatExample {
  return { messages: pairs.map(([role, content]) => ({ role, content })) };
}

describe('dedup/hash', () => {
  it('cyrb53 is deterministic, seeded and within 53 bits', () => {
    assert.equal(cyrb53('hello'), cyrb53('hello'));
    assert.notEqual(cyrb53('hello'), cyrb53('hellp'));
    assert.notEqual(cyrb53('hello', 1), cyrb53('hello', 2));
    const h = cyrb53('some text');
    assert.ok(Number.isSafeInteger(h) && h >= 0);
  });

  it('ignores whitespace differences (runs, leading/trailing, tabs, newlines, NBSP)', () => {
    const a = hashCanonicalExample(ex(['user', 'Hello world'], ['assistant', 'Fine, thanks.']));
    assert.equal(hashCanonicalExample(ex(['user', '  Hello \t\n world\n'], ['assistant', 'Fine,   thanks. '])), a);
    assert.equal(hashCanonicalExample(ex(['user', 'Hello\u00a0world'], ['assistant', 'Fine,\u3000thanks.'])), a);
  });

  it('hashes the same after a JSON re-serialization with other key order and spacing', () => {
    const line1 = '{"messages":[{"role":"user","content":"x  y"},{"role":"assistant","content":"z"}]}';
    const line2 = '{"messages": [{"content": "x y", "role": "user"}, {"content": "z\\n", "role": "assistant"}]}';
    const a = JSON.parse(line1) as ChatExample;
    const b = JSON.parse(line2) as ChatExample;
    assert.equal(hashCanonicalExample(a), hashCanonicalExample(b));
  });

  it('treats NFC and NFD forms of é as equal', () => {
    const nfc = 'caf\u00e9 au lait';
    const nfd = 'cafe\u0301 au lait';
    assert.notEqual(nfc, nfd);
    assert.equal(hashCanonicalExample(ex(['user', nfc])), hashCanonicalExample(ex(['user', nfd])));
  });

  it('distinguishes roles, content, case and message boundaries', () => {
    const base = hashCanonicalExample(ex(['user', 'ab'], ['assistant', 'c']));
    assert.notEqual(hashCanonicalExample(ex(['system', 'ab'], ['assistant', 'c'])), base);
    assert.notEqual(hashCanonicalExample(ex(['user', 'a'], ['assistant', 'bc'])), base);
    assert.notEqual(hashCanonicalExample(ex(['user', 'Ab'], ['assistant', 'c'])), base);
    assert.notEqual(hashCanonicalExample(ex(['user', 'a b'], ['assistant', 'c'])), base);
    assert.notEqual(hashCanonicalExample(ex(['user', 'ab c'])), base);
    assert.notEqual(hashCanonicalExample(ex(['user', 'abc'])), hashCanonicalExample(ex(['user', 'ab'], ['user', 'c'])));
  });

  it('includes tool-call data, independent of key order', () => {
    const call = (args: string): ChatExample => ({
      messages: [{ role: 'user', content: 'weather?' }, { role: 'assistant', content: '', toolCalls: [{ id: '1', type: 'function', function: { name: 'w', arguments: args } }] }],
    });
    assert.notEqual(hashCanonicalExample(call('{"city":"Paris"}')), hashCanonicalExample(call('{"city":"Rome"}')));
    const reordered: ChatExample = {
      messages: [{ role: 'user', content: 'weather?' }, { role: 'assistant', content: '', toolCalls: [{ function: { arguments: '{"city":"Paris"}', name: 'w' }, type: 'function', id: '1' }] }],
    };
    assert.equal(hashCanonicalExample(reordered), hashCanonicalExample(call('{"city":"Paris"}')));
  });

  it('hashPromptAndReply splits at the last assistant message, lowercased and whitespace-insensitive', () => {
    const a = hashPromptAndReply(ex(['system', 'Be brief.'], ['user', 'What is 2+2?'], ['assistant', 'Four.']));
    const b = hashPromptAndReply(ex(['system', 'be  BRIEF.'], ['user', 'what is 2+2? '], ['assistant', 'Five.']));
    const c = hashPromptAndReply(ex(['system', 'Be brief.'], ['user', 'WHAT IS 2+2?'], ['assistant', 'FOUR.']));
    assert.ok(a && b && c);
    assert.equal(a.promptHash, b.promptHash);
    assert.notEqual(a.replyHash, b.replyHash);
    assert.deepEqual(a, c);
  });

  it('hashPromptAndReply uses the last assistant turn and handles non-ASCII lowercase', () => {
    const multi = hashPromptAndReply(ex(['user', 'q1'], ['assistant', 'a1'], ['user', 'q2'], ['assistant', 'a2']));
    const single = hashPromptAndReply(ex(['user', 'q2'], ['assistant', 'a2']));
    assert.ok(multi && single);
    assert.equal(multi.replyHash, single.replyHash);
    assert.notEqual(multi.promptHash, single.promptHash);
    const upper = hashPromptAndReply(ex(['user', 'ÉCOLE'], ['assistant', 'Ça va']));
    const lower = hashPromptAndReply(ex(['user', 'e\u0301cole'], ['assistant', 'ça va']));
    assert.deepEqual(upper, lower);
  });

  it('hashPromptAndReply returns null without an assistant message', () => {
    assert.equal(hashPromptAndReply(ex(['user', 'hi'])), null);
    assert.equal(hashPromptAndReply({ messages: [] }), null);
  });
});
