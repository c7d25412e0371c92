// The groups of "Show Duplicates" as plain data and QuickPick items. No `vscode` import: unit-tested under Node.
import type { DuplicatesResult } from '../../shared/lspProtocol';

/** Which relation a group is. */
export type GroupKind = 'exact' | 'near' | 'contradiction';

/** One group of related examples (1-based lines). */
export interface DuplicateGroupInfo {
  kind: GroupKind;
  lines: number[];
  similarity?: number;
}

const KIND_LABEL: Record<GroupKind, string> = { exact: 'Exact duplicates', near: 'Near duplicates', contradiction: 'Contradiction' };

/** Every group in one list: exact duplicates, then near-duplicate clusters, then contradictions. */
export function duplicateGroups(result: DuplicatesResult): DuplicateGroupInfo[] {
  return [
    ...result.exact.map((g) => ({ kind: 'exact' as const, lines: g.lines })),
    ...result.near.map((g) => (g.similarity === undefined ? { kind: 'near' as const, lines: g.lines } : { kind: 'near' as const, lines: g.lines, similarity: g.similarity })),
    ...result.contradictions.map((g) => ({ kind: 'contradiction' as const, lines: g.lines })),
  ];
}

function lineList(lines: readonly number[]): string {
  const shown = lines.slice(0, 12).join(', ');
  return lines.length > 12 ? `${shown}, … (${lines.length} in all)` : shown;
}

/** A QuickPick item per group; its value is the group's index in {@link duplicateGroups}. */
export function duplicateItems(groups: readonly DuplicateGroupInfo[]): { label: string; description: string; value: number }[] {
  return groups.map((g, i) => ({
    label: `${KIND_LABEL[g.kind]}: ${g.lines.length} examples`,
    description: `lines ${lineList(g.lines)}${g.similarity !== undefined ? ` · Jaccard ≥ ${g.similarity}` : ''}`,
    value: i,
  }));
}

/** One line summing the groups up ("2 exact-duplicate groups, 1 near-duplicate cluster, no contradictions"). */
export function duplicateSummary(groups: readonly DuplicateGroupInfo[]): string {
  const count = (kind: GroupKind) => groups.filter((g) => g.kind === kind).length;
  const part = (n: number, one: string, many: string) => (n === 0 ? `no ${many}` : `${n} ${n === 1 ? one : many}`);
  return `${part(count('exact'), 'exact-duplicate group', 'exact-duplicate groups')}, ${part(count('near'), 'near-duplicate cluster', 'near-duplicate clusters')}, ${part(count('contradiction'), 'contradiction', 'contradictions')}`;
}
