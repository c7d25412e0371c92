/**
 * Locations, findings and (on request) fixes of one record, in document coordinates. The record's source text is
 * kept as written: fixes edit located spans of it, never a re-serialization of the parsed value.
 */
import type { RecordSpan } from '../analysis/record';
import type { JsonPath, TextSpan } from '../parse/jsonLocate';
import { locateKey, locateRecord, locateValue, rangeAt } from '../parse/jsonLocate';
import type { Finding, Fix, FixKind, Range, TextEdit } from '../types';
import type { CodeName } from './codes';
import { makeFinding } from './codes';

/** Findings of one record, with their fixes when the record was checked for fixes. */
export class RecordContext {
  readonly findings: Finding[] = [];
  /** Fixes per finding (identity), only when `withFixes`. */
  readonly fixes = new Map<Finding, Fix[]>();
  readonly whole: TextSpan;

  constructor(
    readonly text: string,
    readonly span: RecordSpan,
    readonly withFixes: boolean,
  ) {
    this.whole = locateRecord(text);
  }

  range(textSpan: TextSpan): Range {
    return rangeAt(this.text, textSpan, this.span);
  }

  recordRange(): Range {
    return this.range(this.whole);
  }

  valueSpan(path: JsonPath | null): TextSpan {
    return (path && locateValue(this.text, path)) || this.whole;
  }

  valueRange(path: JsonPath | null): Range {
    return this.range(this.valueSpan(path));
  }

  keyRange(path: JsonPath): Range {
    const key = locateKey(this.text, path);
    return key ? this.range(key) : this.valueRange(path);
  }

  /** The source text of a span of the record. */
  source(textSpan: TextSpan): string {
    return this.text.slice(textSpan.start, textSpan.end);
  }

  /** Replace a span of the record's text. */
  edit(textSpan: TextSpan, newText: string): TextEdit {
    return { range: this.range(textSpan), newText };
  }

  add(code: CodeName, message: string, range: Range, fixes?: Fix[]): Finding {
    const finding = makeFinding(code, message, range);
    this.findings.push(finding);
    if (this.withFixes) this.fixes.set(finding, fixes ?? []);
    return finding;
  }
}

/** A fix; safe ones are preferred. */
export function fix(title: string, kind: FixKind, edits: TextEdit[], isSafe: boolean): Fix {
  return isSafe ? { title, kind, edits, isSafe, isPreferred: true } : { title, kind, edits, isSafe };
}
