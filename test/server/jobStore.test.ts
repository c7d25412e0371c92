import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { SessionStore } from '../../src/server/sessionStore';
import { JobStore, migrate } from '../../src/server/store/jobStore';
import type { NewJob } from '../../src/server/store/jobStore';
import { openPgDriver } from '../../src/server/store/pgDriver';
import type { SqlDriver } from '../../src/server/store/sqlDriver';
import { sharedJobStore } from './testServer';
import { openPgliteDriver } from '../../src/server/store/pgliteDriver';

function newJob(sessionId = randomUUID()): NewJob {
  return { session_id: sessionId, dataset_filename: 'd.jsonl', dataset_path: `/data/${sessionId}/dataset.jsonl`, total_tokens: 5_000_000_000 };
}

/** The same behaviour, whichever driver is underneath. */
function storeContract(name: string, open: () => Promise<{ store: JobStore; driver: SqlDriver | null; close: () => Promise<void> }>): void {
  describe(`job store on ${name}`, () => {
    let store: JobStore;
    let driver: SqlDriver | null;
    let close: () => Promise<void>;
    before(async function () {
      const opened = await open();
      ({ store, driver, close } = opened);
    });
    after(async () => {
      await close?.();
    });

    it('creates, reads, lists, updates and deletes a job for its owner', async () => {
      const user = `u-${randomUUID()}`;
      const created = await store.create(user, newJob());
      assert.ok(created);
      assert.equal(created.user_id, user);
      assert.equal(created.status, 'created');
      assert.equal(created.total_tokens, 5_000_000_000);
      assert.deepEqual(created.training_config, {});
      assert.deepEqual(await store.get(user, created.id), created);
      assert.equal((await store.list(user, 10, 0)).length, 1);
      const updated = await store.update(user, created.id, { status: 'completed', training_config: { lora_rank: 32 } });
      assert.equal(updated?.status, 'completed');
      assert.deepEqual(updated?.training_config, { lora_rank: 32 });
      assert.ok(updated!.updated_at >= created.updated_at);
      assert.equal((await store.delete(user, created.id))?.id, created.id);
      assert.equal(await store.get(user, created.id), null);
    });

    it("isolates users: another user's id reads, updates and deletes nothing", async () => {
      const a = `a-${randomUUID()}`;
      const b = `b-${randomUUID()}`;
      const job = (await store.create(a, newJob()))!;
      assert.equal(await store.get(b, job.id), null);
      assert.equal(await store.update(b, job.id, { status: 'failed' }), null);
      assert.equal(await store.delete(b, job.id), null);
      assert.deepEqual(await store.list(b, 100, 0), []);
      assert.equal((await store.get(a, job.id))?.status, 'created');
    });

    it('upsert creates the session job once and then updates it', async () => {
      const user = `u-${randomUUID()}`;
      const sid = randomUUID();
      const first = await store.upsert(user, { ...newJob(sid), selected_model_id: 'm1', status: 'completed' });
      const second = await store.upsert(user, { ...newJob(sid), selected_model_id: 'm2', status: 'completed' });
      assert.equal(first.id, second.id);
      assert.equal(second.selected_model_id, 'm2');
      assert.equal((await store.getBySession(user, sid))?.id, first.id);
      assert.equal(await store.create(user, newJob(sid)), null, 'a second job for the session is refused');
    });

    it('migrations are idempotent', async () => {
      if (!driver) return;
      assert.deepEqual(await migrate(driver), []);
    });

    it('row-level security itself refuses other rows (raw SQL as slmgen_app, no WHERE clause)', async () => {
      if (!driver) return;
      const a = `a-${randomUUID()}`;
      const b = `b-${randomUUID()}`;
      await store.create(a, newJob());
      await store.create(b, newJob());
      const visible = await driver.transaction(async (tx) => {
        await tx.query('SET LOCAL ROLE slmgen_app');
        await tx.query("SELECT set_config('app.user_id', $1, true)", [a]);
        return (await tx.query<{ user_id: string }>('SELECT DISTINCT user_id FROM slmgen.jobs')).rows.map((r) => r.user_id);
      });
      assert.deepEqual(visible, [a]);
      await assert.rejects(
        driver.transaction(async (tx) => {
          await tx.query('SET LOCAL ROLE slmgen_app');
          await tx.query("SELECT set_config('app.user_id', $1, true)", [a]);
          await tx.query("INSERT INTO slmgen.jobs (user_id, session_id, dataset_filename, dataset_path) VALUES ($1, 's', 'f', 'p')", [b]);
        }),
        /row-level security/,
      );
      const noUser = await driver.transaction(async (tx) => {
        await tx.query('SET LOCAL ROLE slmgen_app');
        return (await tx.query('SELECT * FROM slmgen.jobs')).rows.length;
      });
      assert.equal(noUser, 0, 'without app.user_id nothing is visible');
    });
  });
}

