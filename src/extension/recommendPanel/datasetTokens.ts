// The dataset's token lengths the Recommendation panel compares context lengths with, read from the language server's
// report (the object `slmgen analyze --json` prints). No `vscode` import: unit-tested under Node.
import { z } from 'zod';
import type { DatasetTokens } from '../../shared/recommendPanelMessages';

const ReportFields = z.object({
  encoding: z.string(),
  total_examples: z.number().int(),
  token_stats: z.object({ total: z.object({ p95: z.number(), p99: z.number(), max: z.number() }) }),
});

/** p95 / p99 / max tokens per example as the report has them; a report without them is a server bug and fails here. */
export function datasetTokensFromReport(report: Record<string, unknown>): DatasetTokens {
  const r = ReportFields.parse(report);
  const { p95, p99, max } = r.token_stats.total;
  return { examples: r.total_examples, encoding: r.encoding, p95, p99, max };
}
