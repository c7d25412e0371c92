// Real-world dataset shapes handled honestly (issue 16, points 9, 10, 13, 14, 15, 16), through the engine: every
// text is analysed as a file and as an editor document (analyzeText insists they agree).
import assert from 'node:assert/strict';
import { gzipSync } from 'node:zlib';
import { analyzeDatasetBytes } from '../../../src/core/analysis/analyzeBytes';
import type { DatasetReport, FindingJson } from '../../../src/core/analysis/report';
import { findLoneSurrogates } from '../../../src/core/checks/surrogates';
import { detectFormat } from '../../../src/core/formats/detect';
import { detectUnreadableFile, unreadableFileMessage } from '../../../src/core/parse/textEncoding';
import { recommendModels } from '../../../src/core/recommend/recommend';
import { analyzeText, estimateOptions } from '../analysis/analyzeText';
import { makeReport } from '../recommend/makeReport';

const jsonl = (records: unknown[]): string => records.map((r) => JSON.stringify(r)).join('\n') + '\n';
const codes = (r: DatasetReport): string[] => r.findings.map((f) => f.code);
const ofCode = (r: DatasetReport, code: string): FindingJson[] => r.findings.filter((f) => f.code === code);

describe('real-world shapes: text records have no prompt/reply split (9)', () => {
  it('SQL text records neither contradict each other nor get reply checks', () => {
    const records = Array.from({ length: 40 }, (_, i) => ({ text: `SELECT name, total FROM orders_${i} WHERE total > ${i * 10} ORDER BY total DESC;` }));
    records.push({ text: 'x' }, { text: '  padded text  ' });
    const { report } = analyzeText(jsonl(records), estimateOptions());
    assert.equal(report.format, 'text');
    assert.equal(report.total_examples, 42);
    assert.equal(report.contradictions.count, 0);
    for (const code of ['contradiction', 'short-reply', 'untrimmed-reply']) assert.ok(!codes(report).includes(code), `${code} on text records`);
    assert.ok(!report.quality_issues.some((q) => q.code === 'contradiction' || q.code === 'short-reply'), JSON.stringify(report.quality_issues));
  });

  it('an empty text says so, not "assistant reply"', () => {
    const { report } = analyzeText(jsonl([{ text: '   ' }]), estimateOptions());
    const [empty] = ofCode(report, 'empty-assistant');
    assert.ok(empty);
    assert.match(empty.message, /the text is empty/);
  });

  it('chat records with one prompt and two different replies still contradict', () => {
    const chat = (reply: string) => ({ messages: [{ role: 'user', content: 'What is the capital of Australia?' }, { role: 'assistant', content: reply }] });
    const { report } = analyzeText(jsonl([chat('Canberra is the capital of Australia.'), chat('Sydney, the largest city, is it.')]), estimateOptions());
    assert.equal(report.contradictions.count, 1);
  });
});

