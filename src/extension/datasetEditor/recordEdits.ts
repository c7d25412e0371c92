// The text edits the Dataset Editor makes in one record, as small as they can be: a message's content or role is
// replaced as one JSON value inside the record's text (everything else, layout and line breaks included, stays as it
// was), and a deleted example takes its lines and its own line break. No `vscode` import: unit-tested under Node.
import type { EditableRole } from '../../shared/datasetEditorMessages';

/** A replacement of text[start, end) (offsets into the record's text). */
export interface OffsetEdit {
  start: number;
  end: number;
  newText: string;
}

/** Where a JSON value is in a text: [start, end). */
interface Span {
  start: number;
  end: number;
}

type PathStep = string | number;

class JsonScanner {
  pos = 0;
  constructor(private readonly text: string) {}

  private fail(what: string): never {
    throw new Error(`${what} at offset ${this.pos}`);
  }

  private skipSpace(): void {
    while (this.pos < this.text.length && /\s/.test(this.text[this.pos]!)) this.pos++;
  }

  private expect(char: string): void {
    this.skipSpace();
    if (this.text[this.pos] !== char) this.fail(`expected "${char}"`);
    this.pos++;
  }

  private string(): string {
    const start = this.pos;
    if (this.text[this.pos] !== '"') this.fail('expected a string');
    this.pos++;
    while (this.pos < this.text.length) {
      const c = this.text[this.pos]!;
      if (c === '\\') this.pos += 2;
      else if (c === '"') {
        this.pos++;
        return JSON.parse(this.text.slice(start, this.pos)) as string;
      } else this.pos++;
    }
    return this.fail('unterminated string');
  }

  /** Scan one value; when `path` is not empty, return the span of the value at that path inside it. */
  value(path: readonly PathStep[]): Span | undefined {
    this.skipSpace();
    const start = this.pos;
    const c = this.text[this.pos];
    let found: Span | undefined;
    if (c === '{') {
      this.pos++;
      this.skipSpace();
      if (this.text[this.pos] === '}') this.pos++;
      else {
        for (;;) {
          this.skipSpace();
          const key = this.string();
          this.expect(':');
          const hit = this.value(path[0] === key ? path.slice(1) : []);
          if (path[0] === key && found === undefined) found = hit;
          this.skipSpace();
          if (this.text[this.pos] === ',') this.pos++;
          else if (this.text[this.pos] === '}') {
            this.pos++;
            break;
          } else this.fail('expected "," or "}"');
        }
      }
    } else if (c === '[') {
      this.pos++;
      this.skipSpace();
      if (this.text[this.pos] === ']') this.pos++;
      else {
        for (let i = 0; ; i++) {
          const hit = this.value(path[0] === i ? path.slice(1) : []);
          if (path[0] === i) found = hit;
          this.skipSpace();
          if (this.text[this.pos] === ',') this.pos++;
          else if (this.text[this.pos] === ']') {
            this.pos++;
            break;
          } else this.fail('expected "," or "]"');
        }
      }
    } else if (c === '"') {
      this.string();
    } else {
      const match = /^(?:true|false|null|-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?)/.exec(this.text.slice(this.pos, this.pos + 400));
      if (match === null) this.fail('expected a JSON value');
      this.pos += match[0].length;
    }
    if (path.length === 0) return { start, end: this.pos };
    return found;
  }
}

/** The span of the value at `path` in a JSON text (undefined: no such value); throws on text that is not JSON. */
export function locateJsonValue(text: string, path: readonly PathStep[]): Span | undefined {
  const scanner = new JsonScanner(text);
  const span = scanner.value(path);
  if (/\S/.test(text.slice(scanner.pos))) throw new Error(`unexpected text after the record at offset ${scanner.pos}`);
  return span;
}

/** Where a format keeps its messages, and the keys of a message's role and content. */
const MESSAGE_LAYOUT: Record<string, { list: string; role: string; content: string; roleNames: Record<EditableRole, string> }> = {
  openai: { list: 'messages', role: 'role', content: 'content', roleNames: { system: 'system', user: 'user', assistant: 'assistant', tool: 'tool' } },
  sharegpt: { list: 'conversations', role: 'from', content: 'value', roleNames: { system: 'system', user: 'human', assistant: 'gpt', tool: 'tool' } },
};

