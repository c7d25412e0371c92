/**
 * Small file helpers for the data directory: atomic writes (so a crash or shutdown never leaves half a file) and
 * quiet removal.
 */
import { randomUUID } from 'node:crypto';
import { chmod, lstat, mkdir, readdir, rename, rm, stat, writeFile } from 'node:fs/promises';
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

/**
 * Make `dir` (created if missing) and everything under it private to the owner: directories 700, files 600, whatever
 * the umask or the modes they were created with. Symbolic links are left alone (their targets are not ours).
 */
export async function makePrivateTree(dir: string): Promise<void> {
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const visit = async (path: string): Promise<void> => {
    const info = await lstat(path);
    if (info.isSymbolicLink()) return;
    if (info.isDirectory()) {
      if ((info.mode & 0o777) !== 0o700) await chmod(path, 0o700);
      for (const name of await readdir(path)) await visit(join(path, name));
    } else if ((info.mode & 0o777) !== 0o600) {
      await chmod(path, 0o600);
    }
  };
  await visit(dir);
}

/** A warning when `dir` can be written by its group or by everyone (others could then replace the server's files). */
export async function writableByOthersWarning(dir: string): Promise<string | null> {
  const mode = (await stat(dir)).mode & 0o777;
  if ((mode & 0o022) === 0) return null;
  return `warning: the data directory ${dir} is writable by ${mode & 0o002 ? 'everyone' : 'its group'} (mode ${mode.toString(8)}): others could replace its files; run chmod 700 ${dir}`;
}
