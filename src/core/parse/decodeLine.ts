/**
 * UTF-8 decoding of one line, locating the first invalid byte when the line is not valid UTF-8.
 */

// ignoreBOM keeps a stray U+FEFF in the text, so columns match the bytes (the splitter strips the real BOM).
const strictDecoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
const lenientDecoder = new TextDecoder('utf-8', { ignoreBOM: true });

/** Where a line's first invalid UTF-8 sequence starts: byte offset in the line, and UTF-16 column in the text. */
export interface InvalidUtf8 {
  byte: number;
  character: number;
}

/** A decoded line. `invalidUtf8` is set when the bytes were not valid UTF-8 (the text then has U+FFFD in place). */
export interface DecodedLine {
  text: string;
  invalidUtf8?: InvalidUtf8;
}

/** Decode a line's bytes as UTF-8; invalid sequences become U+FFFD and the first one is located. */
export function decodeLine(bytes: Uint8Array): DecodedLine {
  try {
    return { text: strictDecoder.decode(bytes) };
  } catch {
    const found = findInvalidUtf8(bytes);
    const byte = found < 0 ? 0 : found;
    const character = lenientDecoder.decode(bytes.subarray(0, byte)).length;
    return { text: lenientDecoder.decode(bytes), invalidUtf8: { byte, character } };
  }
}

/**
 * Offset of the first byte that starts an invalid UTF-8 sequence (WHATWG rules: no overlongs, no surrogates, nothing
 * above U+10FFFF, no truncated sequences), or -1 when the bytes are valid.
 */
export function findInvalidUtf8(bytes: Uint8Array): number {
  const n = bytes.length;
  let i = 0;
  while (i < n) {
    const b = bytes[i] as number;
    if (b < 0x80) {
      i++;
      continue;
    }
    let need: number;
    let lo = 0x80;
    let hi = 0xbf;
    if (b >= 0xc2 && b <= 0xdf) need = 1;
    else if (b === 0xe0) {
      need = 2;
      lo = 0xa0;
    } else if (b === 0xed) {
      need = 2;
      hi = 0x9f;
    } else if (b >= 0xe1 && b <= 0xef) need = 2;
    else if (b === 0xf0) {
      need = 3;
      lo = 0x90;
    } else if (b >= 0xf1 && b <= 0xf3) need = 3;
    else if (b === 0xf4) {
      need = 3;
      hi = 0x8f;
    } else return i;
    for (let k = 1; k <= need; k++) {
      const c = bytes[i + k];
      const min = k === 1 ? lo : 0x80;
      const max = k === 1 ? hi : 0xbf;
      if (c === undefined || c < min || c > max) return i;
    }
    i += need + 1;
  }
  return -1;
}

/** True for an empty or whitespace-only line (JavaScript's `\s`, which includes U+00A0 and U+FEFF). */
export function isBlank(text: string): boolean {
  return !/\S/.test(text);
}
