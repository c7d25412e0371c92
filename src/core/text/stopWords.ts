/**
 * Stop words that are frequent and fairly specific to one Latin-script language, looked up by the FNV-1a hash of
 * the lowercased word (the hash the text scanner already computes per word, so no word strings are built).
 */
import { fnv1a } from './hashing';

/** The languages stop words vote for. */
export type StopWordLanguage = 'en' | 'es' | 'fr' | 'de' | 'pt' | 'it';

/**
 * Votes per language, every language always present: one object shape for all records (objects with only the
 * languages seen took a dozen shapes, and code that read them was compiled again for each new one).
 */
export type StopWordVotes = Record<StopWordLanguage, number>;

/** No votes yet. */
export function emptyVotes(): StopWordVotes {
  return { en: 0, es: 0, fr: 0, de: 0, pt: 0, it: 0 };
}

const STOP_WORDS: readonly (readonly [StopWordLanguage, string])[] = [
  ['en', 'the and is are was were have has been will would with this that from which'],
  ['es', 'el los las una está están para por que del como pero más también'],
  ['fr', 'le les une est sont dans pour avec sur des du au aux mais être'],
  ['de', 'der die das ein eine ist sind für mit auf von nicht und auch dem den'],
  // que, como and por are Spanish too (and que French): listed for both, they do not vote (Portuguese read as Spanish).
  ['pt', 'os uma não são com para pelo pela também mais muito você isso é ao às foi seu sua em que como por'],
  ['it', 'il gli una sono della delle degli anche per non che nel alla questo'],
];

// A word listed for two languages (para, mais, una) says nothing about which one: it does not vote.
// An open-addressing table of hashes (a Map keyed by 32-bit numbers boxes most of them; this lookup runs for every
// word near the start of a message). Language 0 marks a free slot, AMBIGUOUS a word of two languages.
/** The languages stop words vote for, in a fixed order (English first). */
export const STOP_WORD_LANGUAGES: readonly StopWordLanguage[] = STOP_WORDS.map(([lang]) => lang);
const LANGS: readonly (StopWordLanguage | undefined)[] = [undefined, ...STOP_WORD_LANGUAGES];
const AMBIGUOUS = 255;
const TABLE_BITS = 10;
const keys = new Uint32Array(1 << TABLE_BITS);
const langs = new Uint8Array(1 << TABLE_BITS);

function slotOf(h: number): number {
  let s = Math.imul(h, 0x9e3779b1) >>> (32 - TABLE_BITS);
  while (langs[s] !== 0 && keys[s] !== h) s = (s + 1) & ((1 << TABLE_BITS) - 1);
  return s;
}

STOP_WORDS.forEach(([, list], index) => {
  for (const word of list.split(' ')) {
    const h = fnv1a(word.normalize('NFC')) >>> 0;
    const s = slotOf(h);
    langs[s] = langs[s] === 0 ? index + 1 : AMBIGUOUS;
    keys[s] = h;
  }
});

/** The language a stop word votes for, by the FNV-1a hash of the lowercased NFC word; undefined for other words. */
export function stopWordLanguage(wordHash: number): StopWordLanguage | undefined {
  const lang = langs[slotOf(wordHash >>> 0)] as number;
  return lang === 0 || lang === AMBIGUOUS ? undefined : LANGS[lang];
}