storeContract('PGlite (embedded)', async () => {
  const driver = await openPgliteDriver(undefined);
  const store = await JobStore.open(driver);
  return { store, driver, close: () => store.close() };
});

const databaseUrl = process.env.SLMGEN_TEST_DATABASE_URL;
if (databaseUrl) {
  storeContract('PostgreSQL server (SLMGEN_TEST_DATABASE_URL)', async () => {
    const dbName = `slmgen_test_${randomUUID().replace(/-/g, '')}`;
    const admin = new Client({ connectionString: databaseUrl });
    await admin.connect();
    await admin.query(`CREATE DATABASE ${dbName}`);
    const url = new URL(databaseUrl);
    url.pathname = `/${dbName}`;
    const driver = await openPgDriver(url.toString());
    const store = await JobStore.open(driver);
    return {
      store,
      driver,
      close: async () => {
        await store.close();
        await admin.query(`DROP DATABASE ${dbName}`);
        await admin.end();
      },
    };
  });
} else {
  describe('job store on a PostgreSQL server', () => {
    it('skipped: set SLMGEN_TEST_DATABASE_URL (e.g. from test/server/startPostgres.sh) to run the store tests on PostgreSQL', function () {
      this.skip();
    });
  });
}

describe('session store (on disk)', () => {
  let dir: string;
  let now = 1_000_000;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'slmgen-sessions-'));
    now = 1_000_000;
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  async function add(store: SessionStore, owner: string | null = null): Promise<string> {
    const temp = store.tempPath();
    await writeFile(temp, '{}\n');
    return (await store.create(temp, { ownerId: owner, filename: 'a.jsonl', size: 3 })).id;
  }

  it('expires sessions after the TTL (sliding on access) and removes their files', async () => {
    const store = await SessionStore.open(dir, { ttlMs: 1000, maxSessions: 10, now: () => now });
    const id = await add(store);
    now += 900;
    assert.ok(store.get(id, null), 'access within the TTL refreshes it');
    now += 900;
    assert.ok(store.get(id, null));
    now += 1001;
    assert.equal(store.get(id, null), undefined);
    await store.sweep();
    assert.deepEqual(await readdir(join(dir, 'sessions')), []);
  });

  it('evicts the least recently used session beyond the maximum count', async () => {
    const store = await SessionStore.open(dir, { ttlMs: 60_000, maxSessions: 2, now: () => now });
    const first = await add(store);
    now += 1;
    const second = await add(store);
    now += 1;
    store.get(first, null);
    now += 1;
    const third = await add(store);
    assert.equal(store.count(), 2);
    assert.equal(store.get(second, null), undefined);
    assert.ok(store.get(first, null) && store.get(third, null));
  });

  it("hides an owned session from everyone but its owner; reloads sessions after a restart", async () => {
    const store = await SessionStore.open(dir, { ttlMs: 60_000, maxSessions: 10, now: () => now });
    const id = await add(store, 'alice');
    assert.equal(store.get(id, null), undefined);
    assert.equal(store.get(id, 'bob'), undefined);
    assert.ok(store.get(id, 'alice'));
    await store.flush();
    const reopened = await SessionStore.open(dir, { ttlMs: 60_000, maxSessions: 10, now: () => now });
    assert.equal(reopened.get(id, 'alice')?.filename, 'a.jsonl');
  });

  it('drops leftover temp files and incomplete session directories at start', async () => {
    const store = await SessionStore.open(dir, { ttlMs: 60_000, maxSessions: 10, now: () => now });
    await writeFile(store.tempPath(), 'partial');
    const orphan = join(dir, 'sessions', randomUUID());
    await import('node:fs/promises').then((fs) => fs.mkdir(orphan));
    const reopened = await SessionStore.open(dir, { ttlMs: 60_000, maxSessions: 10, now: () => now });
    assert.equal(reopened.count(), 0);
    assert.deepEqual(await readdir(join(dir, 'tmp')), []);
    assert.deepEqual(await readdir(join(dir, 'sessions')), []);
  });
});

// Keep the shared store referenced so its root `after` hook closes it even when only this file runs.
void sharedJobStore;
