/**
 * All checks of one record on its own: format detection, normalization, the OpenAI cookbook's format checks,
 * SLMGEN's and our own conversation checks, and sensitive data, each finding with an exact range. Fixes are built
 * only when asked for (`withFixes`, an editor's request for one record), next to the check that finds the problem.
 */
import type { RecordSpan } from '../analysis/record';
import type { ChatExample, ChatMessage, ChatRole, DatasetFormat } from '../formats/chat';
import type { FormatDetection } from '../formats/detect';
import type { Finding, Fix, Range } from '../types';
import type { MessageOrigin, NormalizedRecord, NormalizeIssue } from '../formats/normalize';
import type { JsonPath } from '../parse/jsonLocate';
import type { CodeName } from './codes';
import type { CookbookMode } from './cookbook';
import type { SensitiveKind } from './sensitive';
import { ACCEPTED_SHAPES, detectFormat, hasPromptReplySplit, isJsonObject } from '../formats/detect';
import { normalizeRecord } from '../formats/normalize';
import { mapStringOffsets } from '../parse/jsonLocate';
import { countCookbookErrors } from './cookbook';
import { RecordContext, fix } from './recordContext';
import { convertRecordEdits, mergeTurnEdits, moveElementsEdits, redactEdits, replaceValueEdits, trimEdits } from './recordFixes';
import { findSensitive } from './sensitive';
import { findLoneSurrogates } from './surrogates';
import { checkToolCalls } from './toolCalls';
import { plural } from '../text/plural';
import { sensitiveHints } from '../text/sensitiveHints';
import { codePointLengthBelow } from '../text/unicode';

/** Default `shortReplyChars`: replies shorter than this many characters get `short-reply`. */
export const SHORT_REPLY_CHARS = 10;

/** Options of the per-record checks. */
export interface CheckOptions {
  /** Assistant replies shorter than this many characters (code points, after trimming) get `short-reply`. */
  shortReplyChars?: number;
  /** Which cookbook rules `cookbookErrors` follows (default: the notebook's, exactly). */
  cookbookMode?: CookbookMode;
  /**
   * Per message of the normalized example, which sensitive-data detectors can match its content (the text scan
   * computes these on its own pass; without them each content is pre-checked on its own).
   */
  sensitiveHints?: readonly number[];
  /** Build the fixes of every finding (`RecordCheck.fixes`). Analyses leave this off: fixes are made on request. */
  withFixes?: boolean;
  /** Look for personal data and secrets (`pii-*`, `secret-*`; default true). */
  sensitiveData?: boolean;
  /**
   * Use a preference pair's chosen reply as the reply of an SFT example (default false: a preference record gets
   * `preference-data`, an error, since SFT needs one reply per prompt).
   */
  useChosen?: boolean;
}

/** Everything the per-record checks produce. */
export interface RecordCheck {
  format: DatasetFormat | null;
  /** The normalized example, or null when the record could not be normalized. */
  example: ChatExample | null;
  findings: Finding[];
  /** With `withFixes`: the fixes of each finding (possibly none); otherwise empty. */
  fixes: ReadonlyMap<Finding, Fix[]>;
  /** OpenAI cookbook `format_errors` counts of this record (non-zero keys only). */
  cookbookErrors: Record<string, number>;
  /** Cookbook data warnings: the example has no system / no user message. */
  missingSystem: boolean;
  missingUser: boolean;
}

/** A record's format and normalized form, the part of the checks that comes before the text scan. */
export interface PreparedRecord {
  value: unknown;
  detection: FormatDetection;
  /** Set when the record is an object of a known format. */
  normalized: NormalizedRecord | null;
}

const SENSITIVE_CODES: Record<SensitiveKind, CodeName> = {
  email: 'pii-email',
  phone: 'pii-phone',
  'credit-card': 'pii-credit-card',
  iban: 'pii-iban',
  'api-key': 'secret-api-key',
  'private-key': 'secret-private-key',
};

/** Per format: the list of turns and the keys of a turn's role and content (formats without turns: null). */
const TURN_KEYS: Partial<Record<DatasetFormat, { list: string; role: string; content: string }>> = {
  openai: { list: 'messages', role: 'role', content: 'content' },
  sharegpt: { list: 'conversations', role: 'from', content: 'value' },
};

