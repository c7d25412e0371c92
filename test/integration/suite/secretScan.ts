// Finds secrets written to disk: every file under some folders is read as raw bytes (SQLite databases such as
// state.vscdb included) and searched for each secret in UTF-8 and in UTF-16LE (how Chromium's storage and some
// databases keep strings).
import { lstatSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/** A file that holds a secret, and which one (by its label, never its value). */
export interface SecretHit {
  path: string;
  secret: string;
}

/**
 * Every regular file under `root`, or `root` itself when it is a file (symbolic links are not followed; a file that
 * vanishes while listed is skipped).
 */
export function filesUnder(root: string): string[] {
  const files: string[] = [];
  if (lstatSync(root, { throwIfNoEntry: false })?.isFile()) return [root];
  const visit = (dir: string): void => {
    let names: string[];
    try {
      names = readdirSync(dir);
    } catch {
      return;
    }
    for (const name of names) {
      const path = join(dir, name);
      let stat;
      try {
        stat = lstatSync(path);
      } catch {
        continue;
      }
      if (stat.isDirectory()) visit(path);
      else if (stat.isFile()) files.push(path);
    }
  };
  visit(root);
  return files;
}

/**
 * The files under `roots` that contain any of `secrets` (label → value). Secrets shorter than 12 characters are
 * refused: a short needle would match by chance and prove nothing.
 */
export function findSecretsOnDisk(roots: readonly string[], secrets: Readonly<Record<string, string>>): { hits: SecretHit[]; scanned: number } {
  const needles = Object.entries(secrets).map(([label, value]) => {
    if (value.length < 12) throw new Error(`the secret "${label}" is too short to search for (${value.length} characters)`);
    return { label, utf8: Buffer.from(value, 'utf8'), utf16: Buffer.from(value, 'utf16le') };
  });
  const hits: SecretHit[] = [];
  let scanned = 0;
  for (const root of roots) {
    for (const path of filesUnder(root)) {
      let bytes: Buffer;
      try {
        bytes = readFileSync(path);
      } catch {
        continue;
      }
      scanned++;
      for (const needle of needles) {
        if (bytes.includes(needle.utf8) || bytes.includes(needle.utf16)) hits.push({ path, secret: needle.label });
      }
    }
  }
  return { hits, scanned };
}
