/**
 * Fixes that edit a record's source text in place. Each edit replaces the smallest located span (a role value, the
 * whitespace at the ends of a string, a list element with its separator), and text copied into an edit is copied
 * from the source as written, so number spellings (`12345678901234567890`, `1.0`), escapes, key order and spacing
 * outside the edited spans survive byte for byte.
 */
import type { ChatExample, DatasetFormat } from '../formats/chat';
import type { MessageOrigin } from '../formats/normalize';
import { FORMAT_KEYS } from '../formats/normalize';
import type { JsonPath, TextSpan } from '../parse/jsonLocate';
import { listElements, listMembers, locateValue, mapStringOffsets } from '../parse/jsonLocate';
import type { RecordSpan } from '../analysis/record';
import type { TextEdit } from '../types';
import { makeRange } from '../types';
import type { RecordContext } from './recordContext';
import type { SensitiveMatch } from './sensitive';
import { redactionToken } from './sensitive';

const QUOTE = 0x22;

function isStringLiteral(ctx: RecordContext, span: TextSpan | null): span is TextSpan {
  return span !== null && ctx.text.charCodeAt(span.start) === QUOTE;
}

/** The escaped body of a string literal as written (without its quotes). */
function literalBody(ctx: RecordContext, literal: TextSpan): string {
  return ctx.text.slice(literal.start + 1, literal.end - 1);
}

/** Replace a value (located by path) with a JSON string: used for role names, whose spelling is ours to write. */
export function replaceValueEdits(ctx: RecordContext, path: JsonPath, value: string): TextEdit[] {
  const span = locateValue(ctx.text, path);
  return span ? [ctx.edit(span, JSON.stringify(value))] : [];
}

/** Delete the leading and trailing whitespace of the string at `path` (whose decoded value is `value`). */
export function trimEdits(ctx: RecordContext, path: JsonPath, value: string): TextEdit[] {
  const literal = locateValue(ctx.text, path);
  if (!isStringLiteral(ctx, literal)) return [];
  const offsets = mapStringOffsets(ctx.text, literal.start);
  const lead = value.length - value.trimStart().length;
  const trail = value.length - value.trimEnd().length;
  if (offsets.length !== value.length + 1 || lead === value.length) return [];
  const edits: TextEdit[] = [];
  if (lead > 0) edits.push(ctx.edit({ start: offsets[0] as number, end: offsets[lead] as number }, ''));
  if (trail > 0) edits.push(ctx.edit({ start: offsets[value.length - trail] as number, end: offsets[value.length] as number }, ''));
  return edits;
}

/** Replace the matches (offsets into the decoded string at `path`) with redaction tokens, one edit each. */
export function redactEdits(ctx: RecordContext, path: JsonPath, matches: readonly SensitiveMatch[]): TextEdit[] {
  const literal = locateValue(ctx.text, path);
  if (!isStringLiteral(ctx, literal)) return [];
  const offsets = mapStringOffsets(ctx.text, literal.start);
  const edits: TextEdit[] = [];
  for (const m of matches) {
    const start = offsets[m.start];
    const end = offsets[m.end];
    if (start === undefined || end === undefined) continue;
    edits.push(ctx.edit({ start, end }, redactionToken(m.kind)));
  }
  return edits;
}

/**
 * Merge turn `index` of the list at `listPath` into the turn before it: the earlier content gets "\n\n" and the
 * later content's escaped text appended inside its quotes, and the later turn is deleted with the separator before it.
 */
export function mergeTurnEdits(ctx: RecordContext, listPath: JsonPath, index: number, contentKey: string): TextEdit[] {
  const list = locateValue(ctx.text, listPath);
  const elements = list ? listElements(ctx.text, list.start) : null;
  const previous = elements?.[index - 1];
  const current = elements?.[index];
  const a = locateValue(ctx.text, [...listPath, index - 1, contentKey]);
  const b = locateValue(ctx.text, [...listPath, index, contentKey]);
  if (!previous || !current || !isStringLiteral(ctx, a) || !isStringLiteral(ctx, b)) return [];
  return [
    ctx.edit({ start: a.end - 1, end: a.end - 1 }, `\\n\\n${literalBody(ctx, b)}`),
    ctx.edit({ start: previous.end, end: current.end }, ''),
  ];
}

/**
 * Move the list elements at `moved` (indices after the first non-system turn) to just before that turn, in their
 * order: each is deleted with the separator before it and its source inserted once, followed by the list's own
 * separator.
 */
export function moveElementsEdits(ctx: RecordContext, listPath: JsonPath, moved: readonly number[], before: number): TextEdit[] {
  const list = locateValue(ctx.text, listPath);
  const elements = list ? listElements(ctx.text, list.start) : null;
  const target = elements?.[before];
  if (!elements || !target || elements.length < 2 || moved.length === 0) return [];
  const separator = ctx.text.slice((elements[0] as TextSpan).end, (elements[1] as TextSpan).start);
  let inserted = '';
  const edits: TextEdit[] = [];
  for (const j of moved) {
    const element = elements[j];
    const prior = elements[j - 1];
    if (!element || !prior || j <= before) return [];
    inserted += ctx.source(element) + separator;
    edits.push(ctx.edit({ start: prior.end, end: element.end }, ''));
  }
  edits.unshift(ctx.edit({ start: target.start, end: target.start }, inserted));
  return edits;
}

