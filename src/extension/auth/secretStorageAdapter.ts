// supabase-js keeps its session (access + refresh token) and the PKCE code verifier in the `storage` it is given. This
// adapter puts them in VS Code's SecretStorage (the OS keychain), and nowhere else. No `vscode` import: any object with
// SecretStorage's three methods will do, so the unit tests pass an in-memory one.
import type { SupportedStorage } from '@supabase/supabase-js';

/** The part of `vscode.SecretStorage` the adapter uses. */
export interface SecretStore {
  get(key: string): PromiseLike<string | undefined>;
  store(key: string, value: string): PromiseLike<void>;
  delete(key: string): PromiseLike<void>;
}

/** A supabase-js storage over a secret store. */
export function createSecretStorageAdapter(secrets: SecretStore): SupportedStorage {
  return {
    async getItem(key: string): Promise<string | null> {
      return (await secrets.get(key)) ?? null;
    },
    async setItem(key: string, value: string): Promise<void> {
      await secrets.store(key, value);
    },
    async removeItem(key: string): Promise<void> {
      await secrets.delete(key);
    },
  };
}
