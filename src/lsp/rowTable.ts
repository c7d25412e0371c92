/**
 * The rows of the Dataset Editor for one version of a dataset: the per-record columns (`RecordColumns`) joined with
 * the whole-file facts of the same version's report and findings (duplicate groups, near-duplicate clusters,
 * contradictions, finding codes per record), filtered and sorted over typed arrays. The last few orders asked for
 * are kept, keyed by filter and sort, so paging through a million rows sorts once.
 */
import type { DatasetReport } from '../core/analysis/report';
import type { RecordColumns } from '../core/analysis/recordColumns';
import { formatOfColumn } from '../core/analysis/recordColumns';
import { codeInfo } from '../core/checks/codes';
import type { Row, RowFilter, RowSort, RowStatsResult } from '../shared/lspProtocol';
import { ROW_PREVIEW_MAX } from '../shared/lspProtocol';
import { firstPrompt } from './recordExample';

/** Severity ranks (0: no finding). */
const RANK = { info: 1, warning: 2, error: 3 } as const;
const SEVERITY_OF_RANK = [null, 'info', 'warning', 'error'] as const;

function rankOf(code: string): number {
  return RANK[codeInfo(code)?.severity ?? 'info'];
}

const EXACT = 1;
const NEAR = 2;
const CONTRADICTION = 4;

/** Orders (and text searches) kept per table. */
const CACHED_ORDERS = 4;

/** A finding as the table needs it: its code and 0-based first line. */
export interface LineFinding {
  code: string;
  line: number;
}

/** Where a table's record texts come from (the editor's copy, or the file by byte ranges). */
export interface RecordTextSource {
  /** The texts of these records (each cut after `maxChars` characters when given). */
  texts(indices: readonly number[], maxChars?: number): Promise<string[]>;
  /** Per record, 1 when its text contains `needle` (lower case) ignoring case. */
  search(needle: string): Promise<Uint8Array>;
}

/** The index of the record whose lines hold `line` (0-based), or -1. */
export function recordAtLine(columns: RecordColumns, line: number): number {
  let lo = 0;
  let hi = columns.count;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((columns.startLine[mid] as number) <= line) lo = mid + 1;
    else hi = mid;
  }
  const i = lo - 1;
  return i >= 0 && line <= (columns.endLine[i] as number) ? i : -1;
}

/** Counts per token range [from, to): [0,1), then powers of two, [1,2), [2,4), [4,8), ... (the charts' histograms). */
export function tokenBins(values: Iterable<number>): { from: number; to: number; count: number }[] {
  const bins: { from: number; to: number; count: number }[] = [];
  for (const t of values) {
    const bin = t < 1 ? 0 : Math.floor(Math.log2(t)) + 1;
    while (bins.length <= bin) {
      const b = bins.length;
      bins.push({ from: b === 0 ? 0 : 2 ** (b - 1), to: 2 ** b, count: 0 });
    }
    (bins[bin] as { count: number }).count++;
  }
  return bins;
}

/** One line of text: whitespace runs as one space, cut at `max` characters (never inside a surrogate pair). */
export function oneLine(text: string, max: number): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  if (flat.length <= max) return flat;
  const cut = flat.charCodeAt(max - 1) >= 0xd800 && flat.charCodeAt(max - 1) <= 0xdbff ? max - 1 : max;
  return flat.slice(0, cut);
}

export class RowTable {
  readonly count: number;
  /** Worst severity rank and number of findings per record. */
  private readonly rank: Uint8Array;
  private readonly findingCount: Uint32Array;
  /** Distinct codes, worst first, of records with findings. */
  private readonly codes = new Map<number, string[]>();
  private readonly flags: Uint8Array;
  /** 1-based line of the first copy (0: not a later copy), near-duplicate cluster (-1: none). */
  private readonly duplicateOf: Int32Array;
  private readonly cluster: Int32Array;
  private readonly orders = new Map<string, Uint32Array>();
  private readonly searches = new Map<string, Promise<Uint8Array>>();
  private statsValue: RowStatsResult | undefined;

