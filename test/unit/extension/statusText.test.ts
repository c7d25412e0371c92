import assert from 'node:assert/strict';
import type { StatusParams } from '../../../src/shared/lspProtocol';
import { compactNumber, newerStatus, statusView } from '../../../src/extension/status/statusText';

const ready = (extra: Partial<StatusParams> = {}): StatusParams => ({ uri: 'file:///d/a.jsonl', version: 2, state: 'ready', ...extra });

describe('extension: status bar text', () => {
  it('writes counts compactly', () => {
    const cases: [number, string][] = [[0, '0'], [950, '950'], [9999, '9,999'], [12345, '12.3k'], [123456, '123k'], [999_999, '1M'], [4_560_000, '4.56M'], [2_500_000_000, '2.5B']];
    for (const [n, text] of cases) assert.equal(compactNumber(n), text, String(n));
  });

  it('shows examples, tokens and quality when ready', () => {
    const view = statusView(ready({ examples: 1234, tokens: 456_789, encoding: 'o200k_base', qualityScore: 0.873, errors: 0 }));
    assert.equal(view.text, '$(database) 1,234 examples · 457k tok · Q 0.87');
    assert.equal(view.kind, 'normal');
    assert.match(view.tooltip, /456,789 tokens \(o200k_base\)/);
    assert.equal(statusView(ready({ examples: 1, tokens: 12, qualityScore: 1 })).text, '$(database) 1 example · 12 tok · Q 1.00');
  });

  it('adds the error count, a spinner while analysing, and a warning on failure', () => {
    const errors = statusView(ready({ examples: 10, tokens: 100, qualityScore: 0.5, errors: 3 }));
    assert.equal(errors.text, '$(database) 10 examples · 100 tok · Q 0.50 · $(error) 3');
    assert.equal(errors.kind, 'error');
    assert.equal(statusView(ready({ state: 'analyzing' })).text, '$(sync~spin) SLMGEN');
    const failed = statusView(ready({ state: 'failed', message: 'out of memory' }));
    assert.equal(failed.text, '$(warning) SLMGEN');
    assert.equal(failed.kind, 'warning');
    assert.match(failed.tooltip, /out of memory/);
    assert.equal(statusView(undefined).text, '$(database) SLMGEN');
  });

  it('keeps the newer version when notifications arrive out of order', () => {
    const v3 = ready({ version: 3, examples: 3 });
    const v2 = ready({ version: 2, examples: 2 });
    assert.equal(newerStatus(v3, v2), v3);
    assert.equal(newerStatus(v2, v3), v3);
    assert.equal(newerStatus(undefined, v2), v2);
    const disk = ready({ version: null, examples: 9 });
    assert.equal(newerStatus(v3, disk), disk, 'a file analysed from disk has no version');
  });
});
