/**
 * Several fixes as one edit ("fix all", "remove all duplicates"): LSP applies the edits of one document change
 * against the same text, so they must not overlap. Deletions go first (a record deleted makes edits inside it
 * moot), overlapping or adjacent deletions are merged into one, and any other fix that would overlap an edit already
 * taken is left for a later run.
 */
import type { Fix, Position, Range, TextEdit } from '../core/types';

function compare(a: Position, b: Position): number {
  return a.line - b.line || a.character - b.character;
}

function isEmpty(r: Range): boolean {
  return compare(r.start, r.end) === 0;
}

function isDeletion(e: TextEdit): boolean {
  return e.newText === '' && !isEmpty(e.range);
}

/**
 * Whether two edits cannot go into one document change: their ranges overlap, or they only touch and one of them is
 * an insertion (two edits at one point would apply in an order nobody chose). Non-empty ranges that only touch are
 * fine.
 */
export function editsConflict(a: TextEdit, b: TextEdit): boolean {
  const overlapOrTouch = compare(a.range.start, b.range.end) <= 0 && compare(b.range.start, a.range.end) <= 0;
  if (!overlapOrTouch) return false;
  const touchOnly = compare(a.range.end, b.range.start) === 0 || compare(b.range.end, a.range.start) === 0;
  return !(touchOnly && !isEmpty(a.range) && !isEmpty(b.range));
}

/** Edits of `fixes` that can be applied together, sorted by position, deletions merged. */
export function combineFixes(fixes: readonly Fix[]): TextEdit[] {
  const pureDeletion = (f: Fix) => f.edits.length > 0 && f.edits.every(isDeletion);
  // Stable: deletions first, each group in the order given (document order).
  const ordered = [...fixes.filter(pureDeletion), ...fixes.filter((f) => !pureDeletion(f))];
  const taken: TextEdit[] = [];
  for (const fix of ordered) {
    const deleting = pureDeletion(fix);
    const clash = fix.edits.some((e) => taken.some((t) => editsConflict(e, t) && !(deleting && isDeletion(t))));
    if (!clash) taken.push(...fix.edits);
  }
  taken.sort((a, b) => compare(a.range.start, b.range.start) || compare(a.range.end, b.range.end));
  const out: TextEdit[] = [];
  for (const edit of taken) {
    const last = out[out.length - 1];
    if (last && isDeletion(last) && isDeletion(edit) && compare(edit.range.start, last.range.end) <= 0) {
      if (compare(edit.range.end, last.range.end) > 0) out[out.length - 1] = { range: { start: last.range.start, end: edit.range.end }, newText: '' };
      continue;
    }
    out.push(edit);
  }
  return out;
}
