/**
 * Stop words that are frequent and fairly specific to one Latin-script language, looked up by the FNV-1a hash of
 * the lowercased word (the hash the text scanner already computes per word, so no word strings are built).
 */
import { fnv1a } from './hashing';

const STOP_WORDS: readonly (readonly [string, string])[] = [
  ['en', 'the and is are was were have has been will would with this that from which'],
  ['es', 'el los las una está están para por que del como pero más también'],
  ['fr', 'le les une est sont dans pour avec sur des du au aux mais être'],
  ['de', 'der die das ein eine ist sind für mit auf von nicht und auch dem den'],
  ['pt', 'os uma não são com para pelo pela também mais muito você isso'],
  ['it', 'il gli una sono della delle degli anche per non che nel alla questo'],
];

// A word listed for two languages (para, mais, una) says nothing about which one: it does not vote.
const BY_HASH = new Map<number, string | null>();
for (const [lang, list] of STOP_WORDS) {
  for (const word of list.split(' ')) {
    const h = fnv1a(word.normalize('NFC'));
    BY_HASH.set(h, BY_HASH.has(h) ? null : lang);
  }
}

/** The language a stop word votes for, by the FNV-1a hash of the lowercased NFC word; undefined for other words. */
export function stopWordLanguage(wordHash: number): string | undefined {
  return BY_HASH.get(wordHash) ?? undefined;
}
