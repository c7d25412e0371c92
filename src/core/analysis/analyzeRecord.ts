/**
 * Per-record analysis: parse, check, normalize, count tokens, hash — everything about one record that does not
 * need the rest of the file. Pure and synchronous, so it runs the same in a worker, a server or an editor.
 */
import { SHORT_REPLY_CHARS, checkPrepared, prepareRecord } from '../checks/checkRecord';
import { makeFinding } from '../checks/codes';
import { lshBandKeys, minhashSignature } from '../dedup/minhash';
import type { ChatExample } from '../formats/chat';
import { hasPromptReplySplit } from '../formats/detect';
import { describeJsonError } from '../parse/jsonError';
import { positionAt } from '../parse/jsonLocate';
import type { TokenCounter } from '../tokens/tokenCounter';
import type { CountMode, Finding } from '../types';
import { makeRange } from '../types';
import type { RecordResult, RecordSpan } from './record';
import { emptyRoleCounts, emptyScriptTally } from './record';
import type { ExampleScan } from '../text/scan';
import { scanExample } from '../text/scan';
import { codePointLengthBelow } from '../text/unicode';
import { hasCode, looksLikeJson } from './textFacts';

/** Lines (JSONL) longer than this many bytes are skipped unread and reported as `line-too-long` (64 MiB). */
export const DEFAULT_MAX_LINE_BYTES = 64 * 1024 * 1024;

/** Settings that shape per-record analysis. */
export interface RecordOptions {
  counter: TokenCounter;
  countMode: CountMode;
  maxSeqLength: number;
  /** Compute MinHash band keys for near-duplicate detection (default true). */
  nearDuplicates?: boolean;
  /** Replies shorter than this many characters get `short-reply` (default {@link SHORT_REPLY_CHARS}). */
  shortReplyChars?: number;
  /** Look for personal data and secrets (default true). */
  sensitiveData?: boolean;
  /** Use a preference pair's chosen reply as the reply (default false: preference records get `preference-data`). */
  useChosen?: boolean;
  /** Longest line read (bytes without the newline; default {@link DEFAULT_MAX_LINE_BYTES}); longer ones are skipped. */
  maxLineBytes?: number;
}

/** One record as the reader assembled it. */
export interface RecordInput {
  ordinal: number;
  text: string;
  span: RecordSpan;
  multiline: boolean;
  invalidUtf8?: { line: number; character: number };
}

/** The per-record result plus the normalized example (null when the record did not normalize). */
export interface AnalyzedRecord {
  result: RecordResult;
  example: ChatExample | null;
  /** Shingle hashes behind the result's band keys (null when it has none), for verifying near duplicates. */
  shingles: Uint32Array | null;
}

/** Range covering a whole record. */
export function recordRange(span: RecordSpan) {
  return makeRange(span.startLine, span.startCharacter ?? 0, span.endLine, span.endCharacter);
}

/** The error for an invalid UTF-8 sequence starting at this 0-based line and UTF-16 column. */
export function invalidUtf8Finding(line: number, character: number): Finding {
  return makeFinding('invalid-utf8', 'Invalid UTF-8 byte sequence: datasets must be UTF-8 encoded text.', makeRange(line, character, line, character + 1));
}

/** `bytes` for a message: MiB with one decimal from 1 MiB on, else bytes. */
function sizeText(bytes: number): string {
  return bytes >= 1024 * 1024 ? `${(bytes / (1024 * 1024)).toFixed(1).replace(/\.0$/, '')} MiB` : `${bytes.toLocaleString('en-US')} bytes`;
}

/**
 * The unusable record for a line over the per-line limit (its bytes were skipped): a `line-too-long` error at its
 * first column, counted like an invalid line.
 */
export function oversizedRecord(ordinal: number, line: { line: number; byteOffset: number; byteLength: number }, maxLineBytes: number): AnalyzedRecord {
  const span: RecordSpan = { startLine: line.line, endLine: line.line, endCharacter: 1, byteOffset: line.byteOffset, byteLength: line.byteLength };
  const result = emptyResult(ordinal, span);
  const message = `Line ${line.line + 1} is ${sizeText(line.byteLength)}, over the limit of ${sizeText(maxLineBytes)} (--max-line-bytes); it was not parsed.`;
  result.findings.push(makeFinding('line-too-long', message, makeRange(line.line, 0, line.line, 1)));
  result.cookbookErrors.data_type = 1;
  return { result, example: null, shingles: null };
}

