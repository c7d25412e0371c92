// The signed-in Supabase session, without `vscode`: supabase-js does the talking (password, emailed code, GitHub with
// PKCE, refresh, sign-out) and keeps its state only in the storage it is given (SecretStorage in the extension).
// Tokens never leave this module except through `accessToken()`; messages never contain them.
import { createClient, isAuthApiError, isAuthRetryableFetchError } from '@supabase/supabase-js';
import type { AuthError, RealtimeClientOptions, Session, SupabaseClient, SupportedStorage } from '@supabase/supabase-js';
import { UserFacingError } from '../commands/errors';

/** The two public values that name a Supabase project. */
export interface SupabaseSettings {
  url: string;
  anonKey: string;
}

/** Who is signed in (no tokens). */
export interface SignedInAccount {
  userId: string;
  email: string;
}

/** What happened to the session: `expired` means the server refused to refresh it (not a sign-out by the user). */
export type SessionChange = 'signedIn' | 'refreshed' | 'signedOut' | 'expired';

/** A sign-in or session failure, with a message fit for the user. */
export class SupabaseAuthError extends UserFacingError {
  override readonly name = 'SupabaseAuthError';
}

/** A token this close to expiry is refreshed before it is handed out. */
export const MIN_TOKEN_VALIDITY_MS = 60_000;

/**
 * Check the settings: both present, the URL https (or http on the loopback address, for a local Supabase).
 * Returns null when either is empty (sign-in is then not offered); throws on a malformed URL.
 */
export function parseSupabaseSettings(url: string | undefined, anonKey: string | undefined): SupabaseSettings | null {
  const trimmedUrl = (url ?? '').trim();
  const trimmedKey = (anonKey ?? '').trim();
  if (trimmedUrl === '' || trimmedKey === '') return null;
  let parsed: URL;
  try {
    parsed = new URL(trimmedUrl);
  } catch {
    throw new SupabaseAuthError(`slmgen.supabase.url is not a URL: ${JSON.stringify(trimmedUrl)}.`);
  }
  const loopback = parsed.hostname === '127.0.0.1' || parsed.hostname === 'localhost' || parsed.hostname === '[::1]';
  if (parsed.protocol !== 'https:' && !(parsed.protocol === 'http:' && loopback)) {
    throw new SupabaseAuthError('slmgen.supabase.url must start with https:// (http:// only for 127.0.0.1 or localhost).');
  }
  return { url: trimmedUrl.replace(/\/+$/, ''), anonKey: trimmedKey };
}

/** The storage key of a project's session: one per project URL, so changing projects never reuses a session. */
export function sessionStorageKey(settings: SupabaseSettings): string {
  return `slmgen.supabase.session.${new URL(settings.url).host}`;
}

function describe(action: string, error: AuthError): SupabaseAuthError {
  if (isAuthRetryableFetchError(error)) return new SupabaseAuthError(`${action} failed: Supabase could not be reached (${error.message}).`);
  return new SupabaseAuthError(`${action} failed: ${error.message}`);
}

/**
 * supabase-js builds a Realtime client even when it is never used, and that needs a WebSocket constructor, which
 * Node 20 lacks. SLMGEN does not use Realtime; this stand-in makes any attempt to fail loudly.
 */
class NoRealtime {
  constructor() {
    throw new Error('SLMGEN does not use Supabase Realtime.');
  }
}

function accountOf(session: Session): SignedInAccount {
  return { userId: session.user.id, email: session.user.email ?? '' };
}

/** One project's session: sign in, hand out fresh access tokens, sign out. */
export class SupabaseSession {
  private readonly client: SupabaseClient;
  private readonly storageKey: string;
  private readonly listeners = new Set<(change: SessionChange) => void>();
  private signingOut = false;
  private hasSession = false;

  constructor(
    readonly settings: SupabaseSettings,
    private readonly storage: SupportedStorage,
  ) {
    this.storageKey = sessionStorageKey(settings);
    this.client = createClient(settings.url, settings.anonKey, {
      auth: {
        storage,
        storageKey: this.storageKey,
        persistSession: true,
        // In Node, supabase-js runs a 30 s ticker that refreshes a session 90 s before it expires.
        autoRefreshToken: true,
        flowType: 'pkce',
        detectSessionInUrl: false,
      },
      realtime: { transport: NoRealtime as unknown as RealtimeClientOptions['transport'] },
    });
    // A session stored by an earlier window counts as held: losing it (refused at start or later) is an expiry.
    void Promise.resolve(storage.getItem(this.storageKey)).then(
      (stored) => {
        if (typeof stored === 'string') this.hasSession = true;
      },
      () => undefined,
    );
    this.client.auth.onAuthStateChange((event) => {
      if (event === 'SIGNED_IN') this.transition('signedIn');
      else if (event === 'TOKEN_REFRESHED') this.transition('refreshed');
      // supabase-js signs out by itself when the server refuses a refresh.
      else if (event === 'SIGNED_OUT') this.transition(this.signingOut ? 'signedOut' : 'expired');
    });
  }

