import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { analyzeRecord } from '../../../src/core/analysis/analyzeRecord';
import type { RecordResult } from '../../../src/core/analysis/record';
import { FIELD_COUNT, PACKED_BUFFERS, RecordPacker, packRecords, packedBuffers, unpackRecords } from '../../../src/core/analysis/recordPack';
import { emptyVotes } from '../../../src/core/text/stopWords';
import { createRecordOptions } from '../../../src/node/recordOptions';

const fixtures = join(__dirname, '../../fixtures/analysis');
const options = createRecordOptions({ encoding: 'o200k_base', countMode: 'raw', maxSeqLength: 2048, exact: false, nearDuplicates: true });

function analyzeLines(lines: string[], startCharacter?: number): RecordResult[] {
  return lines.map((text, i) => {
    const span = { startLine: i, ...(startCharacter === undefined ? {} : { startCharacter }), endLine: i, endCharacter: text.length, byteOffset: i * 1000, byteLength: text.length };
    return analyzeRecord({ ordinal: i, text, span, multiline: false }, options).result;
  });
}

function roundTrip(records: RecordResult[]): RecordResult[] {
  const out: RecordResult[] = [];
  unpackRecords(packRecords(records), (r) => out.push(r));
  return out;
}

describe('recordPack (block results in columns between threads)', () => {
  it('gives back every field of real records from the fixtures: valid, broken, alpaca, array elements', () => {
    const lines = ['valid.jsonl', 'broken.jsonl', 'alpaca.jsonl']
      .flatMap((f) => readFileSync(join(fixtures, f), 'utf8').split('\n'))
      .filter((l) => l.trim() !== '');
    const records = [...analyzeLines(lines), ...analyzeLines(lines.slice(0, 3), 7)];
    // The fixtures exercise what the packing must carry: nulls, findings, cookbook errors and votes.
    assert.ok(records.some((r) => r.exactHash === null) && records.some((r) => r.exactHash !== null));
    assert.ok(records.some((r) => r.findings.length > 0));
    assert.ok(records.some((r) => Object.keys(r.cookbookErrors).length > 0));
    assert.ok(records.some((r) => Object.keys(r.script.votes).length > 0));
    assert.ok(records.some((r) => r.format === null) && records.some((r) => r.format === 'alpaca'));
    assert.deepEqual(roundTrip(records), records);
  });

  it('keeps null band keys apart from empty ones, and hashes to the last of their 53 bits', () => {
    const [base] = analyzeLines([JSON.stringify({ messages: [{ role: 'user', content: 'hi there' }, { role: 'assistant', content: 'hello' }] })]);
    assert.ok(base);
    const variants: RecordResult[] = [
      { ...base, ordinal: 0, bandKeys: null },
      { ...base, ordinal: 1, bandKeys: new Uint32Array(0) },
      { ...base, ordinal: 2, bandKeys: Uint32Array.from({ length: 16 }, (_, k) => 0xffffffff - k), exactHash: 2 ** 53 - 1, promptHash: 0, replyHash: null },
      { ...base, ordinal: 3, valid: false, missingSystem: true, missingUser: true, format: 'text' },
    ];
    const back = roundTrip(variants);
    assert.deepEqual(back, variants);
    assert.equal(back[0]?.bandKeys, null);
    assert.equal(back[1]?.bandKeys?.length, 0);
  });

  it('carries each record\'s shingles, and none for records packed without them', () => {
    const lines = readFileSync(join(fixtures, 'valid.jsonl'), 'utf8').split('\n').filter((l) => l.trim() !== '');
    const analyzed = lines.map((text, i) =>
      analyzeRecord({ ordinal: i, text, span: { startLine: i, endLine: i, endCharacter: text.length, byteOffset: 0, byteLength: text.length } , multiline: false }, options),
    );
    const shingles = analyzed.map((a) => a.shingles);
    assert.ok(shingles.filter((s) => s !== null).length >= 2);
    shingles[1] = null;
    const back: RecordResult[] = [];
    unpackRecords(packRecords(analyzed.map((a) => a.result), shingles), (r) => back.push(r));
    back.forEach((r, i) => {
      const want = shingles[i];
      if (want === null || want === undefined) assert.equal(r.shingles, undefined, `record ${i}`);
      else assert.deepEqual(r.shingles, want, `record ${i}`);
      const { shingles: _, ...rest } = r;
      assert.deepEqual(rest, analyzed[i]?.result);
    });
  });

  it('stores one row of numbers per record, votes in their own columns and nothing in the sparse part of a clean record', () => {
    const clean = analyzeLines([
      JSON.stringify({ messages: [{ role: 'user', content: 'What is the boiling point of water at sea level?' }, { role: 'assistant', content: 'Water boils at 100 degrees Celsius at sea level.' }] }),
      JSON.stringify({ messages: [{ role: 'user', content: '12 34 56' }, { role: 'assistant', content: '78 90 12 34 56 78 90' }] }),
    ]);
    const packed = packRecords(clean);
    assert.equal(packed.count, 2);
    assert.equal(packed.numbers.length, 2 * FIELD_COUNT);
    assert.deepEqual(JSON.parse(packed.sparse), []);
    assert.deepEqual(clean[0]?.script.votes, { ...emptyVotes(), en: 2 });
    assert.deepEqual(roundTrip(clean), clean);
    assert.deepEqual(roundTrip([]), []);
  });

  it('carries votes for several languages in one record, and none for a record without Latin stop words', () => {
    const records = analyzeLines([
      JSON.stringify({ messages: [{ role: 'user', content: 'Le chat est dans la maison et the dog is with the cat.' }, { role: 'assistant', content: 'El perro está en la casa con los gatos, der Hund ist auch für die Katze da.' }] }),
      JSON.stringify({ messages: [{ role: 'user', content: '東京の天気はどうですか' }, { role: 'assistant', content: '晴れです' }] }),
    ]);
    const votes = records[0]?.script.votes;
    assert.ok(votes && votes.en > 0 && votes.fr > 0 && votes.es > 0 && votes.de > 0, JSON.stringify(votes));
    assert.deepEqual(records[1]?.script.votes, emptyVotes());
    assert.deepEqual(roundTrip(records), records);
  });

  it('packs into spare buffers of an earlier block (best fit, taken from the list) and gives the same records', () => {
    const lines = readFileSync(join(fixtures, 'valid.jsonl'), 'utf8').split('\n').filter((l) => l.trim() !== '');
    const analyzed = lines.map((text, i) =>
      analyzeRecord({ ordinal: i, text, span: { startLine: i, endLine: i, endCharacter: text.length, byteOffset: 0, byteLength: text.length }, multiline: false }, options),
    );
    const fresh = new RecordPacker(4096);
    analyzed.forEach((a) => fresh.add(a.result, a.shingles));
    const first = fresh.finish();
    // Plain copies: the views of `first` share the buffers that are reused below.
    const plain = (r: RecordResult) => ({ ...r, bandKeys: r.bandKeys && [...r.bandKeys], shingles: r.shingles && [...r.shingles] });
    const expected: ReturnType<typeof plain>[] = [];
    unpackRecords(first, (r) => expected.push(plain(r)));
    assert.ok(expected.some((r) => r.shingles !== undefined && r.shingles.length > 0));
    // Dirty the buffers, as an earlier block would have left them, then pack the same records into them.
    const spares = packedBuffers(first);
    assert.equal(spares.length, PACKED_BUFFERS);
    for (const b of spares) new Uint8Array(b).fill(0xab);
    const oversized = new ArrayBuffer(1 << 22);
    spares.push(oversized);
    const reused = new RecordPacker(4096, spares);
    analyzed.forEach((a) => reused.add(a.result, a.shingles));
    const second = reused.finish();
    assert.deepEqual(spares, [oversized], 'the three fitting buffers are taken, the oversized one is left');
    assert.ok(packedBuffers(second).every((b) => b !== oversized));
    const back: ReturnType<typeof plain>[] = [];
    unpackRecords(second, (r) => back.push(plain(r)));
    assert.deepEqual(back, expected);
  });
});
