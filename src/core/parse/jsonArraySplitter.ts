/**
 * Streams a `.json` file that holds a top-level array of records and emits each element's text with its location,
 * without holding the whole file: only the element being read is kept.
 */
import { utf8Length } from './recordAssembler';

/** One top-level array element. Positions are 0-based lines and UTF-16 columns; the end is exclusive. */
export interface ArrayElement {
  text: string;
  startLine: number;
  startCharacter: number;
  endLine: number;
  endCharacter: number;
  /**
   * Byte offset and length of the element in the file, computed from the decoded text: exact when the file is valid
   * UTF-8 (a BOM the decoder stripped is accounted for only if `byteOffsetBase` was given).
   */
  byteOffset: number;
  byteLength: number;
}

/** A structural problem of the array itself (elements are validated by whoever parses them). */
export interface ArrayError {
  line: number;
  character: number;
  message: string;
}

/** Options for {@link JsonArraySplitter}. */
export interface JsonArraySplitterOptions {
  /** Byte offset of the first pushed character in the file (e.g. 3 when the decoder stripped a BOM). */
  byteOffsetBase?: number;
  /**
   * Start at the first character of an element, as a full run would be there: after the `[` (`first`) or after a
   * comma, at this position. An editor re-splits from an element before an edit instead of from the start.
   */
  resume?: { line: number; character: number; first: boolean };
}

const enum State {
  Start,
  First,
  Element,
  AfterComma,
  Done,
  Failed,
}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COMMA = 0x2c;
const CLOSE_BRACKET = 0x5d;

/**
 * Streaming splitter for a top-level JSON array. `push` takes decoded text chunks (split anywhere, even inside a
 * surrogate pair) and returns the elements completed so far; `end` returns the rest and the first structural error:
 * not an array, an empty element (`[1,,2]`, `[1,]`), text after the array, or an unterminated array. An element left
 * open at the end is still emitted, so that its own parse error can be reported.
 */
export class JsonArraySplitter {
  /** The text began with U+FEFF (skipped; columns do not count it). */
  hasBom = false;

  private state = State.Start;
  /** Every structural problem noted, in order (the first is the one reported). */
  private readonly errors: ArrayError[] = [];
  private line = 0;
  private character = 0;
  private byte: number;
  private depth = 0;
  private inString = false;
  private escaped = false;
  private pieces: string[] = [];
  private start = { line: 0, character: 0, byte: 0 };
  private seenAny = false;
  private ended = false;

  constructor(options: JsonArraySplitterOptions = {}) {
    this.byte = options.byteOffsetBase ?? 0;
    if (options.resume) {
      this.state = options.resume.first ? State.First : State.AfterComma;
      this.line = options.resume.line;
      this.character = options.resume.character;
      this.seenAny = true;
    }
  }

  /** Feed the next decoded chunk; returns the elements it completed. */
  push(text: string): ArrayElement[] {
    const out: ArrayElement[] = [];
    if (this.ended || this.state === State.Failed) return out;
    const n = text.length;
    let i = 0;
    if (!this.seenAny && n > 0) {
      this.seenAny = true;
      if (text.charCodeAt(0) === 0xfeff) {
        this.hasBom = true;
        this.byte += 3;
        i = 1;
      }
    }
    // Inside an element only bracket depth and string state are tracked (strings are skipped with indexOf); its
    // positions are computed from its text once it is complete. Between elements we go character by character.
    let captureFrom = this.state === State.Element ? i : -1;
    let { depth, inString, escaped } = this;
    while (i < n) {
      if (this.state === State.Element) {
        if (inString) {
          if (escaped) {
            escaped = false;
            i++;
            continue;
          }
          const q = text.indexOf('"', i);
          let run = 0;
          if (q === -1) {
            while (n - 1 - run >= i && text.charCodeAt(n - 1 - run) === BACKSLASH) run++;
            escaped = run % 2 === 1;
            break;
          }
          while (q - 1 - run >= i && text.charCodeAt(q - 1 - run) === BACKSLASH) run++;
          if (run % 2 === 0) inString = false;
          i = q + 1;
          continue;
        }
        const c = text.charCodeAt(i);
        if (c === QUOTE) inString = true;
        else if (c === 0x7b || c === 0x5b) depth++;
        else if ((c === 0x7d || c === CLOSE_BRACKET) && depth > 0) depth--;
        else if (depth === 0 && (c === COMMA || c === CLOSE_BRACKET)) {
          this.pieces.push(text.slice(captureFrom, i));
          captureFrom = -1;
          out.push(this.takeElement());
          this.state = c === COMMA ? State.AfterComma : State.Done;
          this.character++;
          this.byte++;
        }
        i++;
        continue;
      }
      const c = text.charCodeAt(i);
      if (!isWhitespace(c)) {
        const state = this.state;
        if (state === State.Start && c === 0x5b) {
          this.state = State.First;
        } else if (state === State.Start) {
          this.fail(`Expected '[' to start a top-level array of records but found ${describe(text, i)}`);
          break;
        } else if (state === State.Done) {
          this.fail(`Unexpected text after the top-level array: ${describe(text, i)}`);
          break;
        } else if (c === CLOSE_BRACKET) {
          if (state === State.AfterComma) this.note("Expected a JSON value after ',' but found ']'");
          this.state = State.Done;
        } else if (c === COMMA) {
          this.note(`Expected a JSON value${state === State.First ? " or ']'" : ''} but found ','`);
          this.state = State.AfterComma;
        } else {
          this.state = State.Element;
          depth = 0;
          inString = false;
          escaped = false;
          captureFrom = i;
          this.start = { line: this.line, character: this.character, byte: this.byte };
          // The opening character is examined again as part of the element (it may be a bracket or a quote).
          continue;
        }
      }
      if (c === 0x0a) {
        this.line++;
        this.character = 0;
      } else {
        this.character++;
      }
      this.byte += utf8Units(c);
      i++;
    }
    if (this.state === State.Element && captureFrom >= 0 && captureFrom < n) this.pieces.push(text.slice(captureFrom));
    this.depth = depth;
    this.inString = inString;
    this.escaped = escaped;
    return out;
  }

