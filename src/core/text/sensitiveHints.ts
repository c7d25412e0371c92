/**
 * A cheap pre-check for the sensitive-data detectors (`checks/sensitive.ts`): which of them can possibly match a
 * text, from one pass with a window of its last four ASCII characters. The text scan (`scan.ts`) keeps the same
 * window on its own pass, so big files never scan a message twice for this. One regex scan per trigger family
 * cost about three times as much.
 *
 * Triggers: the case-sensitive key prefixes (`sk-`, `AKIA`, `ASIA`, `gh[pousr]_`, `github_pat_` via `pat_`, `xox`,
 * `AIza`, `k_live_` via `ive_`, `hf_`, `eyJ`), key|secret|token|passw in any case followed within
 * {@link SECRET_REACH} characters by `:` or `=` for secret assignments, `KEY-` for private-key blocks, an `@` for
 * e-mail, two capitals and a digit for an IBAN, and {@link NUMBER_DIGITS} digits in one run of digits and number
 * separators for phone and card numbers.
 */

/** Detector bits. */
export const MAY_EMAIL = 1;
export const MAY_NUMBER = 2;
export const MAY_KEY = 4;
export const MAY_SECRET = 8;
export const MAY_PRIVATE_KEY = 16;
export const MAY_IBAN = 32;
export const ALL_DETECTORS = 63;

/**
 * Digits needed in one run of digits and {@link isNumberSeparator} characters before the phone and card patterns are
 * tried: every character those patterns match is such a character, and they report nothing under 9 digits (the
 * shortest phone number). Counting the digits of a whole message instead sent the patterns over 62% of the text of
 * the bench corpus (any message with 9 digits anywhere); runs, over 0.05%.
 */
export const NUMBER_DIGITS = 9;

/**
 * Characters from the last character of a secret keyword's trigger to the `:` or `=` of its assignment, at most: in
 * `password`, the trigger `assw` ends 3 characters before the keyword does, and the pattern allows 24 name characters,
 * a quote and 3 spaces before the operator. A keyword alone (`token` in prose about tokenizers) sent 31% of the bench
 * text through the assignment pattern; a keyword and an operator within reach, 10%.
 */
export const SECRET_REACH = 32;

// Index up to which a `:` or `=` completes a secret assignment's trigger (per text: see beginHints).
let secretUntil = -1;

/** Start the window state for a new text (before the first windowHints call on it). */
export function beginHints(): void {
  secretUntil = -1;
}

/** Characters the phone and card patterns allow between digits: space, `(`, `)`, `+`, `-`, `.`. */
export function isNumberSeparator(c: number): boolean {
  return c === 32 || c === 40 || c === 41 || c === 43 || c === 45 || c === 46;
}

/** Up to four ASCII characters as a big-endian 32-bit number (`'AKIA'` → 0x414b4941). */
function packed(s: string): number {
  let w = 0;
  for (let i = 0; i < s.length; i++) w = ((w << 8) | s.charCodeAt(i)) >>> 0;
  return w;
}
const W_SK = packed('sk-');
const W_KEY_DASHES = packed('KEY-');
const W_AKIA = packed('AKIA');
const W_ASIA = packed('ASIA');
const W_AIZA = packed('AIza');
const W_PAT = packed('pat_');
const W_LIVE = packed('ive_');
const W_HF = packed('hf_');
const W_XOX = packed('xox');
const W_EYJ = packed('eyJ');
const W_GH = packed('gh\0_');
// Case-insensitive triggers are compared with 0x20 set in every byte: only letters map onto lowercase letters.
const W_KEY = packed('key');
const W_CRET = packed('cret');
const W_OKEN = packed('oken');
const W_ASSW = packed('assw');
const GH_LETTERS = new Set('pousr'.split('').map((ch) => ch.charCodeAt(0)));

/**
 * The last two characters of every trigger, indexed by `(previous << 8) | last` over 7-bit ASCII: the window is
 * compared only after such a pair (about 2% of characters in prose), not after every character.
 */
export const TRIGGER_PAIR = new Uint8Array(0x8000);
{
  const pairs = ['k-', 'Y-', 'IA', 'za', 't_', 'e_', 'f_', 'ox', 'yJ', 'p_', 'o_', 'u_', 's_', 'r_'];
  for (const tail of ['ey', 'et', 'en', 'sw']) {
    for (const a of [tail[0] as string, (tail[0] as string).toUpperCase()]) {
      for (const b of [tail[1] as string, (tail[1] as string).toUpperCase()]) pairs.push(a + b);
    }
  }
  for (const pair of pairs) TRIGGER_PAIR[(pair.charCodeAt(0) << 8) | pair.charCodeAt(1)] = 1;
  // An `@` after any character.
  for (let c = 0; c < 128; c++) TRIGGER_PAIR[(c << 8) | 64] = 1;
  // A digit after a capital: an IBAN starts with two capitals and two digits.
  for (let a = 65; a <= 90; a++) for (let d = 48; d <= 57; d++) TRIGGER_PAIR[(a << 8) | d] = 1;
  // An assignment operator after any character (completes a secret keyword seen shortly before).
  for (let c = 0; c < 128; c++) TRIGGER_PAIR[(c << 8) | 58] = TRIGGER_PAIR[(c << 8) | 61] = 1;
}

/**
 * Detector bits for the window `w` (the last four ASCII characters as written, the last one `c` in the low byte, at
 * index `i` of the text) after a trigger pair.
 */
export function windowHints(w: number, c: number, i: number): number {
  if (c === 64) return MAY_EMAIL;
  if (c === 58 || c === 61) return i <= secretUntil ? MAY_SECRET : 0;
  // The only triggers that end in a digit: capital, digit. A capital before them as well may start an IBAN.
  if (c >= 48 && c <= 57) return ((w >>> 16) & 0xff) - 65 >>> 0 < 26 ? MAY_IBAN : 0;
  const u = w >>> 0;
  const w3 = u & 0xffffff;
  const lu = (u | 0x20202020) >>> 0;
  const l3 = lu & 0xffffff;
  let hints = 0;
  if (w3 === W_SK || u === W_AKIA || u === W_ASIA || u === W_AIZA || u === W_PAT || u === W_LIVE || w3 === W_HF || w3 === W_XOX || w3 === W_EYJ) hints |= MAY_KEY;
  else if (c === 95 && ((u & 0xffff00ff) >>> 0) === W_GH && GH_LETTERS.has((u >>> 8) & 0xff)) hints |= MAY_KEY;
  else if (u === W_KEY_DASHES) hints |= MAY_PRIVATE_KEY;
  if (l3 === W_KEY || lu === W_CRET || lu === W_OKEN || lu === W_ASSW) secretUntil = i + SECRET_REACH;
  return hints;
}

/** Detector bits of a whole text (what the scan computes per message on its own pass). */
export function sensitiveHints(text: string): number {
  beginHints();
  let w = 0;
  let run = 0;
  let hints = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c >= 128) {
      w = 0;
      run = 0;
      continue;
    }
    w = (w << 8) | c;
    if (c >= 48 && c <= 57) {
      if (++run >= NUMBER_DIGITS) hints |= MAY_NUMBER;
    } else if (!isNumberSeparator(c)) {
      run = 0;
    }
    if (TRIGGER_PAIR[w & 0x7f7f] === 1) hints |= windowHints(w, c, i);
  }
  return hints;
}