/** The separators a record is written with: `:` and `,` followed by a space or not. */
function separators(ctx: RecordContext): { colon: string; comma: string } {
  const members = listMembers(ctx.text, ctx.whole.start);
  const first = members?.[0];
  const second = members?.[1];
  const spacedColon = first !== undefined && /:\s/.test(ctx.text.slice(first.key.end, first.value.start));
  const spacedComma = first !== undefined && second !== undefined ? /,\s/.test(ctx.text.slice(first.value.end, second.key.start)) : spacedColon;
  return { colon: spacedColon ? ': ' : ':', comma: spacedComma ? ', ' : ',' };
}

/** A message's content as a JSON string literal, from the source as written wherever the source has it. */
function contentLiteral(ctx: RecordContext, origin: MessageOrigin, content: string, format: DatasetFormat): string {
  if (origin.editPath) {
    const literal = locateValue(ctx.text, origin.editPath);
    if (isStringLiteral(ctx, literal)) return ctx.source(literal);
  }
  // Alpaca's user turn: instruction, a blank line, input.
  const [first, second] = origin.contentPaths;
  if (format === 'alpaca' && first && second && origin.contentPaths.length === 2) {
    const a = locateValue(ctx.text, first);
    const b = locateValue(ctx.text, second);
    if (isStringLiteral(ctx, a) && isStringLiteral(ctx, b)) return `"${literalBody(ctx, a)}\\n\\n${literalBody(ctx, b)}"`;
  }
  return JSON.stringify(content);
}

/**
 * Rewrite a record of another format as an OpenAI chat record, in place: the first member the source format consumes
 * becomes `"messages": [...]` (built from the source's own string literals), the other consumed members are deleted
 * with the separator before each, and every other member (such as an `id`) stays where it is, as written.
 */
export function convertRecordEdits(
  ctx: RecordContext,
  record: Record<string, unknown>,
  example: ChatExample,
  origins: readonly MessageOrigin[],
  format: DatasetFormat,
): TextEdit[] {
  const { colon, comma } = separators(ctx);
  const messages = example.messages.map((message, i) => {
    const origin = origins[i];
    const content = origin ? contentLiteral(ctx, origin, message.content, format) : JSON.stringify(message.content);
    const calls = message.toolCalls ? `${comma}"tool_calls"${colon}${JSON.stringify(message.toolCalls)}` : '';
    return `{"role"${colon}${JSON.stringify(message.role)}${comma}"content"${colon}${content}${calls}}`;
  });
  // Tools are rewritten as a list only when they were read; unreadable tools stay as written.
  const consumed = new Set(FORMAT_KEYS[format].filter((key) => key !== 'tools' || example.tools !== undefined));
  const tools = example.tools ? `${comma}"tools"${colon}${JSON.stringify(example.tools)}` : '';
  const members = listMembers(ctx.text, ctx.whole.start) ?? [];
  const edits: TextEdit[] = [];
  for (let j = 0; j < members.length; j++) {
    const member = members[j] as (typeof members)[number];
    const key: unknown = JSON.parse(ctx.source(member.key));
    if (typeof key !== 'string' || !consumed.has(key) || !Object.hasOwn(record, key)) continue;
    if (edits.length === 0) {
      edits.push(ctx.edit({ start: member.key.start, end: member.value.end }, `"messages"${colon}[${messages.join(comma)}]${tools}`));
    } else {
      edits.push(ctx.edit({ start: (members[j - 1] as (typeof members)[number]).value.end, end: member.value.end }, ''));
    }
  }
  return edits;
}

/**
 * Join a pretty-printed JSONL record onto one line: each run of whitespace that holds a line break (only possible
 * between tokens) becomes nothing after `{`/`[` and before `}`/`]`, and one space elsewhere; every token keeps its
 * spelling. `text` starts at column 0 of `span.startLine`.
 */
export function joinLinesEdits(text: string, span: RecordSpan): TextEdit[] {
  const edits: TextEdit[] = [];
  let line = span.startLine;
  let lineStart = 0;
  let i = text.indexOf('\n');
  while (i >= 0) {
    let start = i;
    while (start > lineStart && isJsonSpace(text.charCodeAt(start - 1))) start--;
    let end = i + 1;
    let endLine = line + 1;
    let endLineStart = i + 1;
    for (;;) {
      while (end < text.length && isJsonSpace(text.charCodeAt(end))) end++;
      if (text.charCodeAt(end) !== 0x0a) break;
      end++;
      endLine++;
      endLineStart = end;
    }
    const before = text.charCodeAt(start - 1);
    const after = text.charCodeAt(end);
    const tight = before === 0x7b || before === 0x5b || after === 0x7d || after === 0x5d || Number.isNaN(after) || start === 0;
    edits.push({ range: makeRange(line, start - lineStart, endLine, end - endLineStart), newText: tight ? '' : ' ' });
    line = endLine;
    lineStart = endLineStart;
    i = text.indexOf('\n', end);
  }
  return edits;
}

function isJsonSpace(c: number): boolean {
  return c === 0x20 || c === 0x09 || c === 0x0d;
}
