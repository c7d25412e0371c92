import assert from 'node:assert/strict';
import { REPORT_LIMITS, escapeMarkdown, renderReportMarkdown, uriBaseName } from '../../../src/extension/report/reportMarkdown';
import { analyzeText, estimateOptions } from '../analysis/analyzeText';

const chat = (user: string, assistant: string): string =>
  JSON.stringify({ messages: [{ role: 'user', content: user }, { role: 'assistant', content: assistant }] });

/** A dataset with an exact duplicate (lines 1 and 3), a contradiction, a role alias and a broken line. */
const TEXT = [
  chat('What is the capital of France?', 'The capital of France is Paris.'),
  chat('How many legs does a spider have?', 'A spider has eight legs, like every arachnid.'),
  chat('What is the capital of France?', 'The capital of France is Paris.'),
  chat('Is the sky blue?', 'Yes, on a clear day the sky looks blue because of Rayleigh scattering.'),
  chat('Is the sky blue?', 'No. It is completely green all the time, everywhere, without exception.'),
  JSON.stringify({ messages: [{ role: 'User', content: 'Hello there' }, { role: 'assistant', content: 'Hi! How can I help you today?' }] }),
  '{"messages": [',
].join('\n');

const URI = 'file:///data/my%20train.jsonl';

function render(): { markdown: string; report: Record<string, unknown> } {
  const { report } = analyzeText(TEXT, estimateOptions());
  // Through JSON, as the report travels over LSP.
  const wire = JSON.parse(JSON.stringify(report)) as Record<string, unknown>;
  return { markdown: renderReportMarkdown({ uri: URI, version: 3, report: wire }), report: wire };
}

describe('extension: report markdown', () => {
  it('shows the summary numbers of the report it was given', () => {
    const { markdown, report } = render();
    assert.match(markdown, /^# Dataset report: my train\.jsonl$/m);
    assert.match(markdown, /editor version 3/);
    assert.match(markdown, new RegExp(`^\\| Usable examples \\| ${String(report.total_examples)} \\|$`, 'm'));
    assert.match(markdown, new RegExp(`^\\| Invalid records \\(left out of training\\) \\| ${String(report.invalid_examples)} \\|$`, 'm'));
    assert.ok((report.invalid_examples as number) >= 2, 'the broken line and the role alias are invalid');
    assert.match(markdown, new RegExp(`^\\| Quality score \\| ${(report.quality_score as number).toFixed(2)} of 1 \\|$`, 'm'));
    assert.match(markdown, /^\| Format valid \| no: there are error findings \|$/m);
    assert.match(markdown, /\(o200k_base, raw, estimated;/);
  });

  it('lists quality deductions, format errors, duplicates with line links, contradictions and token statistics', () => {
    const { markdown, report } = render();
    const issues = report.quality_issues as { code: string; points: number }[];
    assert.ok(issues.length > 0);
    for (const q of issues) assert.ok(markdown.includes(`| \`${q.code}\` | −${q.points.toFixed(2)} |`), q.code);
    for (const key of Object.keys(report.format_errors as Record<string, number>)) assert.ok(markdown.includes(`| \`${key}\` |`), key);
    assert.match(markdown, /^## Exact duplicates\n\n- lines \[1\]\(<file:\/\/\/data\/my%20train\.jsonl#L1>\), \[3\]\(<file:\/\/\/data\/my%20train\.jsonl#L3>\)$/m);
    assert.match(markdown, /^## Contradictions\n\nSame prompt, materially different replies\.\n\n- lines \[4\]\(<[^>]+#L4>\), \[5\]\(<[^>]+#L5>\)$/m);
    assert.match(markdown, /^\| Per example \| min \| p5 \| median \| mean \| p95 \| p99 \| max \|$/m);
    assert.match(markdown, /^\| Tokens \| \d/m);
    assert.match(markdown, /^## Findings \(\d+\)$/m);
    assert.match(markdown, /^- \[7\]\(<[^>]+#L7>\):\d+ error `invalid-json` /m);
  });

  it('links lines only for files, and caps long lists', () => {
    const groups = Array.from({ length: REPORT_LIMITS.groups + 5 }, (_, i) => ({ lines: Array.from({ length: 20 }, (_, j) => i * 100 + j + 1), examples: [] }));
    const markdown = renderReportMarkdown({
      uri: 'untitled:Untitled-1',
      version: 1,
      report: { duplicates: { count: 0, exact: { count: 25, groups }, near: { count: 0, threshold: 0.8, groups: [] } } },
    });
    assert.match(markdown, /^- lines 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12 and 8 more$/m);
    assert.match(markdown, /^- … and 5 more groups$/m);
    assert.doesNotMatch(markdown, /\]\(</);
  });

  it('renders a report with missing or malformed fields instead of failing', () => {
    const markdown = renderReportMarkdown({ uri: 'file:///x/a.jsonl', version: null, report: { total_examples: 'many', quality_issues: 7 } });
    assert.match(markdown, /analysed from disk/);
    assert.match(markdown, /^\| Usable examples \| 0 \|$/m);
    assert.match(markdown, /^No deductions\.$/m);
  });

  it('escapes text so that markdown shows it literally', () => {
    assert.equal(escapeMarkdown('<img src=x onerror=alert(1)> [a](command:x) *b* `c` |d|'), '\\<img src=x onerror=alert(1)\\> \\[a\\](command:x) \\*b\\* \\`c\\` \\|d\\|');
    assert.equal(escapeMarkdown('two\nlines'), 'two lines');
    const markdown = renderReportMarkdown({ uri: 'file:///x/a.jsonl', version: 1, report: { quality_issues: [{ code: 'x', message: '<b>bold</b> | pipe', points: 0.1 }] } });
    assert.ok(markdown.includes('\\<b\\>bold\\</b\\> \\| pipe'));
  });

  it('names a dataset by its decoded last path segment', () => {
    assert.equal(uriBaseName('file:///d/train%201.jsonl'), 'train 1.jsonl');
    assert.equal(uriBaseName('untitled:Untitled-1'), 'untitled:Untitled-1');
    assert.equal(uriBaseName('file:///d/x.jsonl?query#frag'), 'x.jsonl');
  });
});
