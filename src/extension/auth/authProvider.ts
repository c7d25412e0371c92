// The SLMGEN account in VS Code's Accounts menu: an AuthenticationProvider over a Supabase session (supabaseSession.ts)
// whose tokens live only in SecretStorage. Sign-in with email + password, an emailed code, or GitHub in the browser
// (PKCE; the browser comes back through a `<uriScheme>://<extension id>/auth-callback` URI). Offered only when
// `slmgen.supabase.url` and `slmgen.supabase.anonKey` are set. Tokens and callback URLs are never logged.
import * as vscode from 'vscode';
import { CancelledByUser, UserFacingError } from '../commands/errors';
import {
  AUTH_CALLBACK_PATH,
  AUTH_PROVIDER_ID,
  AUTH_PROVIDER_LABEL,
  COMMANDS,
  CONFIG_SECTION,
  CONTEXT_SUPABASE_CONFIGURED,
  GITHUB_SIGN_IN_TIMEOUT_MS,
  SETTINGS,
  SUPABASE_JWT_SECRET_KEY,
} from '../constants';
import { createSecretStorageAdapter } from './secretStorageAdapter';
import { parseSignInArgument } from './signInArgument';
import type { SignInArgument } from './signInArgument';
import { parseSupabaseSettings, SupabaseSession } from './supabaseSession';
import type { SessionChange, SignedInAccount } from './supabaseSession';

const EXPIRED_MESSAGE = 'Your SLMGEN session has expired. Sign in again.';
const SIGN_IN = 'Sign In';
const METHODS = [
  { label: 'Email and password', method: 'password' },
  { label: 'Email one-time code', method: 'otp' },
  { label: 'GitHub (browser)', method: 'github' },
] as const;

/** What `slmgen.signIn` answers: the account, or (OTP without a code) where the code was sent. */
export type SignInResult = { account: { id: string; label: string } } | { codeSentTo: string };

interface PendingGitHub {
  resolve(code: string): void;
  reject(error: Error): void;
}

let current: SlmgenAuthProvider | undefined;

/** The provider of this activation (undefined before `activate` or after deactivation). */
export function slmgenAuthProvider(): SlmgenAuthProvider | undefined {
  return current;
}