  /** Signal the end of input; returns the last elements, the first structural error, if any, and all of them. */
  end(): { elements: ArrayElement[]; error?: ArrayError; errors: ArrayError[] } {
    const elements: ArrayElement[] = [];
    if (!this.ended) {
      this.ended = true;
      const state = this.state;
      if (state === State.Element) elements.push(this.takeElement());
      if (state === State.Start) {
        this.note("Expected '[' to start a top-level array of records but found end of input");
      } else if (state === State.First || state === State.AfterComma || state === State.Element) {
        this.note("Unterminated array: expected ',' or ']' but found end of input");
      }
    }
    const [error] = this.errors;
    return error ? { elements, error, errors: this.errors } : { elements, errors: this.errors };
  }

  /** Structural problems noted so far (all of them, in order). */
  get noted(): readonly ArrayError[] {
    return this.errors;
  }

  /** Build the element from the captured text and move the current position past it. */
  private takeElement(): ArrayElement {
    const raw = this.pieces.length === 1 ? (this.pieces[0] as string) : this.pieces.join('');
    this.pieces = [];
    let trimmedLength = raw.length;
    while (trimmedLength > 0 && isWhitespace(raw.charCodeAt(trimmedLength - 1))) trimmedLength--;
    const text = trimmedLength === raw.length ? raw : raw.slice(0, trimmedLength);
    const { start } = this;
    const end = advance(start.line, start.character, text, 0, text.length);
    const byteLength = utf8Length(text);
    // Only JSON whitespace (ASCII) follows the trimmed text.
    const after = advance(end.line, end.character, raw, trimmedLength, raw.length);
    this.line = after.line;
    this.character = after.character;
    this.byte = start.byte + byteLength + (raw.length - trimmedLength);
    return {
      text,
      startLine: start.line,
      startCharacter: start.character,
      endLine: end.line,
      endCharacter: end.character,
      byteOffset: start.byte,
      byteLength,
    };
  }

  /** Record a structural error and keep going. */
  private note(message: string): void {
    this.errors.push({ line: this.line, character: this.character, message });
  }

  /** Record an error after which the rest of the input is ignored. */
  private fail(message: string): void {
    this.note(message);
    this.state = State.Failed;
  }
}

/** The position after `text[from, to)` when it starts at `line`/`character`. */
function advance(line: number, character: number, text: string, from: number, to: number): { line: number; character: number } {
  let nl = text.indexOf('\n', from);
  if (nl === -1 || nl >= to) return { line, character: character + to - from };
  let lastNl = nl;
  while (nl !== -1 && nl < to) {
    line++;
    lastNl = nl;
    nl = text.indexOf('\n', nl + 1);
  }
  return { line, character: to - lastNl - 1 };
}

function isWhitespace(c: number): boolean {
  return c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09;
}

/** UTF-8 bytes of one UTF-16 unit: a surrogate is half of a 4-byte sequence. */
function utf8Units(c: number): number {
  if (c < 0x80) return 1;
  if (c < 0x800 || (c >= 0xd800 && c <= 0xdfff)) return 2;
  return 3;
}

function describe(text: string, i: number): string {
  const c = text.charCodeAt(i);
  if (c < 0x20 || c === 0x7f) return `U+${c.toString(16).toUpperCase().padStart(4, '0')}`;
  return `'${text[i] ?? ''}'`;
}
