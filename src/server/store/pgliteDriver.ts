/**
 * SqlDriver over PGlite (Postgres compiled to WebAssembly) persisted in a directory. PGlite serializes
 * transactions itself, which suits one local server. From a CommonJS bundle, PGlite needs `import.meta.url`
 * defined and its `pglite.wasm`, `initdb.wasm` and `pglite.data` next to the bundle (see the server report).
 */
import { PGlite } from '@electric-sql/pglite';
import { makePrivateTree } from '../fsUtil';
import type { SqlDriver, SqlExecutor } from './sqlDriver';

/**
 * Open (creating if needed) an embedded database in `dir`; `undefined` keeps it in memory. PGlite creates its files
 * with the process umask (666 under umask 0), so the directory is made 700 before it opens (nobody else can reach
 * what is inside from then on) and every file in it 600, every folder 700, after opening and again at close.
 */
export async function openPgliteDriver(dir: string | undefined): Promise<SqlDriver> {
  if (dir !== undefined) await makePrivateTree(dir);
  const db = await PGlite.create(dir === undefined ? {} : { dataDir: dir });
  if (dir !== undefined) await makePrivateTree(dir);
  return {
    kind: 'pglite',
    async transaction(fn) {
      return db.transaction(async (tx) => {
        const executor: SqlExecutor = {
          async query<T>(sql: string, params?: unknown[]) {
            const result = await tx.query<T>(sql, params);
            return { rows: result.rows, rowCount: result.affectedRows ?? result.rows.length };
          },
          async exec(sql: string) {
            await tx.exec(sql);
          },
        };
        return fn(executor);
      });
    },
    async close() {
      await db.close();
      if (dir !== undefined) await makePrivateTree(dir);
    },
  };
}
