import assert from 'node:assert/strict';
import fc from 'fast-check';
import { emptyScriptTally } from '../../../src/core/analysis/record';
import { hasCode } from '../../../src/core/analysis/textFacts';
import { findSensitive } from '../../../src/core/checks/sensitive';
import type { ChatExample, ChatMessage, ChatRole } from '../../../src/core/formats/chat';
import { FNV_OFFSET, FNV_PRIME, M1, M2, M3, SEED1, SEED2, finishLanes, fmix32, fnv1a } from '../../../src/core/text/hashing';
import { VOTE_SAMPLE, scanExample } from '../../../src/core/text/scan';
import { emptyVotes, stopWordLanguage } from '../../../src/core/text/stopWords';
import { sensitiveHints } from '../../../src/core/text/sensitiveHints';
import { codePointLength, lowerCaseTable } from '../../../src/core/text/unicode';
import { SINGLE, WORD, bmpWordClasses, classifyCodePoint, splitWords } from '../../../src/core/text/words';
import { estimateTokens } from '../../../src/core/tokens/estimate';

// Oracles: the canonical form and the words built as strings, the slow and obvious way.

/** Canonical content: NFC, every run of JavaScript whitespace (which includes U+FEFF) one space, trimmed. */
function canonical(content: string): string {
  return content.normalize('NFC').replace(/\s+/g, ' ').trim();
}

function lowerUnits(s: string): string {
  let out = '';
  const table = lowerCaseTable();
  for (let i = 0; i < s.length; i++) out += String.fromCharCode(table[s.charCodeAt(i)] as number);
  return out;
}

/**
 * 53-bit hashes of role, marker, canonical content, built from strings the way text/scan.ts builds them: two lanes
 * over the lowercased content, and a case lane that takes in every unit lowercasing changed with the lanes' state.
 */
function messageHashes(role: string, content: string): { plain: number; folded: number } {
  let a = SEED1;
  let b = SEED2;
  let u = 0;
  const feed = (c: number) => {
    a = Math.imul(a ^ c, M1);
    b = Math.imul(b ^ c, M2);
  };
  for (let i = 0; i < role.length; i++) feed(role.charCodeAt(i));
  feed(0x10001);
  const lowered = lowerUnits(content);
  for (let i = 0; i < content.length; i++) {
    const c = content.charCodeAt(i);
    const d = lowered.charCodeAt(i);
    // Surrogate pairs are hashed as written (the table maps surrogates to themselves).
    if (d !== c) u = Math.imul(u ^ a ^ c, M3);
    feed(d);
  }
  const folded = finishLanes(a, b);
  return { folded, plain: u === 0 ? folded : finishLanes(a ^ u, b ^ Math.imul(u, M2)) };
}

function combine(hashes: number[]): number {
  let h1 = SEED1 ^ hashes.length;
  let h2 = SEED2;
  for (const h of hashes) {
    for (const part of [h >>> 0, Math.floor(h / 4294967296)]) {
      h1 = Math.imul(h1 ^ part, M1);
      h2 = Math.imul(h2 ^ part, M2);
    }
  }
  return finishLanes(h1, h2);
}

// Text drawn from pieces that exercise every path of the fused loop: ASCII words and punctuation, every kind of
// whitespace, accents in both NFC and NFD, CJK, Hangul jamo, emoji (surrogate pairs), a lone surrogate, BOM.
const piece = fc.constantFrom(
  'the', 'Quick', 'BROWN', 'fox', '42', 'x_1', ',', '.', '!', ' ', '  ', '\t', '\n', '\r\n', '\u00a0', '\u2003', '\u3000',
  '\ufeff', 'café', 'cafe\u0301', 'Ünïcödé', '我爱编程', 'ひらがな', '한국어', '\u1100\u1161', '👍🏽', '🇩🇪', '𠀀',
  '\ud800', 'Привет', 'Ελληνικά', 'İstanbul', 'ß', '₂', 'Ω', '\u212b', 'é', '-', '@', '```', 'sk-', 'AKIA', 'ghp_',
  'API_KEY', 'Token', 'passw', '-----BEGIN PRIVATE KEY-----', 'eyJ', 'hf_', '5550123', '0', '9',
);
const text = fc.array(piece, { maxLength: 40 }).map((parts) => parts.join(''));
const role = fc.constantFrom<ChatRole>('system', 'user', 'assistant', 'tool');
const example = fc.array(fc.record({ role, content: text }), { minLength: 1, maxLength: 5 }).map((messages): ChatExample => ({ messages: messages as ChatMessage[] }));

