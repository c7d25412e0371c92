/**
 * Explains why a text is not JSON: a small validating scanner for RFC 8259, run only after `JSON.parse` failed,
 * that finds the first offending offset and words the problem for a diagnostic.
 */
import type { Position } from '../types';

/** Where and why JSON parsing failed. `offset` is in UTF-16 code units; `message` has no final period. */
export interface JsonErrorInfo {
  offset: number;
  /** What the grammar allowed there, e.g. `',' or '}'`. */
  expected: string;
  /** What was there instead, e.g. `']'`, `end of input`, `U+0009`. */
  found: string;
  message: string;
}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COMMA = 0x2c;
const COLON = 0x3a;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;
const MINUS = 0x2d;
const DOT = 0x2e;

const ARRAY = 0;
const OBJECT = 1;

/** Signals a failure inside the scanner's helpers; never escapes `describeJsonError`. */
class Failure {
  constructor(readonly info: JsonErrorInfo) {}
}

/**
 * Locate and describe the first JSON syntax error in `text`, or return null when `text` is valid JSON. Nesting is
 * handled with an explicit stack, so deep input cannot overflow the call stack. An unterminated string is reported
 * at its opening quote.
 */
export function describeJsonError(text: string): JsonErrorInfo | null {
  try {
    scanDocument(text);
    return null;
  } catch (err) {
    if (err instanceof Failure) return err.info;
    return { offset: 0, expected: 'a JSON value', found: 'unreadable input', message: 'The text could not be scanned' };
  }
}

/** Convert a UTF-16 offset in `text` (which may span lines) to a position; `startLine` is the text's first line. */
export function offsetToPosition(text: string, offset: number, startLine: number): Position {
  const at = Math.max(0, Math.min(Number.isFinite(offset) ? Math.floor(offset) : 0, text.length));
  let line = startLine;
  let lineStart = 0;
  let nl = text.indexOf('\n');
  while (nl !== -1 && nl < at) {
    line++;
    lineStart = nl + 1;
    nl = text.indexOf('\n', lineStart);
  }
  return { line, character: at - lineStart };
}

function fail(text: string, offset: number, expected: string, message: (found: string) => string): never {
  const found = describeFound(text, offset);
  throw new Failure({ offset, expected, found, message: message(found) });
}

function scanDocument(text: string): void {
  const n = text.length;
  const stack: number[] = [];
  let i = skipWhitespace(text, 0);
  for (;;) {
    const depth = stack.length;
    i = scanValue(text, i, stack);
    if (stack.length > depth) continue;
    // After a complete value: close containers or continue with the next member.
    for (;;) {
      i = skipWhitespace(text, i);
      const top = stack[stack.length - 1];
      if (top === undefined) {
        if (i < n) fail(text, i, 'end of input', () => 'Unexpected text after the JSON value');
        return;
      }
      const c = text.charCodeAt(i);
      if (top === ARRAY) {
        if (c === CLOSE_BRACKET) {
          stack.pop();
          i++;
          continue;
        }
        if (c !== COMMA) fail(text, i, "',' or ']'", (f) => `Expected ',' or ']' after array element but found ${f}`);
        i = skipWhitespace(text, i + 1);
        break;
      }
      if (c === CLOSE_BRACE) {
        stack.pop();
        i++;
        continue;
      }
      if (c !== COMMA) fail(text, i, "',' or '}'", (f) => `Expected ',' or '}' after property value but found ${f}`);
      i = skipWhitespace(text, i + 1);
      if (text.charCodeAt(i) !== QUOTE) {
        fail(text, i, 'a property name', (f) => `Expected a property name after ',' but found ${f}`);
      }
      i = scanMemberName(text, i);
      break;
    }
  }
}

/**
 * Scan one value at `i` (already past whitespace). Opening a non-empty container pushes it onto `stack` and returns
 * the offset of its first value instead.
 */
function scanValue(text: string, i: number, stack: number[]): number {
  const c = text.charCodeAt(i);
  if (c === OPEN_BRACE) {
    const j = skipWhitespace(text, i + 1);
    const d = text.charCodeAt(j);
    if (d === CLOSE_BRACE) return j + 1;
    if (d !== QUOTE) fail(text, j, "a property name or '}'", (f) => `Expected a property name or '}' but found ${f}`);
    stack.push(OBJECT);
    return scanMemberName(text, j);
  }
  if (c === OPEN_BRACKET) {
    const j = skipWhitespace(text, i + 1);
    if (text.charCodeAt(j) === CLOSE_BRACKET) return j + 1;
    stack.push(ARRAY);
    return j;
  }
  if (c === QUOTE) return scanString(text, i);
  if (c === MINUS || isDigit(c)) return scanNumber(text, i);
  for (const word of ['true', 'false', 'null']) {
    if (text.startsWith(word, i) && !isWordChar(text.charCodeAt(i + word.length))) return i + word.length;
  }
  return fail(text, i, 'a JSON value', (f) => `Expected a JSON value but found ${f}`);
}

