// A typed client of the local REST server's job routes (API.md): global fetch, every answer parsed with the zod
// schemas of src/shared/api.ts, every `{"detail": ...}` error turned into one user-facing line. No `vscode` import:
// unit tests run it against the real server under plain Node.
import { openAsBlob } from 'node:fs';
import { basename } from 'node:path';
import { z } from 'zod';
import { ErrorResponse, GenerateResponse, Job, RecommendResponse, UploadResponse } from '../../shared/api';
import type { GenerateRequest, JobUpdate } from '../../shared/api';
import { UserFacingError } from '../commands/errors';

/** Largest page `GET /jobs` serves. */
export const JOBS_PAGE_SIZE = 100;

/** A failed request: the HTTP status (0 when the server could not be reached) and the server's `detail`. */
export class JobsApiError extends UserFacingError {
  constructor(
    message: string,
    readonly status: number,
    readonly detail: string,
  ) {
    super(message);
    this.name = 'JobsApiError';
  }
}

export interface JobsApiOptions {
  /** The server's base URL, e.g. `http://127.0.0.1:8000`. */
  baseUrl: string;
  /** The bearer token of the caller (signed-in user or the server's local user); `undefined` sends none. */
  token: () => Promise<string | undefined>;
  /** Jobs per `GET /jobs` request (1–100; default 100). */
  pageSize?: number;
}

const STATUS_TEXT: Record<number, string> = { 400: 'Bad Request', 401: 'Unauthorized', 403: 'Forbidden', 404: 'Not Found', 409: 'Conflict', 413: 'Payload Too Large', 429: 'Too Many Requests', 500: 'Internal Server Error', 501: 'Not Implemented', 503: 'Service Unavailable' };

/** The message of a failed answer; a 401 asks to sign in again (the token itself is never part of it). */
export function apiErrorMessage(what: string, status: number, detail: string): string {
  const code = `${status}${STATUS_TEXT[status] !== undefined ? ` ${STATUS_TEXT[status]}` : ''}`;
  if (status === 401) return `The SLMGEN server refused the sign-in to ${what} (${code}: ${detail}). Sign in again.`;
  return `The SLMGEN server could not ${what} (${code}): ${detail}`;
}

/** The file name the server accepts for a dataset: its extension must say JSON Lines or JSON. */
export function uploadFileName(name: string): string {
  return /\.(jsonl|ndjson|json)$/i.test(name) ? name : `${name}.jsonl`;
}

export class JobsApi {
  private readonly baseUrl: string;

  constructor(private readonly options: JobsApiOptions) {
    this.baseUrl = options.baseUrl.replace(/\/+$/, '');
  }

  /** Every job of the caller, newest first (all pages). */
  async list(): Promise<Job[]> {
    const jobs: Job[] = [];
    const size = this.options.pageSize ?? JOBS_PAGE_SIZE;
    for (let offset = 0; ; offset += size) {
      const page = await this.request('list the jobs', 'GET', `/jobs?limit=${size}&offset=${offset}`, z.array(Job));
      jobs.push(...page);
      if (page.length < size) return jobs;
    }
  }

  get(id: string): Promise<Job> {
    return this.request('read the job', 'GET', `/jobs/${encodeURIComponent(id)}`, Job);
  }

  /** Delete a job with its session files and notebook on the server. */
  async delete(id: string): Promise<void> {
    await this.request('delete the job', 'DELETE', `/jobs/${encodeURIComponent(id)}`, null);
  }

  patch(id: string, update: JobUpdate): Promise<Job> {
    return this.request('update the job', 'PATCH', `/jobs/${encodeURIComponent(id)}`, Job, update);
  }

  /** Upload dataset bytes as `POST /upload` (multipart, field `file`). */
  upload(content: Blob | Uint8Array | string, fileName: string): Promise<UploadResponse> {
    const form = new FormData();
    const blob = content instanceof Blob ? content : new Blob([typeof content === 'string' ? content : new Uint8Array(content)]);
    form.append('file', blob, uploadFileName(fileName));
    return this.request('receive the dataset', 'POST', '/upload', UploadResponse, form);
  }

  /** Upload a dataset file from disk, streamed. */
  async uploadFile(path: string): Promise<UploadResponse> {
    return this.upload(await openAsBlob(path), basename(path));
  }

  /** Rank models for a session (this also records the task and deployment that the session's job shows). */
  recommend(sessionId: string, taskType: string, deploymentTarget: string): Promise<RecommendResponse> {
    return this.request('recommend a model', 'POST', '/recommend', RecommendResponse, { session_id: sessionId, task_type: taskType, deployment_target: deploymentTarget });
  }

  /** Write the session's notebook; for a signed-in caller this creates or updates the session's job. */
  generate(body: GenerateRequest): Promise<GenerateResponse> {
    return this.request('generate the notebook', 'POST', '/generate', GenerateResponse, body);
  }

  private async request<T>(what: string, method: string, path: string, schema: z.ZodType<T>, body?: unknown): Promise<T>;
  private async request(what: string, method: string, path: string, schema: null, body?: unknown): Promise<undefined>;
  private async request<T>(what: string, method: string, path: string, schema: z.ZodType<T> | null, body?: unknown): Promise<T | undefined> {
    const headers: Record<string, string> = { accept: 'application/json' };
    const token = await this.options.token();
    if (token !== undefined) headers.authorization = `Bearer ${token}`;
    let payload: FormData | string | undefined;
    if (body instanceof FormData) payload = body;
    else if (body !== undefined) {
      headers['content-type'] = 'application/json';
      payload = JSON.stringify(body);
    }
    let response: Response;
    try {
      response = await fetch(`${this.baseUrl}${path}`, { method, headers, body: payload });
    } catch (error) {
      const cause = (error as { cause?: { code?: string; message?: string } }).cause;
      const why = cause?.code ?? cause?.message ?? (error instanceof Error ? error.message : String(error));
      throw new JobsApiError(`Cannot reach the SLMGEN server at ${this.baseUrl} to ${what}: ${why}. Is the local server running?`, 0, why);
    }
    const text = await response.text();
    if (!response.ok) throw new JobsApiError(apiErrorMessage(what, response.status, errorDetail(text)), response.status, errorDetail(text));
    if (schema === null) return undefined;
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      throw new JobsApiError(`The SLMGEN server answered ${method} ${path.split('?')[0] ?? path} with something that is not JSON.`, response.status, text.slice(0, 200));
    }
    const parsed = schema.safeParse(json);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      const where = issue === undefined ? '' : ` (${issue.path.join('.') || 'body'}: ${issue.message})`;
      throw new JobsApiError(`The SLMGEN server sent an unexpected answer to ${method} ${path.split('?')[0] ?? path}${where}.`, response.status, where);
    }
    return parsed.data;
  }
}

/** The `detail` of an error body, or the start of the body when it has none. */
function errorDetail(text: string): string {
  try {
    const parsed = ErrorResponse.safeParse(JSON.parse(text));
    if (parsed.success) return parsed.data.detail;
  } catch {
    // Not JSON: a proxy's or a crashed server's page.
  }
  const trimmed = text.trim().slice(0, 200);
  return trimmed === '' ? 'no details' : trimmed;
}
