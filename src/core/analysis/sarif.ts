/**
 * SARIF 2.1.0 output for code scanning in CI (one run, one rule per finding code): `slmgen lint --format sarif` and
 * the language server's `slmgen/sarif` (the editor's "Export Lint Report as SARIF") share this one builder.
 */
import { FINDING_CODES } from '../checks/codes';
import type { FindingJson } from './report';
import type { Severity } from '../types';

const LEVEL: Record<Severity, 'error' | 'warning' | 'note'> = { error: 'error', warning: 'warning', info: 'note' };

/** Build a SARIF log for findings of several files. */
export function toSarif(files: { file: string; findings: FindingJson[] }[], version: string): object {
  const used = new Set(files.flatMap((f) => f.findings.map((x) => x.code)));
  const rules = [...used].sort().map((code) => {
    const meta = FINDING_CODES.find((c) => c.code === code);
    return {
      id: code,
      name: code,
      shortDescription: { text: meta?.title ?? code },
      fullDescription: { text: meta?.description ?? code },
      defaultConfiguration: { level: LEVEL[meta?.severity ?? 'warning'] },
    };
  });
  return {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: { driver: { name: 'slmgen', version, informationUri: 'https://example.invalid/slmgen', rules } },
        results: files.flatMap(({ file, findings }) =>
          findings.map((f) => ({
            ruleId: f.code,
            level: LEVEL[f.severity],
            message: { text: f.message },
            locations: [
              {
                physicalLocation: {
                  artifactLocation: { uri: file.split('\\').join('/') },
                  region: { startLine: f.line, startColumn: f.column, endLine: f.end_line, endColumn: f.end_column },
                },
              },
            ],
            relatedLocations: f.related.map((r, id) => ({
              id,
              message: { text: r.message },
              physicalLocation: { artifactLocation: { uri: file.split('\\').join('/') }, region: { startLine: r.line, startColumn: r.column } },
            })),
          })),
        ),
      },
    ],
  };
}
