/**
 * The last step of every analysis: from the sums over records and the cross-record relations (exact groups,
 * near-duplicate clusters, contradictions), build the whole-file findings and the report. The streaming aggregator
 * (files) and the incremental document (editors) keep their records and relations differently, and both end here,
 * so the two can never word, order or count a finding differently.
 */
import type { CodeName } from '../checks/codes';
import { makeFinding, severityOf } from '../checks/codes';
import type { NearCluster } from '../dedup/nearDuplicates';
import type { DatasetFormat } from '../formats/chat';
import { DATASET_FORMATS } from '../formats/chat';
import type { WideEncoding } from '../parse/textEncoding';
import { unreadableFileMessage } from '../parse/textEncoding';
import { computeQuality } from '../quality/score';
import { round } from '../stats/summary';
import { agree, plural } from '../text/plural';
import type { CountMode, EncodingName, Finding, Range } from '../types';
import { makeRange } from '../types';
import type { RecordSpan } from './record';
import type { RecordTotals } from './recordTotals';
import { WIDE_ENCODING_NOISE } from './recordTotals';
import type { DatasetReport, DuplicateGroup, FindingJson } from './report';
import { dominantLanguage, dominantScript, nonEnglishShare } from './textFacts';

const TARGET_EPOCHS = 3;
const MIN_TARGET_EXAMPLES = 100;
const MAX_TARGET_EXAMPLES = 25000;
const MIN_DEFAULT_EPOCHS = 1;
const MAX_DEFAULT_EPOCHS = 25;

/** Apply the hosted-fine-tuning default-epochs rule to a number of examples. */
export function defaultEpochs(examples: number): number {
  if (examples === 0) return 0;
  if (examples * TARGET_EPOCHS < MIN_TARGET_EXAMPLES) return Math.min(MAX_DEFAULT_EPOCHS, Math.floor(MIN_TARGET_EXAMPLES / examples));
  if (examples * TARGET_EPOCHS > MAX_TARGET_EXAMPLES) return Math.max(MIN_DEFAULT_EPOCHS, Math.floor(MAX_TARGET_EXAMPLES / examples));
  return TARGET_EPOCHS;
}

/** Convert a finding to its 1-based JSON form. */
export function findingToJson(f: Finding): FindingJson {
  return {
    code: f.code,
    severity: f.severity,
    line: f.range.start.line + 1,
    column: f.range.start.character + 1,
    end_line: f.range.end.line + 1,
    end_column: f.range.end.character + 1,
    message: f.message,
    related: (f.related ?? []).map((r) => ({ line: r.range.start.line + 1, column: r.range.start.character + 1, message: r.message })),
  };
}

/** Range covering a whole record. */
export function recordRange(span: RecordSpan): Range {
  return makeRange(span.startLine, span.startCharacter ?? 0, span.endLine, span.endCharacter);
}

const SEVERITY_RANK = { error: 0, warning: 1, info: 2 } as const;

/** The one order of findings: by position, then severity, code and message (a total order, so output is stable). */
export function compareFindings(a: Finding, b: Finding): number {
  return (
    a.range.start.line - b.range.start.line ||
    a.range.start.character - b.range.start.character ||
    SEVERITY_RANK[a.severity] - SEVERITY_RANK[b.severity] ||
    (a.code < b.code ? -1 : a.code > b.code ? 1 : 0) ||
    (a.message < b.message ? -1 : a.message > b.message ? 1 : 0)
  );
}

/** Settings of a report. */
export interface ReportSettings {
  encoding: EncodingName;
  countMode: CountMode;
  tokensExact: boolean;
  maxSeqLength: number;
  /** The least Jaccard of a near-duplicate pair (the threshold actually used). */
  nearThreshold: number;
  /** List at most this many findings per code (counts stay exact); default unlimited. */
  findingCapPerCode?: number;
  /**
   * Build `report.findings` (the findings again, 1-based) only when first read: an editor asks for the report far
   * less often than it takes the findings.
   */
  lazyFindingsJson?: boolean;
}

/** Where each record is and what the file-level checks need to know of it, by ordinal. */
export interface RecordIndex {
  count: number;
  /** 0-based line where the record starts. */
  startLine(ordinal: number): number;
  /** The range covering the whole record. */
  rangeOf(ordinal: number): Range;
  /** A usable example. */
  isValid(ordinal: number): boolean;
  /** A usable example with a system message. */
  hasSystem(ordinal: number): boolean;
}

