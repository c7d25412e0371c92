/**
 * Runs a renderer program that reads one JSON request per input line and answers one JSON line per request,
 * `{"text": ...}` or `{"error": ...}` (test/go/ollamatemplate, test/python/render_chat.py): the texts in request
 * order; a failed run, a missing answer or an error answer throws, naming the request (`describe`).
 */
import { spawnSync } from 'node:child_process';

export function renderJsonLines(command: string, args: readonly string[], requests: readonly unknown[], describe: (i: number) => string): string[] {
  if (requests.length === 0) return [];
  const run = spawnSync(command, args, { input: `${requests.map((r) => JSON.stringify(r)).join('\n')}\n`, encoding: 'utf8', maxBuffer: 512 * 1024 * 1024 });
  if (run.status !== 0) throw new Error(`${command} ${args.join(' ')} exited with ${String(run.status)}: ${run.stderr}`);
  const lines = run.stdout.trim().split('\n');
  if (lines.length !== requests.length) throw new Error(`${command} ${args.join(' ')} answered ${lines.length} of ${requests.length} requests`);
  return lines.map((line, i) => {
    const answer = JSON.parse(line) as { text?: string; error?: string };
    if (answer.text === undefined) throw new Error(`error for ${describe(i)}: ${answer.error ?? line}`);
    return answer.text;
  });
}
