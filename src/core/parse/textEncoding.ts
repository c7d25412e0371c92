/**
 * Detection of text encodings a JSONL reader must refuse: UTF-16 (with or without a byte order mark). JSON text
 * never contains a NUL byte, so ASCII-range characters interleaved with NUL bytes mean UTF-16.
 */

/** A UTF-16 byte order. */
export type Utf16Order = 'utf-16le' | 'utf-16be';

/** The UTF-16 byte order of a file from its first bytes, or null when it is not UTF-16 (UTF-8 or other). */
export function detectUtf16(head: Uint8Array): Utf16Order | null {
  if (head.length < 2) return null;
  const [b0, b1] = [head[0] as number, head[1] as number];
  if (b0 === 0xff && b1 === 0xfe) return 'utf-16le';
  if (b0 === 0xfe && b1 === 0xff) return 'utf-16be';
  if (head.length < 4) return null;
  const [b2, b3] = [head[2] as number, head[3] as number];
  if (b0 !== 0 && b1 === 0 && b2 !== 0 && b3 === 0) return 'utf-16le';
  if (b0 === 0 && b1 !== 0 && b2 === 0 && b3 !== 0) return 'utf-16be';
  return null;
}