describe('text/scan (the fused pass)', () => {
  it('hashes exactly the canonical form: NFC, whitespace runs collapsed, trimmed; folded = lowercased per code unit', () => {
    fc.assert(
      fc.property(example, (ex) => {
        const scan = scanExample(ex, { shingleSize: 0 });
        const plain = ex.messages.map((m) => messageHashes(m.role, canonical(m.content)).plain);
        const folded = ex.messages.map((m) => messageHashes(m.role, canonical(m.content)).folded);
        // Lowercased text has nothing left to lowercase: its text-as-written hash is its lowercased hash.
        ex.messages.forEach((m, i) => assert.equal(messageHashes(m.role, lowerUnits(canonical(m.content))).plain, folded[i]));
        assert.equal(scan.exactHash, combine(plain));
        let last = -1;
        ex.messages.forEach((m, i) => {
          if (m.role === 'assistant') last = i;
        });
        assert.equal(scan.replyHash, last < 0 ? null : folded[last]);
        assert.equal(scan.promptHash, last < 0 ? null : combine(folded.slice(0, last)));
      }),
      { numRuns: 400 },
    );
  });

  it('gives texts that differ only in case different exact hashes and the same prompt and reply hashes', () => {
    const variants = ['Hello World', 'hello world', 'HELLO WORLD', 'hello World', 'Hello world', 'hELLO wORLD', 'Ünïcödé café', 'ünïcödé café', 'ÜNÏCÖDÉ CAFÉ'];
    const scans = variants.map((v) => scanExample({ messages: [{ role: 'user', content: v }, { role: 'assistant', content: v }] }, { shingleSize: 0 }));
    for (let i = 0; i < variants.length; i++) {
      for (let j = i + 1; j < variants.length; j++) {
        const same = variants[i]?.toLowerCase() === variants[j]?.toLowerCase();
        assert.notEqual(scans[i]?.exactHash, scans[j]?.exactHash, `${variants[i]} / ${variants[j]}`);
        assert.equal(scans[i]?.promptHash === scans[j]?.promptHash, same, `${variants[i]} / ${variants[j]}`);
        assert.equal(scans[i]?.replyHash === scans[j]?.replyHash, same, `${variants[i]} / ${variants[j]}`);
      }
    }
    // Where the differing case sits matters, not only how many units differ.
    const at = (v: string) => scanExample({ messages: [{ role: 'user', content: v }] }, { shingleSize: 0 }).exactHash;
    assert.notEqual(at('Ab ab'), at('ab Ab'));
    assert.equal(at('  Ab   ab '), at('Ab ab'));
  });

  it('emits one hash per word of the NFC, lowercased text, system messages skipped', () => {
    fc.assert(
      fc.property(example, (ex) => {
        const seed = Math.imul(1, 0x9e3779b1);
        const got = Array.from(scanExample(ex, { shingleSize: 1 }).shingles, (h) => (h ^ seed) >>> 0);
        const words = ex.messages.filter((m) => m.role !== 'system').flatMap((m) => splitWords(m.content));
        const expected = words.map((w) => fmix32(fnv1a(lowerUnits(w.normalize('NFC')))));
        // splitWords lowercases with toLowerCase; the scan lowercases per code unit (same for these pieces but İ).
        if (ex.messages.some((m) => m.content.includes('İ'))) return;
        assert.deepEqual(got, words.length === 0 ? [] : expected);
      }),
      { numRuns: 400 },
    );
  });

  it('gives k-word shingles that depend only on the words, one per window', () => {
    fc.assert(
      fc.property(example, fc.integer({ min: 1, max: 6 }), (ex, k) => {
        if (ex.messages.some((m) => m.content.includes('İ'))) return;
        const scan = scanExample(ex, { shingleSize: k });
        const words = ex.messages.filter((m) => m.role !== 'system').flatMap((m) => splitWords(m.content));
        assert.equal(scan.shingles.length, words.length === 0 ? 0 : Math.max(1, words.length - k + 1));
        // The same words with other spacing and punctuation give the same shingles.
        const respaced: ChatExample = { messages: [{ role: 'user', content: words.join(' ;  ') }] };
        assert.deepEqual(scanExample(respaced, { shingleSize: k }).shingles, scan.shingles);
      }),
      { numRuns: 300 },
    );
  });

  it('counts code points, estimates tokens and pre-checks sensitive data as the standalone functions do', () => {
    fc.assert(
      fc.property(example, (ex) => {
        const scan = scanExample(ex);
        assert.deepEqual(scan.codePoints, ex.messages.map((m) => codePointLength(m.content)));
        assert.deepEqual(scan.estimates, ex.messages.map((m) => estimateTokens(m.content)));
        assert.deepEqual(scan.sensitiveHints, ex.messages.map((m) => sensitiveHints(m.content)));
      }),
      { numRuns: 400 },
    );
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 80 }), (s) => {
        const scan = scanExample({ messages: [{ role: 'user', content: s }] });
        assert.equal(scan.codePoints[0], codePointLength(s));
        assert.equal(scan.estimates[0], estimateTokens(s));
        assert.equal(scan.sensitiveHints[0], sensitiveHints(s));
      }),
      { numRuns: 400 },
    );
  });

  it('tallies scripts in the first 256 code units of each message and counts stop-word votes', () => {
    const tally = emptyScriptTally();
    scanExample(
      {
        messages: [
          { role: 'system', content: 'the the the' },
          { role: 'user', content: 'El perro y los gatos están en la casa, para que el niño juegue.' },
          { role: 'assistant', content: `我爱编程 ${'x'.repeat(300)} 한국어` },
          { role: 'user', content: 'the and is: a second user message does not vote' },
        ],
      },
      { tally },
    );
    // Spanish stop words vote: el, los, están, el (para and que are also Portuguese, so they do not); the system
    // message and later user messages do not.
    assert.deepEqual(tally.votes, { ...emptyVotes(), es: 4 });
    assert.equal(tally.han, 4);
    assert.equal(tally.hangul, 0, 'Hangul after the first 256 code units is outside the sample');
    assert.equal(tally.latinExtended, 2); // á and ñ
    assert.equal(tally.total, 11 + 63 + 256 + 47);
  });

  it('votes with every whole word that starts before the vote sample ends, across ranges, pairs and trailing space', () => {
    // Oracle: words of the text as written (classes per code point, lowercased per BMP unit), with start offsets.
    const classes = bmpWordClasses();
    const lower = lowerCaseTable();
    const wordsWithStarts = (t: string): [string, number][] => {
      const out: [string, number][] = [];
      let current = '';
      let start = 0;
      for (let i = 0; i < t.length; i++) {
        const cp = t.codePointAt(i) as number;
        const units = cp > 0xffff ? 2 : 1;
        const cls = cp > 0xffff ? classifyCodePoint(cp) : (classes[cp] as number);
        const written = t.slice(i, i + units);
        const lowered = units === 2 ? written : String.fromCharCode(lower[cp] as number);
        if (cls === WORD) {
          if (current === '') start = i;
          current += lowered;
        } else {
          if (current !== '') out.push([current, start]);
          current = '';
          if (cls === SINGLE) out.push([lowered, i]);
        }
        i += units - 1;
      }
      if (current !== '') out.push([current, start]);
      return out;
    };
    const stop = fc.constantFrom('the', 'The', 'and', 'THE', 'el', 'los', 'que', 'der', 'und', 'les', 'dans', 'il', 'una', 'para', 'mais');
    const filler = fc.constantFrom(' ', '  ', '\n', '\t', ',', 'x', 'word', 'thee', '😀', '𠀀', '漢', 'é', '\u3000', '\u00a0', '-', 'ab12');
    const longText = fc.array(fc.oneof(stop, filler), { minLength: 40, maxLength: 160 }).map((parts) => parts.join(''));
    fc.assert(
      fc.property(longText, (t) => {
        const tally = emptyScriptTally();
        scanExample({ messages: [{ role: 'user', content: t }] }, { tally });
        const expected = emptyVotes();
        for (const [word, start] of wordsWithStarts(t)) {
          if (start >= VOTE_SAMPLE) continue;
          const lang = stopWordLanguage(fnv1a(word) >>> 0);
          if (lang !== undefined) expected[lang]++;
        }
        assert.deepEqual(tally.votes, expected);
      }),
      { numRuns: 400 },
    );
  });

  it('re-hashes text that is not in NFC but keeps its written counts', () => {
    const nfd = { messages: [{ role: 'user' as const, content: 'cafe\u0301 cafe\u0301' }] };
    const nfc = { messages: [{ role: 'user' as const, content: 'café café' }] };
    const a = scanExample(nfd);
    const b = scanExample(nfc);
    assert.equal(a.exactHash, b.exactHash);
    assert.deepEqual(a.shingles, b.shingles);
    assert.deepEqual(a.codePoints, [11]);
    assert.deepEqual(b.codePoints, [9]);
  });

  it('keeps FNV constants in step with fnv1a', () => {
    assert.equal(fnv1a('a'), Math.imul(FNV_OFFSET ^ 97, FNV_PRIME));
  });
});

