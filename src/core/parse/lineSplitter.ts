/**
 * Splits a byte stream into lines on `\n`, for chunks of any size. Only the unfinished tail of the current line is
 * kept between chunks, so memory is bounded by the largest line. With a {@link LineSink} ({@link LineSplitter.pushTo})
 * lines are handed over one by one and a run of empty lines is one call, so a file of newlines costs constant memory,
 * and a line over the splitter's cap is skipped rather than kept, so memory is bounded by the cap.
 */

const LF = 10;
const CR = 13;

/** One line of the byte stream. */
export interface RawLine {
  /** 0-based line number. */
  line: number;
  /** File offset of the first byte of `bytes` (after a stripped BOM on line 0, so the true offset). */
  byteOffset: number;
  /** The line's bytes, without the `\n` and without a trailing `\r`. May be a view into a pushed chunk. */
  bytes: Uint8Array;
  /** The line ended with `\r` before its `\n` (or before the end of the stream). */
  hadCR: boolean;
  /** This is the last line of the stream. */
  lastLine: boolean;
}

/** A run of consecutive empty lines (no bytes besides the newline), all ending in `\r\n` or all in `\n`. */
export interface EmptyLineRun {
  /** 0-based number of the run's first line. */
  line: number;
  count: number;
  /** File offset of the first line. */
  byteOffset: number;
  /** Bytes of each line with its newline: 1 (`\n`) or 2 (`\r\n`). */
  lineBytes: number;
}

/** A line longer than the splitter's cap: its bytes were skipped, not kept. */
export interface OversizedLine {
  /** 0-based line number. */
  line: number;
  /** File offset of the line's first byte. */
  byteOffset: number;
  /** Bytes of the line without its newline (and without a trailing `\r`). */
  byteLength: number;
}

/** Receives the lines of {@link LineSplitter.pushTo} and {@link LineSplitter.endTo} in order. */
export interface LineSink {
  line(raw: RawLine): void;
  emptyLines(run: EmptyLineRun): void;
  /** A line over the cap (required when the splitter has one; a splitter without a cap never calls it). */
  oversizedLine?(line: OversizedLine): void;
}

/** A line being skipped because it grew past the cap. */
interface Skipping {
  line: number;
  byteOffset: number;
  /** Bytes seen so far, a trailing `\r` included. */
  length: number;
  lastWasCR: boolean;
}

/**
 * Streaming line splitter. Emitted `bytes` may be views into the chunk that was pushed, so a caller that reuses
 * its chunk buffers must consume the returned lines before pushing the next chunk.
 */
export class LineSplitter {
  /** A UTF-8 byte order mark (EF BB BF) opened the stream; it was stripped from line 0. */
  hasBom = false;
  /** After `end()`: the stream's last line ended with `\n` (false for an empty stream). */
  endsWithNewline = false;

  private lineNumber = 0;
  private lineStart = 0;
  private consumed = 0;
  private pieces: Uint8Array[] = [];
  private piecesLength = 0;
  /** The first bytes of the stream, held until we know whether they start with a BOM; null once decided. */
  private head: Uint8Array | null = new Uint8Array(0);
  /** A complete line that ended exactly at a chunk's end: it is the last line only if nothing follows. */
  private held: RawLine | null = null;
  private ended = false;
  /** A `\n` was seen (for {@link endsWithNewline} in sink mode). */
  private sawNewline = false;
  /** The current line is over the cap: only its position and length are kept (sink mode). */
  private skipping: Skipping | null = null;

  /**
   * @param bomAllowed whether the stream starts the file, so that EF BB BF there is a byte order mark.
   * @param maxLineBytes in sink mode ({@link pushTo}), a line longer than this (without its newline) is not kept:
   *   once its unfinished tail passes the cap its bytes are skipped, and it is handed to the sink's `oversizedLine`
   *   as a position and a length. Memory per line is then bounded by the cap plus one chunk.
   */
  constructor(
    bomAllowed = true,
    private readonly maxLineBytes = Infinity,
  ) {
    if (!bomAllowed) this.head = null;
  }

  /** Feed the next chunk; returns the lines it completed. */
  push(chunk: Uint8Array): RawLine[] {
    const out: RawLine[] = [];
    const data = this.accept(chunk);
    if (data !== null) this.split(data, out);
    return out;
  }

  /**
   * Feed the next chunk and hand its completed lines to `sink`, a run of empty lines in one call. Lines are never
   * marked `lastLine` and never held back. Use either this and {@link endTo}, or {@link push} and {@link end}, on one
   * splitter.
   */
  pushTo(chunk: Uint8Array, sink: LineSink): void {
    const data = this.accept(chunk);
    if (data !== null) this.splitTo(data, sink);
  }

