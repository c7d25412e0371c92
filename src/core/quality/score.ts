/**
 * The quality score (0–1): SLMGEN's four penalties (reference §3), with its defects fixed, plus documented weights
 * for our checks. Every deduction is listed with its points; adding an error never raises the score, because
 * records with errors never count as examples and every error-driven penalty only grows with them.
 *
 * | code | rule | points |
 * |---|---|---|
 * | no-examples | no usable example at all | score is 0 |
 * | invalid-examples | share s of records that are not usable examples | max(0.05, min(0.5, s)) when s > 0 |
 * | mixed-formats | more than one record format in the file | 0.2 |
 * | exact-duplicate | extra copies / examples: > 20% · > 10% · > 5% | 0.30 · 0.15 · 0.05 (SLMGEN) |
 * | near-duplicate | near copies / examples: > 10% · > 5% | 0.10 · 0.05 |
 * | too-few-examples | examples < 50 · < 100 · < 500 · < 1000 | 0.5 · 0.2 · 0.1 · 0.05 (SLMGEN) |
 * | short-reply | short replies > 10% of replies (SLMGEN measured against examples; fixed) | 0.1 |
 * | inconsistent-system | with and without system prompt, minority/majority > 0.3 | 0.1 (SLMGEN) |
 * | too-long | examples over max sequence length: > 10% · any | 0.1 · 0.05 |
 * | contradiction | contradictory examples: > 5% · any | 0.1 · 0.05 |
 * | sensitive-data | any PII or secret finding | 0.05 (PII) + 0.1 (secrets) |
 * | role-order | share of examples with role-order warnings > 10% | 0.05 |
 */
import type { QualityIssue } from '../analysis/report';
import { round } from '../stats/summary';
import { agree, plural } from '../text/plural';

/** The facts the score is computed from. */
export interface QualityFacts {
  examples: number;
  invalidRecords: number;
  mixedFormats: boolean;
  exactExtraCopies: number;
  nearCopies: number;
  replies: number;
  shortReplies: number;
  withSystem: number;
  withoutSystem: number;
  overLimit: number;
  maxSeqLength: number;
  contradictions: number;
  piiFindings: number;
  secretFindings: number;
  roleOrderExamples: number;
}

/** Compute the score and the list of deductions. */
export function computeQuality(f: QualityFacts): { score: number; issues: QualityIssue[] } {
  const issues: QualityIssue[] = [];
  const add = (code: string, points: number, message: string) => {
    if (points > 0) issues.push({ code, points: round(points, 3), message });
  };
  if (f.examples === 0) {
    add('no-examples', 1, 'No usable training examples: the file has no valid record.');
    return { score: 0, issues };
  }
  const n = f.examples;
  const pct = (x: number, of: number) => round((100 * x) / of, 1);

  const records = n + f.invalidRecords;
  if (f.invalidRecords > 0) {
    const share = f.invalidRecords / records;
    add(
      'invalid-examples',
      Math.max(0.05, Math.min(0.5, share)),
      `${f.invalidRecords} of ${records} records (${pct(f.invalidRecords, records)}%) ${agree(f.invalidRecords, 'is not a usable example', 'are not usable examples')}; trainers reject or skip them.`,
    );
  }
  if (f.mixedFormats) add('mixed-formats', 0.2, 'The file mixes record formats; trainers expect one format per file.');

  const dupPct = (100 * f.exactExtraCopies) / n;
  const dupPoints = dupPct > 20 ? 0.3 : dupPct > 10 ? 0.15 : dupPct > 5 ? 0.05 : 0;
  add('exact-duplicate', dupPoints, `${plural(f.exactExtraCopies, 'exact duplicate example')} (${pct(f.exactExtraCopies, n)}%).`);

  const nearPct = (100 * f.nearCopies) / n;
  add('near-duplicate', nearPct > 10 ? 0.1 : nearPct > 5 ? 0.05 : 0, `${plural(f.nearCopies, 'near-duplicate example')} (${pct(f.nearCopies, n)}%).`);

  const sizePoints = n < 50 ? 0.5 : n < 100 ? 0.2 : n < 500 ? 0.1 : n < 1000 ? 0.05 : 0;
  add(
    'too-few-examples',
    sizePoints,
    n < 50
      ? `Only ${plural(n, 'example')}: hosted APIs need at least 10, SLMGEN asked for 50, and results usually improve from 100+.`
      : n < 100
        ? `${plural(n, 'example')}: results usually improve from 100+.`
        : `${plural(n, 'example')}: 1,000+ usually give more robust fine-tunes.`,
  );

  if (f.replies > 0 && f.shortReplies / f.replies > 0.1) {
    add('short-reply', 0.1, `${f.shortReplies} of ${plural(f.replies, 'reply', 'replies')} (${pct(f.shortReplies, f.replies)}%) ${agree(f.shortReplies, 'is', 'are')} under 10 characters.`);
  }
  if (f.withSystem > 0 && f.withoutSystem > 0) {
    const ratio = Math.min(f.withSystem, f.withoutSystem) / Math.max(f.withSystem, f.withoutSystem);
    if (ratio > 0.3) {
      add('inconsistent-system', 0.1, `${plural(f.withSystem, 'example')} ${agree(f.withSystem, 'has', 'have')} a system prompt and ${f.withoutSystem} ${agree(f.withoutSystem, 'does', 'do')} not; use one convention.`);
    }
  }
  if (f.overLimit > 0) {
    add(
      'too-long',
      f.overLimit / n > 0.1 ? 0.1 : 0.05,
      `${plural(f.overLimit, 'example')} (${pct(f.overLimit, n)}%) ${agree(f.overLimit, 'exceeds', 'exceed')} the max sequence length of ${f.maxSeqLength} tokens and will be truncated.`,
    );
  }
  if (f.contradictions > 0) {
    add('contradiction', f.contradictions / n > 0.05 ? 0.1 : 0.05, `${plural(f.contradictions, 'example')} ${agree(f.contradictions, 'answers', 'answer')} the same prompt differently.`);
  }
  if (f.piiFindings > 0) add('sensitive-data', 0.05, `${plural(f.piiFindings, 'piece')} of personal data (emails, phones, cards, IBANs).`);
  if (f.secretFindings > 0) add('secrets', 0.1, `${plural(f.secretFindings, 'secret')} (API keys, private keys) in the data.`);
  if (f.roleOrderExamples / n > 0.1) {
    add('role-order', 0.05, `${plural(f.roleOrderExamples, 'example')} (${pct(f.roleOrderExamples, n)}%) ${agree(f.roleOrderExamples, 'has', 'have')} role-order problems.`);
  }

  const total = issues.reduce((s, i) => s + i.points, 0);
  return { score: round(Math.max(0, 1 - total), 4), issues };
}