describe('real-world shapes: preference data (10)', () => {
  const pairs = [
    { prompt: 'What is 2 + 2?', chosen: 'Two plus two is four.', rejected: 'Two plus two is five.' },
    { prompt: 'Say hello politely.', chosen: 'Hello, nice to meet you!', rejected: 'Hello, nice to meet you!' },
    {
      chosen: [{ role: 'user', content: 'Name a prime number.' }, { role: 'assistant', content: 'Seven is a prime number.' }],
      rejected: [{ role: 'user', content: 'Name an even number.' }, { role: 'assistant', content: 'Nine is prime.' }],
    },
    {
      conversations: [{ from: 'human', value: 'Tell me a short joke.' }],
      chosen: { from: 'gpt', value: 'Why did the scarecrow win an award? He was outstanding in his field.' },
      rejected: { from: 'gpt', value: 'No.' },
    },
    { prompt: 'Give me a colour.', chosen: 'Blue is a fine colour.', rejected: null },
    { messages: [{ role: 'user', content: 'Name a fruit.' }], chosen: { role: 'assistant', content: 'An apple is a fruit.' }, rejected: { role: 'assistant', content: 'A carrot.' } },
  ];

  it('is detected as its own format, not ShareGPT or prompt/completion', () => {
    for (const p of pairs) assert.deepEqual(detectFormat(p), { kind: 'format', format: 'preference' });
  });

  it('is validated and counted, and says plainly that SFT needs SFT data', () => {
    const { report, examples } = analyzeText(jsonl(pairs), estimateOptions());
    assert.equal(report.format, 'preference');
    assert.deepEqual(report.preference, { pairs: 6, identical: 1, prompt_mismatch: 1 });
    assert.equal(report.total_examples, 0);
    assert.equal(examples.length, 0);
    const data = ofCode(report, 'preference-data');
    assert.equal(data.length, 6);
    assert.match(data[0]?.message ?? '', /SFT fine-tuning and its notebooks need one reply per prompt.*use chosen as the reply.*--use-chosen/);
    assert.equal(ofCode(report, 'preference-identical')[0]?.line, 2);
    const mismatch = ofCode(report, 'preference-prompt-mismatch')[0];
    assert.equal(mismatch?.line, 3);
    const missing = ofCode(report, 'missing-content').find((f) => f.line === 5);
    assert.match(missing?.message ?? '', /"rejected" must be the rejected reply/);
    // Nothing is read as a conversation that ends on a user turn.
    assert.ok(!codes(report).includes('last-not-assistant'));
  });

  it('mixed with SFT records, says they belong in separate files instead of "convert to preference"', () => {
    const chat = { messages: [{ role: 'user', content: 'Hi there' }, { role: 'assistant', content: 'Hello, how can I help?' }] };
    const mostlyPairs = ofCode(analyzeText(jsonl([...pairs, chat]), estimateOptions()).report, 'mixed-formats');
    assert.equal(mostlyPairs.length, 1);
    assert.match(mostlyPairs[0]?.message ?? '', /1 openai record among 6 preference records; .* Preference pairs \(chosen\/rejected\) and SFT examples belong in separate files\.$/);
    const mostlyChat = ofCode(analyzeText(jsonl([chat, chat, chat, chat, chat, chat, chat, pairs[0]]), estimateOptions()).report, 'mixed-formats');
    assert.match(mostlyChat[0]?.message ?? '', /belong in separate files \(or train on the chosen replies: --use-chosen\)\.$/);
    assert.ok(!/Convert/.test(`${mostlyPairs[0]?.message} ${mostlyChat[0]?.message}`));
  });

  it('with "use chosen as the reply" the chosen replies become SFT examples', () => {
    const { report, examples } = analyzeText(jsonl(pairs), { ...estimateOptions(), useChosen: true });
    assert.ok(!codes(report).includes('preference-data'));
    // The identical pair stays usable (a warning); the mismatched and the one-sided pairs do not.
    assert.equal(report.total_examples, 4);
    assert.deepEqual(examples[0]?.messages, [
      { role: 'user', content: 'What is 2 + 2?' },
      { role: 'assistant', content: 'Two plus two is four.' },
    ]);
    assert.deepEqual(examples[2]?.messages, [
      { role: 'user', content: 'Tell me a short joke.' },
      { role: 'assistant', content: 'Why did the scarecrow win an award? He was outstanding in his field.' },
    ]);
    assert.deepEqual(examples[3]?.messages, [
      { role: 'user', content: 'Name a fruit.' },
      { role: 'assistant', content: 'An apple is a fruit.' },
    ]);
    assert.deepEqual(report.preference, { pairs: 6, identical: 1, prompt_mismatch: 1 });
  });

  it('a pair of whole conversations that share the prompt is one example of that prompt and the chosen reply', () => {
    const shared = [{ role: 'user', content: 'Recommend a book about the sea.' }];
    const record = { chosen: [...shared, { role: 'assistant', content: 'Moby-Dick by Herman Melville.' }], rejected: [...shared, { role: 'assistant', content: 'I do not read.' }] };
    const { report, examples } = analyzeText(jsonl([record]), { ...estimateOptions(), useChosen: true });
    assert.equal(report.preference.prompt_mismatch, 0);
    assert.deepEqual(examples[0]?.messages.map((m) => m.role), ['user', 'assistant']);
  });
});