  /** Signal the end of a stream fed with {@link pushTo}; hands over a final line without newline. */
  endTo(sink: LineSink): void {
    if (this.ended) return;
    if (this.head !== null) {
      const head = this.head;
      this.head = null;
      if (head.length > 0) this.splitTo(head, sink);
    }
    this.ended = true;
    this.endsWithNewline = this.sawNewline;
    if (this.skipping !== null) {
      this.emitOversized(this.skipping, sink);
      this.skipping = null;
      this.endsWithNewline = false;
    } else if (this.piecesLength - (lastPieceByte(this.pieces) === CR ? 1 : 0) > this.maxLineBytes) {
      this.emitOversized({ line: this.lineNumber, byteOffset: this.lineStart, length: this.piecesLength, lastWasCR: lastPieceByte(this.pieces) === CR }, sink);
      this.pieces = [];
      this.piecesLength = 0;
      this.endsWithNewline = false;
    } else if (this.piecesLength > 0 || this.pieces.length > 0) {
      const raw = concat(this.pieces, this.piecesLength, new Uint8Array(0));
      this.pieces = [];
      this.piecesLength = 0;
      sink.line(this.makeLine(raw, true));
      this.endsWithNewline = false;
    }
  }

  /** The bytes of `chunk` to split (null while the first bytes decide on a byte order mark, or after the end). */
  private accept(chunk: Uint8Array): Uint8Array | null {
    if (this.ended || chunk.length === 0) return null;
    let data = chunk;
    if (this.head !== null) {
      data = concat([this.head], this.head.length, chunk);
      if (data.length < 3) {
        this.head = data === chunk ? chunk.slice() : data;
        return null;
      }
      this.head = null;
      if (data[0] === 0xef && data[1] === 0xbb && data[2] === 0xbf) {
        this.hasBom = true;
        data = data.subarray(3);
        this.consumed = 3;
        this.lineStart = 3;
        if (data.length === 0) return null;
      }
    }
    return data;
  }

  /** Signal the end of the stream; returns the remaining lines (a final line without newline, or the held one). */
  end(): RawLine[] {
    const out: RawLine[] = [];
    if (this.ended) return out;
    if (this.head !== null) {
      const head = this.head;
      this.head = null;
      if (head.length > 0) this.split(head, out);
    }
    this.ended = true;
    if (this.piecesLength > 0 || this.pieces.length > 0) {
      this.flushHeld(out);
      const raw = concat(this.pieces, this.piecesLength, new Uint8Array(0));
      this.pieces = [];
      this.piecesLength = 0;
      out.push(this.makeLine(raw, true));
      this.endsWithNewline = false;
    } else if (this.held !== null) {
      this.held.lastLine = true;
      out.push(this.held);
      this.held = null;
      this.endsWithNewline = true;
    }
    return out;
  }

  private flushHeld(out: RawLine[]): void {
    if (this.held !== null) {
      out.push(this.held);
      this.held = null;
    }
  }

  private split(data: Uint8Array, out: RawLine[]): void {
    this.flushHeld(out);
    const base = this.consumed;
    const n = data.length;
    let pos = 0;
    while (pos < n) {
      const nl = data.indexOf(LF, pos);
      if (nl === -1) {
        // Copy: the caller may reuse its chunk buffer for the next read.
        this.pieces.push(data.slice(pos));
        this.piecesLength += n - pos;
        break;
      }
      const segment = data.subarray(pos, nl);
      let raw = segment;
      if (this.pieces.length > 0) {
        raw = concat(this.pieces, this.piecesLength, segment);
        this.pieces = [];
        this.piecesLength = 0;
      }
      const line = this.makeLine(raw, false);
      this.lineStart = base + nl + 1;
      if (nl === n - 1) {
        if (raw === segment) line.bytes = line.bytes.slice();
        this.held = line;
      } else {
        out.push(line);
      }
      pos = nl + 1;
    }
    this.consumed = base + n;
  }

