/**
 * Upload sessions on disk: `<dataDir>/sessions/<uuid>/` holds `session.json`, `dataset.jsonl`, the cached
 * `report.json` and generated notebooks. Sessions have a sliding TTL and a maximum count (least recently used is
 * evicted first); removing a session removes its whole directory, notebooks included. Session directories are
 * only ever named by server-made UUIDs, never by user input.
 */
import { randomUUID } from 'node:crypto';
import { mkdir, readdir, readFile, rename } from 'node:fs/promises';
import { join } from 'node:path';
import { UUID_PATTERN } from '../shared/api';
import { removeQuietly, writeFileAtomic } from './fsUtil';

/** What is remembered about a session (`session.json`). */
export interface SessionMeta {
  id: string;
  /** JWT `sub` of the uploader, or null for an anonymous upload. */
  ownerId: string | null;
  /** Original file name (display only). */
  filename: string;
  size: number;
  createdAt: string;
  lastAccessMs: number;
  taskType: string | null;
  deploymentTarget: string | null;
  selectedModelId: string | null;
  /** Scores of the models the last `/recommend` ranked, by model id (absent in sessions from older versions). */
  modelScores?: Record<string, number>;
  /** File name of the latest notebook inside the session directory. */
  notebookFile: string | null;
  downloadToken: string | null;
  downloadTokenExpiresMs: number;
}

/** Limits of the store. */
export interface SessionStoreOptions {
  ttlMs: number;
  maxSessions: number;
  now?: () => number;
}

const META = 'session.json';
const DATASET = 'dataset.jsonl';

/** Sessions under one data directory. Create with {@link SessionStore.open}. */
export class SessionStore {
  private readonly sessions = new Map<string, SessionMeta>();
  private readonly removals = new Set<Promise<void>>();
  private readonly now: () => number;

  private constructor(
    private readonly root: string,
    private readonly tmpRoot: string,
    private readonly options: SessionStoreOptions,
  ) {
    this.now = options.now ?? Date.now;
  }

  /** Open (or create) the store, load surviving sessions, drop expired ones and leftover temp files. */
  static async open(dataDir: string, options: SessionStoreOptions): Promise<SessionStore> {
    const store = new SessionStore(join(dataDir, 'sessions'), join(dataDir, 'tmp'), options);
    await removeQuietly(store.tmpRoot);
    await mkdir(store.tmpRoot, { recursive: true, mode: 0o700 });
    await mkdir(store.root, { recursive: true, mode: 0o700 });
    for (const name of await readdir(store.root)) {
      if (!UUID_PATTERN.test(name)) continue;
      try {
        const meta = JSON.parse(await readFile(join(store.root, name, META), 'utf8')) as SessionMeta;
        if (meta.id === name) store.sessions.set(name, meta);
        else await removeQuietly(join(store.root, name));
      } catch {
        // A directory without readable metadata is an upload that never completed.
        await removeQuietly(join(store.root, name));
      }
    }
    await store.sweep();
    return store;
  }

  /** A fresh path for streaming an upload into; the caller removes it on failure. */
  tempPath(): string {
    return join(this.tmpRoot, `${randomUUID()}.part`);
  }

  /** Directory of a session (the id must come from the store or be validated as a UUID). */
  dir(id: string): string {
    return join(this.root, id);
  }

  /** Path of a session's dataset file. */
  datasetPath(id: string): string {
    return join(this.root, id, DATASET);
  }

  /** Number of live sessions. */
  count(): number {
    return this.sessions.size;
  }

  /** Turn a completed upload at `tempFile` into a new session, evicting the least recently used if full. */
  async create(tempFile: string, info: { ownerId: string | null; filename: string; size: number }): Promise<SessionMeta> {
    await this.sweep();
    while (this.sessions.size >= this.options.maxSessions) {
      let oldest: SessionMeta | undefined;
      for (const s of this.sessions.values()) if (!oldest || s.lastAccessMs < oldest.lastAccessMs) oldest = s;
      if (!oldest) break;
      await this.delete(oldest.id);
    }
    const id = randomUUID();
    const now = this.now();
    const meta: SessionMeta = {
      id,
      ownerId: info.ownerId,
      filename: info.filename,
      size: info.size,
      createdAt: new Date(now).toISOString(),
      lastAccessMs: now,
      taskType: null,
      deploymentTarget: null,
      selectedModelId: null,
      notebookFile: null,
      downloadToken: null,
      downloadTokenExpiresMs: 0,
    };
    await mkdir(this.dir(id), { mode: 0o700 });
    await rename(tempFile, this.datasetPath(id));
    // The metadata file is written last: its presence marks a complete session.
    await writeFileAtomic(join(this.dir(id), META), JSON.stringify(meta));
    this.sessions.set(id, meta);
    return meta;
  }

  /**
   * A live session visible to `callerId`, touching its TTL. Unknown, expired and other people's sessions are all
   * `undefined`. Anonymous sessions are visible to every caller.
   */
  get(id: string, callerId: string | null): SessionMeta | undefined {
    const meta = this.sessions.get(id);
    if (!meta) return undefined;
    if (this.isExpired(meta)) {
      const removal = this.delete(id).finally(() => this.removals.delete(removal));
      this.removals.add(removal);
      return undefined;
    }
    if (meta.ownerId !== null && meta.ownerId !== callerId) return undefined;
    meta.lastAccessMs = this.now();
    return meta;
  }

  /** A live session regardless of owner (for checks that do not depend on the caller, e.g. download tokens). */
  peek(id: string): SessionMeta | undefined {
    const meta = this.sessions.get(id);
    return meta && !this.isExpired(meta) ? meta : undefined;
  }

  /** Change a session's metadata and persist it. */
  async update(id: string, patch: Partial<Omit<SessionMeta, 'id' | 'ownerId'>>): Promise<SessionMeta | undefined> {
    const meta = this.sessions.get(id);
    if (!meta) return undefined;
    Object.assign(meta, patch);
    await writeFileAtomic(join(this.dir(id), META), JSON.stringify(meta));
    return meta;
  }

  /**
   * Make `ownerId` the owner of a live session that is anonymous or already theirs (a job is being attached to
   * it); from then on other callers get `undefined` from {@link get}. False when it belongs to someone else.
   */
  async claim(id: string, ownerId: string): Promise<boolean> {
    const meta = this.sessions.get(id);
    if (!meta || (meta.ownerId !== null && meta.ownerId !== ownerId)) return false;
    if (meta.ownerId === ownerId) return true;
    // Set before the write, so a concurrent claim by someone else already sees the owner.
    meta.ownerId = ownerId;
    await writeFileAtomic(join(this.dir(id), META), JSON.stringify(meta));
    return true;
  }

  /** Remove a session and every file in its directory. */
  async delete(id: string): Promise<void> {
    this.sessions.delete(id);
    if (UUID_PATTERN.test(id)) await removeQuietly(this.dir(id));
  }

  /** Drop expired sessions. */
  async sweep(): Promise<number> {
    const expired = [...this.sessions.values()].filter((s) => this.isExpired(s));
    for (const s of expired) await this.delete(s.id);
    await Promise.all(this.removals);
    return expired.length;
  }

  /** Persist last-access times (at shutdown), so TTLs survive a restart. */
  async flush(): Promise<void> {
    for (const meta of this.sessions.values()) {
      await writeFileAtomic(join(this.dir(meta.id), META), JSON.stringify(meta)).catch(() => undefined);
    }
  }

  private isExpired(meta: SessionMeta): boolean {
    return this.now() - meta.lastAccessMs > this.options.ttlMs;
  }
}
