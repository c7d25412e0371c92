/**
 * The part of a dataset report that is a sum over records: counts, characters, tokens, tallies, findings per code.
 * Every field is an integer sum, so a record can be taken out again exactly (`add(r, -1)`): the streaming
 * aggregator only adds, an editor's document adds and removes the records an edit replaced.
 */
import type { CodeName } from '../checks/codes';
import { groupOf } from '../checks/codes';
import type { DatasetFormat } from '../formats/chat';
import type { RecordResult, RoleCounts, ScriptTally } from './record';
import { emptyRoleCounts, emptyScriptTally } from './record';
import { mergeTally } from './textFacts';

/** Hosted fine-tuning bills at most this many tokens per example (OpenAI cookbook). */
export const MAX_TOKENS_PER_EXAMPLE = 16385;

const ROLE_ORDER_CODES: ReadonlySet<CodeName> = new Set(['consecutive-same-role', 'system-not-first', 'last-not-assistant']);

/** Parse findings that a UTF-16/UTF-32 file raises on every line; the one `file-encoding` error replaces them. */
export const WIDE_ENCODING_NOISE: ReadonlySet<CodeName> = new Set(['invalid-utf8', 'invalid-json']);

/** Token-count buckets of the distribution block. */
export interface TokenBuckets {
  '0-100': number;
  '100-500': number;
  '500-1000': number;
  '1000+': number;
}

/** Sums over records (usable examples unless said otherwise). */
export class RecordTotals {
  /** Records (usable or not) and the lines they span. */
  records = 0;
  recordLines = 0;
  examples = 0;
  invalid = 0;
  readonly roles: RoleCounts = emptyRoleCounts();
  contentChars = 0;
  messageTotal = 0;
  replies = 0;
  shortReplies = 0;
  replyChars = 0;
  jsonReplies = 0;
  codeReplies = 0;
  multiTurn = 0;
  withSystem = 0;
  missingSystem = 0;
  missingUser = 0;
  /** Records (usable or not) with content that is not text, which text-only fine-tuning drops. */
  nonText = 0;
  overLimit = 0;
  totalTokens = 0;
  billableTokens = 0;
  readonly buckets: TokenBuckets = { '0-100': 0, '100-500': 0, '500-1000': 0, '1000+': 0 };
  /** Personal data and secrets, whether or not the record is otherwise usable. */
  piiFindings = 0;
  secretFindings = 0;
  roleOrderExamples = 0;
  readonly script: ScriptTally = emptyScriptTally();
  /** Per-record findings per code (all records). */
  readonly findingCounts = new Map<CodeName, number>();
  /** Cookbook `format_errors` keys and our error codes (not sensitive data) → occurrences. */
  readonly formatErrors: Record<string, number> = {};
  /** Records per detected format (all records). */
  readonly formatCounts = new Map<DatasetFormat, number>();

  /**
   * @param maxSeqLength examples longer than this count in `overLimit`.
   * @param wideEncoding the input is UTF-16/UTF-32: its per-line parse errors are not counted (one file error is).
   */
  constructor(
    private readonly maxSeqLength: number,
    private readonly wideEncoding = false,
  ) {}

  /** Add a record's contributions (`sign` −1 takes them out again). */
  add(r: RecordResult, sign: 1 | -1 = 1): void {
    this.records += sign;
    this.recordLines += sign * (r.span.endLine - r.span.startLine + 1);
    let nonText = false;
    for (const f of r.findings) {
      if (this.wideEncoding && WIDE_ENCODING_NOISE.has(f.code)) continue;
      if (f.code === 'non-text-content') nonText = true;
      bumpMap(this.findingCounts, f.code, sign);
      const group = groupOf(f.code);
      if (group === 'pii') this.piiFindings += sign;
      else if (group === 'secret') this.secretFindings += sign;
      else if (f.severity === 'error') bumpRecord(this.formatErrors, f.code, sign);
    }
    // A loop over the keys: Object.entries made an array per record, most of them for an empty object.
    if (nonText) this.nonText += sign;
    const errors = r.cookbookErrors;
    for (const key in errors) bumpRecord(this.formatErrors, key, sign * (errors[key] as number));
    if (r.format) bumpMap(this.formatCounts, r.format, sign);
    if (!r.valid) {
      this.invalid += sign;
      return;
    }
    this.examples += sign;
    const roles = this.roles;
    roles.system += sign * r.roles.system;
    roles.user += sign * r.roles.user;
    roles.assistant += sign * r.roles.assistant;
    roles.tool += sign * r.roles.tool;
    roles.function += sign * r.roles.function;
    this.contentChars += sign * r.contentChars;
    this.messageTotal += sign * r.messageCount;
    this.replies += sign * r.replyCount;
    this.shortReplies += sign * r.shortReplies;
    this.replyChars += sign * r.replyChars;
    this.jsonReplies += sign * r.jsonReplies;
    this.codeReplies += sign * r.codeReplies;
    if (r.roles.user >= 2) this.multiTurn += sign;
    if (r.roles.system > 0) this.withSystem += sign;
    if (r.missingSystem) this.missingSystem += sign;
    if (r.missingUser) this.missingUser += sign;
    const t = r.tokens;
    if (t > this.maxSeqLength) this.overLimit += sign;
    this.totalTokens += sign * t;
    this.billableTokens += sign * Math.min(MAX_TOKENS_PER_EXAMPLE, t);
    if (t < 100) this.buckets['0-100'] += sign;
    else if (t < 500) this.buckets['100-500'] += sign;
    else if (t < 1000) this.buckets['500-1000'] += sign;
    else this.buckets['1000+'] += sign;
    for (const f of r.findings) {
      if (ROLE_ORDER_CODES.has(f.code)) {
        this.roleOrderExamples += sign;
        break;
      }
    }
    mergeTally(this.script, r.script, sign);
  }
}

/** Add `delta` to a count, dropping the key at zero (a removed record leaves no key behind). */
export function bumpMap<K>(counts: Map<K, number>, key: K, delta: number): void {
  const n = (counts.get(key) ?? 0) + delta;
  if (n === 0) counts.delete(key);
  else counts.set(key, n);
}

/** {@link bumpMap} for a plain record of counts. */
export function bumpRecord(counts: Record<string, number>, key: string, delta: number): void {
  const n = (counts[key] ?? 0) + delta;
  if (n === 0) delete counts[key];
  else counts[key] = n;
}