/** A contradiction: a later example whose reply materially differs from the first one of the same prompt. */
export interface Contradiction {
  first: number;
  other: number;
  similarity: number;
}

/** Everything a report is built from. */
export interface ReportInput {
  settings: ReportSettings;
  totals: RecordTotals;
  blankLines: number;
  /** The file's line count when not every line is a record or a blank (a JSON array's own lines); else derived. */
  totalLines?: number;
  hasBom: boolean;
  wideEncoding: WideEncoding | null;
  records: RecordIndex;
  /** First record (ordinal) of each detected format. */
  firstOfFormat: ReadonlyMap<DatasetFormat, number>;
  /** Summaries of the usable examples' token counts, assistant token counts and message counts. */
  tokenStats: DatasetReport['token_stats'];
  /** Exact-duplicate groups (ordinals, first copy first), in the order their second copy appears. */
  exactGroups: readonly (readonly number[])[];
  nearClusters: readonly NearCluster[];
  /** Verified contradictions, in the order of their later example. */
  contradictions: readonly Contradiction[];
  /**
   * Findings of the records and findings about the file found while reading it (a JSON array's structure), already
   * capped per code by the caller when a cap is set; `fileFindingCounts` counts the latter by code.
   */
  listedFindings: readonly Finding[];
  fileFindingCounts: ReadonlyMap<CodeName, number>;
}

/** The report plus the findings in document coordinates (for editors; fixes are computed on request). */
export interface AggregateOutput {
  report: DatasetReport;
  findings: Finding[];
}

