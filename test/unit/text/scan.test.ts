import assert from 'node:assert/strict';
import fc from 'fast-check';
import { emptyScriptTally } from '../../../src/core/analysis/record';
import { hasCode } from '../../../src/core/analysis/textFacts';
import { findSensitive } from '../../../src/core/checks/sensitive';
import type { ChatExample, ChatMessage, ChatRole } from '../../../src/core/formats/chat';
import { FNV_OFFSET, FNV_PRIME, M1, M2, SEED1, SEED2, finishLanes, fmix32, fnv1a } from '../../../src/core/text/hashing';
import { scanExample } from '../../../src/core/text/scan';
import { sensitiveHints } from '../../../src/core/text/sensitiveHints';
import { codePointLength, lowerCaseTable } from '../../../src/core/text/unicode';
import { splitWords } from '../../../src/core/text/words';
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

/** 53-bit hash of role, marker, canonical content: the lanes of text/scan.ts over a built string. */
function messageHash(role: string, content: string): number {
  let a = SEED1;
  let b = SEED2;
  const feed = (c: number) => {
    a = Math.imul(a ^ c, M1);
    b = Math.imul(b ^ c, M2);
  };
  for (let i = 0; i < role.length; i++) feed(role.charCodeAt(i));
  feed(0x10001);
  for (let i = 0; i < content.length; i++) feed(content.charCodeAt(i));
  return finishLanes(a, b);
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
        const plain = ex.messages.map((m) => messageHash(m.role, canonical(m.content)));
        const folded = ex.messages.map((m) => messageHash(m.role, lowerUnits(canonical(m.content))));
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
    // Spanish stop words vote: el, los, están, que, el (para is also Portuguese, so it does not); the system
    // message and later user messages do not.
    assert.deepEqual(tally.votes, { es: 5 });
    assert.equal(tally.han, 4);
    assert.equal(tally.hangul, 0, 'Hangul after the first 256 code units is outside the sample');
    assert.equal(tally.latinExtended, 2); // á and ñ
    assert.equal(tally.total, 11 + 63 + 256 + 47);
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
