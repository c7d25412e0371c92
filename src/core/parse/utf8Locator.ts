/**
 * Where a byte stream stops being valid UTF-8, located as an editor sees the decoded text: 0-based line and UTF-16
 * column of the first invalid sequence of each line (WHATWG rules, as in `decodeLine.ts`: no overlongs, no
 * surrogates, nothing above U+10FFFF, no truncated sequences). For streams decoded as a whole rather than line by
 * line (JSON array files), where the decoder quietly puts U+FFFD in place.
 */

/** An invalid UTF-8 sequence: where its U+FFFD is in the decoded text, and how many bytes it replaced. */
export interface InvalidUtf8At {
  line: number;
  character: number;
  /** Bytes of the file the U+FFFD stands for (1–3); the decoded text spends 3 bytes on it when re-encoded. */
  bytes?: number;
}

export class Utf8Locator {
  private line = 0;
  private column = 0;
  /** Continuation bytes still expected, and the range allowed for the next one. */
  private need = 0;
  private lo = 0x80;
  private hi = 0xbf;
  /** Units the sequence being read will take in UTF-16 (1, or 2 for a 4-byte sequence), and where it started. */
  private units = 1;
  private startLine = 0;
  private startColumn = 0;
  /** Bytes of the sequence being read so far. */
  private seqBytes = 0;
  private reportedLine = -1;
  private skip: number;

  /**
   * @param skipBytes bytes at the start that the decoder drops (3 for a UTF-8 byte order mark).
   * @param everySequence report every invalid sequence (each is one U+FFFD in the decoded text), not only the first
   *   of each line.
   */
  constructor(
    skipBytes = 0,
    private readonly everySequence = false,
  ) {
    this.skip = skipBytes;
  }

  /** Feed the next bytes; returns the invalid sequences found in them (one per line at most unless `everySequence`). */
  push(bytes: Uint8Array): InvalidUtf8At[] {
    const found: InvalidUtf8At[] = [];
    let i = 0;
    if (this.skip > 0) {
      i = Math.min(this.skip, bytes.length);
      this.skip -= i;
    }
    for (; i < bytes.length; i++) {
      const b = bytes[i] as number;
      if (this.need > 0) {
        if (b >= this.lo && b <= this.hi) {
          this.lo = 0x80;
          this.hi = 0xbf;
          this.seqBytes++;
          if (--this.need === 0) this.column += this.units;
          continue;
        }
        // The sequence broke off: it becomes one U+FFFD, and this byte starts afresh.
        this.report(found, this.startLine, this.startColumn, this.seqBytes);
        this.column += 1;
        this.need = 0;
        this.lo = 0x80;
        this.hi = 0xbf;
      }
      if (b < 0x80) {
        if (b === 10) {
          this.line++;
          this.column = 0;
        } else {
          this.column++;
        }
        continue;
      }
      this.startLine = this.line;
      this.startColumn = this.column;
      this.units = 1;
      this.seqBytes = 1;
      if (b >= 0xc2 && b <= 0xdf) this.need = 1;
      else if (b === 0xe0) {
        this.need = 2;
        this.lo = 0xa0;
      } else if (b === 0xed) {
        this.need = 2;
        this.hi = 0x9f;
      } else if (b >= 0xe1 && b <= 0xef) this.need = 2;
      else if (b === 0xf0) {
        this.need = 3;
        this.lo = 0x90;
        this.units = 2;
      } else if (b >= 0xf1 && b <= 0xf3) {
        this.need = 3;
        this.units = 2;
      } else if (b === 0xf4) {
        this.need = 3;
        this.hi = 0x8f;
        this.units = 2;
      } else {
        this.report(found, this.line, this.column, 1);
        this.column += 1;
      }
    }
    return found;
  }

  /** The end of the stream: a sequence cut off by it is invalid. */
  end(): InvalidUtf8At[] {
    const found: InvalidUtf8At[] = [];
    if (this.need > 0) {
      this.report(found, this.startLine, this.startColumn, this.seqBytes);
      this.need = 0;
    }
    return found;
  }

  private report(found: InvalidUtf8At[], line: number, character: number, bytes: number): void {
    if (line === this.reportedLine && !this.everySequence) return;
    this.reportedLine = line;
    found.push({ line, character, bytes });
  }
}