/** Formats whose messages can be edited in place. */
export const EDITABLE_FORMATS = Object.keys(MESSAGE_LAYOUT);

/**
 * The edits that give message `messageIndex` of a record a new content and/or role. The record must be in a format
 * whose messages map one to one onto a JSON array (OpenAI `messages`, ShareGPT `conversations`), with
 * `expectedMessages` entries (the count the language server reported), so that the index means the same message.
 */
export function messageEdits(
  recordText: string,
  format: string | null,
  expectedMessages: number,
  messageIndex: number,
  change: { content?: string; role?: EditableRole },
): OffsetEdit[] {
  const layout = format === null ? undefined : MESSAGE_LAYOUT[format];
  if (layout === undefined) {
    throw new Error(`Messages of ${format ?? 'invalid'} records cannot be edited here (only ${EDITABLE_FORMATS.join(' and ')}); edit the text instead.`);
  }
  const list = locateJsonValue(recordText, [layout.list]);
  if (list === undefined) throw new Error(`The record has no "${layout.list}" array.`);
  const count = locateJsonValue(recordText, [layout.list, expectedMessages - 1]) !== undefined && locateJsonValue(recordText, [layout.list, expectedMessages]) === undefined;
  if (!count) throw new Error(`The record's "${layout.list}" array does not hold the ${expectedMessages} messages shown; edit the text instead.`);
  const edits: OffsetEdit[] = [];
  if (change.role !== undefined) {
    const span = locateJsonValue(recordText, [layout.list, messageIndex, layout.role]);
    if (span === undefined) throw new Error(`Message ${messageIndex + 1} has no "${layout.role}".`);
    edits.push({ ...span, newText: JSON.stringify(layout.roleNames[change.role]) });
  }
  if (change.content !== undefined) {
    const span = locateJsonValue(recordText, [layout.list, messageIndex, layout.content]);
    if (span === undefined) throw new Error(`Message ${messageIndex + 1} has no "${layout.content}".`);
    edits.push({ ...span, newText: JSON.stringify(change.content) });
  }
  return edits.sort((a, b) => a.start - b.start);
}

/** A range of 0-based lines and characters. */
export interface LineRange {
  startLine: number;
  startCharacter: number;
  endLine: number;
  endCharacter: number;
}

/**
 * The range that deletes a record's lines (1-based `line`..`endLine`) with exactly one line break: its own, or, for
 * the last record of a file without a final line break, the one before it. Other lines keep their bytes.
 */
export function recordDeletionRange(line: number, endLine: number, lineCount: number, lineLength: (line: number) => number): LineRange {
  const first = line - 1;
  const last = endLine - 1;
  if (last + 1 < lineCount) return { startLine: first, startCharacter: 0, endLine: last + 1, endCharacter: 0 };
  if (first > 0) return { startLine: first - 1, startCharacter: lineLength(first - 1), endLine: last, endCharacter: lineLength(last) };
  return { startLine: 0, startCharacter: 0, endLine: last, endCharacter: lineLength(last) };
}

/** A record's lines, 1-based and inclusive. */
export interface RecordLines {
  line: number;
  endLine: number;
}

/**
 * The ranges that delete several records in one edit: touching records are merged into one block first, so that no
 * two ranges overlap (each block takes one line break, as {@link recordDeletionRange}).
 */
export function recordsDeletionRanges(records: readonly RecordLines[], lineCount: number, lineLength: (line: number) => number): LineRange[] {
  const sorted = [...records].sort((a, b) => a.line - b.line);
  const blocks: RecordLines[] = [];
  for (const r of sorted) {
    const last = blocks[blocks.length - 1];
    if (last !== undefined && r.line <= last.endLine + 1) last.endLine = Math.max(last.endLine, r.endLine);
    else blocks.push({ ...r });
  }
  return blocks.map((b) => recordDeletionRange(b.line, b.endLine, lineCount, lineLength));
}
