/**
 * What every CLI command gets: output streams and the exit-code conventions (0 ok, 1 errors found, 2 bad usage or
 * unreadable input).
 */

/** Output sinks of a command; tests capture them, `main.ts` wires them to the process. */
export interface CliIo {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  /** True when stderr is an interactive terminal (progress bars only then). */
  isStderrTty: boolean;
}

/** Exit codes shared by all commands. */
export const EXIT_OK = 0;
export const EXIT_FINDINGS = 1;
export const EXIT_USAGE = 2;

/** Bad usage or unreadable input: printed as one line, exit code 2. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

/** A CLI command: parses its own arguments and returns the exit code. */
export type CliCommand = (args: string[], io: CliIo) => Promise<number>;
