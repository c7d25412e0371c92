/**
 * Turns decoded lines into records: one record per line, except that a pretty-printed JSON object or array spread
 * over several lines becomes one record. Every input line ends up in exactly one output item.
 */
import type { RecordSpan } from '../analysis/record';
import type { InvalidUtf8 } from './decodeLine';
import { isBlank } from './decodeLine';
import type { EmptyLineRun } from './lineSplitter';

/** A decoded line as the assembler consumes it (lines must arrive in order, numbered consecutively). */
export interface AssemblerLine {
  line: number;
  byteOffset: number;
  /** Bytes of the line without its newline (and without a stripped `\r`). */
  byteLength: number;
  text: string;
  invalidUtf8?: InvalidUtf8;
}

/** Blank or whitespace-only lines (`count` of them from `line` on): counted, not an error. */
export interface AssembledBlank {
  kind: 'blank';
  line: number;
  count: number;
}

/** One record's text (single line, or several lines joined with `\n` when `multiline`). */
export interface AssembledText {
  kind: 'record';
  text: string;
  span: RecordSpan;
  multiline: boolean;
  /** The first invalid UTF-8 sequence in the record's lines (the text has U+FFFD there). */
  invalidUtf8?: { line: number; character: number };
}

/** What the assembler emits for each input line or group of lines. */
export type AssembledRecord = AssembledBlank | AssembledText;

/** A pretty-printed record may span at most this many lines… */
export const MAX_MULTILINE_LINES = 10_000;
/** …and this many bytes; beyond either limit its lines are emitted one by one. */
export const MAX_MULTILINE_BYTES = 16 * 1024 * 1024;

const QUOTE = 0x22;
const BACKSLASH = 0x5c;

/** A queued line with its bracket balance cached (scanning from outside a string), since a line may be re-fed. */
interface QueuedLine {
  line: AssemblerLine;
  delta: number;
  endsInString: boolean;
  scanned: boolean;
  /** First and last characters that are not JSON whitespace (-1 when there are none, -2 until computed). */
  first: number;
  last: number;
}

/**
 * Streaming record assembler. A line that starts with `{` or `[` and whose brackets do not balance opens a group;
 * following lines join it until the brackets balance. A balanced group that parses is one `multiline` record;
 * otherwise its first line becomes a record on its own and the rest are assembled again from the second line. A group
 * that can no longer parse (a `{` or `[` right after a complete value) is given up as soon as that is seen.
 */
export class RecordAssembler {
  private queue: QueuedLine[] = [];
  private queueIndex = 0;
  private group: QueuedLine[] = [];
  private groupBytes = 0;
  private depth = 0;
  private inString = false;
  private linesSeen = 0;
  private bytesSeen = 0;
  /**
   * Lines and bytes added to groups since the assembler was last idle, re-fed lines included. The budget is counted
   * from the last idle point (not from the start of the input), so that what is emitted from an idle point on
   * depends only on the lines from there: an editor re-assembles from the last idle line before an edit.
   */
  private workLines = 0;
  private workBytes = 0;
  /** Last character of the group so far that is not JSON whitespace. */
  private previous = -1;

  /**
   * No group is open: what the assembler emits from the next line on depends only on the lines from there on. Each
   * line pushed while idle starts a fresh stretch of work, so a document can restart assembly at such a line.
   */
  get isIdle(): boolean {
    return this.group.length === 0;
  }

  /** Consume the next line; returns the items it completed (possibly none while a group is open). */
  push(line: AssemblerLine): AssembledRecord[] {
    const out: AssembledRecord[] = [];
    if (this.group.length === 0) {
      this.linesSeen = 0;
      this.bytesSeen = 0;
      this.workLines = 0;
      this.workBytes = 0;
    }
    this.linesSeen++;
    this.bytesSeen += line.byteLength;
    this.queue.push({ line, delta: 0, endsInString: false, scanned: false, first: -2, last: -2 });
    this.drain(out);
    return out;
  }

  /**
   * Consume a run of empty lines. While no group is open the run is one blank item, whatever its length; an open
   * group takes the lines one by one, and it closes or is given up within {@link MAX_MULTILINE_LINES} lines. An
   * empty line never starts, ends or becomes a record, so only its number and length matter.
   */
  pushEmpty(run: EmptyLineRun): AssembledRecord[] {
    const out: AssembledRecord[] = [];
    let k = 0;
    for (; k < run.count && !this.isIdle; k++) {
      const line = { line: run.line + k, byteOffset: run.byteOffset + k * run.lineBytes, byteLength: 0, text: '' };
      for (const item of this.push(line)) out.push(item);
    }
    if (k < run.count) out.push({ kind: 'blank', line: run.line + k, count: run.count - k });
    return out;
  }