  /**
   * @param findings every finding to show per record (the snapshot's, or a file's own codes plus its whole-file
   * findings), placed by first line.
   */
  constructor(
    readonly columns: RecordColumns,
    readonly report: DatasetReport,
    findings: Iterable<LineFinding>,
    readonly source: RecordTextSource,
  ) {
    const n = columns.count;
    this.count = n;
    this.rank = new Uint8Array(n);
    this.findingCount = new Uint32Array(n);
    this.flags = new Uint8Array(n);
    this.duplicateOf = new Int32Array(n);
    this.cluster = new Int32Array(n).fill(-1);
    for (const f of findings) {
      const i = recordAtLine(columns, f.line);
      if (i < 0) continue;
      this.findingCount[i] = (this.findingCount[i] as number) + 1;
      this.rank[i] = Math.max(this.rank[i] as number, rankOf(f.code));
      const list = this.codes.get(i);
      if (!list) this.codes.set(i, [f.code]);
      else if (!list.includes(f.code)) list.push(f.code);
    }
    // Worst first, then by name (the same order whichever way the findings came).
    for (const list of this.codes.values()) list.sort((a, b) => rankOf(b) - rankOf(a) || (a < b ? -1 : a > b ? 1 : 0));
    const inRange = (i: number) => Number.isInteger(i) && i >= 0 && i < n;
    for (const g of report.duplicates.exact.groups) {
      g.examples.forEach((i, k) => {
        if (!inRange(i)) return;
        this.flags[i] = (this.flags[i] as number) | EXACT;
        if (k > 0) this.duplicateOf[i] = g.lines[0] ?? 0;
      });
    }
    report.duplicates.near.groups.forEach((g, c) => {
      for (const i of g.examples) {
        if (!inRange(i)) continue;
        this.flags[i] = (this.flags[i] as number) | NEAR;
        this.cluster[i] = c;
      }
    });
    for (const g of report.contradictions.groups) for (const i of g.examples) if (inRange(i)) this.flags[i] = (this.flags[i] as number) | CONTRADICTION;
  }

  get version(): number | null {
    return this.columns.version;
  }

  tokensOf(i: number): number | null {
    const t = this.columns.tokens[i] as number;
    return t < 0 ? null : t;
  }

  /** The record indices matching `filter`, in the order `sort` asks for (cached). */
  async order(filter: RowFilter | undefined, sort: RowSort | undefined): Promise<Uint32Array> {
    const key = JSON.stringify([filter ?? {}, sort ?? null]);
    const known = this.orders.get(key);
    if (known) {
      // Most recently used last.
      this.orders.delete(key);
      this.orders.set(key, known);
      return known;
    }
    const needle = filter?.text?.toLowerCase() ?? '';
    const hits = needle === '' ? undefined : await this.search(needle);
    const matching = this.filter(filter ?? {}, hits);
    const sorted = sort ? this.sorted(matching, sort) : matching;
    this.orders.set(key, sorted);
    if (this.orders.size > CACHED_ORDERS) this.orders.delete(this.orders.keys().next().value as string);
    return sorted;
  }

  /** The rows of these records (previews read from their texts). */
  async rows(indices: readonly number[]): Promise<Row[]> {
    const texts = await this.source.texts(indices, PREVIEW_SOURCE_CHARS);
    return indices.map((i, k) => this.row(i, texts[k] ?? ''));
  }

  /** The numbers of the editor's charts (computed once per table). */
  stats(): RowStatsResult {
    this.statsValue ??= this.computeStats();
    return this.statsValue;
  }

  private computeStats(): RowStatsResult {
    const { columns, report } = this;
    const lengths: number[] = [];
    const turns = new Map<number, number>();
    for (let i = 0; i < this.count; i++) {
      const t = columns.tokens[i] as number;
      if (t < 0) continue;
      lengths.push(t);
      const m = columns.messages[i] as number;
      turns.set(m, (turns.get(m) ?? 0) + 1);
    }
    const byCode = new Map<string, number>();
    for (const f of report.findings) byCode.set(f.code, (byCode.get(f.code) ?? 0) + 1);
    for (const [code, n] of Object.entries(report.findings_omitted)) byCode.set(code, (byCode.get(code) ?? 0) + n);
    const hasExamples = report.total_examples > 0;
    const total = report.token_stats.total;
    return {
      version: this.version,
      histogram: {
        tokenBins: tokenBins(lengths),
        turns: [...turns].sort((a, b) => a[0] - b[0]).map(([t, count]) => ({ turns: t, count })),
        roles: Object.entries(report.distribution.roles).map(([role, count]) => ({ role, count })),
        findingsByCode: [...byCode]
          .map(([code, count]) => ({ code, severity: codeInfo(code)?.severity ?? 'info', count }))
          .sort((a, b) => rankOf(b.code) - rankOf(a.code) || b.count - a.count || a.code.localeCompare(b.code)),
      },
      p50: hasExamples ? total.median : null,
      p95: hasExamples ? total.p95 : null,
      p99: hasExamples ? total.p99 : null,
      maxSeqLength: report.over_limit.max_seq_length,
    };
  }

  private search(needle: string): Promise<Uint8Array> {
    let hits = this.searches.get(needle);
    if (!hits) {
      hits = this.source.search(needle);
      this.searches.set(needle, hits);
      // A failed search is not kept.
      hits.catch(() => this.searches.delete(needle));
      if (this.searches.size > CACHED_ORDERS) this.searches.delete(this.searches.keys().next().value as string);
    }
    return hits;
  }

