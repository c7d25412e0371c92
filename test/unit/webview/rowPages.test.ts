import assert from 'node:assert/strict';
import type { Row } from '../../../src/shared/lspProtocol';
import { MAX_PAGES, pagesCovering, RowPages } from '../../../src/webview/datasetEditor/rowPages';

function rows(offset: number, n: number): Row[] {
  return Array.from({ length: n }, (_, i) => ({
    index: offset + i,
    line: offset + i + 1,
    endLine: offset + i + 1,
    format: 'openai',
    turns: 2,
    tokens: 10,
    severity: null,
    codes: [],
    duplicateOf: null,
    cluster: null,
    contradiction: false,
    preview: `row ${offset + i}`,
  }));
}

describe('webview: Dataset Editor row pages', () => {
  it('asks only for the pages on screen, once each', () => {
    assert.deepEqual(pagesCovering(0, 0, 100), [0]);
    assert.deepEqual(pagesCovering(95, 205, 100), [0, 1, 2]);
    assert.deepEqual(pagesCovering(5, 2, 100), []);
    const pages = new RowPages('k', 3, 100);
    assert.deepEqual(pages.request(150, 260), [1, 2]);
    assert.deepEqual(pages.request(150, 260), [], 'pending pages are not asked for twice');
    assert.deepEqual(pages.window(2), { offset: 200, limit: 100 });
    pages.failed(2);
    assert.deepEqual(pages.request(150, 260), [2], 'a failed page is asked for again');
  });

  it('keeps answers of its own version only, and finds rows by position', () => {
    const pages = new RowPages('k', 3, 100);
    pages.request(0, 150);
    assert.equal(pages.store({ version: 2, totalRecords: 1000, matching: 1000, offset: 100, rows: rows(100, 100) }), false, 'an older version');
    assert.equal(pages.at(120), undefined);
    assert.equal(pages.store({ version: 3, totalRecords: 1000, matching: 640, offset: 100, rows: rows(100, 100) }), true);
    assert.equal(pages.at(120)?.line, 121);
    assert.equal(pages.at(99), undefined);
    assert.equal(pages.matching, 640);
    assert.equal(pages.totalRecords, 1000);
    assert.deepEqual(pages.request(0, 199), [], 'page 0 is still pending, page 1 is there');
  });

  it(`keeps at most ${MAX_PAGES} pages, dropping the farthest`, () => {
    const pages = new RowPages('k', null, 10);
    for (let p = 0; p <= MAX_PAGES; p++) pages.store({ version: null, totalRecords: 10_000, matching: 10_000, offset: p * 10, rows: rows(p * 10, 10) });
    assert.equal(pages.at(0), undefined, 'the first page is the farthest from the last stored');
    assert.equal(pages.at(MAX_PAGES * 10)?.index, MAX_PAGES * 10);
    assert.equal(pages.at(10)?.index, 10);
  });
});
