/**
 * Runs the server as a process: flags and environment in, one line with the URL out, clean shutdown on
 * SIGINT/SIGTERM. Used by the standalone bundle (`main.ts`) and by `slmgen serve`.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { loadServerConfig } from './config';
import { createDefaultEngine } from './defaultEngine';
import { parseServerArgs } from './serverArgs';
import { closeOnSignal, startServer } from './startServer';
import { SERVER_VERSION } from './version';

/** Logger options: no request bodies, no headers (tokens), no query strings (download tokens). */
export const SERVER_LOGGER = {
  level: 'info',
  serializers: {
    req: (req: { method: string; url: string }) => ({ method: req.method, url: req.url.split('?')[0] }),
  },
};

/** Swagger UI assets copied next to a bundle (see esbuild.mjs), if present. */
export function bundledSwaggerUiDir(): string | undefined {
  const dir = join(__dirname, 'swagger-ui');
  return existsSync(join(dir, 'swagger-ui-bundle.js')) && existsSync(join(dir, 'logo.svg')) ? dir : undefined;
}

/** Run the server until a signal; returns the exit code. */
export async function runServer(args: readonly string[], env: Record<string, string | undefined>, print: (line: string) => void): Promise<number> {
  const parsed = parseServerArgs(args);
  if (!parsed.ok) {
    print(parsed.message);
    return 2;
  }
  const loaded = loadServerConfig(parsed.flags, env);
  if (!loaded.ok) {
    print(loaded.message);
    return 2;
  }
  const server = await startServer(loaded.config, {
    version: SERVER_VERSION,
    engine: createDefaultEngine(),
    logger: env.SLMGEN_LOG === '1' ? SERVER_LOGGER : false,
    swaggerUiDir: bundledSwaggerUiDir(),
  });
  print(`SLMGEN server listening on ${server.url} (data: ${loaded.config.dataDir}, store: ${server.store}, auth: ${server.auth})`);
  for (const warning of server.warnings) print(warning);
  await closeOnSignal(server);
  return 0;
}

