/**
 * The `slmgen` command line: dispatches to a command, maps errors to exit codes (2 for bad usage or unreadable
 * input, with a one-line reason).
 */
import { analyzeCommand } from './commands/analyze';
import { generateCommand } from './commands/generate';
import { lintCommand } from './commands/lint';
import { lspCommand } from './commands/lsp';
import { modelsCommand } from './commands/models';
import { recommendCommand } from './commands/recommend';
import { serveCommand } from './commands/serve';
import { splitCommand } from './commands/split';
import { tokenCommand } from './commands/token';
import type { CliCommand, CliIo } from './io';
import { EXIT_USAGE, UsageError } from './io';
import { CLI_VERSION } from './version';

const COMMANDS: Record<string, { run: CliCommand; summary: string }> = {
  analyze: { run: analyzeCommand, summary: 'analyze FILE… [--json] [--encoding o200k_base|cl100k_base] [--count raw|openai] [--max-seq-length N] [--near-threshold J] [--estimate] [--use-chosen] [--max-line-bytes N]' },
  lint: { run: lintCommand, summary: 'lint FILE… [--format text|json|sarif]' },
  models: { run: modelsCommand, summary: 'models [--json]' },
  recommend: { run: recommendCommand, summary: 'recommend FILE --task T --deploy D [--json] [--top N]' },
  split: { run: splitCommand, summary: 'split FILE [--val 0.1] [--seed N] [--out-dir D] [--near-threshold J] [--force] [--json]' },
  serve: { run: serveCommand, summary: 'serve [--host 127.0.0.1] [--port 8000] [--data-dir DIR]' },
  token: { run: tokenCommand, summary: 'token [--data-dir DIR]  (prints a bearer token for the local user)' },
  lsp: { run: lspCommand, summary: 'lsp --stdio|--node-ipc  (the language server, for any LSP editor)' },
  generate: {
    run: generateCommand,
    summary: 'generate FILE --model ID [--preset fast|balanced|quality | --config JSON|@file] [--target colab|trl] [--no-embed] [--out PATH] [--force] [--json]',
  },
};

/** Usage text listing every command. */
export function usage(): string {
  return ['Usage: slmgen <command> [options]', '', ...Object.values(COMMANDS).map((c) => `  slmgen ${c.summary}`), ''].join('\n');
}

/** `text` on one line: line breaks (and the blanks around them) become one space. */
function oneLine(text: string): string {
  return text.trim().replace(/\s*[\r\n]+\s*/g, ' ');
}

/**
 * One-line reason for a node:util parseArgs error (`args`: the command's arguments). Node's messages for an option
 * value starting with '-' (three lines of advice) and for an unknown option are reworded; any other is kept, on one
 * line and starting lower-case like the commands' own reasons.
 */
export function parseArgsReason(message: string, args: readonly string[]): string {
  const ambiguous = /^Option '(.+?)' argument is ambiguous\./.exec(message);
  if (ambiguous) {
    const option = ambiguous[1] as string;
    // Node names the long form in its advice ('--name=-XYZ'), also when a short alias was used.
    const long = /'(--[^'=]+)=-XYZ'/.exec(message)?.[1] ?? option;
    const at = args.findIndex((a, i) => a === option && args[i + 1]?.startsWith('-') === true);
    const value = at >= 0 ? args[at + 1] : undefined;
    return value === undefined
      ? `option ${option} is missing its value; to pass a value starting with "-", write ${long}=VALUE`
      : oneLine(`option ${option} is missing its value (${JSON.stringify(value)} looks like an option); to pass a value starting with "-", write ${long}=${value}`);
  }
  const unknown = /^Unknown option '(.*?)'(\. To specify|$)/s.exec(message);
  if (unknown) return `unknown option ${JSON.stringify(unknown[1])}${unknown[2] ? ' (put a FILE whose name starts with "-" after --)' : ''}`;
  const line = oneLine(message);
  return line.charAt(0).toLowerCase() + line.slice(1);
}

/** Run the CLI with `argv` (without node and script); resolves to the exit code. */
export async function runCli(argv: string[], io: CliIo): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    io.stdout(usage());
    return name === undefined ? EXIT_USAGE : 0;
  }
  if (name === '--version' || name === '-v') {
    io.stdout(`${CLI_VERSION}\n`);
    return 0;
  }
  const command = COMMANDS[name];
  if (!command) {
    io.stderr(`slmgen: unknown command "${name}"\n${usage()}`);
    return EXIT_USAGE;
  }
  try {
    return await command.run(rest, io);
  } catch (err) {
    const code = (err as { code?: string }).code;
    if (err instanceof UsageError) {
      io.stderr(`slmgen ${name}: ${oneLine(err.message)}\n`);
      return EXIT_USAGE;
    }
    if (typeof code === 'string' && code.startsWith('ERR_PARSE_ARGS')) {
      io.stderr(`slmgen ${name}: ${parseArgsReason((err as Error).message, rest)}\n`);
      return EXIT_USAGE;
    }
    if (typeof code === 'string' && ['ENOENT', 'EACCES', 'EISDIR', 'EPERM'].includes(code)) {
      io.stderr(`slmgen ${name}: cannot read input: ${oneLine((err as Error).message)}\n`);
      return EXIT_USAGE;
    }
    throw err;
  }
}

if (require.main === module) {
  const io: CliIo = {
    stdout: (t) => process.stdout.write(t),
    stderr: (t) => process.stderr.write(t),
    isStderrTty: process.stderr.isTTY === true,
  };
  runCli(process.argv.slice(2), io).then(
    (exitCode) => {
      process.exitCode = exitCode;
    },
    (err: unknown) => {
      process.stderr.write(`slmgen: internal error: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
      process.exitCode = 3;
    },
  );
}