/** Roles whose adjacent repeats mean a split turn (several tool results in a row are normal). */
const MERGEABLE_ROLES: ReadonlySet<ChatRole> = new Set(['system', 'user', 'assistant']);

function getAt(value: unknown, path: JsonPath): unknown {
  let current = value;
  for (const step of path) {
    if (typeof step === 'number') current = Array.isArray(current) ? current[step] : undefined;
    else current = isJsonObject(current) && Object.hasOwn(current, step) ? current[step] : undefined;
  }
  return current;
}

function describe(origin: MessageOrigin, index: number): string {
  if (origin.path) {
    const [list, i] = origin.path;
    return `${String(list)}[${String(i)}]`;
  }
  const first = origin.contentPaths[0];
  return first ? `"${first.map(String).join('.')}"` : `message ${index + 1}`;
}

function issueRange(ctx: RecordContext, issue: NormalizeIssue): Range {
  if (!issue.path) return ctx.recordRange();
  return issue.atKey ? ctx.keyRange(issue.path) : ctx.valueRange(issue.path);
}

function reportIssues(ctx: RecordContext, issues: NormalizeIssue[]): void {
  for (const issue of issues) {
    let fixes: Fix[] | undefined;
    if (ctx.withFixes && issue.code === 'role-alias' && issue.path && issue.rename) {
      fixes = [fix(`Rename role to "${issue.rename}"`, 'rename-role', replaceValueEdits(ctx, issue.path, issue.rename), true)];
    }
    ctx.add(issue.code, issue.message, issueRange(ctx, issue), fixes);
  }
}

function contentRange(ctx: RecordContext, origin: MessageOrigin): Range {
  return ctx.valueRange(origin.editPath ?? (origin.path ? [...origin.path, 'content'] : (origin.contentPaths[0] ?? null)));
}

/** Content checks; `split` is false for an example without a prompt/reply split (its text is no reply to judge). */
function checkContents(ctx: RecordContext, example: ChatExample, origins: MessageOrigin[], shortReplyChars: number, split: boolean): void {
  // Plain loops (no callback per record): a closure created per record was compiled anew again and again.
  for (let i = 0; i < example.messages.length; i++) {
    const message = example.messages[i] as ChatMessage;
    const origin = origins[i];
    if (!origin || origin.contentKind === 'none') continue;
    const trimmed = message.content.trim();
    if (message.role === 'assistant') {
      if (trimmed === '') {
        const what = split ? 'the assistant reply is empty; write the reply the model should learn' : 'the text is empty; write the training text';
        if (!origin.hasCall) ctx.add('empty-assistant', `${describe(origin, i)}: ${what}`, contentRange(ctx, origin));
        continue;
      }
      if (!split) continue;
      const length = codePointLengthBelow(trimmed, shortReplyChars);
      if (length < shortReplyChars) {
        ctx.add('short-reply', `${describe(origin, i)}: the assistant reply has ${plural(length, 'character')} (fewer than ${shortReplyChars}); very short replies teach little`, contentRange(ctx, origin));
      }
      if (trimmed !== message.content && origin.editPath) {
        const fixes = ctx.withFixes ? [fix('Trim whitespace from the reply', 'trim', trimEdits(ctx, origin.editPath, message.content), true)] : undefined;
        ctx.add('untrimmed-reply', `${describe(origin, i)}: the assistant reply starts or ends with whitespace`, contentRange(ctx, origin), fixes);
      }
      continue;
    }
    if (message.content === '' && !origin.hasCall) {
      ctx.add('missing-content', `${describe(origin, i)}: the ${message.role} content is empty; expected text`, contentRange(ctx, origin));
    } else if (trimmed === '' && message.content !== '') {
      ctx.add('whitespace-only-content', `${describe(origin, i)}: the ${message.role} content is only whitespace; expected text`, contentRange(ctx, origin));
    }
  }
}