export class SlmgenAuthProvider implements vscode.AuthenticationProvider, vscode.UriHandler, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<vscode.AuthenticationProviderAuthenticationSessionsChangeEvent>();
  readonly onDidChangeSessions = this.changed.event;
  private session: SupabaseSession | undefined;
  private settingsError: string | undefined;
  /** The session last reported to VS Code, so a sign-out or expiry can name what was removed. */
  private reported: vscode.AuthenticationSession | undefined;
  private pendingGitHub: PendingGitHub | undefined;
  /** The account a waiting GitHub sign-in will produce (so that a callback given as an argument can finish it). */
  private githubInFlight: Promise<SignedInAccount> | undefined;
  private readonly disposables: vscode.Disposable[] = [];

  constructor(
    private readonly context: vscode.ExtensionContext,
    private readonly log: vscode.LogOutputChannel,
  ) {
    this.disposables.push(
      this.changed,
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (e.affectsConfiguration(`${CONFIG_SECTION}.supabase`)) this.reload();
      }),
    );
    this.reload();
  }

  /** True when both Supabase settings are set and valid (sign-in is offered). */
  configured(): boolean {
    return this.session !== undefined;
  }

  /** A fresh access token of the signed-in user (valid for at least a minute), or undefined when signed out. */
  async accessToken(): Promise<string | undefined> {
    return this.session?.accessToken();
  }

  /** Rebuild the session for the current settings; the previous project's session is no longer offered. */
  private reload(): void {
    const previous = this.session;
    this.session = undefined;
    this.settingsError = undefined;
    void previous?.dispose();
    const config = vscode.workspace.getConfiguration(CONFIG_SECTION);
    try {
      const settings = parseSupabaseSettings(config.get<string>(SETTINGS.supabaseUrl), config.get<string>(SETTINGS.supabaseAnonKey));
      if (settings) {
        const session = new SupabaseSession(settings, createSecretStorageAdapter(this.context.secrets));
        session.onDidChange((change) => this.onSessionChange(session, change));
        this.session = session;
        // A session stored by an earlier window shows in the Accounts menu right away.
        void this.report(session);
      }
    } catch (error) {
      this.settingsError = describe(error);
      this.log.warn(this.settingsError);
    }
    void vscode.commands.executeCommand('setContext', CONTEXT_SUPABASE_CONFIGURED, this.session !== undefined);
    if (previous !== undefined) this.setReported(undefined);
  }

  private onSessionChange(session: SupabaseSession, change: SessionChange): void {
    if (session !== this.session) return;
    this.log.info(`SLMGEN session: ${change}`);
    if (change === 'expired') {
      this.setReported(undefined);
      // One prompt per lost session: the session emits `expired` once, and stays signed out until a new sign-in.
      void vscode.window.showWarningMessage(EXPIRED_MESSAGE, SIGN_IN).then((choice) => {
        if (choice === SIGN_IN) void vscode.commands.executeCommand(COMMANDS.signIn);
      });
      return;
    }
    if (change === 'signedOut') this.setReported(undefined);
    // A refresh is not reported: listeners would ask for a token, and a short-lived token would refresh again.
    else if (change === 'signedIn') void this.report(session);
  }

  /** Tell VS Code about the session as it is now. */
  private async report(session: SupabaseSession): Promise<void> {
    try {
      const next = await this.toVscodeSession(session);
      if (session === this.session) this.setReported(next);
    } catch (error) {
      this.log.warn(`Reading the SLMGEN session failed: ${describe(error)}`);
    }
  }

  private setReported(next: vscode.AuthenticationSession | undefined): void {
    const before = this.reported;
    this.reported = next;
    // Only sign-in, sign-out, expiry and a change of account are events; a new token of the same account is not.
    const added = next !== undefined && next.id !== before?.id ? [next] : [];
    const removed = before !== undefined && before.id !== next?.id ? [before] : [];
    if (added.length + removed.length > 0) this.changed.fire({ added, removed, changed: [] });
  }

  private async toVscodeSession(session: SupabaseSession): Promise<vscode.AuthenticationSession | undefined> {
    const [account, accessToken] = [await session.account(), await session.accessToken()];
    if (account === undefined || accessToken === undefined) return undefined;
    return { id: account.userId, accessToken, account: { id: account.userId, label: account.email }, scopes: [] };
  }

  private requireSession(): SupabaseSession {
    if (this.session) return this.session;
    throw new UserFacingError(
      this.settingsError ?? 'SLMGEN sign-in is not configured: set slmgen.supabase.url and slmgen.supabase.anonKey in the settings.',
    );
  }

  async getSessions(): Promise<vscode.AuthenticationSession[]> {
    if (!this.session) return [];
    try {
      const session = await this.toVscodeSession(this.session);
      return session ? [session] : [];
    } catch (error) {
      this.log.warn(`Reading the SLMGEN session failed: ${describe(error)}`);
      return [];
    }
  }

  /** VS Code's "Sign in" (Accounts menu, or another extension asking): pick a method, then sign in. */
  async createSession(): Promise<vscode.AuthenticationSession> {
    const result = await this.signIn(undefined);
    if (!('account' in result)) throw new UserFacingError('Sign-in was not completed.');
    const session = this.reported ?? (await this.getSessions())[0];
    if (!session) throw new UserFacingError('Sign-in did not produce a session.');
    return session;
  }

  async removeSession(): Promise<void> {
    await this.signOut();
  }

  /** `slmgen.signIn`: with an argument (tests, keybindings) or by asking. */
  async signIn(argument: unknown): Promise<SignInResult> {
    const session = this.requireSession();
    const request = parseSignInArgument(argument) ?? (await this.askMethod());
    let account: SignedInAccount;
    switch (request.method) {
      case 'password':
        account = await session.signInWithPassword(request.email, request.password);
        break;
      case 'otp': {
        if (request.code === undefined) {
          await session.sendEmailCode(request.email);
          // Called with an argument: the caller sends the code in a second call.
          if (argument !== undefined && argument !== null) return { codeSentTo: request.email };
        }
        const code = request.code ?? (await this.ask({ prompt: `The code emailed to ${request.email}`, placeHolder: '123456' }));
        account = await session.verifyEmailCode(request.email, code);
        break;
      }
      case 'github':
        account = request.callbackUri !== undefined ? await this.finishGitHub(session, vscode.Uri.parse(request.callbackUri)) : await this.github(session);
        break;
    }
    this.log.info(`Signed in to SLMGEN as ${account.email}`);
    await this.report(session);
    return { account: { id: account.userId, label: account.email } };
  }

  private async askMethod(): Promise<SignInArgument> {
    const pick = await vscode.window.showQuickPick(METHODS, { title: 'Sign in to SLMGEN', placeHolder: 'How do you want to sign in?' });
    if (!pick) throw new CancelledByUser();
    if (pick.method === 'github') return { method: 'github' };
    const email = await this.ask({ prompt: 'Email address', placeHolder: 'you@example.com' });
    if (pick.method === 'otp') return { method: 'otp', email };
    return { method: 'password', email, password: await this.ask({ prompt: 'Password', password: true }) };
  }

  private async ask(options: vscode.InputBoxOptions): Promise<string> {
    const value = await vscode.window.showInputBox({ ignoreFocusOut: true, ...options, title: 'Sign in to SLMGEN' });
    if (value === undefined || value.trim() === '') throw new CancelledByUser();
    return value.trim();
  }

  /** Open the browser at Supabase's authorize URL and wait for the callback URI with the code. */
  private async github(session: SupabaseSession): Promise<SignedInAccount> {
    const callback = vscode.Uri.parse(`${vscode.env.uriScheme}://${this.context.extension.id}${AUTH_CALLBACK_PATH}`);
    const redirectTo = (await vscode.env.asExternalUri(callback)).toString(true);
    const authorizeUrl = await browserAddress(await session.startGitHubSignIn(redirectTo));
    this.pendingGitHub?.reject(new UserFacingError('A newer GitHub sign-in replaced this one.'));
    const code = new Promise<string>((resolve, reject) => (this.pendingGitHub = { resolve, reject }));
    // Given a Uri, VS Code's opener opens `encodeURI(uri.toString(true))`: the query is decoded first, so the
    // `%26`/`%3D` inside redirect_to become `&`/`=`, and a redirect_to with a query of its own (code-server's
    // `/callback?vscode-reqid=…&vscode-scheme=…`) arrives cut into pieces. Given a string (the API is typed Uri, but
    // the extension host's openUri accepts a string and passes it along), the opener opens it as is when
    // resolveExternalUri leaves it unchanged, as it does an address `browserAddress` gave.
    if (!(await vscode.env.openExternal(authorizeUrl as unknown as vscode.Uri))) {
      this.pendingGitHub = undefined;
      throw new UserFacingError('The browser could not be opened for the GitHub sign-in.');
    }
    const inFlight: Promise<SignedInAccount> = Promise.resolve(vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: 'Waiting for the GitHub sign-in in the browser…', cancellable: true },
      async (_progress, token) => {
        const timer = setTimeout(() => this.pendingGitHub?.reject(new UserFacingError('The GitHub sign-in timed out; start it again.')), GITHUB_SIGN_IN_TIMEOUT_MS);
        const cancel = token.onCancellationRequested(() => this.pendingGitHub?.reject(new CancelledByUser()));
        try {
          return await session.completeGitHubSignIn(await code);
        } finally {
          clearTimeout(timer);
          cancel.dispose();
          this.pendingGitHub = undefined;
          this.githubInFlight = undefined;
        }
      },
    ));
    this.githubInFlight = inFlight;
    return inFlight;
  }

  /** Complete a started GitHub sign-in from a callback URI given as a command argument (what the URI handler does). */
  private async finishGitHub(session: SupabaseSession, uri: vscode.Uri): Promise<SignedInAccount> {
    const code = this.codeFrom(uri);
    const [pending, inFlight] = [this.pendingGitHub, this.githubInFlight];
    if (pending === undefined || inFlight === undefined) return session.completeGitHubSignIn(code);
    pending.resolve(code);
    return inFlight;
  }

  /** The `code` of a callback URI; a refusal (`error`) or a missing code is a clear error. */
  private codeFrom(uri: vscode.Uri): string {
    const params = new URLSearchParams(uri.query);
    const error = params.get('error');
    if (error !== null) throw new UserFacingError(`GitHub sign-in was refused: ${params.get('error_description') ?? error}.`);
    const code = params.get('code');
    if (!code) throw new UserFacingError('The sign-in callback carried no authorization code.');
    return code;
  }

  /** The browser came back (`<uriScheme>://<extension id>/auth-callback?code=…`). */
  handleUri(uri: vscode.Uri): void {
    if (uri.path !== AUTH_CALLBACK_PATH) {
      this.log.warn(`Ignored a URI for the unknown path ${uri.path}`);
      return;
    }
    // The URL carries the authorization code: only its path is logged.
    this.log.info('Received the GitHub sign-in callback');
    const pending = this.pendingGitHub;
    try {
      const code = this.codeFrom(uri);
      if (!pending) throw new UserFacingError('No GitHub sign-in is waiting for this callback. Start one with "SLMGEN: Sign In".');
      pending.resolve(code);
    } catch (error) {
      if (pending) pending.reject(error as Error);
      else void vscode.window.showErrorMessage(`SLMGEN: ${describe(error)}`);
    }
  }

  /** `slmgen.signOut`: revoke the session at Supabase and clear it here. */
  async signOut(): Promise<void> {
    // Nothing to sign out of without settings.
    if (!this.session) return;
    await this.session.signOut();
    this.setReported(undefined);
    this.log.info('Signed out of SLMGEN');
  }

  /** `slmgen.setSupabaseJwtSecret`: the secret the local server checks HS256 tokens with (kept in SecretStorage). */
  async setJwtSecret(argument: unknown): Promise<void> {
    if (argument !== undefined && typeof argument !== 'string') throw new UserFacingError('The JWT secret argument must be a string.');
    const secret =
      argument ??
      (await vscode.window.showInputBox({
        title: 'SLMGEN: Supabase JWT Secret',
        prompt: 'The JWT secret of your Supabase project (for HS256 projects); leave empty to remove it',
        password: true,
        ignoreFocusOut: true,
      }));
    if (secret === undefined) throw new CancelledByUser();
    if (secret.trim() === '') await this.context.secrets.delete(SUPABASE_JWT_SECRET_KEY);
    else await this.context.secrets.store(SUPABASE_JWT_SECRET_KEY, secret.trim());
  }

  dispose(): void {
    this.pendingGitHub?.reject(new UserFacingError('The extension is shutting down.'));
    void this.session?.dispose();
    this.session = undefined;
    for (const d of this.disposables) d.dispose();
    if (current === this) current = undefined;
  }

  /** Create the provider and register it, its URI handler and its context key; everything goes to `subscriptions`. */
  static register(context: vscode.ExtensionContext, log: vscode.LogOutputChannel): SlmgenAuthProvider {
    const provider = new SlmgenAuthProvider(context, log);
    context.subscriptions.push(
      provider,
      vscode.authentication.registerAuthenticationProvider(AUTH_PROVIDER_ID, AUTH_PROVIDER_LABEL, provider, { supportsMultipleAccounts: false }),
      vscode.window.registerUriHandler(provider),
    );
    current = provider;
    return provider;
  }
}

/**
 * The authorize URL as the browser must open it. A project on localhost may be at another address for the browser
 * (code-server's /proxy/<port>/ route, a forwarded port): VS Code resolves the URL without its query, and the query
 * is put back as supabase-js encoded it. Any other URL (https://<ref>.supabase.co) comes back unchanged.
 */
async function browserAddress(url: string): Promise<string> {
  const { origin, pathname, search } = new URL(url);
  const external = await vscode.env.asExternalUri(vscode.Uri.parse(`${origin}${pathname}`));
  return `${external.toString(true)}${search}`;
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