describe('checks/sensitive pre-check', () => {
  const sensitivePiece = fc.constantFrom(
    'sk-', 'sk-ant-', 'AKIA', 'ASIA', 'ghp_', 'gho_', 'github_pat_', 'xoxb-', 'AIza', 'sk_live_', 'rk_live_', 'hf_', 'eyJ',
    'api_key', 'API_KEY', 'Secret', 'TOKEN', 'passwd', 'Password', '=', ': ', '"', '-----BEGIN RSA PRIVATE KEY-----',
    '-----END RSA PRIVATE KEY-----', '@', 'x@example.com', 'bob.smith@mail.co.uk', '+44 20 7946 0958', '(555) 123-4567',
    '4111 1111 1111 1111', 'DE89 3704 0044 0532 0130 00', '0', '1', '7', '9', '-', '.', ' ', '\n', 'é', '漢',
    'aB3dE5fG7hJ9kL1mN3pQ5rS7tU9vW1xY3zA5', '0123456789abcdef0123', 'ZZZZ',
    // Numbers split across runs, IBANs with letters in the account part, separators the patterns do not allow.
    'GB82 WEST 1234 5698 7654 32', 'NL91ABNA0417164300', '+1 (555) 010-9999', '555.010.9999', '4111-1111-1111-1111',
    '\u00a0', '\t', '(', ')', '+', 'a1', 'X9', 'GPT4', 'SHA256', '12345', '6789',
    // Secret keywords with long names and spacing before the operator (the pre-check's reach), and near misses.
    'password', 'PASSWORD_FOR_THE_PRODUCTION_DB', '_abcdefghijklmnopqrstuvw', "'", '   ', ':=', '=>', 'tokenizer', 'keys',
  );
  const sensitiveText = fc.array(sensitivePiece, { maxLength: 30 }).map((parts) => parts.join(''));

  it('never hides a match: results equal running every detector', () => {
    fc.assert(
      fc.property(sensitiveText, (t) => {
        assert.deepEqual(findSensitive(t), findSensitive(t, { precheck: false }));
      }),
      { numRuns: 2000 },
    );
  });

  it('finds a secret assignment however far its operator is from the keyword, within what the pattern allows', () => {
    const value = 'aB3dE5fG7hJ9kL1mN3pQ5rS7';
    for (const keyword of ['api_key', 'SECRET', 'access_token', 'Password', 'passwd', 'private-key']) {
      for (let name = 0; name <= 24; name += 4) {
        for (const quote of ['', '"']) {
          for (const spaces of ['', '   ', '\t\n ']) {
            for (const op of ['=', ':', '=>', '::']) {
              const text = `config ${keyword}${'x'.repeat(name)}${quote}${spaces}${op} ${value} end`;
              const all = findSensitive(text, { precheck: false });
              assert.deepEqual(findSensitive(text), all, text);
              assert.deepEqual(scanExample({ messages: [{ role: 'user', content: text }] }).sensitiveHints, [sensitiveHints(text)], text);
              assert.ok(all.length > 0, text);
            }
          }
        }
      }
    }
  });
});

describe('analysis/textFacts hasCode', () => {
  const OLD_CODE_PATTERN =
    /```|^\s*(?:def |class \w|import \w|from [\w.]+ import |function \w|const \w+ ?=|let \w+ ?=|#include|public (?:static |class )|package \w|fn \w|SELECT .+ FROM|<\?php|#!\/)/m;
  const codePiece = fc.constantFrom(
    'def f():', 'class A', 'import os', 'from a.b import c', 'function go', 'const x = 1', 'let y=2', '#include <x>',
    'public static void', 'package main', 'fn main', 'SELECT * FROM t', '<?php', '#!/bin/sh', '```', '``', 'text', ' ',
    '  ', '\t', '\n', 'undefined', 'classy', 'define', 'SELECT', 'FROM',
  );
  it('matches the multiline regex it replaced (line starts only)', () => {
    fc.assert(
      fc.property(fc.array(codePiece, { maxLength: 20 }).map((p) => p.join('')), (t) => {
        assert.equal(hasCode(t), OLD_CODE_PATTERN.test(t));
      }),
      { numRuns: 2000 },
    );
  });
});