/** Analyse one record on its own. Never throws on bad input: problems become findings. */
export function analyzeRecord(input: RecordInput, options: RecordOptions): AnalyzedRecord {
  const { span, text } = input;
  const result = emptyResult(input.ordinal, span);
  const findings = result.findings;

  if (input.invalidUtf8) findings.push(invalidUtf8Finding(input.invalidUtf8.line, input.invalidUtf8.character));

  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    findings.push(jsonErrorFinding(text, span));
    result.cookbookErrors.data_type = 1;
    return { result, example: null, shingles: null };
  }

  if (input.multiline) {
    const lines = span.endLine - span.startLine + 1;
    findings.push(makeFinding('multiline-record', `This record is a pretty-printed JSON object spread over ${lines} lines; a file that does not start with "[" is read as JSON Lines (whatever its extension), which needs one record per line. Join it onto one line, or put the records in a top-level array ([{…}, …]).`, recordRange(span)));
  }

  // The text scan runs before the checks: its sensitive-data hints spare them a pass over every message.
  const prepared = prepareRecord(value);
  const example = prepared.normalized?.example ?? null;
  const scanOptions = { shingleSize: options.nearDuplicates === false ? 0 : undefined, tally: result.script };
  const scan: ExampleScan | null = example ? scanExample(example, scanOptions) : null;
  const check = checkPrepared(prepared, text, span, {
    shortReplyChars: options.shortReplyChars ?? SHORT_REPLY_CHARS,
    sensitiveHints: scan?.sensitiveHints,
    sensitiveData: options.sensitiveData,
    useChosen: options.useChosen,
  });
  findings.push(...check.findings);
  result.format = check.format;
  result.cookbookErrors = check.cookbookErrors;
  result.missingSystem = check.missingSystem;
  result.missingUser = check.missingUser;
  let shingles: Uint32Array | null = null;
  if (example && scan) {
    fillExampleFacts(result, example, options, scan, check.format !== null && hasPromptReplySplit(check.format, example));
    if (result.bandKeys !== null) shingles = scan.shingles;
  }
  result.valid = example !== null && !hasError(findings);
  if (!result.valid) {
    result.exactHash = null;
    result.promptHash = null;
    result.replyHash = null;
    result.bandKeys = null;
    shingles = null;
  }
  return { result, example, shingles };
}

function hasError(findings: readonly Finding[]): boolean {
  for (const f of findings) if (f.severity === 'error') return true;
  return false;
}

function emptyResult(ordinal: number, span: RecordSpan): RecordResult {
  return {
    ordinal,
    span,
    format: null,
    valid: false,
    findings: [],
    cookbookErrors: {},
    missingSystem: false,
    missingUser: false,
    messageCount: 0,
    roles: emptyRoleCounts(),
    contentChars: 0,
    tokens: 0,
    assistantTokens: 0,
    replyCount: 0,
    shortReplies: 0,
    replyChars: 0,
    jsonReplies: 0,
    codeReplies: 0,
    script: emptyScriptTally(),
    exactHash: null,
    promptHash: null,
    replyHash: null,
    bandKeys: null,
  };
}

function jsonErrorFinding(text: string, span: RecordSpan): Finding {
  const described = describeJsonError(text);
  const offset = described?.offset ?? 0;
  const at = positionAt(text, offset, span);
  return makeFinding('invalid-json', `Invalid JSON: ${described?.message ?? 'the record could not be parsed'}.`, makeRange(at.line, at.character, at.line, at.character + 1));
}

/**
 * Facts from the example and its text scan (hashes, shingles, code points, estimates, tallies and votes). Without a
 * prompt/reply split (`split` false: plain text) no reply is short and there is no prompt to contradict on.
 */
function fillExampleFacts(result: RecordResult, example: ChatExample, options: RecordOptions, scan: ExampleScan, split: boolean): void {
  const shortLimit = options.shortReplyChars ?? SHORT_REPLY_CHARS;
  const nearDuplicates = options.nearDuplicates !== false;
  result.messageCount = example.messages.length;
  for (let i = 0; i < example.messages.length; i++) {
    const m = example.messages[i] as ChatExample['messages'][number];
    result.roles[m.role]++;
    const chars = scan.codePoints[i] as number;
    result.contentChars += chars;
    if (m.role === 'assistant') {
      result.replyCount++;
      result.replyChars += chars;
      const trimmed = m.content.trim();
      if (split && trimmed.length > 0 && codePointLengthBelow(trimmed, shortLimit) < shortLimit) result.shortReplies++;
      if (looksLikeJson(trimmed)) result.jsonReplies++;
      if (hasCode(m.content)) result.codeReplies++;
    }
  }
  // The estimate counts come from the scan; an exact encoder counts (and caches) on its own.
  const tokens = options.counter.countExample(example, options.countMode, options.counter.exact ? undefined : scan.estimates);
  result.tokens = tokens.total;
  result.assistantTokens = tokens.assistant;
  if (tokens.total > options.maxSeqLength) {
    const estimated = options.counter.exact ? '' : ' (estimated)';
    const message = `Example has ${tokens.total} tokens${estimated}, more than the max sequence length of ${options.maxSeqLength}: it will be truncated in training.`;
    result.findings.push(makeFinding('too-long', message, recordRange(result.span)));
  }
  result.exactHash = scan.exactHash;
  result.promptHash = split ? scan.promptHash : null;
  result.replyHash = split ? scan.replyHash : null;
  if (nearDuplicates) {
    const signature = minhashSignature(scan.shingles);
    result.bandKeys = signature ? lshBandKeys(signature) : null;
  }
}