  /**
   * {@link split} for a sink: empty lines (nothing or only `\r` before the `\n`) are gathered into runs, byte by
   * byte without a view or a search call per line.
   */
  private splitTo(data: Uint8Array, sink: LineSink): void {
    const base = this.consumed;
    const n = data.length;
    let run: EmptyLineRun | null = null;
    let pos = 0;
    while (pos < n) {
      const skipping = this.skipping;
      if (skipping !== null) {
        const nl = data.indexOf(LF, pos);
        const end = nl === -1 ? n : nl;
        if (end > pos) {
          skipping.length += end - pos;
          skipping.lastWasCR = data[end - 1] === CR;
        }
        if (nl === -1) break;
        if (run !== null) {
          sink.emptyLines(run);
          run = null;
        }
        this.skipping = null;
        this.sawNewline = true;
        this.emitOversized(skipping, sink);
        this.lineStart = base + nl + 1;
        pos = nl + 1;
        continue;
      }
      let lineBytes = 0;
      if (this.piecesLength === 0) {
        if (data[pos] === LF) lineBytes = 1;
        else if (data[pos] === CR && data[pos + 1] === LF) lineBytes = 2;
      } else if (this.piecesLength === 1 && data[pos] === LF && (this.pieces[0] as Uint8Array)[0] === CR) {
        // A `\r` at the end of the previous chunk, its `\n` at the start of this one.
        lineBytes = 2;
        this.pieces = [];
        this.piecesLength = 0;
        pos--;
      }
      if (lineBytes > 0) {
        if (run !== null && run.lineBytes === lineBytes) {
          run.count++;
        } else {
          if (run !== null) sink.emptyLines(run);
          run = { line: this.lineNumber, count: 1, byteOffset: this.lineStart, lineBytes };
        }
        this.lineNumber++;
        pos += lineBytes;
        this.lineStart = base + pos;
        this.sawNewline = true;
        continue;
      }
      const nl = data.indexOf(LF, pos);
      if (nl === -1) {
        if (this.piecesLength + (n - pos) > this.maxLineBytes + 1) {
          // Over the cap even if the tail ends in the `\r` of a `\r\n`: skip the rest of this line.
          this.skipping = { line: this.lineNumber, byteOffset: this.lineStart, length: this.piecesLength + (n - pos), lastWasCR: data[n - 1] === CR };
          this.pieces = [];
          this.piecesLength = 0;
          break;
        }
        this.pieces.push(data.slice(pos));
        this.piecesLength += n - pos;
        break;
      }
      if (run !== null) {
        sink.emptyLines(run);
        run = null;
      }
      this.sawNewline = true;
      const length = this.piecesLength + (nl - pos);
      if (length > this.maxLineBytes) {
        const lastByte = nl > pos ? data[nl - 1] : lastPieceByte(this.pieces);
        const oversized: Skipping = { line: this.lineNumber, byteOffset: this.lineStart, length, lastWasCR: lastByte === CR };
        if (oversized.length - (oversized.lastWasCR ? 1 : 0) > this.maxLineBytes) {
          this.pieces = [];
          this.piecesLength = 0;
          this.emitOversized(oversized, sink);
          this.lineStart = base + nl + 1;
          pos = nl + 1;
          continue;
        }
      }
      let raw = data.subarray(pos, nl);
      if (this.pieces.length > 0) {
        raw = concat(this.pieces, this.piecesLength, raw);
        this.pieces = [];
        this.piecesLength = 0;
      }
      sink.line(this.makeLine(raw, false));
      this.lineStart = base + nl + 1;
      pos = nl + 1;
    }
    if (run !== null) sink.emptyLines(run);
    this.consumed = base + n;
  }

  private emitOversized(skipped: Skipping, sink: LineSink): void {
    if (sink.oversizedLine === undefined) throw new Error('LineSplitter: a sink for a capped splitter needs oversizedLine');
    this.lineNumber = skipped.line + 1;
    sink.oversizedLine({ line: skipped.line, byteOffset: skipped.byteOffset, byteLength: skipped.length - (skipped.lastWasCR ? 1 : 0) });
  }

  private makeLine(raw: Uint8Array, lastLine: boolean): RawLine {
    const hadCR = raw.length > 0 && raw[raw.length - 1] === CR;
    const line: RawLine = {
      line: this.lineNumber++,
      byteOffset: this.lineStart,
      bytes: hadCR ? raw.subarray(0, raw.length - 1) : raw,
      hadCR,
      lastLine,
    };
    return line;
  }
}

/** The last byte of the last non-empty piece (undefined when there is none). */
function lastPieceByte(pieces: readonly Uint8Array[]): number | undefined {
  for (let k = pieces.length - 1; k >= 0; k--) {
    const piece = pieces[k] as Uint8Array;
    if (piece.length > 0) return piece[piece.length - 1];
  }
  return undefined;
}

/** Join `pieces` (total `length` bytes) and `last` into one array; returns `last` itself when there are no pieces. */
function concat(pieces: readonly Uint8Array[], length: number, last: Uint8Array): Uint8Array {
  if (length === 0) return last;
  const joined = new Uint8Array(length + last.length);
  let at = 0;
  for (const piece of pieces) {
    joined.set(piece, at);
    at += piece.length;
  }
  joined.set(last, at);
  return joined;
}
