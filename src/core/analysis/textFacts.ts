/**
 * Cheap facts about message text used for dataset characteristics: script tallies, language votes, JSON-looking
 * and code-bearing replies. Each function looks at a bounded prefix of the text so cost stays linear and small.
 */
import type { ScriptTally } from './record';

/** Characters of each message inspected for script tallies. */
const SCRIPT_SAMPLE = 256;
/** Characters of each message inspected for stop-word votes. */
const VOTE_SAMPLE = 300;

/** Stop words that are frequent and fairly specific to one Latin-script language. */
const STOP_WORDS: ReadonlyMap<string, string> = new Map(
  [
    ['en', 'the and is are was were have has been will would with this that from which'],
    ['es', 'el los las una está están para por que del como pero más también'],
    ['fr', 'le les une est sont dans pour avec sur des du au aux mais être'],
    ['de', 'der die das ein eine ist sind für mit auf von nicht und auch dem den'],
    ['pt', 'os uma não são com para pelo pela também mais muito você isso'],
    ['it', 'il gli una sono della delle degli anche per non che nel alla questo'],
  ].flatMap(([lang, words]) => (words as string).split(' ').map((w) => [w, lang as string] as const)),
);

/** Add the script tally of `text` (a bounded prefix) into `tally`; with `vote`, also its stop-word votes. */
export function tallyScripts(text: string, tally: ScriptTally, vote = true): void {
  const n = Math.min(text.length, SCRIPT_SAMPLE);
  for (let i = 0; i < n; i++) {
    let c = text.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < n) {
      c = ((c - 0xd800) << 10) + (text.charCodeAt(i + 1) - 0xdc00) + 0x10000;
      i++;
    }
    tally.total++;
    if (c < 0x80) {
      if ((c >= 65 && c <= 90) || (c >= 97 && c <= 122)) tally.latin++;
      continue;
    }
    tally.nonAscii++;
    if (c >= 0x4e00 && c <= 0x9fff) tally.han++;
    else if (c >= 0x3400 && c <= 0x4dbf) tally.han++;
    else if (c >= 0x3040 && c <= 0x30ff) tally.kana++;
    else if ((c >= 0xac00 && c <= 0xd7af) || (c >= 0x1100 && c <= 0x11ff)) tally.hangul++;
    else if (c >= 0x00c0 && c <= 0x024f && c !== 0xd7 && c !== 0xf7) tally.latinExtended++;
    else if (c >= 0x0400 && c <= 0x04ff) tally.cyrillic++;
    else if (c >= 0x0600 && c <= 0x06ff) tally.arabic++;
    else if (c >= 0x0900 && c <= 0x097f) tally.devanagari++;
    else if (c >= 0x1f000 || (c >= 0x2600 && c <= 0x27bf) || c === 0x200d || (c >= 0xfe00 && c <= 0xfe0f)) tally.emoji++;
    else if ((c >= 0x0370 && c <= 0x03ff) || (c >= 0x0590 && c <= 0x05ff) || (c >= 0x0e00 && c <= 0x0e7f)) tally.otherLetters++;
  }
  if (vote) voteLanguages(text, tally.votes);
}

/** Count stop words of Latin-script languages in a prefix of `text`. */
function voteLanguages(text: string, votes: Record<string, number>): void {
  const sample = text.length > VOTE_SAMPLE ? text.slice(0, VOTE_SAMPLE) : text;
  for (const word of sample.toLowerCase().split(/[^a-zà-ÿ]+/)) {
    if (word.length < 2 || word.length > 7) continue;
    const lang = STOP_WORDS.get(word);
    if (lang !== undefined) votes[lang] = (votes[lang] ?? 0) + 1;
  }
}

/** Add `from` into `into`. */
export function mergeTally(into: ScriptTally, from: ScriptTally): void {
  for (const key of Object.keys(from) as (keyof ScriptTally)[]) {
    if (key === 'votes') {
      for (const [lang, n] of Object.entries(from.votes)) into.votes[lang] = (into.votes[lang] ?? 0) + n;
    } else {
      into[key] += from[key];
    }
  }
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

const CODE_PATTERN =
  /```|^\s*(?:def |class \w|import \w|from [\w.]+ import |function \w|const \w+ ?=|let \w+ ?=|#include|public (?:static |class )|package \w|fn \w|SELECT .+ FROM|<\?php|#!\/)/m;

/** A reply that contains code (a fenced block or a line that starts like code). */
export function hasCode(reply: string): boolean {
  return CODE_PATTERN.test(reply.length > 20_000 ? reply.slice(0, 20_000) : reply);
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

/** Letters outside basic Latin as a share of all letters (emoji, digits and punctuation excluded). */
export function multilingualShare(t: ScriptTally): number {
  const foreign = t.han + t.kana + t.hangul + t.cyrillic + t.arabic + t.devanagari + t.otherLetters;
  const letters = t.latin + t.latinExtended + foreign;
  if (letters === 0) return 0;
  // Latin text in another language (es, fr, de, …) counts by stop-word share.
  const votes = Object.values(t.votes).reduce((a, b) => a + b, 0);
  const nonEnglishLatin = votes === 0 ? 0 : (votes - (t.votes.en ?? 0)) / votes;
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
      let best = 'en';
      let bestVotes = -1;
      for (const [lang, n] of Object.entries(t.votes)) {
        if (n > bestVotes || (n === bestVotes && lang === 'en')) {
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