/** Merge the turn at list index `index` into the one before (both must be plain string contents). */
function mergeFixes(ctx: RecordContext, format: DatasetFormat, index: number): Fix[] {
  const keys = TURN_KEYS[format];
  const edits = keys ? mergeTurnEdits(ctx, [keys.list], index, keys.content) : [];
  return edits.length > 0 ? [fix('Merge with the previous turn', 'merge-turns', edits, false)] : [];
}

/** Move every system turn written after the conversation started to just before its first non-system turn. */
function moveSystemFixes(ctx: RecordContext, format: DatasetFormat, origins: MessageOrigin[]): Fix[] {
  const keys = TURN_KEYS[format];
  if (!keys) return [];
  let firstOther = -1;
  const moved: number[] = [];
  for (const origin of origins) {
    const index = origin.path?.[1];
    if (typeof index !== 'number') continue;
    if (origin.role !== 'system') {
      if (firstOther < 0) firstOther = index;
    } else if (firstOther >= 0) {
      moved.push(index);
    }
  }
  const edits = firstOther >= 0 ? moveElementsEdits(ctx, [keys.list], moved, firstOther) : [];
  return edits.length > 0 ? [fix('Move system messages to the start', 'move-system-first', edits, false)] : [];
}

function checkConversation(ctx: RecordContext, format: DatasetFormat, example: ChatExample, origins: MessageOrigin[]): void {
  const messages = example.messages;
  let hasUser = false;
  let hasAssistant = false;
  for (const m of messages) {
    if (m.role === 'user') hasUser = true;
    else if (m.role === 'assistant') hasAssistant = true;
  }
  // Plain text (no prompt/reply split) has no prompt to require.
  const isText = !hasPromptReplySplit(format, example);
  if (!isText && messages.length < 2) {
    ctx.add('too-few-messages', `an example needs at least 2 messages (a prompt and a reply); found ${messages.length}`, ctx.recordRange());
  }
  if (!hasAssistant) {
    ctx.add('missing-assistant', 'the example has no assistant message; add the reply the model should learn', ctx.recordRange());
  }
  if (!isText && !hasUser) {
    ctx.add('no-user-turn', 'the example has no user message (the cookbook\'s missing_user warning); add the prompt the reply answers', ctx.recordRange());
  }
  let seenNonSystem = false;
  let movedSystem = false;
  for (let i = 0; i < messages.length; i++) {
    const message = messages[i] as ChatMessage;
    const origin = origins[i];
    if (!origin) continue;
    const previous = i > 0 ? messages[i - 1] : undefined;
    const previousOrigin = i > 0 ? origins[i - 1] : undefined;
    if (
      previous &&
      previous.role === message.role &&
      MERGEABLE_ROLES.has(message.role) &&
      !origin.hasCall &&
      !previousOrigin?.hasCall
    ) {
      // Merging two of only two messages would leave one: too few for an example (an error the fix would add).
      const canMerge =
        ctx.withFixes && messages.length > 2 && origin.path !== null && previousOrigin?.path != null && origin.editPath !== null && previousOrigin.editPath !== null;
      ctx.add(
        'consecutive-same-role',
        `${describe(origin, i)}: two ${message.role} messages in a row; roles should alternate`,
        ctx.valueRange(origin.path ?? origin.contentPaths[0] ?? null),
        canMerge ? mergeFixes(ctx, format, Number(origin.path?.[1])) : undefined,
      );
    }
    if (message.role === 'system' && seenNonSystem) {
      // One fix moves them all; it is offered on the first misplaced system message.
      const fixes = ctx.withFixes && origin.path && !movedSystem ? moveSystemFixes(ctx, format, origins) : undefined;
      movedSystem = true;
      ctx.add(
        'system-not-first',
        `${describe(origin, i)}: the system message comes after the conversation started; it should be first`,
        ctx.valueRange(origin.rolePath ?? origin.path),
        fixes,
      );
    }
    if (message.role !== 'system') seenNonSystem = true;
  }
  const last = messages[messages.length - 1];
  const lastOrigin = origins[messages.length - 1];
  if (last && lastOrigin && last.role !== 'assistant' && hasAssistant) {
    ctx.add(
      'last-not-assistant',
      `${describe(lastOrigin, messages.length - 1)}: the conversation ends with a ${last.role} message; it should end with an assistant reply`,
      ctx.valueRange(lastOrigin.path ?? lastOrigin.contentPaths[0] ?? null),
    );
  }
}