  /** Signal the end of input; an open group is given up and its lines emitted. */
  end(): AssembledRecord[] {
    const out: AssembledRecord[] = [];
    this.drain(out);
    while (this.group.length > 0) {
      this.giveUp(out);
      this.drain(out);
    }
    return out;
  }

  private drain(out: AssembledRecord[]): void {
    while (this.queueIndex < this.queue.length) {
      const item = this.queue[this.queueIndex++] as QueuedLine;
      this.step(item, out);
    }
    this.queue = [];
    this.queueIndex = 0;
  }

  private step(item: QueuedLine, out: AssembledRecord[]): void {
    const { line } = item;
    if (this.group.length === 0) {
      if (isBlank(line.text)) {
        out.push({ kind: 'blank', line: line.line, count: 1 });
        return;
      }
      if (!opensContainer(line.text) || line.byteLength > MAX_MULTILINE_BYTES) {
        out.push(singleRecord(line));
        return;
      }
      this.depth = 0;
      this.inString = false;
      this.advance(item);
      if (this.depth <= 0) {
        out.push(singleRecord(line));
        return;
      }
      this.group = [item];
      this.groupBytes = line.byteLength;
      this.workLines++;
      this.workBytes += line.byteLength;
      this.previous = item.last;
      return;
    }
    this.groupBytes += line.byteLength + 1;
    if (this.group.length >= MAX_MULTILINE_LINES || this.groupBytes > MAX_MULTILINE_BYTES) {
      this.group.push(item);
      this.giveUp(out);
      return;
    }
    this.group.push(item);
    this.workLines++;
    this.workBytes += line.byteLength;
    const wasInString = this.inString;
    this.advance(item);
    if (!wasInString && item.first !== -1) {
      // In JSON, '{' and '[' only follow '[', ',' or ':'. Otherwise the group can never parse, and giving up now
      // gives the same result as giving up at the limit (bounded work for truncated lines before normal lines).
      const p = this.previous;
      if ((item.first === 0x7b || item.first === 0x5b) && p !== 0x5b && p !== 0x2c && p !== 0x3a) {
        this.giveUp(out);
        return;
      }
    }
    if (item.last !== -1) this.previous = item.last;
    if (this.depth <= 0) this.finish(out);
  }

  /** Update the open group's bracket state with one more line. */
  private advance(item: QueuedLine): void {
    if (item.first === -2) {
      item.first = edgeCharacter(item.line.text, true);
      item.last = edgeCharacter(item.line.text, false);
    }
    if (this.inString) {
      const state = { depth: this.depth, inString: true };
      scanBrackets(item.line.text, state);
      this.depth = state.depth;
      this.inString = state.inString;
      return;
    }
    if (!item.scanned) {
      const state = { depth: 0, inString: false };
      scanBrackets(item.line.text, state);
      item.delta = state.depth;
      item.endsInString = state.inString;
      item.scanned = true;
    }
    this.depth += item.delta;
    this.inString = item.endsInString;
  }

  private finish(out: AssembledRecord[]): void {
    const lines = this.group.map((q) => q.line);
    const text = lines.map((l) => l.text).join('\n');
    if (!parses(text)) {
      this.giveUp(out);
      return;
    }
    this.group = [];
    const first = lines[0] as AssemblerLine;
    const last = lines[lines.length - 1] as AssemblerLine;
    const record: AssembledText = {
      kind: 'record',
      text,
      span: {
        startLine: first.line,
        endLine: last.line,
        endCharacter: last.text.length,
        byteOffset: first.byteOffset,
        byteLength: last.byteOffset + last.byteLength - first.byteOffset,
      },
      multiline: true,
    };
    const invalid = lines.find((l) => l.invalidUtf8 !== undefined);
    if (invalid?.invalidUtf8) record.invalidUtf8 = { line: invalid.line, character: invalid.invalidUtf8.character };
    out.push(record);
  }

  /** Emit the group's first line alone and queue the rest to be assembled again, ahead of any pending lines. */
  private giveUp(out: AssembledRecord[]): void {
    const [first, ...rest] = this.group;
    this.group = [];
    if (first === undefined) return;
    out.push(singleRecord(first.line));
    if (this.overBudget()) {
      for (const q of rest) out.push(isBlank(q.line.text) ? { kind: 'blank', line: q.line.line, count: 1 } : singleRecord(q.line));
      return;
    }
    this.queue = rest.concat(this.queue.slice(this.queueIndex));
    this.queueIndex = 0;
  }

