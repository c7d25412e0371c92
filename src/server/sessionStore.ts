/**
 * Upload sessions on disk: `<dataDir>/sessions/<uuid>/` holds `session.json`, `dataset.jsonl`, the cached
 * `report.json` and generated notebooks. Sessions have a sliding TTL, a quota per caller and a maximum count.
 * A caller over their quota loses their own least recently used session that has no job; a full store makes room
 * only by evicting anonymous sessions, so nobody's traffic ever evicts a session that has an owner or a job. Removing
 * a session removes its whole directory, notebooks included. Session directories are only ever named by server-made
 * UUIDs, never by user input.
 */
import { randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';
import { mkdir, readdir, readFile, rename } from 'node:fs/promises';
import { join } from 'node:path';
import { UUID_PATTERN } from '../shared/api';
import { removeQuietly, writeFileAtomic } from './fsUtil';
import { HttpError } from './httpError';

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
  /** Who uploaded it, for the per-caller quota: `user:<sub>` or `ip:<address>` (absent in older sessions). */
  uploader?: string;
  /** Secret returned by `/upload` that lets the uploader attach an anonymous session to an account. */
  claimToken?: string | null;
  /** A job refers to the session: it is never evicted (only the TTL or the job's deletion removes it). */
  hasJob?: boolean;
}

/** Limits of the store. */
export interface SessionStoreOptions {
  ttlMs: number;
  maxSessions: number;
  /** Sessions one caller may hold (default: `maxSessions`). */
  maxPerCaller?: number;
  now?: () => number;
}

/** Who is uploading: the key of the per-caller quota. */
export function uploaderKey(ownerId: string | null, address: string): string {
  return ownerId !== null ? `user:${ownerId}` : `ip:${address}`;
}

function secretsEqual(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
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

  /** Sessions one caller may hold. */
  get maxPerCaller(): number {
    return Math.min(this.options.maxPerCaller ?? this.options.maxSessions, this.options.maxSessions);
  }

  /** Refuse early (before an upload is received) when {@link create} could not make room for `uploader`. */
  assertRoom(uploader: string): void {
    this.makeRoom(uploader);
  }

  /** The sessions to evict so that `uploader` can add one, or the HttpError that refuses the upload. */
  private makeRoom(uploader: string): SessionMeta[] {
    const leastRecent = (keep: (s: SessionMeta) => boolean): SessionMeta | undefined => {
      let oldest: SessionMeta | undefined;
      for (const s of this.sessions.values()) if (keep(s) && (!oldest || s.lastAccessMs < oldest.lastAccessMs)) oldest = s;
      return oldest;
    };
    const victims: SessionMeta[] = [];
    const own = [...this.sessions.values()].filter((s) => s.uploader === uploader);
    if (own.length >= this.maxPerCaller) {
      const victim = leastRecent((s) => s.uploader === uploader && s.hasJob !== true);
      if (!victim) {
        throw new HttpError(429, `Too many sessions: each caller may keep ${this.maxPerCaller}, and all of yours have jobs. Delete a job to upload another dataset.`);
      }
      victims.push(victim);
    }
    // A loop: the store can hold more than the maximum after a restart with a lower MAX_SESSIONS.
    while (this.sessions.size - victims.length >= this.options.maxSessions) {
      const victim = leastRecent((s) => s.ownerId === null && s.hasJob !== true && !victims.includes(s));
      if (!victim) {
        throw new HttpError(503, `The server holds its maximum of ${this.options.maxSessions} sessions, none of which may be evicted. Try again later.`, { 'Retry-After': '60' });
      }
      victims.push(victim);
    }
    return victims;
  }

  /**
   * Turn a completed upload at `tempFile` into a new session. Room is made first: over the caller's quota, their own
   * least recently used session without a job goes; in a full store, the least recently used anonymous session goes.
   * When neither can make room the upload is refused (429 over the quota, 503 when the store is full), and nothing
   * is evicted. `uploader` defaults to the owner (or one shared anonymous caller).
   */
  async create(tempFile: string, info: { ownerId: string | null; filename: string; size: number; uploader?: string }): Promise<SessionMeta> {
    await this.sweep();
    const uploader = info.uploader ?? uploaderKey(info.ownerId, 'unknown');
    for (const victim of this.makeRoom(uploader)) await this.delete(victim.id);
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
      uploader,
      claimToken: info.ownerId === null ? randomBytes(32).toString('base64url') : null,
      hasJob: false,
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
   * Attach a job of `ownerId` to a live session: theirs already, or anonymous with its claim token (from `/upload`).
   * From then on the session is theirs (other callers get `undefined` from {@link get}) and is never evicted.
   * `'not-found'`: it belongs to someone else; `'token'`: anonymous, and the claim token is missing or wrong.
   */
  async claim(id: string, ownerId: string, claimToken?: string): Promise<'ok' | 'not-found' | 'token'> {
    const meta = this.sessions.get(id);
    if (!meta || (meta.ownerId !== null && meta.ownerId !== ownerId)) return 'not-found';
    if (meta.ownerId === null) {
      if (claimToken === undefined || !meta.claimToken || !secretsEqual(claimToken, meta.claimToken)) return 'token';
      // Set before the write, so a concurrent claim by someone else already sees the owner.
      meta.ownerId = ownerId;
      meta.claimToken = null;
      // It now counts against its owner's quota, not the anonymous address's.
      meta.uploader = uploaderKey(ownerId, '');
    } else if (meta.hasJob === true) {
      return 'ok';
    }
    meta.hasJob = true;
    await writeFileAtomic(join(this.dir(id), META), JSON.stringify(meta));
    return 'ok';
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