function checkSensitive(
  ctx: RecordContext,
  record: Record<string, unknown>,
  origins: MessageOrigin[],
  example: ChatExample | null,
  hints: readonly number[] | undefined,
): void {
  const text = ctx.text;
  for (let k = 0; k < origins.length; k++) {
    const origin = origins[k] as MessageOrigin;
    for (const path of origin.contentPaths) {
      const value = getAt(record, path);
      if (typeof value !== 'string') continue;
      // The message's hints apply when its content is exactly this one string.
      const own = hints !== undefined && origin.contentPaths.length === 1 && value === example?.messages[k]?.content;
      const hinted = own ? (hints[k] as number) : sensitiveHints(value);
      // Most texts can match no detector: skip the call and the arrays it makes.
      if (hinted === 0) continue;
      const matches = findSensitive(value, { hints: hinted });
      if (matches.length === 0) continue;
      const literal = ctx.valueSpan(path);
      const offsets = mapStringOffsets(text, literal.start);
      for (const match of matches) {
        const start = offsets[match.start] ?? literal.start;
        const end = offsets[match.end] ?? literal.end;
        let fixes: Fix[] | undefined;
        if (ctx.withFixes) {
          fixes = [fix(`Redact this ${match.label}`, 'redact', redactEdits(ctx, path, [match]), false)];
          if (matches.length > 1) fixes.push(fix('Redact all sensitive data in this text', 'redact', redactEdits(ctx, path, matches), false));
        }
        const message = `possible ${match.label} in this text; remove or redact it before fine-tuning`;
        ctx.add(SENSITIVE_CODES[match.kind], message, ctx.range({ start, end }), fixes);
      }
    }
  }
}

/** Cookbook data warnings: from the written roles for OpenAI records (as the notebook does), else the example. */
function dataWarnings(record: Record<string, unknown>, format: DatasetFormat, example: ChatExample | null): { missingSystem: boolean; missingUser: boolean } {
  if (format === 'openai') {
    const list = record['messages'];
    if (!Array.isArray(list) || list.length === 0) return { missingSystem: false, missingUser: false };
    const roles = list.map((m: unknown) => (isJsonObject(m) ? m['role'] : undefined));
    return { missingSystem: !roles.includes('system'), missingUser: !roles.includes('user') };
  }
  if (!example) return { missingSystem: false, missingUser: false };
  const roles = example.messages.map((m) => m.role);
  return { missingSystem: !roles.includes('system'), missingUser: hasPromptReplySplit(format, example) && !roles.includes('user') };
}

/** The first lone surrogate of the record, with how many more it holds (each would fail the notebook the same way). */
function checkSurrogates(ctx: RecordContext): void {
  const { found, count } = findLoneSurrogates(ctx.text, 1);
  const first = found[0];
  if (!first) return;
  const more = count > 1 ? ` (and ${count - 1} more in this record)` : '';
  const message = `${first.written} is a lone surrogate, half of a UTF-16 pair and no character${more}: Python refuses to encode it ("surrogates not allowed"), so training on it fails; remove it or write the character meant`;
  ctx.add('lone-surrogate', message, ctx.range({ start: first.start, end: first.end }));
}

function compareRanges(a: Finding, b: Finding): number {
  return a.range.start.line - b.range.start.line || a.range.start.character - b.range.start.character;
}

/** Detect a parsed record's format and normalize it (the text scan runs on the example before the checks). */
export function prepareRecord(value: unknown): PreparedRecord {
  const detection = detectFormat(value);
  const normalized = detection.kind === 'format' && isJsonObject(value) ? normalizeRecord(value, detection.format) : null;
  return { value, detection, normalized };
}

/**
 * Check one parsed record. `text` is the record's source text (starting at column 0 of `span.startLine`, or at
 * `span.startCharacter` for a JSON array element), used for ranges and fixes. With `withFixes`, every fix is a set
 * of text edits in document coordinates, and every finding of a non-OpenAI record with a usable example also offers
 * "Convert record to OpenAI messages" (except `text` records, whose single assistant message would not make a
 * valid chat example).
 */
