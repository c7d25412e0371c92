// The dataset and server commands in a real extension host: Show Duplicates, Split into Train/Validation, Convert
// Dataset to OpenAI Messages, Export Lint Report as SARIF, Start/Stop Local Server with Copy Server URL, and Open in
// Colab against local stand-ins for GitHub's API and sign-in (GitHub cannot be reached from the test machines).
// Every command runs through `executeCommand` with its QuickPick answers as arguments (no UI to drive).
import * as assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { IncomingHttpHeaders, Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import * as vscode from 'vscode';
import { slmgenOrSkip, workspaceFile } from './editorHelpers';

/** The near-duplicate fixture's relations (1-based lines), as `slmgen analyze` reports them. */
const NEAR_FIXTURE = 'near-duplicates.jsonl';
const EXACT_GROUP = [6, 21];
const NEAR_CLUSTER = [4, 12, 19];
const CONTRADICTION = [8, 23];
const INVALID_LINES = [13, 26];
const USABLE = 27;

interface Group {
  kind: 'exact' | 'near' | 'contradiction';
  lines: number[];
}

async function readText(uri: vscode.Uri): Promise<string> {
  return new TextDecoder().decode(await vscode.workspace.fs.readFile(uri));
}

/** Each written line mapped back to its 1-based source line (identical lines, exact duplicates, matched in turn). */
function sourceLineNumbers(source: string[], written: string[], used: Set<number>): number[] {
  return written.map((line) => {
    const i = source.findIndex((s, k) => s === line && !used.has(k));
    assert.ok(i >= 0, `a written line is not a line of the dataset: ${line.slice(0, 80)}`);
    used.add(i);
    return i + 1;
  });
}

async function httpStatus(url: string): Promise<number | string> {
  try {
    const response = await fetch(url);
    return response.status;
  } catch (error) {
    const cause = (error as { cause?: { code?: string } }).cause;
    return cause?.code ?? String(error);
  }
}

describe('SLMGEN commands (dataset, server, Colab)', function () {
  this.timeout(90_000);

  before(async function () {
    this.timeout(60_000);
    await slmgenOrSkip(this);
  });

  it('Show Duplicates returns exact, near-duplicate and contradiction groups, and selects a group\'s records', async () => {
    const uri = workspaceFile(NEAR_FIXTURE);
    const listed = await vscode.commands.executeCommand<{ groups: Group[] } | undefined>('slmgen.showDuplicates', uri, { pick: false });
    assert.ok(listed, 'the command answered (see the SLMGEN log if not)');
    assert.deepEqual(listed.groups, [
      { kind: 'exact', lines: EXACT_GROUP },
      { kind: 'near', lines: NEAR_CLUSTER, similarity: (listed.groups[1] as { similarity?: number }).similarity },
      { kind: 'contradiction', lines: CONTRADICTION },
    ]);
    assert.ok(((listed.groups[1] as { similarity?: number }).similarity ?? 0) >= 0.8);
    const shown = await vscode.commands.executeCommand<{ revealed?: Group } | undefined>('slmgen.showDuplicates', uri, { group: 1 });
    assert.deepEqual(shown?.revealed?.lines, NEAR_CLUSTER);
    const editor = vscode.window.activeTextEditor;
    assert.equal(editor?.document.uri.toString(), uri.toString());
    assert.deepEqual(editor!.selections.map((s) => s.start.line + 1), NEAR_CLUSTER);
    assert.ok(editor!.selections.every((s) => s.end.character > 0), 'each selection covers its record');
  });

  it('Split into Train/Validation writes two files with no duplicate, cluster or contradiction across them', async () => {
    const uri = workspaceFile(NEAR_FIXTURE);
    const result = await vscode.commands.executeCommand<
      { trainPath: string; valPath: string; train: number; val: number; leftOutCount: number; leftOut: { line: number }[]; groupsKeptTogether: number } | undefined
    >('slmgen.splitDataset', uri, { valRatio: 0.2, seed: 11, open: false });
    assert.ok(result, 'the command answered (see the SLMGEN log if not)');
    assert.equal(result.trainPath, workspaceFile('near-duplicates.train.jsonl').fsPath);
    assert.equal(result.valPath, workspaceFile('near-duplicates.val.jsonl').fsPath);
    const source = (await readText(uri)).split('\n');
    const used = new Set<number>();
    const train = sourceLineNumbers(source, (await readText(vscode.Uri.file(result.trainPath))).trimEnd().split('\n'), used);
    const val = sourceLineNumbers(source, (await readText(vscode.Uri.file(result.valPath))).trimEnd().split('\n'), used);
    assert.deepEqual([train.length, val.length], [result.train, result.val]);
    assert.equal(train.length + val.length, USABLE, 'every usable example written once');
    assert.ok(val.length >= 1 && val.length <= Math.round(USABLE * 0.2), `validation size ${val.length}`);
    for (const group of [EXACT_GROUP, NEAR_CLUSTER, CONTRADICTION]) {
      const inTrain = group.filter((l) => train.includes(l)).length;
      const inVal = group.filter((l) => val.includes(l)).length;
      assert.ok((inTrain === group.length && inVal === 0) || (inVal === group.length && inTrain === 0), `lines ${group.join(', ')} split ${inTrain}/${inVal}`);
    }
    assert.equal(result.groupsKeptTogether, 3);
    assert.equal(result.leftOutCount, INVALID_LINES.length);
    assert.deepEqual(result.leftOut.map((r) => r.line), INVALID_LINES);
    for (const l of INVALID_LINES) assert.ok(!train.includes(l) && !val.includes(l));

    // Asked explicitly not to overwrite: the server refuses and the files stay as they were.
    const before = await readText(vscode.Uri.file(result.valPath));
    const refused = await vscode.commands.executeCommand('slmgen.splitDataset', uri, { valRatio: 0.5, seed: 1, open: false, overwrite: false });
    assert.equal(refused, undefined);
    assert.equal(await readText(vscode.Uri.file(result.valPath)), before);
  });

  it('Convert Dataset to OpenAI Messages writes NAME.openai.jsonl with one messages record per example', async () => {
    const uri = workspaceFile('sharegpt.jsonl');
    const result = await vscode.commands.executeCommand<{ path: string; converted: number; notConvertedCount: number } | undefined>('slmgen.convertDataset', uri, { open: false });
    assert.ok(result, 'the command answered (see the SLMGEN log if not)');
    assert.equal(result.path, workspaceFile('sharegpt.openai.jsonl').fsPath);
    const lines = (await readText(vscode.Uri.file(result.path))).trimEnd().split('\n');
    const sourceLines = (await readText(uri)).trimEnd().split('\n').filter((l) => l.trim() !== '');
    assert.equal(lines.length, result.converted);
    assert.equal(result.converted + result.notConvertedCount, sourceLines.length);
    for (const [i, line] of lines.entries()) {
      const record = JSON.parse(line) as { messages: { role: string; content: string }[] };
      assert.deepEqual(record.messages.map((m) => m.role).slice(-2), ['user', 'assistant'], `line ${i + 1}`);
    }
    const first = JSON.parse(sourceLines[0]!) as { conversations: { value: string }[] };
    assert.equal((JSON.parse(lines[0]!) as { messages: { content: string }[] }).messages[0]!.content, first.conversations[0]!.value);
  });

  it('Export Lint Report as SARIF writes a SARIF 2.1.0 log with the dataset\'s findings and workspace-relative paths', async () => {
    const uri = workspaceFile('broken.jsonl');
    const out = workspaceFile('broken.sarif');
    const result = await vscode.commands.executeCommand<{ path: string; results: number } | undefined>('slmgen.exportSarif', uri, { outPath: out.fsPath });
    assert.ok(result, 'the command answered (see the SLMGEN log if not)');
    assert.equal(result.path, out.fsPath);
    const log = JSON.parse(await readText(out)) as {
      version: string;
      runs: { tool: { driver: { name: string; rules: { id: string }[] } }; results: { ruleId: string; locations: { physicalLocation: { artifactLocation: { uri: string }; region: { startLine: number } } }[] }[] }[];
    };
    assert.equal(log.version, '2.1.0');
    const run = log.runs[0]!;
    assert.equal(run.tool.driver.name, 'slmgen');
    assert.equal(run.results.length, result.results);
    assert.ok(result.results > 0);
    // The same finding the editor shows (and `slmgen lint` prints): invalid JSON on line 2.
    assert.ok(run.results.some((r) => r.ruleId === 'invalid-json' && r.locations[0]!.physicalLocation.region.startLine === 2));
    assert.ok(run.results.every((r) => r.locations[0]!.physicalLocation.artifactLocation.uri === 'broken.jsonl'));
    for (const r of run.results) assert.ok(run.tool.driver.rules.some((rule) => rule.id === r.ruleId), `rule ${r.ruleId} declared`);
  });

  it('Start Local Server answers /health 200, Copy Server URL copies it, a killed server is restarted, Stop Local Server closes the port', async () => {
    const config = vscode.workspace.getConfiguration('slmgen');
    // A free port: 8000 may be taken on a shared machine.
    await config.update('server.port', 0, vscode.ConfigurationTarget.Global);
    let url: string | undefined;
    try {
      const info = await vscode.commands.executeCommand<{ url: string; pid: number; dataDir: string; tokenStored: boolean } | undefined>('slmgen.startServer');
      assert.ok(info, 'the server started (see the SLMGEN log if not)');
      url = info.url;
      assert.match(url, /^http:\/\/127\.0\.0\.1:\d+$/);
      assert.equal(info.tokenStored, true, 'the local token was signed and kept in SecretStorage');
      assert.ok(info.dataDir.includes('slmgen'), `data dir in the extension's global storage: ${info.dataDir}`);
      assert.equal(await httpStatus(`${url}/health`), 200);
      const again = await vscode.commands.executeCommand<{ url: string; pid: number } | undefined>('slmgen.startServer');
      assert.deepEqual([again?.url, again?.pid], [url, info.pid], 'a second start answers the running server');
      const copied = await vscode.commands.executeCommand<{ url: string } | undefined>('slmgen.copyServerUrl');
      assert.equal(copied?.url, url);
      assert.equal(await vscode.env.clipboard.readText(), url);

      // A crash (the process killed) is followed by a restart: a new process, on a new free port, answering /health.
      process.kill(info.pid, 'SIGKILL');
      let restarted: string | undefined;
      for (const deadline = Date.now() + 45_000; restarted === undefined && Date.now() < deadline; ) {
        await new Promise((resolve) => setTimeout(resolve, 500));
        const now = await vscode.commands.executeCommand<{ url: string } | undefined>('slmgen.copyServerUrl');
        if (now !== undefined && now.url !== url) restarted = now.url;
      }
      assert.ok(restarted, 'the server came back after the crash');
      url = restarted;
      assert.equal(await httpStatus(`${url}/health`), 200);
    } finally {
      const stopped = await vscode.commands.executeCommand<{ stopped: boolean } | undefined>('slmgen.stopServer');
      await config.update('server.port', undefined, vscode.ConfigurationTarget.Global);
      if (url !== undefined) assert.equal(stopped?.stopped, true);
    }
    const after = await httpStatus(`${url}/health`);
    assert.equal(after, 'ECONNREFUSED', `the port is closed after stop (got ${String(after)})`);
    assert.equal(await vscode.commands.executeCommand('slmgen.copyServerUrl'), undefined, 'nothing to copy once stopped');
  });

  describe('Open in Colab against local stand-ins for the GitHub API and GitHub sign-in', () => {
    const PROVIDER = 'slmgen-test-github-stand-in';
    const CONTENT = JSON.stringify({ nbformat: 4, nbformat_minor: 5, metadata: {}, cells: [{ cell_type: 'markdown', metadata: {}, source: ['# stand-in'] }] });
    let server: Server;
    let seen: { method: string; url: string; headers: IncomingHttpHeaders; body: string }[];
    let sessionRequests: (readonly string[] | undefined)[];
    let registration: vscode.Disposable | undefined;
    let notebook: vscode.Uri;

    before(async () => {
      seen = [];
      sessionRequests = [];
      // Stand-in for api.github.com: records each request for the tests to check, answers like GitHub's POST /gists.
      server = createServer((req, res) => {
        let body = '';
        req.on('data', (c: Buffer) => (body += c.toString()));
        req.on('end', () => {
          seen.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body });
          res.writeHead(201, { 'content-type': 'application/json' });
          res.end(JSON.stringify({ id: 'f00dcafe', html_url: 'https://gist.github.com/stand-in/f00dcafe', owner: { login: 'stand-in-user' } }));
        });
      });
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      process.env.SLMGEN_GITHUB_API_URL = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      process.env.SLMGEN_GITHUB_AUTH_PROVIDER = PROVIDER;
      // Stand-in for VS Code's GitHub sign-in: one session with the gist scope; records the scopes asked for.
      const session: vscode.AuthenticationSession = { id: 's1', accessToken: 'gho_stand_in_session', account: { id: 'u1', label: 'stand-in-user' }, scopes: ['gist'] };
      const changed = new vscode.EventEmitter<vscode.AuthenticationProviderAuthenticationSessionsChangeEvent>();
      registration = vscode.authentication.registerAuthenticationProvider(PROVIDER, 'GitHub (test stand-in)', {
        onDidChangeSessions: changed.event,
        getSessions: async (scopes) => {
          sessionRequests.push(scopes);
          return [session];
        },
        createSession: async () => session,
        removeSession: async () => undefined,
      });
      notebook = workspaceFile('colab-test.ipynb');
      await vscode.workspace.fs.writeFile(notebook, new TextEncoder().encode(CONTENT));
    });

    after(() => {
      registration?.dispose();
      delete process.env.SLMGEN_GITHUB_API_URL;
      delete process.env.SLMGEN_GITHUB_AUTH_PROVIDER;
      delete process.env.SLMGEN_GITHUB_TOKEN;
      server.close();
    });

    it('stand-in sign-in provider: asks VS Code for a "gist" session and publishes nothing when sign-in is not granted (the test workbench refuses the sign-in dialog)', async () => {
      delete process.env.SLMGEN_GITHUB_TOKEN;
      const result = await vscode.commands.executeCommand('slmgen.openInColab', notebook, { consented: true, open: false });
      assert.equal(result, undefined, 'no session, no gist');
      assert.ok(sessionRequests.some((scopes) => scopes?.length === 1 && scopes[0] === 'gist'), `scopes asked: ${JSON.stringify(sessionRequests)}`);
      assert.equal(seen.length, 0, 'nothing reached the GitHub stand-in');
    });

    it('stand-in GitHub API (token from SLMGEN_GITHUB_TOKEN): publishes a secret gist with the exact request and answers the Colab gist URL', async () => {
      process.env.SLMGEN_GITHUB_TOKEN = 'gho_stand_in_token';
      const result = await vscode.commands.executeCommand<{ id: string; owner: string; colabUrl: string } | undefined>('slmgen.openInColab', notebook, { consented: true, open: false });
      assert.ok(result, 'the command answered (see the SLMGEN log if not)');
      assert.equal(seen.length, 1);
      const [req] = seen;
      assert.equal(req!.method, 'POST');
      assert.equal(req!.url, '/gists');
      assert.equal(req!.headers.authorization, 'Bearer gho_stand_in_token');
      assert.equal(req!.headers.accept, 'application/vnd.github+json');
      assert.equal(req!.headers['x-github-api-version'], '2022-11-28');
      assert.deepEqual(JSON.parse(req!.body), { description: 'SLMGEN fine-tuning notebook (colab-test.ipynb)', public: false, files: { 'colab-test.ipynb': { content: CONTENT } } });
      assert.deepEqual([result.id, result.owner], ['f00dcafe', 'stand-in-user']);
      assert.equal(result.colabUrl, 'https://colab.research.google.com/gist/stand-in-user/f00dcafe/colab-test.ipynb');
    });

    it('Open in Colab never publishes without consent (the consent modal is refused in the test workbench)', async () => {
      process.env.SLMGEN_GITHUB_TOKEN = 'gho_stand_in_token';
      const before = seen.length;
      const result = await vscode.commands.executeCommand('slmgen.openInColab', notebook, { open: false });
      assert.equal(result, undefined);
      assert.equal(seen.length, before, 'nothing reached the GitHub stand-in');
    });
  });

  it("Turn Off Merge-Conflict Scanning for This Workspace sets merge-conflict's decorators and code lenses off in the workspace settings", async () => {
    const config = () => vscode.workspace.getConfiguration('merge-conflict');
    assert.ok(vscode.extensions.getExtension('vscode.merge-conflict'), 'the built-in merge-conflict extension is there to advise about');
    try {
      await vscode.commands.executeCommand('slmgen.turnOffMergeConflictScan');
      for (const key of ['decorators.enabled', 'codeLens.enabled']) {
        assert.equal(config().inspect<boolean>(key)?.workspaceValue, false, `${key} off for the workspace`);
        assert.equal(config().get<boolean>(key), false);
      }
    } finally {
      await config().update('decorators.enabled', undefined, vscode.ConfigurationTarget.Workspace);
      await config().update('codeLens.enabled', undefined, vscode.ConfigurationTarget.Workspace);
    }
  });
});
