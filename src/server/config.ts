/**
 * Server configuration: command-line flags over environment variables over defaults. Environment names follow
 * SLMGEN's where it had one (MAX_UPLOAD_BYTES, SESSION_TTL_MINUTES, MAX_SESSIONS, ALLOWED_ORIGINS, …).
 */
import { homedir } from 'node:os';
import { isAbsolute, join, resolve } from 'node:path';

/** Everything the server needs to know at start. */
export interface ServerConfig {
  host: string;
  port: number;
  /** Absolute directory for sessions, notebooks, the embedded database and the local secret. */
  dataDir: string;
  maxUploadBytes: number;
  sessionTtlMs: number;
  maxSessions: number;
  /** Sessions one caller (signed-in user, or client address when anonymous) may hold; absent: `maxSessions`. */
  maxSessionsPerCaller?: number;
  downloadTokenTtlMs: number;
  /** Exact allowed CORS origins; null means the default (http(s) origins on localhost/127.0.0.1/[::1]). */
  allowedOrigins: string[] | null;
  /** Extra `Host` header values accepted besides the bound address (DNS-rebinding guard). */
  allowedHosts: string[];
  rateLimitPerMinute: number;
  uploadRateLimitPerMinute: number;
  jsonBodyLimit: number;
  /** Analyses run at the same time (each may use worker threads). */
  analysisConcurrency: number;
  databaseUrl: string | null;
  supabaseUrl: string | null;
  supabaseJwtSecret: string | null;
  /** Hugging Face Hub asked by `POST /validate-model` for ids outside the registry (HF_ENDPOINT); null = offline
   * (HF_HUB_OFFLINE=1). Absent means offline. */
  hfHubUrl?: string | null;
  /** How long `POST /validate-model` waits for the Hub (HF_HUB_ETAG_TIMEOUT seconds). */
  hfHubTimeoutMs?: number;
}

/** Flag values from `slmgen serve`. */
export interface ServerFlags {
  host?: string;
  port?: number;
  dataDir?: string;
}

/** Result of reading the configuration: a config or a message naming the bad setting. */
export type ConfigResult = { ok: true; config: ServerConfig } | { ok: false; message: string };

const MIB = 1024 * 1024;

/** Default data directory: `~/.slmgen`. */
export function defaultDataDir(): string {
  return join(homedir(), '.slmgen');
}

function parseNumber(env: Record<string, string | undefined>, name: string, fallback: number, min: number): number | string {
  const raw = env[name];
  if (raw === undefined || raw.trim() === '') return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value < min) return `${name} must be a number ≥ ${min} (got "${raw}")`;
  return value;
}

function parseList(raw: string | undefined): string[] | null {
  if (raw === undefined || raw.trim() === '') return null;
  return raw
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
}

function nonEmpty(raw: string | undefined): string | null {
  return raw !== undefined && raw.trim() !== '' ? raw.trim() : null;
}

/** Build the configuration from flags and an environment (pass `process.env`). */
export function loadServerConfig(flags: ServerFlags, env: Record<string, string | undefined>): ConfigResult {
  const numbers = {
    port: flags.port ?? parseNumber(env, 'PORT', 8000, 0),
    maxUploadBytes: parseNumber(env, 'MAX_UPLOAD_BYTES', 1024 * MIB, 1),
    ttlMinutes: parseNumber(env, 'SESSION_TTL_MINUTES', 24 * 60, 1),
    maxSessions: parseNumber(env, 'MAX_SESSIONS', 100, 1),
    maxSessionsPerCaller: parseNumber(env, 'MAX_SESSIONS_PER_CALLER', 20, 1),
    downloadTtlMinutes: parseNumber(env, 'DOWNLOAD_TOKEN_TTL_MINUTES', 60, 1),
    rate: parseNumber(env, 'RATE_LIMIT_PER_MINUTE', 1200, 1),
    uploadRate: parseNumber(env, 'UPLOAD_RATE_LIMIT_PER_MINUTE', 60, 1),
    jsonBodyLimit: parseNumber(env, 'JSON_BODY_LIMIT_BYTES', 256 * 1024, 1024),
    analysisConcurrency: parseNumber(env, 'SLMGEN_ANALYSIS_CONCURRENCY', 2, 1),
    hubTimeoutSeconds: parseNumber(env, 'HF_HUB_ETAG_TIMEOUT', 5, 0.1),
  };
  for (const value of Object.values(numbers)) if (typeof value === 'string') return { ok: false, message: value };
  const n = numbers as { [K in keyof typeof numbers]: number };
  if (!Number.isInteger(n.port) || n.port > 65535) return { ok: false, message: `port must be 0–65535 (got ${n.port})` };

  const dataDirRaw = flags.dataDir ?? nonEmpty(env.SLMGEN_DATA_DIR) ?? defaultDataDir();
  const dataDir = isAbsolute(dataDirRaw) ? dataDirRaw : resolve(dataDirRaw);
  const supabaseUrl = nonEmpty(env.SUPABASE_URL);
  if (supabaseUrl !== null && !/^https?:\/\/[^/]+/.test(supabaseUrl)) {
    return { ok: false, message: `SUPABASE_URL must be an http(s) URL (got "${supabaseUrl}")` };
  }
  const hubOffline = /^(1|true|yes|on)$/i.test(env.HF_HUB_OFFLINE?.trim() ?? '');
  const hubUrl = nonEmpty(env.HF_ENDPOINT) ?? 'https://huggingface.co';
  if (!/^https?:\/\/[^/]+/.test(hubUrl)) return { ok: false, message: `HF_ENDPOINT must be an http(s) URL (got "${hubUrl}")` };
  return {
    ok: true,
    config: {
      host: flags.host ?? nonEmpty(env.HOST) ?? '127.0.0.1',
      port: n.port,
      dataDir,
      maxUploadBytes: Math.floor(n.maxUploadBytes),
      sessionTtlMs: n.ttlMinutes * 60_000,
      maxSessions: Math.floor(n.maxSessions),
      maxSessionsPerCaller: Math.floor(Math.min(n.maxSessionsPerCaller, n.maxSessions)),
      downloadTokenTtlMs: n.downloadTtlMinutes * 60_000,
      allowedOrigins: parseList(env.ALLOWED_ORIGINS),
      allowedHosts: parseList(env.ALLOWED_HOSTS) ?? [],
      rateLimitPerMinute: Math.floor(n.rate),
      uploadRateLimitPerMinute: Math.floor(n.uploadRate),
      jsonBodyLimit: Math.floor(n.jsonBodyLimit),
      analysisConcurrency: Math.floor(n.analysisConcurrency),
      databaseUrl: nonEmpty(env.DATABASE_URL),
      supabaseUrl: supabaseUrl?.replace(/\/+$/, '') ?? null,
      supabaseJwtSecret: nonEmpty(env.SUPABASE_JWT_SECRET),
      hfHubUrl: hubOffline ? null : hubUrl.replace(/\/+$/, ''),
      hfHubTimeoutMs: n.hubTimeoutSeconds * 1000,
    },
  };
}