export function checkRecord(value: unknown, text: string, span: RecordSpan, options: CheckOptions = {}): RecordCheck {
  return checkPrepared(prepareRecord(value), text, span, options);
}

/** {@link checkRecord} for a record already prepared (and scanned) by the caller. */
export function checkPrepared(prepared: PreparedRecord, text: string, span: RecordSpan, options: CheckOptions = {}): RecordCheck {
  const { value, detection, normalized } = prepared;
  const shortReplyChars = options.shortReplyChars ?? SHORT_REPLY_CHARS;
  const ctx = new RecordContext(text, span, options.withFixes === true);
  checkSurrogates(ctx);
  const none = { format: null, example: null, missingSystem: false, missingUser: false, fixes: ctx.fixes };
  if (detection.kind === 'not-an-object' || !isJsonObject(value)) {
    const found = detection.kind === 'not-an-object' ? detection.found : 'a value';
    ctx.add('not-an-object', `each record must be a JSON object; found ${found}`, ctx.recordRange());
    return { ...none, findings: ctx.findings, cookbookErrors: countCookbookErrors(value, options.cookbookMode) };
  }
  if (detection.kind === 'unknown-shape' || normalized === null) {
    const keys = detection.kind === 'unknown-shape' && detection.keys.length > 0 ? detection.keys.map((k) => JSON.stringify(k)).join(', ') : 'no keys';
    ctx.add('unknown-shape', `unrecognized record shape (found ${keys}); expected one of ${ACCEPTED_SHAPES.join(', ')}`, ctx.recordRange());
    return { ...none, findings: ctx.findings, cookbookErrors: countCookbookErrors(value, options.cookbookMode) };
  }

  const format = detection.format;
  const { example, origins, issues } = normalized;
  reportIssues(ctx, issues);
  if (format === 'preference' && options.useChosen !== true) {
    const message =
      'this record is a preference pair ("chosen" and "rejected", for DPO-style training); SFT fine-tuning and its notebooks need one reply per prompt. To train on the chosen replies, use the "use chosen as the reply" option (CLI: --use-chosen)';
    ctx.add('preference-data', message, ctx.keyRange(['chosen']));
  }
  if (example) {
    checkContents(ctx, example, origins, shortReplyChars, hasPromptReplySplit(format, example));
    checkConversation(ctx, format, example, origins);
    checkToolCalls(ctx, example, origins);
  }
  if (options.sensitiveData !== false) checkSensitive(ctx, value, origins, example, example ? options.sensitiveHints : undefined);

  if (ctx.withFixes && example && format !== 'openai' && format !== 'text' && format !== 'preference') {
    const convert = fix('Convert record to OpenAI messages', 'convert-to-messages', convertRecordEdits(ctx, value, example, origins, format), false);
    for (const finding of ctx.findings) ctx.fixes.get(finding)?.push(convert);
  }
  const cookbookErrors = format === 'openai' ? countCookbookErrors(value, options.cookbookMode) : {};
  return {
    format,
    example,
    findings: ctx.findings.sort(compareRanges),
    fixes: ctx.fixes,
    cookbookErrors,
    ...dataWarnings(value, format, example),
  };
}

/**
 * The "Convert record to OpenAI messages" fix for a record of another format, for hosts that offer conversion
 * without a finding (e.g. on a mixed-formats file). Null when the record is already OpenAI, plain text, or does
 * not normalize.
 */
export function convertToOpenAIFix(value: unknown, text: string, span: RecordSpan): Fix | null {
  const { detection, normalized } = prepareRecord(value);
  // A preference record would lose its rejected reply: it is not converted.
  const format = detection.kind === 'format' ? detection.format : null;
  if (format === null || format === 'openai' || format === 'text' || format === 'preference' || !isJsonObject(value)) return null;
  if (!normalized?.example) return null;
  const ctx = new RecordContext(text, span, true);
  return fix('Convert record to OpenAI messages', 'convert-to-messages', convertRecordEdits(ctx, value, normalized.example, normalized.origins, format), false);
}
