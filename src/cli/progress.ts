/**
 * A one-line progress bar on stderr, shown only when stderr is a terminal.
 */
import type { CliIo } from './io';

/** Returns a progress callback (or undefined when stderr is not a TTY) and a function that clears the line. */
export function progressBar(io: CliIo, label: string): { onProgress?: (p: { bytes: number; totalBytes: number }) => void; done: () => void } {
  if (!io.isStderrTty) return { done: () => undefined };
  let last = -1;
  return {
    onProgress: ({ bytes, totalBytes }) => {
      const pct = totalBytes ? Math.floor((100 * bytes) / totalBytes) : 100;
      if (pct === last) return;
      last = pct;
      const width = 30;
      const filled = Math.round((width * pct) / 100);
      io.stderr(`\r${label} [${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${pct}%`);
    },
    done: () => {
      if (last >= 0) io.stderr('\r\x1b[K');
    },
  };
}
