// Word-level differences between two texts, for the clusters view: the words of `text` not in a longest common
// subsequence with `base` are marked. Plain TS: unit-tested under Node.

export interface DiffPart {
  text: string;
  changed: boolean;
}

/** Words (and the spaces after them) compared at most; longer texts are shown without marks. */
export const MAX_DIFF_WORDS = 3000;

function words(text: string): string[] {
  return text.match(/\S+\s*|\s+/g) ?? [];
}

/** `text` split into parts, each marked changed when it is not shared with `base`. */
export function wordDiff(base: string, text: string): DiffPart[] {
  const a = words(base);
  const b = words(text);
  if (a.length > MAX_DIFF_WORDS || b.length > MAX_DIFF_WORDS) return [{ text, changed: false }];
  const key = (w: string) => w.trim();
  // lcs[i][j]: length of the LCS of a[i..] and b[j..].
  const lcs: Uint32Array[] = Array.from({ length: a.length + 1 }, () => new Uint32Array(b.length + 1));
  for (let i = a.length - 1; i >= 0; i--) {
    for (let j = b.length - 1; j >= 0; j--) {
      lcs[i]![j] = key(a[i]!) === key(b[j]!) ? lcs[i + 1]![j + 1]! + 1 : Math.max(lcs[i + 1]![j]!, lcs[i]![j + 1]!);
    }
  }
  const parts: DiffPart[] = [];
  const push = (word: string, changed: boolean) => {
    const last = parts[parts.length - 1];
    if (last !== undefined && last.changed === changed) last.text += word;
    else parts.push({ text: word, changed });
  };
  let i = 0;
  for (let j = 0; j < b.length; j++) {
    while (i < a.length && key(a[i]!) !== key(b[j]!) && lcs[i + 1]![j]! >= lcs[i]![j + 1]!) i++;
    if (i < a.length && key(a[i]!) === key(b[j]!) && lcs[i]![j]! === lcs[i + 1]![j + 1]! + 1) {
      push(b[j]!, false);
      i++;
    } else push(b[j]!, true);
  }
  return parts;
}
