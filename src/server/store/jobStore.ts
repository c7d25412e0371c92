/**
 * Job records, one implementation over any {@link SqlDriver}. Every query runs as the non-owner role
 * `slmgen_app` with `app.user_id` set to the caller for that transaction only, so PostgreSQL's row-level security
 * (not a WHERE clause the code could forget) decides which rows a caller sees or changes.
 */
import type { Job, JobStatus } from '../../shared/api';
import { MIGRATIONS } from './migrations/migrationList';
import type { SqlDriver, SqlExecutor } from './sqlDriver';

/** Fields of a new job; `dataset_path` comes from the server's session, never from the client. */
export interface NewJob {
  session_id: string;
  dataset_filename: string;
  dataset_path: string;
  total_examples?: number;
  total_tokens?: number;
  quality_score?: number;
  task_type?: string | null;
  deployment_target?: string | null;
  selected_model_id?: string | null;
  selected_model_name?: string | null;
  model_score?: number | null;
  training_config?: Record<string, unknown>;
  notebook_filename?: string | null;
  notebook_path?: string | null;
  colab_url?: string | null;
  status?: JobStatus;
}

/** Fields that can change after creation. */
export type JobPatch = Partial<
  Pick<
    NewJob,
    | 'notebook_filename'
    | 'notebook_path'
    | 'colab_url'
    | 'status'
    | 'training_config'
    | 'selected_model_id'
    | 'selected_model_name'
    | 'model_score'
    | 'task_type'
    | 'deployment_target'
    | 'total_examples'
    | 'total_tokens'
    | 'quality_score'
  >
>;

const COLUMNS = [
  'session_id',
  'dataset_filename',
  'dataset_path',
  'total_examples',
  'total_tokens',
  'quality_score',
  'task_type',
  'deployment_target',
  'selected_model_id',
  'selected_model_name',
  'model_score',
  'training_config',
  'notebook_filename',
  'notebook_path',
  'colab_url',
  'status',
] as const;
type Column = (typeof COLUMNS)[number];

const LOCK_KEY = 7_305_118; // advisory lock id for migrations ("slmgen")

/** Raw row as a driver returns it (bigint may be a string, timestamps Dates). */
type JobRow = Record<string, unknown>;

function toJob(row: JobRow): Job {
  const ts = (v: unknown): string => (v instanceof Date ? v.toISOString() : new Date(String(v)).toISOString());
  const numOrNull = (v: unknown): number | null => (v === null || v === undefined ? null : Number(v));
  const strOrNull = (v: unknown): string | null => (v === null || v === undefined ? null : String(v));
  const config = typeof row.training_config === 'string' ? JSON.parse(row.training_config) : row.training_config;
  return {
    id: String(row.id),
    user_id: String(row.user_id),
    session_id: String(row.session_id),
    dataset_filename: String(row.dataset_filename),
    dataset_path: String(row.dataset_path),
    total_examples: Number(row.total_examples),
    total_tokens: Number(row.total_tokens),
    quality_score: Number(row.quality_score),
    task_type: strOrNull(row.task_type),
    deployment_target: strOrNull(row.deployment_target),
    selected_model_id: strOrNull(row.selected_model_id),
    selected_model_name: strOrNull(row.selected_model_name),
    model_score: numOrNull(row.model_score),
    training_config: (config ?? {}) as Record<string, unknown>,
    notebook_filename: strOrNull(row.notebook_filename),
    notebook_path: strOrNull(row.notebook_path),
    colab_url: strOrNull(row.colab_url),
    status: String(row.status) as JobStatus,
    created_at: ts(row.created_at),
    updated_at: ts(row.updated_at),
  };
}

function columnValue(column: Column, value: unknown): unknown {
  return column === 'training_config' ? JSON.stringify(value ?? {}) : value;
}

/** Apply pending migrations (serialized across processes by an advisory lock). */
export async function migrate(driver: SqlDriver): Promise<number[]> {
  const applied: number[] = [];
  await driver.transaction(async (tx) => {
    await tx.query('SELECT pg_advisory_xact_lock($1)', [LOCK_KEY]);
    await tx.exec(`CREATE SCHEMA IF NOT EXISTS slmgen;
      CREATE TABLE IF NOT EXISTS slmgen.schema_migrations (
        version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TIMESTAMPTZ NOT NULL DEFAULT now())`);
    const done = await tx.query<{ version: number }>('SELECT version FROM slmgen.schema_migrations');
    const have = new Set(done.rows.map((r) => Number(r.version)));
    for (const m of MIGRATIONS) {
      if (have.has(m.version)) continue;
      await tx.exec(m.sql);
      await tx.query('INSERT INTO slmgen.schema_migrations (version, name) VALUES ($1, $2)', [m.version, m.name]);
      applied.push(m.version);
    }
  });
  return applied;
}

/** Jobs of authenticated users. */
export class JobStore {
  private constructor(private readonly driver: SqlDriver) {}

