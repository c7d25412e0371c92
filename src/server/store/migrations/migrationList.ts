/**
 * The ordered list of SQL migrations. Each runs once, in its own transaction, recorded in
 * `slmgen.schema_migrations`. Never edit a released migration; add a new one.
 */
import { MIGRATION_001_JOBS } from './migration001Jobs';

/** One schema change. */
export interface Migration {
  version: number;
  name: string;
  sql: string;
}

/** All migrations, oldest first. */
export const MIGRATIONS: readonly Migration[] = [{ version: 1, name: 'jobs', sql: MIGRATION_001_JOBS }];
