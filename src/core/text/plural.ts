/**
 * English count agreement for user-facing messages ("1 example", "2 examples", "1 example has", "2 examples have").
 */

/** `n` and the noun, plural unless `n` is 1: `plural(1, 'example')` → "1 example", `plural(2, 'reply', 'replies')` → "2 replies". */
export function plural(n: number, noun: string, pluralNoun = `${noun}s`): string {
  return `${n} ${n === 1 ? noun : pluralNoun}`;
}

/** The word that agrees with `n`: `agree(1, 'has', 'have')` → "has". */
export function agree(n: number, one: string, many: string): string {
  return n === 1 ? one : many;
}
