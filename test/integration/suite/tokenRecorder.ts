// Records the tokens the Supabase Auth stand-in hands out. The stand-in keeps requests, not answers, and the
// extension's supabase-js calls the global `fetch` of the extension host this suite runs in: wrapping that `fetch`
// (everything is forwarded unchanged) is the one place where the issued access and refresh tokens can be seen.

/** Tokens answered by `POST <standIn>/auth/v1/token` and `/verify`, in the order they were issued. */
export interface IssuedTokens {
  access: string[];
  refresh: string[];
  /** Record the answers of one more auth server too. */
  watch(authBaseUrl: string): void;
  /** Put the original `fetch` back. */
  restore(): void;
}

function urlOf(input: Parameters<typeof fetch>[0]): string {
  if (typeof input === 'string') return input;
  if (input instanceof URL) return input.href;
  return input.url;
}

/** Starts recording the token answers of the auth server at `authBaseUrl` (the stand-in's URL). */
export function recordIssuedTokens(authBaseUrl: string): IssuedTokens {
  const original = globalThis.fetch;
  const endpoints: string[] = [];
  const issued: IssuedTokens = {
    access: [],
    refresh: [],
    watch: (base) => void endpoints.push(`${base.replace(/\/+$/, '')}/auth/v1/token`, `${base.replace(/\/+$/, '')}/auth/v1/verify`),
    restore: () => {
      globalThis.fetch = original;
    },
  };
  issued.watch(authBaseUrl);
  globalThis.fetch = async (input, init) => {
    const response = await original(input, init);
    const url = urlOf(input).split('?')[0] ?? '';
    if (response.ok && endpoints.includes(url)) {
      const body = (await response
        .clone()
        .json()
        .catch(() => undefined)) as { access_token?: unknown; refresh_token?: unknown } | undefined;
      if (typeof body?.access_token === 'string') issued.access.push(body.access_token);
      if (typeof body?.refresh_token === 'string') issued.refresh.push(body.refresh_token);
    }
    return response;
  };
  return issued;
}
