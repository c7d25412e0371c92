/**
 * `slmgen lsp --stdio | --node-ipc`: run the language server (diagnostics, quick fixes, hovers and code lenses for
 * JSONL datasets) for any editor that speaks LSP. It runs until the client sends `exit`.
 */
import { startLanguageServer } from '../../lsp/server';
import type { CliCommand } from '../io';
import { UsageError } from '../io';

const USAGE = 'Usage: slmgen lsp --stdio | --node-ipc';

/** Transport arguments the server reads from the process arguments (`vscode-languageserver`), and the client's pid. */
const TRANSPORTS = ['--stdio', '--node-ipc'];
const ALSO_ACCEPTED = /^--(clientProcessId|socket|pipe)(=.+)?$/;

/** Start the server; the promise settles never: the process exits when the client says so (or goes away). */
export const lspCommand: CliCommand = async (args, io) => {
  if (args.includes('--help') || args.includes('-h')) {
    io.stdout(`${USAGE}\nRuns the SLMGEN language server over stdio or Node IPC (see README: "Language server in any editor").\n`);
    return 0;
  }
  const unknown = args.find((a, i) => !TRANSPORTS.includes(a) && !ALSO_ACCEPTED.test(a) && !ALSO_ACCEPTED.test(args[i - 1] ?? ''));
  if (unknown !== undefined) throw new UsageError(`unknown argument ${JSON.stringify(unknown)}; ${USAGE}`);
  if (!args.some((a) => TRANSPORTS.includes(a) || /^--(socket|pipe)\b/.test(a))) throw new UsageError(`lsp needs a transport: --stdio or --node-ipc`);
  // createConnection reads the transport from process.argv, where the CLI's own arguments are too.
  startLanguageServer();
  return new Promise<number>(() => undefined);
};