  /**
   * Re-assembling a given-up group can revisit lines many times on adversarial input (thousands of lines of `[`).
   * Past a budget proportional to the lines since the assembler was last idle, given-up lines are emitted one by
   * one instead, keeping work linear.
   */
  private overBudget(): boolean {
    return (
      this.workLines > 8 * this.linesSeen + 2 * MAX_MULTILINE_LINES || this.workBytes > 8 * this.bytesSeen + 2 * MAX_MULTILINE_BYTES
    );
  }
}

/**
 * Assemble an in-memory document (split on `\n`, `\r` stripped). Like the streaming path, a final `\n` does not
 * start an extra empty line, and a leading U+FEFF stays in line 0's text (columns match the document).
 */
export function assembleText(text: string): AssembledRecord[] {
  const assembler = new RecordAssembler();
  const out: AssembledRecord[] = [];
  const append = (items: AssembledRecord[]): void => {
    for (const item of items) out.push(item);
  };
  let start = 0;
  let lineNumber = 0;
  let byteOffset = 0;
  while (start < text.length) {
    const nl = text.indexOf('\n', start);
    const end = nl === -1 ? text.length : nl;
    const hadCR = end > start && text.charCodeAt(end - 1) === 0x0d;
    const lineText = text.slice(start, hadCR ? end - 1 : end);
    const byteLength = utf8Length(lineText);
    append(assembler.push({ line: lineNumber, byteOffset, byteLength, text: lineText }));
    byteOffset += byteLength + (hadCR ? 1 : 0) + 1;
    lineNumber++;
    if (nl === -1) break;
    start = nl + 1;
  }
  append(assembler.end());
  return out;
}

/** UTF-8 length of a string (a lone surrogate counts as the 3 bytes of U+FFFD). */
export function utf8Length(text: string): number {
  let bytes = text.length;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x80) continue;
    if (c < 0x800) bytes += 1;
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < text.length && (text.charCodeAt(i + 1) & 0xfc00) === 0xdc00) {
      bytes += 2;
      i++;
    } else bytes += 2;
  }
  return bytes;
}

function singleRecord(line: AssemblerLine): AssembledText {
  const record: AssembledText = {
    kind: 'record',
    text: line.text,
    span: {
      startLine: line.line,
      endLine: line.line,
      endCharacter: line.text.length,
      byteOffset: line.byteOffset,
      byteLength: line.byteLength,
    },
    multiline: false,
  };
  if (line.invalidUtf8) record.invalidUtf8 = { line: line.line, character: line.invalidUtf8.character };
  return record;
}

/** The first (or last) character of `text` that is not JSON whitespace, or -1. */
function edgeCharacter(text: string, fromStart: boolean): number {
  const n = text.length;
  for (let k = 0; k < n; k++) {
    const c = text.charCodeAt(fromStart ? k : n - 1 - k);
    if (c !== 0x20 && c !== 0x09 && c !== 0x0d && c !== 0x0a) return c;
  }
  return -1;
}

/** True when the first non-whitespace character is `{` or `[`. */
function opensContainer(text: string): boolean {
  const m = /\S/.exec(text);
  if (m === null) return false;
  const c = text.charCodeAt(m.index);
  return c === 0x7b || c === 0x5b;
}

/** Bracket depth change over `text` outside strings; strings are skipped with `indexOf`, not per character. */
function scanBrackets(text: string, state: { depth: number; inString: boolean }): void {
  const n = text.length;
  let depth = state.depth;
  let i = 0;
  if (state.inString) {
    i = stringEnd(text, 0);
    if (i < 0) return;
    state.inString = false;
  }
  while (i < n) {
    const c = text.charCodeAt(i);
    if (c === QUOTE) {
      i = stringEnd(text, i + 1);
      if (i < 0) {
        state.inString = true;
        break;
      }
      continue;
    }
    if (c === 0x7b || c === 0x5b) depth++;
    else if (c === 0x7d || c === 0x5d) depth--;
    i++;
  }
  state.depth = depth;
}

/** Offset just past the closing quote of a string whose content starts at `from`, or -1 if it does not close. */
function stringEnd(text: string, from: number): number {
  let q = text.indexOf('"', from);
  while (q !== -1) {
    let backslashes = 0;
    while (q - 1 - backslashes >= from && text.charCodeAt(q - 1 - backslashes) === BACKSLASH) backslashes++;
    if (backslashes % 2 === 0) return q + 1;
    q = text.indexOf('"', q + 1);
  }
  return -1;
}

function parses(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}
