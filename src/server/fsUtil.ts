/**
 * Small file helpers for the data directory: atomic writes (so a crash or shutdown never leaves half a file) and
 * quiet removal.
 */
import { randomUUID } from 'node:crypto';
import { rename, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';

/** Write `data` to `path` through a temporary sibling and a rename. */
export async function writeFileAtomic(path: string, data: string | Uint8Array, mode = 0o600): Promise<void> {
  const tmp = join(dirname(path), `.${randomUUID()}.tmp`);
  try {
    await writeFile(tmp, data, { mode });
    await rename(tmp, path);
  } catch (error) {
    await rm(tmp, { force: true });
    throw error;
  }
}

/** Remove a file or directory tree, ignoring a missing one. */
export async function removeQuietly(path: string): Promise<void> {
  await rm(path, { recursive: true, force: true });
}