/** Build the whole-file findings and the report. */
export function assembleReport(input: ReportInput): AggregateOutput {
  const { settings, totals, records } = input;
  const cap = settings.findingCapPerCode ?? Number.POSITIVE_INFINITY;
  const counts = new Map(totals.findingCounts);
  for (const [code, n] of input.fileFindingCounts) counts.set(code, (counts.get(code) ?? 0) + n);
  const formatErrors: Record<string, number> = { ...totals.formatErrors };
  const findings: Finding[] = [...input.listedFindings];
  const add = (f: Finding): void => {
    if (input.wideEncoding !== null && WIDE_ENCODING_NOISE.has(f.code)) return;
    const n = (counts.get(f.code) ?? 0) + 1;
    counts.set(f.code, n);
    if (f.severity === 'error') formatErrors[f.code] = (formatErrors[f.code] ?? 0) + 1;
    if (n <= cap) findings.push(f);
  };
  for (const [code, n] of input.fileFindingCounts) {
    if (severityOf(code) === 'error') formatErrors[code] = (formatErrors[code] ?? 0) + n;
  }
  const lineOf = (i: number): number => records.startLine(i) + 1;
  const rangeOf = (i: number): Range => records.rangeOf(i);
  const group = (ordinals: readonly number[], similarity?: number): DuplicateGroup => {
    const g: DuplicateGroup = { lines: ordinals.map(lineOf), examples: [...ordinals] };
    if (similarity !== undefined) g.similarity = round(similarity, 3);
    return g;
  };

  // Exact duplicates: every copy after the first.
  const extraCopies: number[] = [];
  for (const g of input.exactGroups) {
    const first = g[0] as number;
    for (let k = 1; k < g.length; k++) {
      const i = g[k] as number;
      extraCopies.push(i);
      const message = `Exact duplicate of the example on line ${lineOf(first)} (after normalizing whitespace and JSON layout); duplicates over-weight one example.`;
      add(makeFinding('exact-duplicate', message, rangeOf(i), [{ range: rangeOf(first), message: 'First copy' }]));
    }
  }
  extraCopies.sort((a, b) => a - b);

  const nearGroups: DuplicateGroup[] = [];
  let nearCopies = 0;
  for (const c of input.nearClusters) {
    nearGroups.push(group(c.members, c.minSimilarity));
    nearCopies += c.members.length - 1;
    for (const m of c.members) {
      if (m === c.representative) continue;
      const message = `Near duplicate (word-shingle Jaccard ≥ ${round(c.minSimilarity, 2)}) of the example on line ${lineOf(c.representative)}.`;
      add(makeFinding('near-duplicate', message, rangeOf(m), [{ range: rangeOf(c.representative), message: 'Representative of the near-duplicate cluster' }]));
    }
  }

  const byFirst = new Map<number, number[]>();
  for (const { first, other, similarity } of input.contradictions) {
    const g = byFirst.get(first) ?? [first];
    g.push(other);
    byFirst.set(first, g);
    const message = `Same prompt as the example on line ${lineOf(first)} but a materially different reply (word Jaccard ${round(similarity, 2)}); the model gets contradictory targets.`;
    add(makeFinding('contradiction', message, rangeOf(other), [{ range: rangeOf(first), message: 'Same prompt, other reply' }]));
  }
  const contradictionGroups = [...byFirst.values()].map((g) => group(g));
  const contradictionCount = input.contradictions.length;

  fileLevelFindings(input, add);

  const examples = totals.examples;
  const epochs = defaultEpochs(examples);
  const quality = computeQuality({
    examples,
    invalidRecords: totals.invalid,
    mixedFormats: totals.formatCounts.size > 1,
    exactExtraCopies: extraCopies.length,
    nearCopies,
    replies: totals.replies,
    shortReplies: totals.shortReplies,
    withSystem: totals.withSystem,
    withoutSystem: examples - totals.withSystem,
    overLimit: totals.overLimit,
    maxSeqLength: settings.maxSeqLength,
    contradictions: contradictionCount,
    piiFindings: totals.piiFindings,
    secretFindings: totals.secretFindings,
    roleOrderExamples: totals.roleOrderExamples,
  });

  findings.sort(compareFindings);
  const omitted: Record<string, number> = {};
  for (const code of [...counts.keys()].sort()) {
    const count = counts.get(code) as number;
    if (count > cap) omitted[code] = count - cap;
  }

  const formats: Partial<Record<DatasetFormat, number>> = {};
  for (const f of DATASET_FORMATS) {
    const c = totals.formatCounts.get(f);
    if (c) formats[f] = c;
  }
  const format: DatasetReport['format'] =
    totals.formatCounts.size === 0 ? 'unknown' : totals.formatCounts.size > 1 ? 'mixed' : ([...totals.formatCounts.keys()][0] as DatasetFormat);
  const roles: Record<string, number> = {};
  for (const [role, count] of Object.entries(totals.roles)) if (count > 0) roles[role] = count;
  const share = nonEnglishShare(totals.script);
  const jsonShare = totals.replies ? totals.jsonReplies / totals.replies : 0;
  const codeShare = totals.replies ? totals.codeReplies / totals.replies : 0;
  const multiTurnPct = examples ? round((100 * totals.multiTurn) / examples, 1) : 0;

  const report: DatasetReport = {
    format,
    formats,
    encoding: settings.encoding,
    count_mode: settings.countMode,
    tokens_exact: settings.tokensExact,
    total_lines: input.totalLines ?? totals.recordLines + input.blankLines,
    blank_lines: input.blankLines,
    total_examples: examples,
    invalid_examples: totals.invalid,
    total_tokens: totals.totalTokens,
    avg_tokens_per_example: examples ? round(totals.totalTokens / examples, 2) : 0,
    quality_score: quality.score,
    quality_issues: quality.issues,
    format_valid: !findings.some((f) => f.severity === 'error') && (Object.keys(omitted) as CodeName[]).every((c) => severityOf(c) !== 'error'),
    format_errors: sortedKeys(formatErrors),
    data_warnings: { missing_system: totals.missingSystem, missing_user: totals.missingUser, non_text_content: totals.nonText },
    distribution: {
      roles,
      avg_message_length: totals.messageTotal ? round(totals.contentChars / totals.messageTotal, 1) : 0,
      token_distribution: { ...totals.buckets },
      has_system_prompts: totals.withSystem > 0,
      multi_turn_percentage: multiTurnPct,
    },
    token_stats: input.tokenStats,
    over_limit: { max_seq_length: settings.maxSeqLength, count: totals.overLimit },
    duplicates: {
      count: extraCopies.length,
      examples: extraCopies,
      exact: { count: extraCopies.length, groups: input.exactGroups.map((g) => group(g)) },
      near: { count: nearCopies, threshold: settings.nearThreshold, groups: nearGroups },
    },
    contradictions: { count: contradictionCount, groups: contradictionGroups },
    preference: {
      pairs: totals.formatCounts.get('preference') ?? 0,
      identical: counts.get('preference-identical') ?? 0,
      prompt_mismatch: counts.get('preference-prompt-mismatch') ?? 0,
    },
    billing: { billable_tokens: totals.billableTokens, epochs, charged_tokens: totals.billableTokens * epochs },
    characteristics: {
      multilingual_share: round(share, 3),
      is_multilingual: share > 0.1,
      dominant_script: dominantScript(totals.script),
      dominant_language: dominantLanguage(totals.script),
      json_reply_share: round(jsonShare, 3),
      looks_like_json: jsonShare > 0.5,
      code_share: round(codeShare, 3),
      has_code: codeShare > 0.1,
      avg_response_length: totals.replies ? round(totals.replyChars / totals.replies, 1) : 0,
      is_multi_turn: multiTurnPct >= 50,
      has_system_prompts: totals.withSystem > 0,
    },
    findings: [],
    findings_omitted: omitted,
  };
  if (settings.lazyFindingsJson) {
    let built: FindingJson[] | undefined;
    const frozen = (f: Finding): FindingJson => {
      const json = findingToJson(f);
      for (const r of json.related) Object.freeze(r);
      Object.freeze(json.related);
      return Object.freeze(json);
    };
    Object.defineProperty(report, 'findings', { enumerable: true, get: () => (built ??= Object.freeze(findings.map(frozen)) as FindingJson[]) });
  } else {
    report.findings = findings.map(findingToJson);
  }
  return { report, findings };
}

