// The rows the list has received, in pages of PAGE_SIZE, for one list (filter and order) of one document version.
// The list asks only for the pages around what is on screen: the file is never sent whole. Plain TS: unit-tested.
import type { Row, RowsResult } from '../../shared/lspProtocol';

/** Rows per `slmgen/rows` request. */
export const PAGE_SIZE = 200;
/** Pages kept at most (the farthest from the last request are dropped first). */
export const MAX_PAGES = 50;

/** The pages covering positions [first, last] (inclusive). */
export function pagesCovering(first: number, last: number, pageSize = PAGE_SIZE): number[] {
  if (last < first || last < 0) return [];
  const pages: number[] = [];
  for (let p = Math.floor(Math.max(0, first) / pageSize); p <= Math.floor(last / pageSize); p++) pages.push(p);
  return pages;
}

export class RowPages {
  private pages = new Map<number, Row[]>();
  private pending = new Set<number>();
  /** Records matching the list's filter (null until the first answer). */
  matching: number | null = null;
  totalRecords: number | null = null;

  constructor(
    /** The list and version these rows belong to. */
    readonly key: string,
    readonly version: number | null,
    private readonly pageSize = PAGE_SIZE,
  ) {}

  /** Pages to request for positions [first, last]; they are marked pending. */
  request(first: number, last: number): number[] {
    const wanted = pagesCovering(first, last, this.pageSize).filter((p) => !this.pages.has(p) && !this.pending.has(p));
    for (const p of wanted) this.pending.add(p);
    return wanted;
  }

  /** The request of a page, as `slmgen/rows` offset and limit. */
  window(page: number): { offset: number; limit: number } {
    return { offset: page * this.pageSize, limit: this.pageSize };
  }

  /** Store an answer; false when it is not for these rows (another version). */
  store(result: RowsResult): boolean {
    if (result.version !== this.version) return false;
    const page = Math.floor(result.offset / this.pageSize);
    this.pending.delete(page);
    this.pages.set(page, result.rows);
    this.matching = result.matching;
    this.totalRecords = result.totalRecords;
    if (this.pages.size > MAX_PAGES) {
      const far = [...this.pages.keys()].sort((a, b) => Math.abs(b - page) - Math.abs(a - page));
      for (const p of far.slice(0, this.pages.size - MAX_PAGES)) this.pages.delete(p);
    }
    return true;
  }

  /** A page's request failed: it may be asked for again. */
  failed(page: number): void {
    this.pending.delete(page);
  }

  /** The row at a position, if received. */
  at(position: number): Row | undefined {
    return this.pages.get(Math.floor(position / this.pageSize))?.[position % this.pageSize];
  }
}
