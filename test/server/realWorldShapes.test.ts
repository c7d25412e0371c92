// Real-world dataset shapes at the server's upload check, over real HTTP (issue 16, points 10, 14, 15): the same
// layout rule and the same unreadable-file detector and message as the CLI's analysis.
import assert from 'node:assert/strict';
import { gzipSync } from 'node:zlib';
import { unreadableFileMessage } from '../../src/core/parse/textEncoding';
import type { TestServer } from './testServer';
import { startTestServer, upload, VALID_JSONL } from './testServer';

const chat = { messages: [{ role: 'user', content: 'What is the capital of France?' }, { role: 'assistant', content: 'Paris is the capital of France.' }] };

async function detail(res: Response): Promise<string> {
  return ((await res.json()) as { detail: string }).detail;
}

async function analyzed(server: TestServer, res: Response): Promise<{ total_examples: number; invalid_examples: number; format: string }> {
  assert.equal(res.status, 200, await res.clone().text());
  const sid = ((await res.json()) as { session_id: string }).session_id;
  const analysis = await fetch(`${server.url}/analyze/${sid}`);
  assert.equal(analysis.status, 200);
  return (await analysis.json()) as { total_examples: number; invalid_examples: number; format: string };
}

describe('server: real-world shapes at upload', () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer();
  });
  after(async () => {
    await server.close();
  });

  it('a gzip file is refused with the analysis\'s message, not as binary (15)', async () => {
    const res = await upload(server.url, gzipSync(VALID_JSONL), 'data.jsonl');
    assert.equal(res.status, 400);
    assert.equal(await detail(res), unreadableFileMessage({ kind: 'compressed', compression: 'gzip' }));
  });

  it('a UTF-16 file is called UTF-16 with how to re-save it, not binary (15)', async () => {
    for (const [bytes, encoding] of [
      [Buffer.from(`\ufeff${VALID_JSONL}`, 'utf16le'), 'utf-16le'],
      [Buffer.from(VALID_JSONL, 'utf16le'), 'utf-16le'],
    ] as const) {
      const res = await upload(server.url, bytes, 'data.jsonl');
      assert.equal(res.status, 400);
      const text = await detail(res);
      assert.equal(text, unreadableFileMessage({ kind: 'encoding', encoding }));
      assert.doesNotMatch(text, /binary/);
    }
  });

  it('the layout comes from the content, as in the analysis, whatever the extension (14)', async () => {
    // JSON Lines saved as .json, a pretty-printed array saved as .jsonl, a single pretty-printed object in .json.
    assert.equal((await analyzed(server, await upload(server.url, VALID_JSONL, 'lines.json'))).total_examples, VALID_JSONL.trim().split('\n').length);
    assert.equal((await analyzed(server, await upload(server.url, JSON.stringify([chat, chat], null, 2), 'array.jsonl'))).total_examples, 2);
    assert.equal((await analyzed(server, await upload(server.url, JSON.stringify(chat, null, 2), 'single.json'))).total_examples, 1);
    // A file of nothing but a pretty-printed broken object is still refused.
    const broken = await upload(server.url, '{\n  "messages": [\n', 'broken.json');
    assert.equal(broken.status, 400);
    assert.match(await detail(broken), /No record of the file \(a line, or a pretty-printed object over several lines\) parses as a JSON object/);
  });

  it('preference data is uploaded and analysed as preference records (10)', async () => {
    const pairs = [
      { prompt: 'Name a planet.', chosen: 'Mars is a planet.', rejected: 'The Moon is a planet.' },
      { prompt: 'Name a colour.', chosen: 'Blue is a colour.', rejected: 'Seven is a colour.' },
    ];
    const report = await analyzed(server, await upload(server.url, pairs.map((p) => JSON.stringify(p)).join('\n'), 'pairs.jsonl'));
    assert.equal(report.format, 'preference');
    assert.equal(report.total_examples, 0);
    assert.equal(report.invalid_examples, 2);
  });
});