  /** Listen to session changes; returns the unsubscribe function. */
  onDidChange(listener: (change: SessionChange) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private transition(change: SessionChange): void {
    const had = this.hasSession;
    this.hasSession = change === 'signedIn' || change === 'refreshed';
    // One `expired` per lost session, however many callers notice it.
    if ((change === 'expired' || change === 'signedOut') && !had) return;
    for (const listener of this.listeners) listener(change);
  }

  async signInWithPassword(email: string, password: string): Promise<SignedInAccount> {
    const { data, error } = await this.client.auth.signInWithPassword({ email, password });
    if (error) throw describe('Sign-in', error);
    return accountOf(data.session);
  }

  /** Email a one-time code (creates the account when the address is new). */
  async sendEmailCode(email: string): Promise<void> {
    const { error } = await this.client.auth.signInWithOtp({ email });
    if (error) throw describe('Sending the code', error);
  }

  async verifyEmailCode(email: string, code: string): Promise<SignedInAccount> {
    const { data, error } = await this.client.auth.verifyOtp({ email, token: code.trim(), type: 'email' });
    if (error) throw describe('Verifying the code', error);
    if (!data.session) throw new SupabaseAuthError('Verifying the code failed: Supabase returned no session.');
    return accountOf(data.session);
  }

  /** Start a GitHub sign-in: returns the URL to open in the browser (the PKCE verifier goes to storage). */
  async startGitHubSignIn(redirectTo: string): Promise<string> {
    const { data, error } = await this.client.auth.signInWithOAuth({ provider: 'github', options: { redirectTo, skipBrowserRedirect: true } });
    if (error) throw describe('GitHub sign-in', error);
    return data.url;
  }

  /** Finish a GitHub sign-in with the `code` the callback brought. */
  async completeGitHubSignIn(code: string): Promise<SignedInAccount> {
    const { data, error } = await this.client.auth.exchangeCodeForSession(code);
    if (error) throw describe('GitHub sign-in', error);
    return accountOf(data.session);
  }

  /** The signed-in account, or undefined. */
  async account(): Promise<SignedInAccount | undefined> {
    const session = await this.session();
    return session ? accountOf(session) : undefined;
  }

  /** An access token valid for at least a minute, or undefined when signed out (or the session has expired). */
  async accessToken(): Promise<string | undefined> {
    return (await this.session())?.access_token;
  }

  /**
   * The current session, refreshed when it expires within a minute. A refresh the server refuses ends the session
   * (`expired`); a refresh that cannot reach the server throws.
   */
  private async session(): Promise<Session | undefined> {
    // getSession refreshes 90 s before expiry, but when that refresh fails it keeps handing out the old token until
    // it has expired. Below a minute, refresh explicitly, so that a refused refresh is seen.
    const expiresAt = await this.storedExpiry();
    const { data, error } =
      expiresAt !== undefined && expiresAt * 1000 - Date.now() < MIN_TOKEN_VALIDITY_MS
        ? await this.client.auth.refreshSession()
        : await this.client.auth.getSession();
    if (data.session) {
      this.hasSession = true;
      return data.session;
    }
    if (error) return this.refreshFailed(error);
    return undefined;
  }

  /** `expires_at` (seconds) of the stored session, without asking supabase-js (which might refresh). */
  private async storedExpiry(): Promise<number | undefined> {
    const raw = await this.storage.getItem(this.storageKey);
    if (typeof raw !== 'string') return undefined;
    try {
      const value = (JSON.parse(raw) as { expires_at?: unknown }).expires_at;
      return typeof value === 'number' ? value : undefined;
    } catch {
      return undefined;
    }
  }

  private async refreshFailed(error: AuthError): Promise<undefined> {
    if (isAuthRetryableFetchError(error)) throw describe('Refreshing the session', error);
    if (!isAuthApiError(error) && error.name !== 'AuthSessionMissingError') throw describe('Refreshing the session', error);
    // Refused (revoked or expired refresh token): forget the session, which supabase-js may keep during its cooldown.
    await this.storage.removeItem(this.storageKey);
    await this.storage.removeItem(`${this.storageKey}-user`);
    this.transition('expired');
    return undefined;
  }

  /** Sign out: revoke this session at the server and clear it here (cleared even when the server is unreachable). */
  async signOut(): Promise<void> {
    this.signingOut = true;
    try {
      const { error } = await this.client.auth.signOut({ scope: 'local' });
      if (error && !isAuthApiError(error)) throw describe('Revoking the session', error);
    } finally {
      this.signingOut = false;
      this.transition('signedOut');
    }
  }

  /** Stop the refresh ticker. */
  async dispose(): Promise<void> {
    this.listeners.clear();
    await this.client.auth.stopAutoRefresh();
  }
}
