import assert from 'node:assert/strict';
import type { ChatExample } from '../../../src/core/formats/chat';
import { hashCanonicalExample } from '../../../src/core/dedup/hash';
import { lshBandKeys, minhashSignature } from '../../../src/core/dedup/minhash';
import {
  NearDuplicateFinder,
  findNearDuplicateClusters,
  findNearDuplicateClustersInExamples,
  findNearDuplicates,
} from '../../../src/core/dedup/nearDuplicates';
import { shingleHashes } from '../../../src/core/dedup/shingles';

const VOCAB = ('alpha bravo charlie delta echo foxtrot golf hotel india juliet kilo lima mike november oscar papa ' +
  'quebec romeo sierra tango uniform victor whiskey xray yankee zulu red green blue black white orange').split(' ');

/** A deterministic pseudo-random paragraph of `n` words. */
function paragraph(seed: number, n: number): string[] {
  let s = seed * 7919 + 13;
  const out: string[] = [];
  for (let i = 0; i < n; i++) {
    s = (s * 1103515245 + 12345) % 2147483648;
    out.push(VOCAB[(s >>> 16) % VOCAB.length]!);
  }
  return out;
}

function chat(user: string, assistant: string, system?: string): ChatExample {
  const messages: ChatExample['messages'] = [];
  if (system !== undefined) messages.push({ role: 'system', content: system });
  messages.push({ role: 'user', content: user }, { role: 'assistant', content: assistant });
  return { messages };
}

function withEdits(words: string[], positions: number[]): string {
  const copy = [...words];
  for (const p of positions) copy[p] = 'CHANGED' + p;
  return copy.join(' ');
}

const q = paragraph(1, 40);
const a = paragraph(2, 120);
const examples: ChatExample[] = [
  chat(q.join(' '), a.join(' ')), // 0 original
  chat(paragraph(3, 40).join(' '), paragraph(4, 120).join(' ')), // 1 unrelated
  chat(q.join(' '), withEdits(a, [60, 110])), // 2 near duplicate of 0
  chat(`  ${q.join('  ')}`, `${a.join(' ')}\n`), // 3 exact duplicate of 0 (whitespace only)
  chat(q.join(' '), withEdits(a, Array.from({ length: 30 }, (_, i) => i * 4))), // 4 too different from 0
  chat('ok', 'ok'), // 5 short
  chat('', '', 'system only words'), // 6 no words
  chat(paragraph(3, 40).join(' '), withEdits(paragraph(4, 120), [5]), 'A different system prompt'), // 7 near 1
];

describe('dedup/nearDuplicates', () => {
  it('finds planted near duplicates, skips unrelated, too-different and exact copies', () => {
    const clusters = findNearDuplicateClustersInExamples(examples);
    assert.deepEqual(clusters.map((c) => c.members), [[0, 2], [1, 7]]);
    assert.deepEqual(clusters.map((c) => c.representative), [0, 1]);
    for (const c of clusters) assert.ok(c.minSimilarity >= 0.8 && c.minSimilarity < 1);
  });

  it('reports exact copies as near duplicates only when no exact grouping is given', () => {
    const keys = examples.map((e) => {
      const sig = minhashSignature(shingleHashes(e));
      return sig === null ? null : lshBandKeys(sig);
    });
    const base = {
      count: examples.length,
      bandKeys: (i: number) => keys[i] ?? null,
      shingles: (i: number) => shingleHashes(examples[i]!),
    };
    const without = findNearDuplicateClusters(base);
    assert.deepEqual(without.map((c) => c.members), [[0, 2, 3], [1, 7]]);
    const hashes = examples.map(hashCanonicalExample);
    const withExact = findNearDuplicates({ ...base, exactGroupOf: (i) => hashes[i]! });
    assert.deepEqual(withExact.clusters.map((c) => c.members), [[0, 2], [1, 7]]);
    assert.equal(withExact.indexed, 6);
    assert.ok(withExact.candidatePairs >= withExact.verifiedPairs);
    assert.equal(withExact.verifiedPairs, 2);
  });

  it('honours the threshold and asks for shingles only of candidates', () => {
    const asked = new Set<number>();
    const keys = examples.map((e) => {
      const sig = minhashSignature(shingleHashes(e));
      return sig === null ? null : lshBandKeys(sig);
    });
    const clusters = findNearDuplicateClusters({
      count: examples.length,
      bandKeys: (i) => keys[i] ?? null,
      shingles: (i) => {
        asked.add(i);
        return shingleHashes(examples[i]!);
      },
      exactGroupOf: (i) => hashCanonicalExample(examples[i]!),
      threshold: 0.99,
    });
    assert.deepEqual(clusters, []);
    assert.ok(!asked.has(5) && !asked.has(6));
    assert.ok(asked.has(0) && asked.has(2));
  });

  it('gives the same clusters verifying as records stream in as verifying once at the end', () => {
    // Many variants of a few paragraphs, so that clusters grow through several links and pairs arrive late.
    const many: ChatExample[] = [];
    for (let i = 0; i < 60; i++) {
      const base = i % 5;
      many.push(chat(paragraph(100 + base, 30).join(' '), withEdits(paragraph(200 + base, 150), [i % 150, (i * 7) % 150])));
    }
    const keys = many.map((e) => lshBandKeys(minhashSignature(shingleHashes(e))!));
    const shingles = (i: number) => shingleHashes(many[i]!);
    const streaming = new NearDuplicateFinder(4);
    const atEnd = new NearDuplicateFinder(4);
    let asked = 0;
    keys.forEach((k, i) => {
      streaming.add(i, k);
      streaming.verify((j) => {
        assert.ok(j <= i, 'only records already added are re-read');
        asked++;
        return shingles(j);
      });
      atEnd.add(i, k);
    });
    atEnd.verify(shingles);
    assert.deepEqual(streaming.clusters(), atEnd.clusters());
    assert.equal(streaming.clusters().length, 5);
    // LSH is probabilistic: nearly every variant joins its paragraph's cluster.
    assert.ok(streaming.clusters().every((c) => c.members.length >= 10 && c.members.every((m) => m % 5 === c.representative % 5)));
    assert.ok(asked > 0 && streaming.candidatePairs === atEnd.candidatePairs);
  });

  it('returns nothing for empty input', () => {
    assert.deepEqual(findNearDuplicateClustersInExamples([]), []);
  });
});
