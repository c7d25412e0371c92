/**
 * Cheap facts about message text used for dataset characteristics: JSON-looking and code-bearing replies, and
 * what script tallies and stop-word votes (counted by the text scan, `text/scan.ts`) say about the dataset.
 */
import { STOP_WORD_LANGUAGES } from '../text/stopWords';
import type { ScriptTally } from './record';

/** Add `from` into `into` (`sign` −1 subtracts it again). */
export function mergeTally(into: ScriptTally, from: ScriptTally, sign: 1 | -1 = 1): void {
  // Field by field: a loop over Object.keys is a keyed (slow) access per field, once per record of a file.
  into.total += sign * from.total;
  into.nonAscii += sign * from.nonAscii;
  into.latin += sign * from.latin;
  into.latinExtended += sign * from.latinExtended;
  into.han += sign * from.han;
  into.kana += sign * from.kana;
  into.hangul += sign * from.hangul;
  into.cyrillic += sign * from.cyrillic;
  into.arabic += sign * from.arabic;
  into.devanagari += sign * from.devanagari;
  into.otherLetters += sign * from.otherLetters;
  into.emoji += sign * from.emoji;
  const a = into.votes;
  const b = from.votes;
  a.en += sign * b.en;
  a.es += sign * b.es;
  a.fr += sign * b.fr;
  a.de += sign * b.de;
  a.pt += sign * b.pt;
  a.it += sign * b.it;
}

/** A reply that is a JSON object or array (parses, when not huge). */
export function looksLikeJson(reply: string): boolean {
  const t = reply.trim();
  if (t.length < 2) return false;
  const open = t[0];
  const close = t[t.length - 1];
  if (!((open === '{' && close === '}') || (open === '[' && close === ']'))) return false;
  if (t.length > 100_000) return true;
  try {
    JSON.parse(t);
    return true;
  } catch {
    return false;
  }
}

/** A line that starts like code (tried at each line start only, which is much cheaper than a multiline scan). */
const CODE_LINE = /\s*(?:def |class \w|import \w|from [\w.]+ import |function \w|const \w+ ?=|let \w+ ?=|#include|public (?:static |class )|package \w|fn \w|SELECT .+ FROM|<\?php|#!\/)/y;

/** A reply that contains code (a fenced block or a line that starts like code), looking at its first 20,000 characters. */
export function hasCode(reply: string): boolean {
  const text = reply.length > 20_000 ? reply.slice(0, 20_000) : reply;
  if (text.includes('```')) return true;
  let start = 0;
  for (;;) {
    CODE_LINE.lastIndex = start;
    if (CODE_LINE.test(text)) return true;
    const nl = text.indexOf('\n', start);
    if (nl < 0) return false;
    start = nl + 1;
  }
}

/** Dominant script of the tallied letters. */
export function dominantScript(t: ScriptTally): string {
  const scripts: [string, number][] = [
    ['latin', t.latin + t.latinExtended],
    ['han', t.han],
    ['kana', t.kana],
    ['hangul', t.hangul],
    ['cyrillic', t.cyrillic],
    ['arabic', t.arabic],
    ['devanagari', t.devanagari],
    ['other', t.otherLetters],
  ];
  let best = scripts[0] as [string, number];
  for (const s of scripts) if (s[1] > best[1]) best = s;
  return best[1] === 0 ? 'none' : best[0];
}

/**
 * The non-English share of letters (the report's `multilingual_share`): letters of non-Latin scripts, plus Latin-script
 * letters in the share of stop-word votes that are not English, over all letters (emoji, digits and punctuation
 * excluded).
 */
export function nonEnglishShare(t: ScriptTally): number {
  const foreign = t.han + t.kana + t.hangul + t.cyrillic + t.arabic + t.devanagari + t.otherLetters;
  const letters = t.latin + t.latinExtended + foreign;
  if (letters === 0) return 0;
  // Latin text in another language (es, fr, de, …) counts by stop-word share.
  let votes = 0;
  for (const lang of STOP_WORD_LANGUAGES) votes += t.votes[lang];
  const nonEnglishLatin = votes === 0 ? 0 : (votes - t.votes.en) / votes;
  return (foreign + (t.latin + t.latinExtended) * nonEnglishLatin) / letters;
}

/** Best-effort dominant language code from scripts and stop-word votes. */
export function dominantLanguage(t: ScriptTally): string {
  const script = dominantScript(t);
  switch (script) {
    case 'han':
      return t.kana > t.han * 0.1 ? 'ja' : 'zh';
    case 'kana':
      return 'ja';
    case 'hangul':
      return 'ko';
    case 'cyrillic':
      return 'ru';
    case 'arabic':
      return 'ar';
    case 'devanagari':
      return 'hi';
    case 'latin': {
      // Ties go to the earlier language of STOP_WORD_LANGUAGES (English first), whatever order votes came in.
      let best = 'en';
      let bestVotes = 0;
      for (const lang of STOP_WORD_LANGUAGES) {
        const n = t.votes[lang];
        if (n > bestVotes) {
          best = lang;
          bestVotes = n;
        }
      }
      return best;
    }
    default:
      return 'en';
  }
}
