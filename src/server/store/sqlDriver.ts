/**
 * The one seam between the job store and a database: PGlite (embedded, in the data directory) or node-postgres
 * (any PostgreSQL server via DATABASE_URL). The store's SQL is identical on both.
 */

/** Rows and the number of rows a statement touched. */
export interface QueryResult<T> {
  rows: T[];
  rowCount: number;
}

/** Runs statements inside one transaction. */
export interface SqlExecutor {
  /** One parameterized statement. */
  query<T>(sql: string, params?: unknown[]): Promise<QueryResult<T>>;
  /** Several statements without parameters (migrations). */
  exec(sql: string): Promise<void>;
}

/** A database connection (pool). */
export interface SqlDriver {
  readonly kind: 'pglite' | 'postgres';
  /** Run `fn` in a transaction: committed when it resolves, rolled back when it throws. */
  transaction<T>(fn: (tx: SqlExecutor) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}