describe('real-world shapes: preference pairs of two whole texts (10)', () => {
  it('are text-like examples with the chosen text: no prompt is required, and none contradicts another', () => {
    const hh = (chosen: string) => ({ chosen: `\n\nHuman: Any tips for sleeping well?\n\nAssistant: ${chosen}`, rejected: '\n\nHuman: Any tips for sleeping well?\n\nAssistant: No.' });
    const { report, examples } = analyzeText(jsonl([hh('Keep a regular schedule and a dark room.'), hh('Avoid screens for an hour before bed.')]), { ...estimateOptions(), useChosen: true });
    assert.equal(report.total_examples, 2);
    for (const code of ['too-few-messages', 'no-user-turn', 'contradiction', 'untrimmed-reply']) assert.ok(!codes(report).includes(code), code);
    assert.equal(report.data_warnings.missing_user, 0);
    assert.match(examples[0]?.messages[0]?.content ?? '', /Assistant: Keep a regular schedule/);
  });
});

describe('real-world shapes: lone surrogates (13)', () => {
  it('an unpaired surrogate escape is an error at its line and column; pairs and escaped backslashes are not', () => {
    const good = '{"messages":[{"role":"user","content":"Smile \\ud83d\\ude00 and \\\\ud800 is text"},{"role":"assistant","content":"A fine reply to that."}]}';
    const bad = '{"messages":[{"role":"user","content":"Hi"},{"role":"assistant","content":"Broken \\ud800 here and \\udc00 there"}]}';
    const { report, examples } = analyzeText(`${good}\n${bad}\n`, estimateOptions());
    const found = ofCode(report, 'lone-surrogate');
    assert.equal(found.length, 1);
    const column = bad.indexOf('\\ud800') + 1;
    assert.deepEqual([found[0]?.line, found[0]?.column, found[0]?.end_column], [2, column, column + 6]);
    assert.match(found[0]?.message ?? '', /\\ud800 is a lone surrogate.*\(and 1 more in this record\).*surrogates not allowed/);
    assert.equal(report.total_examples, 1);
    assert.equal(examples.length, 1);
  });

  it('finds raw unpaired surrogate units too, and only unpaired ones', () => {
    const starts = (text: string) => findLoneSurrogates(text).found.map((s) => s.start);
    assert.deepEqual(starts('"a\ud800b"'), [2]);
    assert.deepEqual(findLoneSurrogates('"\ud83d\ude00"'), { found: [], count: 0 });
    assert.deepEqual(findLoneSurrogates('"\\ud83d\\ude00 \\udc00"').found.map((s) => s.written), ['\\udc00']);
    assert.deepEqual(starts('"\\\\\\ud83d"'), [3]);
    const many = findLoneSurrogates(`"${'\\ud800'.repeat(1000)}"`, 1);
    assert.deepEqual([many.found.length, many.count], [1, 1000]);
  });
});

describe('real-world shapes: JSON array files and single objects (14)', () => {
  const record = { messages: [{ role: 'user', content: 'Hi there' }, { role: 'assistant', content: 'Hello! How can I help?' }] };

  it('total_lines is the real line count of an array file', () => {
    const one = analyzeText(JSON.stringify([record, record]), estimateOptions()).report;
    assert.equal(one.total_lines, 1);
    const pretty = JSON.stringify([record, record], null, 2);
    const lines = pretty.split('\n').length;
    assert.equal(analyzeText(pretty, estimateOptions()).report.total_lines, lines);
    assert.equal(analyzeText(`${pretty}\n`, estimateOptions()).report.total_lines, lines);
    assert.equal(analyzeText(`[\n${JSON.stringify(record)},\n\n${JSON.stringify(record)}\n]\n`, estimateOptions()).report.total_lines, 5);
  });

  it('a single pretty-printed object is one record, with a warning that names both layouts', () => {
    const { report } = analyzeText(JSON.stringify(record, null, 2), estimateOptions());
    assert.equal(report.total_examples, 1);
    const [warning] = ofCode(report, 'multiline-record');
    assert.match(warning?.message ?? '', /does not start with "\[" is read as JSON Lines \(whatever its extension\).*top-level array/);
  });
});

