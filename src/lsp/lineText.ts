/**
 * The text of an open document as its lines, edited in place as LSP clients send changes. The server needs only the
 * version and, on (re)open, the whole text: `vscode-languageserver-textdocument` keeps one string, which every
 * incremental change re-concatenates and then flattens (it reads characters around the edit), a full copy of the
 * document per keystroke (170 ms at 49 MB). Here an edit touches only the lines it spans. Positions follow LSP's
 * rules as that library applies them: lines end at `\r\n`, `\r` or `\n`; a character past the end of its line's
 * content means the end of that content; a line past the last means the end of the text.
 */
import type { TextDocumentContentChangeEvent } from 'vscode-languageserver/node';

const LF = 10;
const CR = 13;
/** Above this many lines, a splice's arguments could overflow the stack: the array is rebuilt instead. */
const SPREAD_LIMIT = 10_000;

/** Lines of `text`, each with its line break; the last one has none (it is '' when the text ends with a break). */
export function splitLines(text: string): string[] {
  const lines: string[] = [];
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === LF || c === CR) {
      if (c === CR && text.charCodeAt(i + 1) === LF) i++;
      lines.push(text.slice(start, i + 1));
      start = i + 1;
    }
  }
  lines.push(text.slice(start));
  return lines;
}

function breakLength(line: string): number {
  const n = line.length;
  if (n === 0) return 0;
  const last = line.charCodeAt(n - 1);
  if (last === LF) return n > 1 && line.charCodeAt(n - 2) === CR ? 2 : 1;
  return last === CR ? 1 : 0;
}

export class LineText {
  private lines: string[];

  constructor(
    readonly uri: string,
    readonly languageId: string,
    private versionValue: number,
    text: string,
  ) {
    this.lines = splitLines(text);
  }

  get version(): number {
    return this.versionValue;
  }

  get lineCount(): number {
    return this.lines.length;
  }

  getText(): string {
    return this.lines.join('');
  }

  /** Lines `from` to `to` (0-based, inclusive), each with its line break. */
  linesText(from: number, to: number): string {
    return from === to ? (this.lines[from] ?? '') : this.lines.slice(from, to + 1).join('');
  }

  /** Apply changes in order (each against the text the previous one left), then take the new version. */
  update(changes: readonly TextDocumentContentChangeEvent[], version: number): void {
    for (const change of changes) {
      if ('range' in change && change.range) this.replace(change.range, change.text);
      else this.lines = splitLines(change.text);
    }
    this.versionValue = version;
  }

  /** A position as (line, character within the line's content), clamped as the LSP library clamps offsets. */
  private clamp(position: { line: number; character: number }): { line: number; character: number } {
    const last = this.lines.length - 1;
    if (position.line > last) return { line: last, character: this.contentLength(last) };
    if (position.line < 0) return { line: 0, character: 0 };
    const { line } = position;
    return { line, character: Math.min(Math.max(position.character, 0), this.contentLength(line)) };
  }

  private contentLength(line: number): number {
    const text = this.lines[line]!;
    return text.length - breakLength(text);
  }

  private replace(range: { start: { line: number; character: number }; end: { line: number; character: number } }, text: string): void {
    let start = this.clamp(range.start);
    let end = this.clamp(range.end);
    if (end.line < start.line || (end.line === start.line && end.character < start.character)) [start, end] = [end, start];
    let from = start.line;
    const to = end.line;
    let merged = this.lines[from]!.slice(0, start.character) + text + this.lines[to]!.slice(end.character);
    // A lone `\r` ending the line before, met by a `\n` the edit puts first: one `\r\n` break, as the editor sees it.
    if (from > 0 && merged.charCodeAt(0) === LF && breakLength(this.lines[from - 1]!) === 1 && this.lines[from - 1]!.endsWith('\r')) {
      from--;
      merged = this.lines[from]! + merged;
    }
    const replacement = splitLines(merged);
    // `merged` ends with the break of line `to` unless that is the last line: no new line starts after it then.
    if (to < this.lines.length - 1) replacement.pop();
    const count = to - from + 1;
    if (replacement.length < SPREAD_LIMIT) this.lines.splice(from, count, ...replacement);
    else this.lines = this.lines.slice(0, from).concat(replacement, this.lines.slice(from + count));
  }
}