/** Scan `"name"` and the `:` after it at `i`; returns the offset of the member's value (past whitespace). */
function scanMemberName(text: string, i: number): number {
  const j = skipWhitespace(text, scanString(text, i));
  if (text.charCodeAt(j) !== COLON) fail(text, j, "':'", (f) => `Expected ':' after property name but found ${f}`);
  return skipWhitespace(text, j + 1);
}

function scanString(text: string, start: number): number {
  const n = text.length;
  let i = start + 1;
  while (i < n) {
    const c = text.charCodeAt(i);
    if (c === QUOTE) return i + 1;
    if (c < 0x20) {
      fail(text, i, 'a character or \'"\'', (f) => `Invalid control character ${f} in string (use an escape such as \\n)`);
    }
    if (c === BACKSLASH) {
      const e = text.charCodeAt(i + 1);
      if (e === 0x75) {
        for (let k = 2; k < 6; k++) {
          if (!isHexDigit(text.charCodeAt(i + k))) {
            const seq = text.slice(i, Math.min(n, i + 6));
            fail(text, i, 'four hex digits', () => `Invalid Unicode escape '${seq}' in string`);
          }
        }
        i += 6;
        continue;
      }
      // " \ / b f n r t
      if (e === QUOTE || e === BACKSLASH || e === 0x2f || e === 0x62 || e === 0x66 || e === 0x6e || e === 0x72 || e === 0x74) {
        i += 2;
        continue;
      }
      if (i + 1 >= n) break;
      const seq = text.slice(i, i + 2);
      fail(text, i, 'an escape sequence', () => `Invalid escape sequence '${seq}' in string`);
    }
    i++;
  }
  return fail(text, start, "'\"'", () => 'Unterminated string');
}

function scanNumber(text: string, start: number): number {
  let i = start;
  if (text.charCodeAt(i) === MINUS) {
    i++;
    if (!isDigit(text.charCodeAt(i))) fail(text, i, 'a digit', (f) => `Invalid number: expected a digit after '-' but found ${f}`);
  }
  if (text.charCodeAt(i) === 0x30) {
    i++;
    if (isDigit(text.charCodeAt(i))) fail(text, i, "'.', 'e' or the end of the number", () => 'Invalid number: leading zeros are not allowed');
  } else {
    while (isDigit(text.charCodeAt(i))) i++;
  }
  if (text.charCodeAt(i) === DOT) {
    i++;
    if (!isDigit(text.charCodeAt(i))) fail(text, i, 'a digit', (f) => `Invalid number: expected a digit after '.' but found ${f}`);
    while (isDigit(text.charCodeAt(i))) i++;
  }
  const e = text.charCodeAt(i);
  if (e === 0x65 || e === 0x45) {
    i++;
    const s = text.charCodeAt(i);
    if (s === 0x2b || s === MINUS) i++;
    if (!isDigit(text.charCodeAt(i))) fail(text, i, 'a digit', (f) => `Invalid number: expected a digit in the exponent but found ${f}`);
    while (isDigit(text.charCodeAt(i))) i++;
  }
  return i;
}

function skipWhitespace(text: string, i: number): number {
  for (;;) {
    const c = text.charCodeAt(i);
    if (c !== 0x20 && c !== 0x0a && c !== 0x0d && c !== 0x09) return i;
    i++;
  }
}

function isDigit(c: number): boolean {
  return c >= 0x30 && c <= 0x39;
}

function isHexDigit(c: number): boolean {
  return isDigit(c) || (c >= 0x41 && c <= 0x46) || (c >= 0x61 && c <= 0x66);
}

function isWordChar(c: number): boolean {
  return isDigit(c) || (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a) || c === 0x5f || c === 0x24;
}

/** A short human description of what is at `offset`: a quoted word or character, a code point, or end of input. */
function describeFound(text: string, offset: number): string {
  if (offset >= text.length) return 'end of input';
  const c = text.charCodeAt(offset);
  if (c === 0x27) return 'a single quote (JSON strings use double quotes)';
  if (isWordChar(c)) {
    let end = offset + 1;
    while (end < text.length && end - offset < 24 && isWordChar(text.charCodeAt(end))) end++;
    return `'${text.slice(offset, end)}'`;
  }
  const cp = text.codePointAt(offset) ?? c;
  if (cp < 0x20 || cp === 0x7f || cp === 0xfeff || cp === 0xa0 || cp === 0x2028 || cp === 0x2029 || (cp >= 0xd800 && cp <= 0xdfff)) {
    const hex = `U+${cp.toString(16).toUpperCase().padStart(4, '0')}`;
    return cp === 0xfeff ? `a byte order mark (${hex})` : hex;
  }
  return `'${String.fromCodePoint(cp)}'`;
}
