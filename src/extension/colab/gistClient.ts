// Publishing a notebook as a secret GitHub gist and the Colab URL that opens it. No `vscode` import: unit-tested
// under Node against a local stand-in for the GitHub API (GitHub itself cannot be reached from the test machines).

/** What a published gist gives back. */
export interface PublishedGist {
  id: string;
  owner: string;
  htmlUrl: string;
  fileName: string;
  colabUrl: string;
}

/** Where and as whom to publish. */
export interface GistTarget {
  /** API base, e.g. `https://api.github.com` (no trailing slash needed). */
  apiUrl: string;
  /** An OAuth access token with the `gist` scope. */
  token: string;
}

/** GitHub's REST API version the requests are written for. */
export const GITHUB_API_VERSION = '2022-11-28';

/** The Colab URL of a notebook in a gist. */
export function colabGistUrl(owner: string, gistId: string, fileName: string): string {
  return `https://colab.research.google.com/gist/${encodeURIComponent(owner)}/${encodeURIComponent(gistId)}/${encodeURIComponent(fileName)}`;
}

/** A failed GitHub call, in one line (the status and GitHub's own message). */
export class GitHubApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
    this.name = 'GitHubApiError';
  }
}

function githubMessage(body: string): string {
  try {
    const parsed = JSON.parse(body) as { message?: unknown };
    if (typeof parsed.message === 'string') return parsed.message;
  } catch {
    // not JSON: the text itself
  }
  return body.slice(0, 200);
}

/**
 * Create a secret gist holding one notebook file (`POST /gists` with `public: false`) and return its id, owner and
 * the Colab URL. `fetchFn` is the platform's `fetch` (injectable only for the same reason as the base URL).
 */
export async function publishNotebookGist(
  target: GistTarget,
  fileName: string,
  content: string,
  description: string,
  fetchFn: typeof fetch = fetch,
): Promise<PublishedGist> {
  const url = `${target.apiUrl.replace(/\/+$/, '')}/gists`;
  const response = await fetchFn(url, {
    method: 'POST',
    headers: {
      Accept: 'application/vnd.github+json',
      Authorization: `Bearer ${target.token}`,
      'Content-Type': 'application/json',
      'User-Agent': 'slmgen-vscode',
      'X-GitHub-Api-Version': GITHUB_API_VERSION,
    },
    body: JSON.stringify({ description, public: false, files: { [fileName]: { content } } }),
  });
  const body = await response.text();
  if (response.status !== 201) {
    const hint = response.status === 401 ? ' (sign in to GitHub again)' : response.status === 403 || response.status === 404 ? ' (the token needs the "gist" scope)' : '';
    throw new GitHubApiError(response.status, `GitHub refused to create the gist: ${response.status} ${githubMessage(body)}${hint}`);
  }
  let gist: { id?: unknown; html_url?: unknown; owner?: { login?: unknown } | null };
  try {
    gist = JSON.parse(body) as typeof gist;
  } catch {
    throw new GitHubApiError(response.status, 'GitHub answered the gist request with something that is not JSON');
  }
  const id = gist.id;
  const owner = gist.owner?.login;
  if (typeof id !== 'string' || typeof owner !== 'string') throw new GitHubApiError(response.status, 'GitHub answered the gist request without an id or owner');
  return { id, owner, htmlUrl: typeof gist.html_url === 'string' ? gist.html_url : '', fileName, colabUrl: colabGistUrl(owner, id, fileName) };
}
