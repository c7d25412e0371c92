import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { IncomingHttpHeaders, Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { GitHubApiError, colabGistUrl, publishNotebookGist } from '../../../src/extension/colab/gistClient';

interface Seen {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  body: string;
}

/** A local stand-in for GitHub's `POST /gists` (GitHub cannot be reached from here): records each request. */
async function standIn(answer: (seen: Seen) => { status: number; body: unknown }): Promise<{ server: Server; url: string; seen: Seen[] }> {
  const seen: Seen[] = [];
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      const s = { method: req.method ?? '', url: req.url ?? '', headers: req.headers, body };
      seen.push(s);
      const { status, body: out } = answer(s);
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(out));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/v3`, seen };
}

describe('extension: gist client against a local stand-in for the GitHub API', () => {
  it('stand-in GitHub: POST /gists with public false, the notebook file, bearer token and GitHub headers; Colab URL from the answer', async () => {
    const { server, url, seen } = await standIn((s) => {
      const files = (JSON.parse(s.body) as { files: Record<string, unknown> }).files;
      return { status: 201, body: { id: 'abc123', html_url: 'https://gist.example/abc123', owner: { login: 'octo-cat' }, files } };
    });
    try {
      const notebook = JSON.stringify({ nbformat: 4, cells: [] });
      const gist = await publishNotebookGist({ apiUrl: `${url}/`, token: 'gho_test' }, 'data finetune.ipynb', notebook, 'SLMGEN notebook');
      assert.equal(seen.length, 1);
      const [req] = seen;
      assert.equal(req!.method, 'POST');
      assert.equal(req!.url, '/api/v3/gists');
      assert.equal(req!.headers.authorization, 'Bearer gho_test');
      assert.equal(req!.headers.accept, 'application/vnd.github+json');
      assert.equal(req!.headers['x-github-api-version'], '2022-11-28');
      assert.match(String(req!.headers['content-type']), /^application\/json/);
      assert.ok(req!.headers['user-agent'], 'GitHub requires a User-Agent');
      assert.deepEqual(JSON.parse(req!.body), { description: 'SLMGEN notebook', public: false, files: { 'data finetune.ipynb': { content: notebook } } });
      assert.deepEqual(gist, {
        id: 'abc123',
        owner: 'octo-cat',
        htmlUrl: 'https://gist.example/abc123',
        fileName: 'data finetune.ipynb',
        colabUrl: 'https://colab.research.google.com/gist/octo-cat/abc123/data%20finetune.ipynb',
      });
    } finally {
      server.close();
    }
  });

  it('stand-in GitHub: a refusal becomes one line with the status, GitHub\'s message and a hint', async () => {
    const { server, url } = await standIn(() => ({ status: 401, body: { message: 'Bad credentials' } }));
    try {
      await assert.rejects(publishNotebookGist({ apiUrl: url, token: 'expired' }, 'a.ipynb', '{}', 'x'), (err: unknown) => {
        assert.ok(err instanceof GitHubApiError);
        assert.equal(err.status, 401);
        assert.equal(err.message, 'GitHub refused to create the gist: 401 Bad credentials (sign in to GitHub again)');
        return true;
      });
    } finally {
      server.close();
    }
  });

  it('colabGistUrl escapes each part', () => {
    assert.equal(colabGistUrl('a b', 'id/1', 'x#.ipynb'), 'https://colab.research.google.com/gist/a%20b/id%2F1/x%23.ipynb');
  });
});
