/**
 * Auth for the embedded default (no Supabase): the server keeps its own HS256 secret and a local user id in
 * `<dataDir>/auth.json` (mode 0600), and `slmgen token` signs tokens for that user with it.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { link, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { loadJose } from './loadJose';
import { SUPABASE_AUDIENCE } from './tokenVerifier';

/** Issuer of locally signed tokens. */
export const LOCAL_ISSUER = 'slmgen-local';

/** The local signing secret and the one local user. */
export interface LocalAuth {
  secret: Uint8Array;
  userId: string;
}

interface StoredAuth {
  secret: string;
  user_id: string;
}

/** Read `<dataDir>/auth.json`, creating it with a fresh 256-bit secret the first time. */
export async function loadOrCreateLocalAuth(dataDir: string): Promise<LocalAuth> {
  const file = join(dataDir, 'auth.json');
  const existing = await readLocalAuth(file);
  if (existing) return existing;
  await mkdir(dataDir, { recursive: true, mode: 0o700 });
  const created: StoredAuth = { secret: randomBytes(32).toString('base64url'), user_id: randomUUID() };
  // link() publishes the complete file only if none exists, so a server and `slmgen token` starting together
  // agree on one secret.
  const tmp = join(dataDir, `.auth-${randomUUID()}.tmp`);
  await writeFile(tmp, JSON.stringify(created), { mode: 0o600 });
  try {
    await link(tmp, file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  } finally {
    await rm(tmp, { force: true });
  }
  const result = await readLocalAuth(file);
  if (!result) throw new Error(`${file} is not a valid SLMGEN auth file; delete it to create a new secret.`);
  return result;
}

async function readLocalAuth(file: string): Promise<LocalAuth | null> {
  try {
    const stored = JSON.parse(await readFile(file, 'utf8')) as StoredAuth;
    const secret = new Uint8Array(Buffer.from(stored.secret, 'base64url'));
    if (secret.length >= 32 && typeof stored.user_id === 'string' && stored.user_id.length > 0) {
      return { secret, userId: stored.user_id };
    }
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    return null;
  }
  throw new Error(`${file} is not a valid SLMGEN auth file; delete it to create a new secret.`);
}

/** Sign a token for the local user, valid for `ttlSeconds`. */
export async function signLocalToken(auth: LocalAuth, ttlSeconds: number): Promise<string> {
  const { SignJWT } = await loadJose();
  return new SignJWT({ role: 'authenticated' })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setSubject(auth.userId)
    .setAudience(SUPABASE_AUDIENCE)
    .setIssuer(LOCAL_ISSUER)
    .setIssuedAt()
    .setExpirationTime(Math.floor(Date.now() / 1000) + ttlSeconds)
    .sign(auth.secret);
}