describe('real-world shapes: compressed and UTF-16 files (15)', () => {
  const data = jsonl([{ messages: [{ role: 'user', content: 'Hi' }, { role: 'assistant', content: 'Hello there, friend.' }] }]);

  it('one detector for compressed and wide-encoded heads', () => {
    assert.deepEqual(detectUnreadableFile(gzipSync(data)), { kind: 'compressed', compression: 'gzip' });
    assert.deepEqual(detectUnreadableFile(new Uint8Array([0x50, 0x4b, 0x03, 0x04, 1])), { kind: 'compressed', compression: 'zip' });
    assert.deepEqual(detectUnreadableFile(Buffer.from(`\ufeff${data}`, 'utf16le')), { kind: 'encoding', encoding: 'utf-16le' });
    assert.equal(detectUnreadableFile(new TextEncoder().encode(data)), null);
  });

  it('a gzip file is one compressed-file error, not per-line noise', () => {
    const { report } = analyzeDatasetBytes(gzipSync(Buffer.from(data.repeat(50))), estimateOptions());
    assert.deepEqual(Object.keys(report.format_errors).sort(), ['compressed-file', 'no-examples']);
    const [finding] = ofCode(report, 'compressed-file');
    assert.equal(finding?.message, unreadableFileMessage({ kind: 'compressed', compression: 'gzip' }));
    assert.match(finding?.message ?? '', /gzip-compressed.*gunzip/);
  });

  it('a UTF-16 file keeps its file-encoding error with the shared message', () => {
    const { report } = analyzeDatasetBytes(Buffer.from(`\ufeff${data}`, 'utf16le'), estimateOptions());
    assert.equal(ofCode(report, 'file-encoding')[0]?.message, unreadableFileMessage({ kind: 'encoding', encoding: 'utf-16le' }));
  });
});

describe('real-world shapes: language and multi-turn facts (16)', () => {
  const portuguese = [
    ['Qual é a capital do Brasil?', 'A capital do Brasil é Brasília, que foi inaugurada em 1960 para ser o centro do país.'],
    ['Como se diz obrigado em inglês?', 'Em inglês se diz "thank you", que é uma forma educada de agradecer a alguém.'],
    ['O que é a fotossíntese?', 'A fotossíntese é o processo em que as plantas usam a luz do sol para produzir o seu alimento.'],
  ];

  it('Portuguese text is non-English text, mostly Portuguese, in the model reasons', () => {
    const records = portuguese.map(([q, a]) => ({ messages: [{ role: 'user', content: q }, { role: 'assistant', content: a }] }));
    const { report } = analyzeText(jsonl(records), estimateOptions());
    assert.equal(report.characteristics.dominant_language, 'pt');
    assert.ok(report.characteristics.multilingual_share > 0.9, String(report.characteristics.multilingual_share));
    const reasons = recommendModels(report, 'qa', 'cloud').flatMap((r) => r.reasons);
    const language = reasons.filter((r) => r.includes('non-English text'));
    assert.ok(language.length > 0, reasons.join('\n'));
    for (const reason of language) assert.match(reason, /^\d+% non-English text \(mostly Portuguese\); /);
    assert.ok(!reasons.some((r) => /non-Latin|mostly latin/.test(r)), 'no script name stands in for the language');
  });

  it('the multi-turn bonus needs multi-turn data (is_multi_turn), not one multi-turn example', () => {
    const some = makeReport({ multi_turn_percentage: 30, characteristics: { is_multi_turn: false } });
    for (const r of recommendModels(some, 'conversation', 'server')) assert.ok(!r.terms.some((t) => t.key === 'multi-turn'), r.model_id);
    const most = makeReport({ multi_turn_percentage: 80, characteristics: { is_multi_turn: true } });
    const term = recommendModels(most, 'conversation', 'server').flatMap((r) => r.terms).find((t) => t.key === 'multi-turn');
    assert.match(term?.reason ?? '', /80% of examples are multi-turn/);
  });
});
