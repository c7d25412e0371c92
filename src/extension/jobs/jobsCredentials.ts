// Which bearer token the Jobs view and job recording send to the local server: the signed-in SLMGEN account's when
// Supabase is configured, the local server's own token (SecretStorage) otherwise. Tokens are read on each request
// and never kept, logged or written anywhere else.
import * as vscode from 'vscode';
import { SERVER_TOKEN_SECRET } from '../constants';

/** The token source the jobs code needs. */
export interface JobsCredentials {
  /** The token to send, or `undefined` when there is none (signed out, or the local server never issued one). */
  token(): Promise<string | undefined>;
  /** True when Supabase sign-in is configured (then a missing token means "signed out"). */
  signInConfigured(): boolean;
  /** Fires when the token may have changed (sign-in, sign-out, a new local token). */
  readonly onDidChange: vscode.Event<void>;
}

/** What the jobs code uses of the SLMGEN account provider (src/extension/auth). */
export interface JobsAccounts {
  accessToken(): Promise<string | undefined>;
  configured(): boolean;
  readonly onDidChangeSessions: vscode.Event<unknown>;
}

export class ServerJobsCredentials implements JobsCredentials, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChange = this.changed.event;
  private readonly subscriptions: vscode.Disposable[];

  constructor(
    private readonly secrets: vscode.SecretStorage,
    // Wiring point for the account provider: without it, only the local server's token is used.
    private readonly accounts?: JobsAccounts,
  ) {
    this.subscriptions = [
      this.changed,
      secrets.onDidChange((e) => {
        if (e.key === SERVER_TOKEN_SECRET) this.changed.fire();
      }),
    ];
    if (accounts !== undefined) this.subscriptions.push(accounts.onDidChangeSessions(() => this.changed.fire()));
  }

  signInConfigured(): boolean {
    return this.accounts?.configured() ?? false;
  }

  async token(): Promise<string | undefined> {
    if (this.accounts?.configured() === true) return this.accounts.accessToken();
    return this.secrets.get(SERVER_TOKEN_SECRET);
  }

  dispose(): void {
    for (const d of this.subscriptions) d.dispose();
  }
}