  private row(i: number, text: string): Row {
    const c = this.columns;
    return {
      index: i,
      line: (c.startLine[i] as number) + 1,
      endLine: (c.endLine[i] as number) + 1,
      format: formatOfColumn(c.format[i] as number),
      turns: c.messages[i] as number,
      tokens: this.tokensOf(i),
      severity: SEVERITY_OF_RANK[this.rank[i] as number] ?? null,
      codes: [...(this.codes.get(i) ?? [])],
      duplicateOf: (this.duplicateOf[i] as number) > 0 ? (this.duplicateOf[i] as number) : null,
      cluster: (this.cluster[i] as number) >= 0 ? (this.cluster[i] as number) : null,
      contradiction: ((this.flags[i] as number) & CONTRADICTION) !== 0,
      preview: previewOf(text),
    };
  }

  private filter(filter: RowFilter, hits: Uint8Array | undefined): Uint32Array {
    const n = this.count;
    const { tokens } = this.columns;
    const max = this.report.over_limit.max_seq_length;
    const codes = filter.codes ? new Set(filter.codes) : undefined;
    const ranks = filter.severities ? new Set(filter.severities.map((s) => RANK[s])) : undefined;
    const flag = (wanted: boolean | undefined, bit: number, i: number) => wanted === undefined || (((this.flags[i] as number) & bit) !== 0) === wanted;
    const out = new Uint32Array(n);
    let m = 0;
    for (let i = 0; i < n; i++) {
      if (hits && hits[i] !== 1) continue;
      if (!flag(filter.duplicates, EXACT, i) || !flag(filter.nearDuplicates, NEAR, i) || !flag(filter.contradictions, CONTRADICTION, i)) continue;
      const t = tokens[i] as number;
      if (filter.invalid !== undefined && t < 0 !== filter.invalid) continue;
      if (filter.overLength !== undefined && t > max !== filter.overLength) continue;
      if (codes || ranks) {
        const list = this.codes.get(i);
        if (!list) continue;
        if (codes && !list.some((c) => codes.has(c))) continue;
        if (ranks && !list.some((c) => ranks.has(rankOf(c) as 1 | 2 | 3))) continue;
      }
      out[m++] = i;
    }
    return out.slice(0, m);
  }

  /**
   * `matching` (in line order) sorted by `sort`, ties in line order. Keys pack the sort value above the record index
   * into one float64 (exact below 2^53), sorted natively; a comparator sort is the fallback for values too large.
   */
  private sorted(matching: Uint32Array, sort: RowSort): Uint32Array {
    if (sort.by === 'line') return sort.direction === 'asc' ? matching : matching.slice().reverse();
    const desc = sort.direction === 'desc';
    const { tokens } = this.columns;
    // Rows without tokens go last in both directions.
    const value = (i: number): number => {
      if (sort.by === 'tokens') {
        const t = tokens[i] as number;
        return t < 0 ? Number.MAX_SAFE_INTEGER : desc ? MAX_PACKED_VALUE - t : t;
      }
      const v = (this.rank[i] as number) * 2 ** 24 + Math.min(this.findingCount[i] as number, 2 ** 24 - 1);
      return desc ? MAX_PACKED_VALUE - v : v;
    };
    const shift = 2 ** Math.max(1, Math.ceil(Math.log2(this.count + 1)));
    const values = new Float64Array(matching.length);
    let packable = true;
    for (let k = 0; k < matching.length; k++) {
      const v = value(matching[k] as number);
      values[k] = v;
      if (v !== Number.MAX_SAFE_INTEGER && v * shift >= 2 ** 52) packable = false;
    }
    if (packable) {
      const keys = new Float64Array(matching.length);
      // Values past the packable range (rows without tokens) sort after every packed key.
      for (let k = 0; k < matching.length; k++) {
        const v = values[k] as number;
        keys[k] = v === Number.MAX_SAFE_INTEGER ? 2 ** 52 + (matching[k] as number) : v * shift + (matching[k] as number);
      }
      keys.sort();
      const out = new Uint32Array(keys.length);
      for (let k = 0; k < keys.length; k++) out[k] = (keys[k] as number) % shift;
      return out;
    }
    const order = Array.from(matching.keys());
    order.sort((a, b) => (values[a] as number) - (values[b] as number) || (matching[a] as number) - (matching[b] as number));
    return Uint32Array.from(order, (k) => matching[k] as number);
  }
}

/** Larger than any sort value (tokens of one record, or severity and count), so that `MAX - v` is never negative. */
const MAX_PACKED_VALUE = 2 ** 31;

/** Characters of a record's text read for its preview (a prompt starts well within them). */
const PREVIEW_SOURCE_CHARS = 256 * 1024;

/** A row's preview: the record's first user (or prompt) text, else its raw text, on one line. */
function previewOf(text: string): string {
  return oneLine(firstPrompt(text) ?? text, ROW_PREVIEW_MAX);
}
