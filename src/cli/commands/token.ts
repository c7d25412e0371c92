/**
 * `slmgen token [--data-dir DIR] [--ttl-hours N]`: print a bearer token for the local user of the embedded server
 * (signed with the secret in the data directory, which is created if needed).
 */
import { loadOrCreateLocalAuth, signLocalToken } from '../../server/auth/localAuth';
import { loadServerConfig } from '../../server/config';
import type { CliCommand } from '../io';
import { EXIT_USAGE } from '../io';

const USAGE = 'Usage: slmgen token [--data-dir DIR] [--ttl-hours N]';

/** Print one token line. */
export const tokenCommand: CliCommand = async (args, io) => {
  let dataDir: string | undefined;
  let ttlHours = 24 * 30;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    if (arg === '--help' || arg === '-h') {
      io.stdout(`${USAGE}\n`);
      return 0;
    }
    const value = args[i + 1];
    if (arg === '--data-dir' && value) {
      dataDir = value;
      i++;
    } else if (arg === '--ttl-hours' && value && Number.isFinite(Number(value)) && Number(value) > 0) {
      ttlHours = Number(value);
      i++;
    } else {
      io.stderr(`Bad argument "${arg}". ${USAGE}\n`);
      return EXIT_USAGE;
    }
  }
  const loaded = loadServerConfig({ dataDir }, process.env);
  if (!loaded.ok) {
    io.stderr(`${loaded.message}\n`);
    return EXIT_USAGE;
  }
  if (loaded.config.supabaseUrl !== null || loaded.config.supabaseJwtSecret !== null) {
    io.stderr('Supabase is configured (SUPABASE_URL / SUPABASE_JWT_SECRET): sign in with Supabase to get a token.\n');
    return EXIT_USAGE;
  }
  const auth = await loadOrCreateLocalAuth(loaded.config.dataDir);
  io.stdout(`${await signLocalToken(auth, Math.round(ttlHours * 3600))}\n`);
  return 0;
};
