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

/** A compression format recognizable from a file's magic bytes. */
export type Compression = 'gzip' | 'zip' | 'bzip2' | 'xz' | 'zstd';

/** Display name, magic bytes and the command that decompresses each {@link Compression}. */
const COMPRESSIONS: readonly { format: Compression; display: string; magic: readonly number[]; command: string }[] = [
  { format: 'gzip', display: 'gzip', magic: [0x1f, 0x8b], command: 'gunzip -k FILE.gz' },
  { format: 'zip', display: 'zip', magic: [0x50, 0x4b, 0x03, 0x04], command: 'unzip FILE.zip' },
  { format: 'bzip2', display: 'bzip2', magic: [0x42, 0x5a, 0x68], command: 'bunzip2 -k FILE.bz2' },
  { format: 'xz', display: 'xz', magic: [0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00], command: 'unxz -k FILE.xz' },
  { format: 'zstd', display: 'zstd', magic: [0x28, 0xb5, 0x2f, 0xfd], command: 'unzstd FILE.zst' },
];

/** The compression of a file from its first bytes, or null. (No JSON text starts with any of these bytes.) */
export function detectCompression(head: Uint8Array): Compression | null {
  for (const c of COMPRESSIONS) {
    if (head.length >= c.magic.length && c.magic.every((b, i) => head[i] === b)) return c.format;
  }
  return null;
}

/** Why a file cannot be read as a dataset at all, from its first bytes: a wide encoding or a compression. */
export type UnreadableFile = { kind: 'encoding'; encoding: WideEncoding } | { kind: 'compressed'; compression: Compression };

/**
 * The one detector of files no record can be read from (every door uses it: the file analysis, the editor, the
 * server's upload check): compressed (magic bytes), else UTF-16/UTF-32 ({@link detectWideEncoding}); null otherwise.
 */
export function detectUnreadableFile(head: Uint8Array): UnreadableFile | null {
  const compression = detectCompression(head);
  if (compression !== null) return { kind: 'compressed', compression };
  const encoding = detectWideEncoding(head.subarray(0, Math.min(head.length, ENCODING_PROBE_BYTES)));
  return encoding === null ? null : { kind: 'encoding', encoding };
}

/** The one message for a file no record can be read from, with what to do about it. */
export function unreadableFileMessage(file: UnreadableFile): string {
  if (file.kind === 'encoding') {
    const { display, iconv } = WIDE_ENCODING_NAMES[file.encoding];
    return `The file is ${display} encoded; fine-tuning datasets must be UTF-8, so no record can be read. Save it as UTF-8 (VS Code: "Save with Encoding" → UTF-8; shell: iconv -f ${iconv} -t UTF-8).`;
  }
  const c = COMPRESSIONS.find((x) => x.format === file.compression) as (typeof COMPRESSIONS)[number];
  return `The file is ${c.display}-compressed, so no record can be read: decompress it first (shell: ${c.command}) and use the JSONL file inside.`;
}
