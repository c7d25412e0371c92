/**
 * SqlDriver over node-postgres for a PostgreSQL server (DATABASE_URL), e.g. a Supabase project's database.
 */
import { Pool } from 'pg';
import type { SqlDriver, SqlExecutor } from './sqlDriver';

/** Connect a small pool to `connectionString` and check that the server answers. */
export async function openPgDriver(connectionString: string): Promise<SqlDriver> {
  const pool = new Pool({ connectionString, max: 10, idleTimeoutMillis: 30_000, connectionTimeoutMillis: 10_000 });
  // An idle client losing its connection must not crash the server; the next query reconnects.
  pool.on('error', () => undefined);
  const probe = await pool.connect();
  probe.release();
  return {
    kind: 'postgres',
    async transaction(fn) {
      const client = await pool.connect();
      try {
        await client.query('BEGIN');
        const executor: SqlExecutor = {
          async query<T>(sql: string, params?: unknown[]) {
            const result = await client.query(sql, params);
            return { rows: result.rows as T[], rowCount: result.rowCount ?? result.rows.length };
          },
          async exec(sql: string) {
            await client.query(sql);
          },
        };
        const value = await fn(executor);
        await client.query('COMMIT');
        return value;
      } catch (error) {
        await client.query('ROLLBACK').catch(() => undefined);
        throw error;
      } finally {
        client.release();
      }
    },
    async close() {
      await pool.end();
    },
  };
}
