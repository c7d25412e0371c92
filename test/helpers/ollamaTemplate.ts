/**
 * Ollama TEMPLATEs rendered by Go's own text/template, as Ollama executes them (test/go/ollamatemplate), not by a
 * re-implementation: the program is built once per test process with the Go toolchain (`golang-go`, which
 * scripts/setup-system.sh installs) into the temp folder, under a name that changes with its source.
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, renameSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { renderJsonLines } from './jsonLinesRenderer';

const SOURCE = join(__dirname, '../go/ollamatemplate');

/** A chat message as Ollama's templates see it. */
export interface OllamaMessage {
  role: string;
  content: string;
}

let binary: string | undefined;

function build(): string {
  if (binary !== undefined) return binary;
  const hash = createHash('sha256');
  for (const file of ['go.mod', 'main.go']) hash.update(readFileSync(join(SOURCE, file)));
  const out = join(tmpdir(), `slmgen-ollamatemplate-${hash.digest('hex').slice(0, 12)}`);
  if (!existsSync(out)) {
    // Built beside its final name and renamed into place: another test process may be building it too.
    const partial = `${out}.${process.pid}.partial`;
    const go = spawnSync('go', ['build', '-o', partial, '.'], { cwd: SOURCE, encoding: 'utf8', env: { ...process.env, GOPROXY: 'off', GOFLAGS: '-mod=mod' } });
    if (go.error) throw new Error(`the Go toolchain is needed to render Ollama templates (bash scripts/setup-system.sh installs golang-go): ${go.error.message}`);
    if (go.status !== 0) throw new Error(`go build of test/go/ollamatemplate failed:\n${go.stderr}`);
    renameSync(partial, out);
  }
  binary = out;
  return out;
}

/** Each template rendered with its messages by Go's text/template as Ollama runs it; a template error throws. */
export function renderOllamaTemplates(requests: readonly { template: string; messages: readonly OllamaMessage[] }[]): string[] {
  return renderJsonLines(build(), [], requests, (i) => `Go template request ${i}`);
}

/** One template rendered with its messages (see renderOllamaTemplates). */
export function renderOllamaTemplate(template: string, messages: readonly OllamaMessage[]): string {
  return renderOllamaTemplates([{ template, messages }])[0]!;
}
