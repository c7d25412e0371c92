/**
 * Opens everything the app needs from a configuration (data directory, sessions, job store on PGlite or
 * PostgreSQL, token verifier), starts listening, and closes it all in order.
 */
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { FastifyServerOptions } from 'fastify';
import { createApp } from './app';
import { writableByOthersWarning } from './fsUtil';
import { LOCAL_ISSUER, loadOrCreateLocalAuth } from './auth/localAuth';
import { createTokenVerifier, SUPABASE_AUDIENCE, supabaseEndpoints } from './auth/tokenVerifier';
import type { TokenVerifier } from './auth/tokenVerifier';
import type { ServerConfig } from './config';
import type { ServerEngine } from './engine';
import type { ZodApp } from './routeContext';
import { SessionStore } from './sessionStore';
import { JobStore } from './store/jobStore';
import { openPgDriver } from './store/pgDriver';
import { openPgliteDriver } from './store/pgliteDriver';

/** How to run the server besides its configuration. */
export interface StartOptions {
  version: string;
  engine: ServerEngine;
  logger?: FastifyServerOptions['logger'];
  swaggerUiDir?: string;
}

/** A listening server. */
export interface RunningServer {
  app: ZodApp;
  /** Base URL, e.g. `http://127.0.0.1:8000`. */
  url: string;
  port: number;
  store: 'pglite' | 'postgres';
  auth: 'local' | 'supabase';
  /** Problems worth telling the operator at start (e.g. a data directory others can write to). */
  warnings: string[];
  /** Stop accepting connections, finish in-flight requests, persist sessions, close the database. */
  close(): Promise<void>;
}

/** The verifier for a configuration: Supabase keys when configured, else the data directory's own secret. */
export async function verifierFor(config: ServerConfig): Promise<TokenVerifier> {
  if (config.supabaseUrl !== null || config.supabaseJwtSecret !== null) {
    const endpoints = config.supabaseUrl !== null ? supabaseEndpoints(config.supabaseUrl) : null;
    return createTokenVerifier({
      mode: 'supabase',
      hsSecret: config.supabaseJwtSecret !== null ? new TextEncoder().encode(config.supabaseJwtSecret) : null,
      jwksUrl: endpoints?.jwksUrl ?? null,
      issuer: endpoints?.issuer ?? null,
      audience: SUPABASE_AUDIENCE,
    });
  }
  const local = await loadOrCreateLocalAuth(config.dataDir);
  return createTokenVerifier({
    mode: 'local',
    hsSecret: local.secret,
    jwksUrl: null,
    issuer: LOCAL_ISSUER,
    audience: SUPABASE_AUDIENCE,
  });
}

/** Open the job store the configuration names. */
export async function openJobStore(config: ServerConfig): Promise<JobStore> {
  const driver =
    config.databaseUrl !== null ? await openPgDriver(config.databaseUrl) : await openPgliteDriver(join(config.dataDir, 'db'));
  try {
    return await JobStore.open(driver);
  } catch (error) {
    await driver.close();
    throw error;
  }
}

/** Open the stores, build the app and listen on the configured host and port. */
export async function startServer(config: ServerConfig, options: StartOptions): Promise<RunningServer> {
  await mkdir(config.dataDir, { recursive: true, mode: 0o700 });
  const warning = await writableByOthersWarning(config.dataDir);
  const verifier = await verifierFor(config);
  const sessions = await SessionStore.open(config.dataDir, { ttlMs: config.sessionTtlMs, maxSessions: config.maxSessions, maxPerCaller: config.maxSessionsPerCaller });
  const jobs = await openJobStore(config);
  let app: ZodApp;
  try {
    app = await createApp({ config, version: options.version, sessions, jobs, verifier, engine: options.engine, logger: options.logger, swaggerUiDir: options.swaggerUiDir });
    await app.listen({ host: config.host, port: config.port });
  } catch (error) {
    await jobs.close();
    throw error;
  }
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  const hostPart = config.host.includes(':') ? `[${config.host}]` : config.host;
  let closing: Promise<void> | undefined;
  return {
    app,
    url: `http://${hostPart}:${port}`,
    port,
    store: jobs.kind,
    auth: verifier.mode,
    warnings: warning === null ? [] : [warning],
    close() {
      closing ??= (async () => {
        await app.close();
        await sessions.flush();
        await jobs.close();
      })();
      return closing;
    },
  };
}

/** Close the server on the first SIGINT/SIGTERM; resolves when it is closed. */
export function closeOnSignal(server: RunningServer, onSignal?: (signal: string) => void): Promise<void> {
  return new Promise((resolve, reject) => {
    const handler = (signal: NodeJS.Signals): void => {
      process.off('SIGINT', handler);
      process.off('SIGTERM', handler);
      onSignal?.(signal);
      server.close().then(resolve, reject);
    };
    process.on('SIGINT', handler);
    process.on('SIGTERM', handler);
  });
}
