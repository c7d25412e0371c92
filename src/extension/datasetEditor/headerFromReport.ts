// The Dataset Editor's header numbers, read from the language server's report (the object `slmgen analyze --json`
// prints). No `vscode` import: unit-tested under Node.
import { z } from 'zod';
import type { DatasetHeader } from '../../shared/datasetEditorMessages';

const int = z.number().int();

/** The report fields the header shows (CLI `--json` names); a report without them is a server bug and fails here. */
const ReportFields = z.object({
  format: z.string(),
  encoding: z.string(),
  count_mode: z.string(),
  total_examples: int,
  invalid_examples: int,
  total_tokens: int,
  quality_score: z.number(),
  quality_issues: z.array(z.object({ code: z.string(), points: z.number(), message: z.string() })),
  over_limit: z.object({ max_seq_length: int, count: int }),
  duplicates: z.object({ exact: z.object({ count: int }), near: z.object({ count: int }) }),
  contradictions: z.object({ count: int }),
  billing: z.object({ billable_tokens: int, epochs: int, charged_tokens: int }),
  findings: z.array(z.object({ severity: z.string() })),
});

/** The header of a report: counts as the report has them; `errors` is the number of error findings it lists. */
export function headerFromReport(report: Record<string, unknown>): DatasetHeader {
  const r = ReportFields.parse(report);
  return {
    examples: r.total_examples,
    invalidRecords: r.invalid_examples,
    tokens: r.total_tokens,
    encoding: r.encoding,
    countMode: r.count_mode,
    format: r.format,
    qualityScore: r.quality_score,
    deductions: r.quality_issues,
    errors: r.findings.filter((f) => f.severity === 'error').length,
    exactDuplicates: r.duplicates.exact.count,
    nearDuplicates: r.duplicates.near.count,
    contradictions: r.contradictions.count,
    maxSeqLength: r.over_limit.max_seq_length,
    overLength: r.over_limit.count,
    billing: { billableTokens: r.billing.billable_tokens, epochs: r.billing.epochs, chargedTokens: r.billing.charged_tokens },
  };
}