  /** Migrate the database and return a store over it. */
  static async open(driver: SqlDriver): Promise<JobStore> {
    await migrate(driver);
    return new JobStore(driver);
  }

  /** Which driver backs the store. */
  get kind(): 'pglite' | 'postgres' {
    return this.driver.kind;
  }

  /** Run `fn` as `userId` under row-level security. */
  private asUser<T>(userId: string, fn: (tx: SqlExecutor) => Promise<T>): Promise<T> {
    return this.driver.transaction(async (tx) => {
      await tx.query('SET LOCAL ROLE slmgen_app');
      await tx.query("SELECT set_config('app.user_id', $1, true)", [userId]);
      return fn(tx);
    });
  }

  /** The caller's jobs, newest first. */
  list(userId: string, limit: number, offset: number): Promise<Job[]> {
    return this.asUser(userId, async (tx) => {
      const r = await tx.query<JobRow>(
        'SELECT * FROM slmgen.jobs ORDER BY created_at DESC, id LIMIT $1 OFFSET $2',
        [limit, offset],
      );
      return r.rows.map(toJob);
    });
  }

  /** One of the caller's jobs, or null (also for other users' ids). */
  get(userId: string, id: string): Promise<Job | null> {
    return this.asUser(userId, async (tx) => {
      const r = await tx.query<JobRow>('SELECT * FROM slmgen.jobs WHERE id = $1', [id]);
      return r.rows[0] ? toJob(r.rows[0]) : null;
    });
  }

  /** The caller's job for an upload session, or null. */
  getBySession(userId: string, sessionId: string): Promise<Job | null> {
    return this.asUser(userId, async (tx) => {
      const r = await tx.query<JobRow>('SELECT * FROM slmgen.jobs WHERE session_id = $1', [sessionId]);
      return r.rows[0] ? toJob(r.rows[0]) : null;
    });
  }

  /** Insert a job; `null` when the caller already has a job for that session. */
  create(userId: string, job: NewJob): Promise<Job | null> {
    return this.asUser(userId, async (tx) => {
      const cols = COLUMNS.filter((c) => job[c] !== undefined);
      const values = cols.map((c) => columnValue(c, job[c]));
      const r = await tx.query<JobRow>(
        `INSERT INTO slmgen.jobs (user_id, ${cols.join(', ')})
         VALUES ($1, ${cols.map((_, i) => `$${i + 2}`).join(', ')})
         ON CONFLICT (user_id, session_id) DO NOTHING RETURNING *`,
        [userId, ...values],
      );
      return r.rows[0] ? toJob(r.rows[0]) : null;
    });
  }

  /** Insert the caller's job for `job.session_id`, or update the given fields of the existing one. */
  upsert(userId: string, job: NewJob): Promise<Job> {
    return this.asUser(userId, async (tx) => {
      const cols = COLUMNS.filter((c) => job[c] !== undefined);
      const values = cols.map((c) => columnValue(c, job[c]));
      const updates = cols.filter((c) => c !== 'session_id').map((c) => `${c} = EXCLUDED.${c}`);
      const r = await tx.query<JobRow>(
        `INSERT INTO slmgen.jobs (user_id, ${cols.join(', ')})
         VALUES ($1, ${cols.map((_, i) => `$${i + 2}`).join(', ')})
         ON CONFLICT (user_id, session_id) DO UPDATE SET ${updates.join(', ')} RETURNING *`,
        [userId, ...values],
      );
      return toJob(r.rows[0] as JobRow);
    });
  }

  /** Change fields of one of the caller's jobs; null when it is not theirs or does not exist. */
  update(userId: string, id: string, patch: JobPatch): Promise<Job | null> {
    const cols = COLUMNS.filter((c) => c in patch && (patch as Record<string, unknown>)[c] !== undefined);
    if (cols.length === 0) return this.get(userId, id);
    return this.asUser(userId, async (tx) => {
      const sets = cols.map((c, i) => `${c} = $${i + 2}`);
      const values = cols.map((c) => columnValue(c, (patch as Record<string, unknown>)[c]));
      const r = await tx.query<JobRow>(`UPDATE slmgen.jobs SET ${sets.join(', ')} WHERE id = $1 RETURNING *`, [
        id,
        ...values,
      ]);
      return r.rows[0] ? toJob(r.rows[0]) : null;
    });
  }

  /** Delete one of the caller's jobs and return it; null when it is not theirs or does not exist. */
  delete(userId: string, id: string): Promise<Job | null> {
    return this.asUser(userId, async (tx) => {
      const r = await tx.query<JobRow>('DELETE FROM slmgen.jobs WHERE id = $1 RETURNING *', [id]);
      return r.rows[0] ? toJob(r.rows[0]) : null;
    });
  }

  /** Close the database. */
  close(): Promise<void> {
    return this.driver.close();
  }
}
