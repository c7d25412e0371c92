import assert from 'node:assert/strict';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { createDefaultEngine } from '../../src/server/defaultEngine';
import type { ServerEngine } from '../../src/server/engine';
import { startTestServer, upload, VALID_JSONL } from './testServer';

/** About 30 MB of distinct chat records, so a real analysis is still running when the server closes. */
function largeDataset(): string {
  const lines: string[] = [];
  let bytes = 0;
  for (let i = 0; bytes < 30 * 1024 * 1024; i++) {
    const line = JSON.stringify({
      messages: [
        { role: 'user', content: `Question ${i}: how do I configure setting number ${i * 7} of module ${i % 97}?` },
        { role: 'assistant', content: `Answer ${i}: open the panel, pick module ${i % 97}, set value ${i * 13} and restart the service ${i}.` },
      ],
    });
    lines.push(line);
    bytes += line.length + 1;
  }
  return lines.join('\n') + '\n';
}

async function until(check: () => Promise<boolean>, what: string): Promise<void> {
  for (let i = 0; i < 600; i++) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`gave up waiting for ${what}`);
}

describe('server: shutdown during a real analysis', () => {
  it('close() aborts the running analysis (503 "shutting down") and lets an in-flight upload finish', async () => {
    const real = createDefaultEngine();
    let analysisStarted = false;
    let analysisError: unknown;
    // The real engine; the wrapper only records that the analysis started and how it ended.
    const engine: ServerEngine = {
      ...real,
      analyze: (path, signal) => {
        analysisStarted = true;
        return real.analyze!(path, signal).catch((error: unknown) => {
          analysisError = error;
          throw error;
        });
      },
    };
    const server = await startTestServer({ engine, config: { maxUploadBytes: 64 * 1024 * 1024 } });
    let closed = false;
    try {
      const up = await upload(server.url, largeDataset(), 'big.jsonl');
      assert.equal(up.status, 200, await up.clone().text());
      const { session_id } = (await up.json()) as { session_id: string };

      // An upload whose body is held back until the server is closing.
      const boundary = 'slmgen-shutdown-test';
      const head = `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="late.jsonl"\r\nContent-Type: application/octet-stream\r\n\r\n`;
      const tail = `\r\n--${boundary}--\r\n`;
      let release!: () => void;
      const gate = new Promise<void>((r) => (release = r));
      const body = new ReadableStream<Uint8Array>({
        async start(controller) {
          // The parser only hands the file on once some content follows its headers.
          controller.enqueue(new TextEncoder().encode(head + VALID_JSONL));
          await gate;
          controller.enqueue(new TextEncoder().encode(tail));
          controller.close();
        },
      });
      const lateUpload = fetch(`${server.url}/upload`, {
        method: 'POST',
        body,
        headers: { 'content-type': `multipart/form-data; boundary=${boundary}` },
        duplex: 'half',
      } as RequestInit);
      await until(async () => (await readdir(join(server.dataDir, 'tmp'))).length > 0, 'the late upload to reach its temp file');

      const analysis = fetch(`${server.url}/analyze/${session_id}`);
      await until(async () => analysisStarted, 'the analysis to start');
      const closing = server.app.close().then(() => (closed = true));
      const analysisRes = await analysis;
      assert.equal(analysisRes.status, 503);
      assert.match(((await analysisRes.json()) as { detail: string }).detail, /shutting down/i);
      assert.equal((analysisError as Error | undefined)?.name, 'AbortError');
      assert.equal(closed, false, 'close() waits for the in-flight upload');
      release();
      const lateRes = await lateUpload;
      assert.equal(lateRes.status, 200, await lateRes.clone().text());
      const bound = new Promise<string>((r) => setTimeout(() => r('timeout'), 20_000).unref());
      assert.equal(await Promise.race([closing.then(() => 'closed'), bound]), 'closed');
    } finally {
      await server.close();
    }
  });
});
