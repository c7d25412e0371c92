/**
 * Which documents the language server analyses: JSONL always (language `jsonl`, or a URI ending in `.jsonl` or
 * `.ndjson`), `.json` files only when their path matches the `slmgen.files.jsonArrayGlob` setting. Every other
 * document is left alone: never analysed, never given a diagnostic.
 */
import { JSONL_LANGUAGE_ID } from '../shared/lspProtocol';

/**
 * A glob as a regular expression over a `/`-separated path: `*` and `?` within one path segment, `**` across
 * segments (`**\/` also matches no folder at all), `{a,b}` alternatives (nested allowed), `[abc]` / `[!abc]` classes.
 * A glob that starts with neither `/` nor `**` matches at any depth, as a file name pattern does in editors.
 * Throws on unbalanced braces or brackets.
 */
export function globToRegExp(glob: string): RegExp {
  let out = '';
  let depth = 0;
  for (let i = 0; i < glob.length; i++) {
    const c = glob.charAt(i);
    if (c === '*') {
      if (glob.charAt(i + 1) === '*') {
        i++;
        if (glob.charAt(i + 1) === '/') {
          i++;
          out += '(?:.*/)?';
        } else {
          out += '.*';
        }
      } else {
        out += '[^/]*';
      }
    } else if (c === '?') {
      out += '[^/]';
    } else if (c === '[') {
      const close = glob.indexOf(']', i + 2);
      if (close < 0) throw new Error(`unclosed "[" in glob ${JSON.stringify(glob)}`);
      let body = glob.slice(i + 1, close);
      const negated = body.startsWith('!') || body.startsWith('^');
      if (negated) body = body.slice(1);
      out += `[${negated ? '^' : ''}${body.replace(/[\\\]^]/g, (m) => `\\${m}`)}]`;
      i = close;
    } else if (c === '{') {
      depth++;
      out += '(?:';
    } else if (c === '}' && depth > 0) {
      depth--;
      out += ')';
    } else if (c === ',' && depth > 0) {
      out += '|';
    } else {
      out += c.replace(/[.*+?^${}()|[\]\\/]/g, (m) => `\\${m}`);
    }
  }
  if (depth > 0) throw new Error(`unclosed "{" in glob ${JSON.stringify(glob)}`);
  const anchored = glob.startsWith('/') || glob.startsWith('**');
  return new RegExp(`^${anchored ? '' : '(?:.*/)?'}${out}$`);
}

/** The path of a URI (decoded, `/`-separated), or the URI itself when it cannot be parsed. */
export function uriPath(uri: string): string {
  try {
    return decodeURIComponent(new URL(uri).pathname);
  } catch {
    return uri;
  }
}

/** Whether a document is a dataset the server analyses. */
export function isDatasetDocument(uri: string, languageId: string, jsonArrayGlob: RegExp): boolean {
  if (languageId === JSONL_LANGUAGE_ID) return true;
  const path = uriPath(uri);
  const lower = path.toLowerCase();
  if (lower.endsWith('.jsonl') || lower.endsWith('.ndjson')) return true;
  return lower.endsWith('.json') && jsonArrayGlob.test(path);
}
