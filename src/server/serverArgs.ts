/**
 * Flags shared by `slmgen serve` and the standalone server bundle: `--host`, `--port`, `--data-dir`.
 */
import type { ServerFlags } from './config';

/** Parsed flags, or a usage message. */
export type ServerArgsResult = { ok: true; flags: ServerFlags } | { ok: false; message: string };

/** Usage text of the flags. */
export const SERVER_USAGE = 'slmgen serve [--host 127.0.0.1] [--port 8000] [--data-dir DIR]';

/** Parse `--name value` and `--name=value` forms. */
export function parseServerArgs(args: readonly string[]): ServerArgsResult {
  const flags: ServerFlags = {};
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] ?? '';
    const eq = arg.indexOf('=');
    const name = eq >= 0 ? arg.slice(0, eq) : arg;
    const inline = eq >= 0 ? arg.slice(eq + 1) : undefined;
    if (name !== '--host' && name !== '--port' && name !== '--data-dir') {
      return { ok: false, message: `Unknown argument "${arg}". Usage: ${SERVER_USAGE}` };
    }
    const value = inline ?? args[++i];
    if (value === undefined || value === '') return { ok: false, message: `${name} needs a value. Usage: ${SERVER_USAGE}` };
    if (name === '--host') flags.host = value;
    else if (name === '--data-dir') flags.dataDir = value;
    else {
      const port = Number(value);
      if (!Number.isInteger(port) || port < 0 || port > 65535) {
        return { ok: false, message: `--port must be an integer 0–65535 (got "${value}").` };
      }
      flags.port = port;
    }
  }
  return { ok: true, flags };
}