/** Findings about the file as a whole: encoding, byte order mark, mixed formats, system prompts, example count. */
function fileLevelFindings(input: ReportInput, add: (f: Finding) => void): void {
  const { totals, records } = input;
  const top = makeRange(0, 0, 0, 0);
  const rangeOf = (i: number): Range => records.rangeOf(i);
  if (input.wideEncoding !== null) {
    add(makeFinding('file-encoding', unreadableFileMessage({ kind: 'encoding', encoding: input.wideEncoding }), top));
  }
  if (input.hasBom) add(makeFinding('bom', 'The file starts with a UTF-8 byte order mark; some tools reject it.', top));
  if (totals.formatCounts.size > 1) {
    const ranked = [...totals.formatCounts.entries()].sort((a, b) => b[1] - a[1] || DATASET_FORMATS.indexOf(a[0]) - DATASET_FORMATS.indexOf(b[0]));
    const [main, mainCount] = ranked[0] as [DatasetFormat, number];
    const mainFirst = input.firstOfFormat.get(main) as number;
    for (const [fmt, count] of ranked.slice(1)) {
      const first = input.firstOfFormat.get(fmt) as number;
      // Preference pairs cannot be converted to or from SFT records: they belong in their own file.
      const advice =
        main === 'preference' || fmt === 'preference'
          ? `Preference pairs (chosen/rejected) and SFT examples belong in separate files${fmt === 'preference' ? ' (or train on the chosen replies: --use-chosen)' : ''}.`
          : `Convert ${agree(count, 'it', 'them')} to ${main}.`;
      const message = `The file mixes formats: ${plural(count, `${fmt} record`)} among ${plural(mainCount, `${main} record`)}; trainers expect one format per file. ${advice}`;
      add(makeFinding('mixed-formats', message, rangeOf(first), [{ range: rangeOf(mainFirst), message: `First ${main} record` }]));
    }
  }
  const examples = totals.examples;
  const withSystem = totals.withSystem;
  const without = examples - withSystem;
  if (withSystem > 0 && without > 0 && Math.min(withSystem, without) / Math.max(withSystem, without) > 0.3) {
    const wantSystem = withSystem < without;
    let at = -1;
    for (let i = 0; i < records.count && at < 0; i++) if (records.isValid(i) && records.hasSystem(i) === wantSystem) at = i;
    if (at >= 0) {
      const message = `${plural(withSystem, 'example')} ${agree(withSystem, 'has', 'have')} a system prompt and ${without} ${agree(without, 'does', 'do')} not; the model learns two behaviours. Use a system prompt in all examples or in none.`;
      add(makeFinding('inconsistent-system', message, rangeOf(at)));
    }
  }
  if (examples === 0) {
    add(makeFinding('no-examples', 'The file has no usable training example.', top));
  } else if (examples < 100) {
    const message = `Only ${plural(examples, 'usable example')}: hosted fine-tuning APIs require at least 10, SLMGEN asked for 50, and results usually improve from 100+.`;
    add(makeFinding('too-few-examples', message, top));
  }
}

/** The same counts with their keys in sorted order (JSON output that does not depend on the order of discovery). */
function sortedKeys(counts: Record<string, number>): Record<string, number> {
  const out: Record<string, number> = {};
  for (const key of Object.keys(counts).sort()) out[key] = counts[key] as number;
  return out;
}
