/**
 * Per-record analysis: parse, check, normalize, count tokens, hash — everything about one record that does not
 * need the rest of the file. Pure and synchronous, so it runs the same in a worker, a server or an editor.
 */
import { checkRecord } from '../checks/checkRecord';
import { lshBandKeys, minhashSignature } from '../dedup/minhash';
import type { ChatExample } from '../formats/chat';
import { describeJsonError } from '../parse/jsonError';
import { positionAt } from '../parse/jsonLocate';
import type { TokenCounter } from '../tokens/tokenCounter';
import type { CountMode, Finding } from '../types';
import { makeRange } from '../types';
import type { RecordResult, RecordSpan } from './record';
import { emptyRoleCounts, emptyScriptTally } from './record';
import type { ExampleScan, ScanOptions } from '../text/scan';
import { scanExample } from '../text/scan';
import { codePointLengthBelow } from '../text/unicode';
import { hasCode, looksLikeJson } from './textFacts';

/** Settings that shape per-record analysis. */
export interface RecordOptions {
  counter: TokenCounter;
  countMode: CountMode;
  maxSeqLength: number;
  /** Compute MinHash band keys for near-duplicate detection (default true). */
  nearDuplicates?: boolean;
  shortReplyChars?: number;
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

// The scan made inside the checks of the record being analysed. Module state and one function rather than a closure
// per record: a closure made per record was compiled anew again and again on large files.
const NO_SCAN_OPTIONS: ScanOptions = {};
let pendingScanOptions: ScanOptions = NO_SCAN_OPTIONS;
let lastScan: ExampleScan | undefined;
function scanForHints(normalized: ChatExample): number[] {
  lastScan = scanExample(normalized, pendingScanOptions);
  return lastScan.sensitiveHints;
}

/** The error for an invalid UTF-8 sequence starting at this 0-based line and UTF-16 column. */
export function invalidUtf8Finding(line: number, character: number): Finding {
  return {
    code: 'invalid-utf8',
    severity: 'error',
    message: 'Invalid UTF-8 byte sequence: datasets must be UTF-8 encoded text.',
    range: makeRange(line, character, line, character + 1),
  };
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
    findings.push({
      code: 'multiline-record',
      severity: 'warning',
      message: `This record is a pretty-printed JSON object spread over ${span.endLine - span.startLine + 1} lines; JSONL needs one record per line.`,
      range: recordRange(span),
      fixes: [
        {
          title: 'Join the record onto one line',
          kind: 'join-lines',
          isSafe: true,
          isPreferred: true,
          edits: [{ range: recordRange(span), newText: JSON.stringify(value) }],
        },
      ],
    });
  }

  // The text scan runs once, inside the checks (its sensitive-data hints spare them a pass over every message).
  const scanOptions = { shingleSize: options.nearDuplicates === false ? 0 : undefined, tally: result.script };
  pendingScanOptions = scanOptions;
  lastScan = undefined;
  const check = checkRecord(value, text, span, {
    shortReplyChars: options.shortReplyChars ?? 10,
    cookbookMode: 'extended',
    sensitiveHints: scanForHints,
  });
  let scan = lastScan as ExampleScan | undefined;
  lastScan = undefined;
  pendingScanOptions = NO_SCAN_OPTIONS;
  findings.push(...check.findings);
  result.format = check.format;
  result.cookbookErrors = check.cookbookErrors;
  result.missingSystem = check.missingSystem;
  result.missingUser = check.missingUser;
  const example = check.example;
  let shingles: Uint32Array | null = null;
  if (example) {
    scan ??= scanExample(example, scanOptions);
    fillExampleFacts(result, example, options, scan);
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
  return {
    code: 'invalid-json',
    severity: 'error',
    message: `Invalid JSON: ${described?.message ?? 'the record could not be parsed'}.`,
    range: makeRange(at.line, at.character, at.line, at.character + 1),
  };
}

/** Facts from the example and its text scan (hashes, shingles, code points, estimates, tallies and votes). */
function fillExampleFacts(result: RecordResult, example: ChatExample, options: RecordOptions, scan: ExampleScan): void {
  const shortLimit = options.shortReplyChars ?? 10;
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
      if (trimmed.length > 0 && codePointLengthBelow(trimmed, shortLimit) < shortLimit) result.shortReplies++;
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
    result.findings.push({
      code: 'too-long',
      severity: 'warning',
      message: `Example has ${tokens.total} tokens${estimated}, more than the max sequence length of ${options.maxSeqLength}: it will be truncated in training.`,
      range: recordRange(result.span),
    });
  }
  result.exactHash = scan.exactHash;
  result.promptHash = scan.promptHash;
  result.replyHash = scan.replyHash;
  if (nearDuplicates) {
    const signature = minhashSignature(scan.shingles);
    result.bandKeys = signature ? lshBandKeys(signature) : null;
  }
}
