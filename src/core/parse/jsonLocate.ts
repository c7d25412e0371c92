/**
 * Locate values and keys inside the JSON text of one record, so findings and fixes can point at exact places.
 * Only called for records that have findings: the scanner re-walks the text instead of keeping a position tree.
 */
import type { RecordSpan } from '../analysis/record';
import type { Position, Range } from '../types';
import { offsetToPosition } from './jsonError';

/** A path into a JSON value: object keys and array indices. */
export type JsonPath = readonly (string | number)[];

/** A half-open span `[start, end)` of UTF-16 offsets into a record's text. */
export interface TextSpan {
  start: number;
  end: number;
}

interface Located {
  key: TextSpan | null;
  value: TextSpan;
}

/** One member of an object as written: the key literal and the value, in source order. */
export interface MemberSpan {
  key: TextSpan;
  value: TextSpan;
}

function isSpace(code: number): boolean {
  return code === 0x20 || code === 0x09 || code === 0x0a || code === 0x0d || code === 0xfeff;
}

function skipSpace(text: string, i: number): number {
  while (i < text.length && isSpace(text.charCodeAt(i))) i++;
  return i;
}

/** End (exclusive) of the string literal opening at `i`, or -1. */
function scanString(text: string, i: number): number {
  if (text.charCodeAt(i) !== 0x22) return -1;
  for (let j = i + 1; j < text.length; j++) {
    const c = text.charCodeAt(j);
    if (c === 0x5c) j++;
    else if (c === 0x22) return j + 1;
  }
  return -1;
}

/** End (exclusive) of the JSON value starting at `i`, or -1. */
function scanValue(text: string, i: number): number {
  const first = text.charCodeAt(i);
  if (first === 0x22) return scanString(text, i);
  if (first === 0x7b || first === 0x5b) {
    let depth = 0;
    for (let j = i; j < text.length; j++) {
      const c = text.charCodeAt(j);
      if (c === 0x22) {
        const end = scanString(text, j);
        if (end < 0) return -1;
        j = end - 1;
      } else if (c === 0x7b || c === 0x5b) depth++;
      else if (c === 0x7d || c === 0x5d) {
        depth--;
        if (depth === 0) return j + 1;
      }
    }
    return -1;
  }
  let j = i;
  while (j < text.length) {
    const c = text.charCodeAt(j);
    if (c === 0x2c || c === 0x7d || c === 0x5d || isSpace(c)) break;
    j++;
  }
  return j > i ? j : -1;
}

function decodeKey(text: string, span: TextSpan): string | null {
  try {
    const key: unknown = JSON.parse(text.slice(span.start, span.end));
    return typeof key === 'string' ? key : null;
  } catch {
    return null;
  }
}

/** The member `key` of the object starting at `i`; the last one wins, as with `JSON.parse`. */
function findMember(text: string, i: number, key: string): Located | null {
  let found: Located | null = null;
  walkMembers(text, i, (member) => {
    if (decodeKey(text, member.key) === key) found = member;
  });
  return found;
}

function findElement(text: string, i: number, index: number): Located | null {
  let found: Located | null = null;
  let k = 0;
  walkElements(text, i, (value) => {
    if (k++ !== index) return true;
    found = { key: null, value };
    return false;
  });
  return found;
}

/** Visit the members of the object whose `{` is at `open`, in source order; false when it breaks off (malformed). */
function walkMembers(text: string, open: number, visit: (member: MemberSpan) => void): boolean {
  let j = skipSpace(text, open + 1);
  while (j < text.length && text.charCodeAt(j) !== 0x7d) {
    const keyEnd = scanString(text, j);
    if (keyEnd < 0) return false;
    const key = { start: j, end: keyEnd };
    j = skipSpace(text, keyEnd);
    if (text.charCodeAt(j) !== 0x3a) return false;
    j = skipSpace(text, j + 1);
    const valueEnd = scanValue(text, j);
    if (valueEnd < 0) return false;
    visit({ key, value: { start: j, end: valueEnd } });
    j = skipSpace(text, valueEnd);
    if (text.charCodeAt(j) === 0x2c) j = skipSpace(text, j + 1);
  }
  return true;
}

