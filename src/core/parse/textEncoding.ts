/**
 * Detection of text encodings a JSONL reader must refuse: UTF-16 and UTF-32 (with or without a byte order mark).
 * JSON text never contains a NUL byte, so a head of mostly ASCII characters each followed (or preceded) by NUL
 * bytes is UTF-16, not a UTF-8 file with an odd first line.
 */

/** An encoding that is not UTF-8 but is recognizable from a file's first bytes. */
export type WideEncoding = 'utf-16le' | 'utf-16be' | 'utf-32le' | 'utf-32be';

/** Display name and `iconv` name of a {@link WideEncoding}. */
export const WIDE_ENCODING_NAMES: Record<WideEncoding, { display: string; iconv: string }> = {
  'utf-16le': { display: 'UTF-16 LE', iconv: 'UTF-16LE' },
  'utf-16be': { display: 'UTF-16 BE', iconv: 'UTF-16BE' },
  'utf-32le': { display: 'UTF-32 LE', iconv: 'UTF-32LE' },
  'utf-32be': { display: 'UTF-32 BE', iconv: 'UTF-32BE' },
};

/** Bytes of the head looked at when there is no byte order mark. */
export const ENCODING_PROBE_BYTES = 4096;

/**
 * The wide encoding of a file from its first bytes (up to {@link ENCODING_PROBE_BYTES}), or null for UTF-8 (or
 * anything else, which the per-line UTF-8 checks report). Without a byte order mark, at least half of the code units
 * in the head must be ASCII with a NUL high byte, and NUL bytes must be (nearly) absent from the other position.
 */
export function detectWideEncoding(head: Uint8Array): WideEncoding | null {
  const n = head.length;
  const b = (i: number): number => head[i] as number;
  if (n >= 4 && b(0) === 0xff && b(1) === 0xfe && b(2) === 0 && b(3) === 0) return 'utf-32le';
  if (n >= 4 && b(0) === 0 && b(1) === 0 && b(2) === 0xfe && b(3) === 0xff) return 'utf-32be';
  if (n >= 2 && b(0) === 0xff && b(1) === 0xfe) return 'utf-16le';
  if (n >= 2 && b(0) === 0xfe && b(1) === 0xff) return 'utf-16be';
  const units = Math.min(n, ENCODING_PROBE_BYTES) >> 1;
  if (units < 2) return null;
  let zeroEven = 0;
  let zeroOdd = 0;
  for (let u = 0; u < units; u++) {
    if (b(2 * u) === 0) zeroEven++;
    if (b(2 * u + 1) === 0) zeroOdd++;
  }
  const few = Math.floor(units / 20);
  if (zeroOdd * 2 >= units && zeroEven <= few) return 'utf-16le';
  if (zeroEven * 2 >= units && zeroOdd <= few) return 'utf-16be';
  return null;
}
