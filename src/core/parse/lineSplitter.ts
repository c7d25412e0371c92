/**
 * Splits a byte stream into lines on `\n`, for chunks of any size. Only the unfinished tail of the current line is
 * kept between chunks, so memory is bounded by the largest line.
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

  /** @param bomAllowed whether the stream starts the file, so that EF BB BF there is a byte order mark. */
  constructor(bomAllowed = true) {
    if (!bomAllowed) this.head = null;
  }

  /** Feed the next chunk; returns the lines it completed. */
  push(chunk: Uint8Array): RawLine[] {
    const out: RawLine[] = [];
    if (this.ended || chunk.length === 0) return out;
    let data = chunk;
    if (this.head !== null) {
      data = concat([this.head], this.head.length, chunk);
      if (data.length < 3) {
        this.head = data === chunk ? chunk.slice() : data;
        return out;
      }
      this.head = null;
      if (data[0] === 0xef && data[1] === 0xbb && data[2] === 0xbf) {
        this.hasBom = true;
        data = data.subarray(3);
        this.consumed = 3;
        this.lineStart = 3;
        if (data.length === 0) return out;
      }
    }
    this.split(data, out);
    return out;
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