/** Visit the elements of the array whose `[` is at `open` until `visit` says stop; false when it breaks off. */
function walkElements(text: string, open: number, visit: (value: TextSpan) => boolean): boolean {
  let j = skipSpace(text, open + 1);
  while (j < text.length && text.charCodeAt(j) !== 0x5d) {
    const end = scanValue(text, j);
    if (end < 0) return false;
    if (!visit({ start: j, end })) return true;
    j = skipSpace(text, end);
    if (text.charCodeAt(j) === 0x2c) j = skipSpace(text, j + 1);
  }
  return true;
}

function locate(text: string, path: JsonPath): Located | null {
  const start = skipSpace(text, 0);
  const end = scanValue(text, start);
  if (end < 0) return null;
  let current: Located = { key: null, value: { start, end } };
  for (const step of path) {
    const open = text.charCodeAt(current.value.start);
    let next: Located | null = null;
    if (typeof step === 'string' && open === 0x7b) next = findMember(text, current.value.start, step);
    else if (typeof step === 'number' && open === 0x5b) next = findElement(text, current.value.start, step);
    if (!next) return null;
    current = next;
  }
  return current;
}

/** UTF-16 span of the value at `path` (a string value includes its quotes), or null when there is none. */
export function locateValue(text: string, path: JsonPath): TextSpan | null {
  return locate(text, path)?.value ?? null;
}

/** UTF-16 span of the key string (with quotes) of the last path element, or null (also for array indices). */
export function locateKey(text: string, path: JsonPath): TextSpan | null {
  return path.length === 0 ? null : (locate(text, path)?.key ?? null);
}

/** The record's text without surrounding whitespace (and without a leading BOM). */
export function locateRecord(text: string): TextSpan {
  const start = skipSpace(text, 0);
  let end = text.length;
  while (end > start && isSpace(text.charCodeAt(end - 1))) end--;
  return { start, end };
}

/**
 * For the string literal that opens at `literalStart`, the source offset of every decoded UTF-16 unit; the extra
 * last entry is the closing quote. Maps offsets in a decoded string value back into the text.
 */
export function mapStringOffsets(text: string, literalStart: number): number[] {
  const offsets: number[] = [];
  let j = literalStart + 1;
  while (j < text.length) {
    const c = text.charCodeAt(j);
    if (c === 0x22) break;
    offsets.push(j);
    if (c === 0x5c) j += text.charCodeAt(j + 1) === 0x75 ? 6 : 2;
    else j++;
  }
  offsets.push(Math.min(j, text.length));
  return offsets;
}

/** Document position of `offset` in a record's text that starts at column 0 of `span.startLine`. */
export function positionAt(text: string, offset: number, span: RecordSpan): Position {
  const at = offsetToPosition(text, offset, span.startLine);
  // A record inside a JSON array may start mid-line: its first line is shifted by the start column.
  if (at.line === span.startLine && span.startCharacter) at.character += span.startCharacter;
  return at;
}

/** Document range of a text span of a record. */
export function rangeAt(text: string, textSpan: TextSpan, span: RecordSpan): Range {
  return { start: positionAt(text, textSpan.start, span), end: positionAt(text, textSpan.end, span) };
}


/** Members of the object whose `{` is at `open`, in source order (repeated keys included); null if malformed. */
export function listMembers(text: string, open: number): MemberSpan[] | null {
  if (text.charCodeAt(open) !== 0x7b) return null;
  const out: MemberSpan[] = [];
  return walkMembers(text, open, (member) => out.push(member)) ? out : null;
}

/** Elements of the array whose `[` is at `open`, in order; null if malformed. */
export function listElements(text: string, open: number): TextSpan[] | null {
  if (text.charCodeAt(open) !== 0x5b) return null;
  const out: TextSpan[] = [];
  return walkElements(text, open, (value) => out.push(value) > 0) ? out : null;
}
