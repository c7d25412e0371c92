/**
 * Lone surrogates: a JSON string may spell half of a UTF-16 surrogate pair (`"\ud800"`), which JSON.parse accepts
 * but which is no character: Python refuses to encode it ("surrogates not allowed"), so a notebook holding it fails.
 */

/** Either a surrogate escape, or a raw surrogate code unit without its other half (an editor's text may hold one). */
const CANDIDATE = /\\u[dD][89a-fA-F]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/** A surrogate escape candidate; it is one when an even number of backslashes comes before it. */
const ESCAPE = /\\u([dD][89a-fA-F][0-9a-fA-F]{2})/g;
const LOW_ESCAPE = /\\u[dD][c-fC-F][0-9a-fA-F]{2}/y;
const RAW_LONE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

/** A lone surrogate in a record's source text: its offsets (`end` exclusive) and the escape or unit as written. */
export interface LoneSurrogate {
  start: number;
  end: number;
  written: string;
}

/**
 * The lone surrogates of a record's JSON source text, in order: `\uD800`–`\uDBFF` escapes not followed by a low
 * surrogate escape, `\uDC00`–`\uDFFF` escapes not preceded by a high one, and raw unpaired surrogate code units.
 * Backslashes are counted, so `"\\ud800"` (an escaped backslash, then the letters `ud800`) is not one. At most
 * `max` are kept in `found` (escapes before raw units); `count` counts them all.
 */
export function findLoneSurrogates(text: string, max = Number.POSITIVE_INFINITY): { found: LoneSurrogate[]; count: number } {
  const found: LoneSurrogate[] = [];
  let count = 0;
  if (!CANDIDATE.test(text)) return { found, count };
  ESCAPE.lastIndex = 0;
  for (let m = ESCAPE.exec(text); m !== null; m = ESCAPE.exec(text)) {
    // Backslashes before the match are walked back once each: a run ends at the match or at another character.
    let before = 0;
    while (m.index - before - 1 >= 0 && text.charCodeAt(m.index - before - 1) === 0x5c) before++;
    if (before % 2 === 1) continue;
    const start = m.index;
    const end = start + 6;
    const unit = Number.parseInt(m[1] as string, 16);
    if (unit <= 0xdbff) {
      LOW_ESCAPE.lastIndex = end;
      if (LOW_ESCAPE.test(text)) {
        // A well-formed pair: continue after its low half.
        ESCAPE.lastIndex = end + 6;
        continue;
      }
    }
    if (count++ < max) found.push({ start, end, written: text.slice(start, end) });
  }
  RAW_LONE.lastIndex = 0;
  for (let m = RAW_LONE.exec(text); m !== null; m = RAW_LONE.exec(text)) {
    if (count++ < max) found.push({ start: m.index, end: m.index + 1, written: `U+${text.charCodeAt(m.index).toString(16).toUpperCase()}` });
  }
  return { found: found.sort((a, b) => a.start - b.start), count };
}
