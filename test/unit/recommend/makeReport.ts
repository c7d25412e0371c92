import type { DatasetReport, DistributionSummary } from '../../../src/core/analysis/report';

/** Deep-partial overrides for a hand-made report. */
export interface ReportOverrides {
  total_examples?: number;
  avg_tokens_per_example?: number;
  total_tokens?: number;
  p95?: number;
  p99?: number;
  messagesMean?: number;
  multi_turn_percentage?: number;
  characteristics?: Partial<DatasetReport['characteristics']>;
  /** Extra role counts (e.g. `{ tool: 3 }`). */
  roles?: Record<string, number>;
  /** Codes of warning findings, one finding each. */
  findingCodes?: string[];
  findings_omitted?: Record<string, number>;
}

function summary(mean: number, p95: number, p99: number): DistributionSummary {
  return { min: 1, max: p99, mean, median: mean, p5: 1, p95, p99 };
}

/** A plain English, single-turn, 200-example dataset of ~100-token examples unless overridden. */
export function makeReport(o: ReportOverrides = {}): DatasetReport {
  const n = o.total_examples ?? 200;
  const avg = o.avg_tokens_per_example ?? 100;
  const multi = o.multi_turn_percentage ?? 0;
  return {
    format: 'openai',
    formats: { openai: n },
    encoding: 'o200k_base',
    count_mode: 'raw',
    tokens_exact: true,
    total_lines: n,
    blank_lines: 0,
    total_examples: n,
    invalid_examples: 0,
    total_tokens: o.total_tokens ?? n * avg,
    avg_tokens_per_example: avg,
    quality_score: 0.9,
    quality_issues: [],
    format_valid: true,
    format_errors: {},
    data_warnings: { missing_system: n, missing_user: 0, non_text_content: 0 },
    distribution: {
      roles: { user: n, assistant: n, ...o.roles },
      avg_message_length: 200,
      token_distribution: { '0-100': n, '100-500': 0, '500-1000': 0, '1000+': 0 },
      has_system_prompts: o.characteristics?.has_system_prompts ?? false,
      multi_turn_percentage: multi,
    },
    token_stats: {
      total: summary(avg, o.p95 ?? avg * 1.5, o.p99 ?? avg * 2),
      assistant: summary(avg / 2, avg, avg),
      messages_per_example: summary(o.messagesMean ?? 2, 2, 2),
    },
    over_limit: { max_seq_length: 2048, count: 0 },
    duplicates: { count: 0, examples: [], exact: { count: 0, groups: [] }, near: { count: 0, threshold: 0.8, groups: [] } },
    contradictions: { count: 0, groups: [] },
    preference: { pairs: 0, identical: 0, prompt_mismatch: 0 },
    billing: { billable_tokens: n * avg, epochs: 3, charged_tokens: n * avg * 3 },
    characteristics: {
      multilingual_share: 0,
      is_multilingual: false,
      dominant_script: 'latin',
      dominant_language: 'en',
      json_reply_share: 0,
      looks_like_json: false,
      code_share: 0,
      has_code: false,
      avg_response_length: 200,
      is_multi_turn: multi > 0,
      has_system_prompts: false,
      ...o.characteristics,
    },
    findings: (o.findingCodes ?? []).map((code, i) => ({ code, severity: 'warning' as const, line: i, column: 0, end_line: i, end_column: 1, message: code, related: [] })),
    findings_omitted: { ...o.findings_omitted },
  };
}
