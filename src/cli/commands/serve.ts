/**
 * `slmgen serve [--host 127.0.0.1] [--port 8000] [--data-dir DIR]`: run the local REST server until SIGINT/SIGTERM.
 */
import { runServer } from '../../server/runServer';
import type { CliCommand } from '../io';

/** Run the server in the foreground; exit 0 after a clean shutdown, 2 on bad flags or settings. */
export const serveCommand: CliCommand = async (args, io) => {
  if (args.includes('--help') || args.includes('-h')) {
    io.stdout(
      'Usage: slmgen serve [--host 127.0.0.1] [--port 8000] [--data-dir DIR]\n' +
        'Environment: DATABASE_URL, SUPABASE_URL, SUPABASE_JWT_SECRET, MAX_UPLOAD_BYTES, SESSION_TTL_MINUTES,\n' +
        'MAX_SESSIONS, MAX_SESSIONS_PER_CALLER, ALLOWED_ORIGINS, ALLOWED_HOSTS, RATE_LIMIT_PER_MINUTE,\n' +
        'UPLOAD_RATE_LIMIT_PER_MINUTE, SLMGEN_LOG=1 (one JSON log line per request on stdout).\n',
    );
    return 0;
  }
  return runServer(args, process.env, (line) => io.stdout(`${line}\n`));
};
