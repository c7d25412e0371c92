/**
 * PII and secret detection for dataset text: e-mail addresses, phone numbers, payment card numbers, IBANs, API keys
 * and private-key blocks. It runs on every message of very large datasets, so each kind has a cheap pre-check
 * (an `@`, enough digits, a known key prefix) and every regular expression is anchored by a look-behind that stops
 * it from restarting inside a token, with bounded quantifiers, so scanning stays linear in the text length.
 *
 * Phone rule (documented because it is a judgment call):
 * - international: `+` and a 1–3 digit country code, then groups separated by a space, `-` or `.` (an optional
 *   `(0)`-style area group is allowed), or `+` and 9–15 digits with no separators; 9–15 digits in total;
 * - national: 3–5 digit groups (the first of 1–5 digits, possibly in parentheses; the others of 2–4) with one
 *   consistent separator, 9–11 digits in total; rejected when the shape looks like something else: a date
 *   (`2024-01-15 …`: 4-digit group then a group of at most 2), a thousands-grouped number (`123 456 789`: every group after the first has 3 digits), a US SSN
 *   (`123-45-6789`), dot-separated groups other than `555.123.4567` (versions, IP addresses), or a run that
 *   continues with more digit groups. Plain digit runs without separators are never national phone numbers.
 */
import { ALL_DETECTORS, MAY_EMAIL, MAY_IBAN, MAY_KEY, MAY_NUMBER, MAY_PRIVATE_KEY, MAY_SECRET, sensitiveHints } from '../text/sensitiveHints';

/** The kinds of sensitive content that {@link findSensitive} reports. */
export type SensitiveKind = 'email' | 'phone' | 'credit-card' | 'iban' | 'api-key' | 'private-key';

/**
 * One sensitive span of a text: `[start, end)` in UTF-16 code units, with a human label that reads inside a sentence
 * (capitals only for names and acronyms), such as `OpenAI API key` or `email address`.
 */
export interface SensitiveMatch {
  kind: SensitiveKind;
  start: number;
  end: number;
  label: string;
}

interface Candidate extends SensitiveMatch {
  /** Higher wins when two candidates overlap. */
  rank: number;
}

const KIND_RANK: Record<SensitiveKind, number> = {
  'private-key': 60,
  'api-key': 50,
  iban: 40,
  'credit-card': 30,
  email: 20,
  phone: 10,
};

/**
 * Finds e-mail addresses, phone numbers, card numbers, IBANs, API keys and private keys in `text`.
 * Overlaps are resolved by kind (private key > API key > IBAN > card > e-mail > phone), then by length.
 *
 * @returns matches sorted by `start`, never overlapping; empty for clean text.
 */
export function findSensitive(text: string, options: { precheck?: boolean; hints?: number } = {}): SensitiveMatch[] {
  if (text.length < 6) return [];
  // `precheck: false` runs every detector (tests use it to show the pre-check never hides a match); `hints` are
  // the pre-check's answer when the caller already has it (the text scan computes it on its pass).
  const hints = options.precheck === false ? ALL_DETECTORS : (options.hints ?? sensitiveHints(text));
  if (hints === 0) return [];
  const found: Candidate[] = [];
  if (hints & MAY_PRIVATE_KEY && text.includes('PRIVATE KEY-----')) findPrivateKeys(text, found);
  if (hints & MAY_KEY) findKnownKeys(text, found);
  if (hints & MAY_SECRET) findSecretAssignments(text, found);
  if (hints & MAY_EMAIL) findEmails(text, found);
  if (hints & MAY_NUMBER) {
    findPhones(text, found);
    findCards(text, found);
  }
  if (hints & MAY_IBAN) findIbans(text, found);
  return resolveOverlaps(found);
}

/**
 * Replaces each match with `[REDACTED_<KIND>]` (e.g. `[REDACTED_EMAIL]`, `[REDACTED_API_KEY]`). Matches may come in
 * any order; out-of-range offsets are clamped, and a match overlapping an earlier one only extends what is removed.
 */
export function redact(text: string, matches: readonly SensitiveMatch[]): string {
  const sorted = [...matches].sort((a, b) => a.start - b.start || b.end - a.end);
  let out = '';
  let pos = 0;
  for (const m of sorted) {
    const start = clamp(m.start, 0, text.length);
    const end = clamp(m.end, 0, text.length);
    if (end <= start) continue;
    if (start < pos) {
      pos = Math.max(pos, end);
      continue;
    }
    out += text.slice(pos, start) + redactionToken(m.kind);
    pos = end;
  }
  return out + text.slice(pos);
}

/** The placeholder {@link redact} writes for a kind, e.g. `[REDACTED_CREDIT_CARD]`. */
export function redactionToken(kind: SensitiveKind): string {
  return `[REDACTED_${kind.toUpperCase().replace(/-/g, '_')}]`;
}

function clamp(n: number, lo: number, hi: number): number {
  return Number.isFinite(n) ? Math.min(hi, Math.max(lo, Math.trunc(n))) : lo;
}

function push(found: Candidate[], kind: SensitiveKind, start: number, end: number, label: string, bonus = 0): void {
  found.push({ kind, start, end, label, rank: KIND_RANK[kind] + bonus });
}

// Greedy by rank: a kept match never overlaps another, and `kept` stays sorted by start for the binary search.
function resolveOverlaps(found: Candidate[]): SensitiveMatch[] {
  const byRank = [...found].sort(
    (a, b) => b.rank - a.rank || b.end - b.start - (a.end - a.start) || a.start - b.start,
  );
  const kept: Candidate[] = [];
  for (const c of byRank) {
    let lo = 0;
    let hi = kept.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      const m = kept[mid];
      if (m !== undefined && m.start < c.start) lo = mid + 1;
      else hi = mid;
    }
    const prev = kept[lo - 1];
    const next = kept[lo];
    if ((prev !== undefined && prev.end > c.start) || (next !== undefined && next.start < c.end)) continue;
    kept.splice(lo, 0, c);
  }
  return kept.map(({ kind, start, end, label }) => ({ kind, start, end, label }));
}


const PRIVATE_KEY_BEGIN_RE = /-----BEGIN ((?:RSA |EC |OPENSSH |DSA |ENCRYPTED )?)PRIVATE KEY-----/g;

function findPrivateKeys(text: string, found: Candidate[]): void {
  PRIVATE_KEY_BEGIN_RE.lastIndex = 0;
  let m: RegExpExecArray | null;
  while ((m = PRIVATE_KEY_BEGIN_RE.exec(text)) !== null) {
    const type = m[1] ?? '';
    const beginEnd = m.index + m[0].length;
    const endMarker = `-----END ${type}PRIVATE KEY-----`;
    const endAt = text.indexOf(endMarker, beginEnd);
    let end: number;
    if (endAt >= 0) {
      end = endAt + endMarker.length;
    } else {
      const nl = text.indexOf('\n', beginEnd);
      end = nl < 0 ? text.length : nl;
      if (end > beginEnd && text.charCodeAt(end - 1) === 13) end--;
    }
    const label = type === '' ? 'private key' : `${type.trim()} private key`;
    push(found, 'private-key', m.index, end, label);
    PRIVATE_KEY_BEGIN_RE.lastIndex = end;
  }
}


interface KeyPattern {
  label: string;
  /** The pattern runs only when one of these substrings occurs (case-sensitive). */
  triggers: readonly string[];
  re: RegExp;
  /** Extra check on the matched text, to keep placeholders like `sk-xxxxxxxx…` out. */
  accept?: (token: string) => boolean;
  /** More specific patterns outrank more general ones of the same kind. */
  bonus: number;
}

const KEY_PATTERNS: readonly KeyPattern[] = [
  {
    label: 'Anthropic API key',
    triggers: ['sk-ant-'],
    re: /(?<![\w-])sk-ant-[A-Za-z0-9_-]{20,250}(?![\w-])/g,
    accept: (t) => isTokenLike(t.slice(7)),
    bonus: 3,
  },
  {
    label: 'OpenAI API key',
    triggers: ['sk-'],
    re: /(?<![\w-])sk-(?!ant-)[A-Za-z0-9_-]{20,250}(?![\w-])/g,
    accept: (t) => isTokenLike(t.slice(3)),
    bonus: 2,
  },
  {
    label: 'AWS access key ID',
    triggers: ['AKIA', 'ASIA'],
    re: /(?<![A-Za-z0-9])(?:AKIA|ASIA)[A-Z0-9]{16}(?![A-Za-z0-9])/g,
    bonus: 2,
  },
  {
    label: 'GitHub token',
    triggers: ['ghp_', 'gho_', 'ghu_', 'ghs_', 'ghr_'],
    re: /(?<![\w-])gh[pousr]_[A-Za-z0-9]{36,251}(?![\w-])/g,
    accept: (t) => isTokenLike(t.slice(4)),
    bonus: 2,
  },
  {
    label: 'GitHub token',
    triggers: ['github_pat_'],
    re: /(?<![\w-])github_pat_[A-Za-z0-9_]{22,251}(?![\w-])/g,
    accept: (t) => isTokenLike(t.slice(11)),
    bonus: 2,
  },
  {
    label: 'Slack token',
    triggers: ['xox'],
    re: /(?<![\w-])xox[baprs]-[A-Za-z0-9-]{10,250}(?![\w-])/g,
    accept: (t) => /\d/.test(t),
    bonus: 2,
  },
  {
    label: 'Google API key',
    triggers: ['AIza'],
    re: /(?<![\w-])AIza[0-9A-Za-z_-]{35}(?![\w-])/g,
    bonus: 2,
  },
  {
    label: 'Stripe live key',
    triggers: ['k_live_'],
    re: /(?<![\w-])[sr]k_live_[0-9A-Za-z]{16,247}(?![\w-])/g,
    bonus: 2,
  },
  {
    label: 'Hugging Face token',
    triggers: ['hf_'],
    re: /(?<![\w-])hf_[A-Za-z0-9]{30,100}(?![\w-])/g,
    accept: (t) => isTokenLike(t.slice(3)),
    bonus: 2,
  },
  {
    label: 'JSON Web Token',
    triggers: ['eyJ'],
    re: /(?<![\w-])eyJ[A-Za-z0-9_-]{8,8000}\.eyJ[A-Za-z0-9_-]{8,8000}\.[A-Za-z0-9_-]{8,8000}(?![\w-])/g,
    bonus: 1,
  },
];

// `api_key = "…"`, `"client_secret": "…"`, `AUTH_TOKEN=…`: the value (last capture) is reported if it looks random.
const SECRET_ASSIGNMENT_RE =
  /(?<![A-Za-z0-9])(?:api[_-]?key|api[_-]?secret|secret|access[_-]?token|auth[_-]?token|bearer[_-]?token|private[_-]?key|password|passwd)[A-Za-z0-9_-]{0,24}["']?\s{0,3}[:=]{1,2}>?\s{0,3}["'`]?([A-Za-z0-9_\-+/.~]{16,256}={0,2})(?![A-Za-z0-9_\-+/=.~])/gi;
function findKnownKeys(text: string, found: Candidate[]): void {
  for (const p of KEY_PATTERNS) {
    if (!p.triggers.some((t) => text.includes(t))) continue;
    p.re.lastIndex = 0;
    let m: RegExpExecArray | null;
    while ((m = p.re.exec(text)) !== null) {
      if (p.accept === undefined || p.accept(m[0])) {
        push(found, 'api-key', m.index, m.index + m[0].length, p.label, p.bonus);
      }
    }
  }
}

function findSecretAssignments(text: string, found: Candidate[]): void {
  SECRET_ASSIGNMENT_RE.lastIndex = 0;
  let m: RegExpExecArray | null;
  while ((m = SECRET_ASSIGNMENT_RE.exec(text)) !== null) {
    const value = m[1] ?? '';
    if (!isHighEntropySecret(value)) continue;
    const end = m.index + m[0].length;
    push(found, 'api-key', end - value.length, end, 'secret in assignment');
  }
}

/** Random-looking token body: at least two of lower/upper/digit, and not a one-character filler. */
function isTokenLike(body: string): boolean {
  let classes = 0;
  if (/[a-z]/.test(body)) classes++;
  if (/[A-Z]/.test(body)) classes++;
  if (/\d/.test(body)) classes++;
  return classes >= 2 && new Set(body).size >= 8;
}

// Identifiers like `config.get_token_v2` have letters and a digit too; real secrets have many digits and high
// per-character entropy (random hex ≈ 3.7+ bits, base62 ≈ 4.5+), so require both.
function isHighEntropySecret(value: string): boolean {
  let digits = 0;
  let letters = 0;
  const counts = new Map<string, number>();
  for (const ch of value) {
    if (ch >= '0' && ch <= '9') digits++;
    else if (/[A-Za-z]/.test(ch)) letters++;
    counts.set(ch, (counts.get(ch) ?? 0) + 1);
  }
  if (digits < 2 || letters < 2 || digits / value.length < 0.08) return false;
  let entropy = 0;
  for (const n of counts.values()) {
    const p = n / value.length;
    entropy -= p * Math.log2(p);
  }
  return entropy >= 3.3;
}


// The look-behind keeps the scan from restarting inside a long word, which would make it quadratic.
const EMAIL_RE =
  /(?<![A-Za-z0-9._%+-])[A-Za-z0-9][A-Za-z0-9._%+-]{0,63}@((?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.){1,8})([A-Za-z]{2,24})(?![A-Za-z0-9-]|\.[A-Za-z0-9])/g;

// `icon@2x.png`, `x@self.weight` (Python matmul): file extensions and `self`/`this` receivers are not mail domains.
const FILE_EXTENSIONS = new Set([
  'png', 'jpg', 'jpeg', 'gif', 'svg', 'webp', 'ico', 'bmp', 'tif', 'tiff', 'js', 'mjs', 'cjs', 'ts', 'tsx', 'jsx',
  'css', 'scss', 'less', 'json', 'yaml', 'yml', 'toml', 'md', 'txt', 'py', 'rb', 'rs', 'java', 'kt', 'html', 'htm',
  'xml', 'lock', 'zip', 'gz', 'tar', 'pdf', 'csv', 'jsonl', 'wasm', 'map', 'woff', 'woff2', 'ttf', 'mp3', 'mp4',
]);

function findEmails(text: string, found: Candidate[]): void {
  EMAIL_RE.lastIndex = 0;
  let m: RegExpExecArray | null;
  while ((m = EMAIL_RE.exec(text)) !== null) {
    const domain = (m[1] ?? '').toLowerCase();
    const tld = (m[2] ?? '').toLowerCase();
    if (FILE_EXTENSIONS.has(tld) || domain.startsWith('self.') || domain.startsWith('this.')) continue;
    push(found, 'email', m.index, m.index + m[0].length, 'email address');
  }
}


const PHONE_INTL_RE =
  /(?<![\w+])\+(?:\d{1,3}(?:[ .-]?\(\d{1,4}\)[ .-]?\d{1,12}|[ .-]\d{1,12}){1,7}|\d{9,15})(?![\w+]|[ .-]?\d)/g;
const PHONE_NATIONAL_RE =
  /(?<![\w+.\-/]|\d[ .-])(?:\(\d{2,5}\) ?\d{2,4}|\d{1,5})(?:[ .-]\d{2,4}){1,4}(?!\w|[ .\-/]?\d)/g;

function findPhones(text: string, found: Candidate[]): void {
  PHONE_INTL_RE.lastIndex = 0;
  let m: RegExpExecArray | null;
  while ((m = PHONE_INTL_RE.exec(text)) !== null) {
    const digits = countDigits(m[0]);
    if (digits >= 9 && digits <= 15) push(found, 'phone', m.index, m.index + m[0].length, 'phone number');
  }
  PHONE_NATIONAL_RE.lastIndex = 0;
  while ((m = PHONE_NATIONAL_RE.exec(text)) !== null) {
    if (isNationalPhone(m[0])) push(found, 'phone', m.index, m.index + m[0].length, 'phone number');
  }
}

function countDigits(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 48 && c <= 57) n++;
  }
  return n;
}

function isNationalPhone(s: string): boolean {
  const groups = s.match(/\d+/g) ?? [];
  const sizes = groups.map((g) => g.length);
  const digits = sizes.reduce((a, b) => a + b, 0);
  if (digits < 9 || digits > 11 || groups.length < 3) return false;
  const isParen = s.startsWith('(');
  // Separators between digit groups, ignoring the `) ` that closes a parenthesized area code.
  const seps = (isParen ? s.slice(s.indexOf(')') + 1).trimStart() : s).match(/[ .-]/g) ?? [];
  const sep = seps[0];
  if (sep === undefined || seps.some((c) => c !== sep)) return false;
  if (sep === '.' && sizes.join(',') !== '3,3,4') return false;
  if (isParen) return true;
  const [first = 0, second = 0] = sizes;
  if (first === 4 && second <= 2) return false;
  if (first <= 3 && sizes.slice(1).every((n) => n === 3)) return false;
  if (sep === '-' && sizes.join(',') === '3,2,4') return false;
  return true;
}


// A run of digits with single spaces or dashes; card numbers are then looked for on its group boundaries.
const DIGIT_RUN_RE = /(?<![\w.+-]|\d[ -])\d(?:[ -]?\d){12,60}/g;

function findCards(text: string, found: Candidate[]): void {
  DIGIT_RUN_RE.lastIndex = 0;
  let m: RegExpExecArray | null;
  while ((m = DIGIT_RUN_RE.exec(text)) !== null) {
    const runEnd = m.index + m[0].length;
    if (runEnd < text.length && /\w/.test(text.charAt(runEnd))) continue;
    findCardsInRun(m[0], m.index, found);
  }
}

function findCardsInRun(run: string, offset: number, found: Candidate[]): void {
  const groups: { start: number; end: number }[] = [];
  for (const g of run.matchAll(/\d+/g)) groups.push({ start: g.index, end: g.index + g[0].length });
  let i = 0;
  while (i < groups.length) {
    let matchedTo = -1;
    for (let j = groups.length - 1; j >= i && matchedTo < 0; j--) {
      const slice = groups.slice(i, j + 1);
      const last = slice.length - 1;
      // Printed cards group digits 4-4-4-4, 4-6-5, 4-6-4 …: every group but the last has 4–6 digits.
      const shaped =
        slice.length === 1 || slice.every((g, k) => (k === last ? g.end - g.start <= 6 : g.end - g.start >= 4 && g.end - g.start <= 6));
      const first = slice[0];
      const lastGroup = slice[last];
      if (!shaped || first === undefined || lastGroup === undefined) continue;
      const span = run.slice(first.start, lastGroup.end);
      const sepKinds = new Set(span.replace(/\d/g, ''));
      if (sepKinds.size > 1) continue;
      const digits = span.replace(/\D/g, '');
      if (digits.length < 13 || digits.length > 19 || !passesLuhn(digits)) continue;
      const brand = cardBrand(digits);
      if (brand === undefined) continue;
      push(found, 'credit-card', offset + first.start, offset + lastGroup.end, `credit card number (${brand})`);
      matchedTo = j;
    }
    i = matchedTo >= 0 ? matchedTo + 1 : i + 1;
  }
}

/** Luhn (mod 10) checksum over a string of ASCII digits. */
function passesLuhn(digits: string): boolean {
  let sum = 0;
  let double = false;
  for (let i = digits.length - 1; i >= 0; i--) {
    let d = digits.charCodeAt(i) - 48;
    if (double) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
    double = !double;
  }
  return sum % 10 === 0;
}

function cardBrand(d: string): string | undefined {
  const n = d.length;
  const p2 = Number(d.slice(0, 2));
  const p3 = Number(d.slice(0, 3));
  const p4 = Number(d.slice(0, 4));
  const p6 = Number(d.slice(0, 6));
  if (d.startsWith('4') && (n === 13 || n === 16 || n === 19)) return 'Visa';
  if (((p2 >= 51 && p2 <= 55) || (p4 >= 2221 && p4 <= 2720)) && n === 16) return 'Mastercard';
  if ((p2 === 34 || p2 === 37) && n === 15) return 'American Express';
  const longEnough = n >= 16 && n <= 19;
  if ((p4 === 6011 || p2 === 65 || (p3 >= 644 && p3 <= 649) || (p6 >= 622126 && p6 <= 622925)) && longEnough) {
    return 'Discover';
  }
  if (p4 >= 3528 && p4 <= 3589 && longEnough) return 'JCB';
  if (((p3 >= 300 && p3 <= 305) || p2 === 36 || p2 === 38 || p2 === 39) && n >= 14 && n <= 19) return 'Diners Club';
  if (p2 === 62 && longEnough) return 'UnionPay';
  return undefined;
}


const IBAN_RE = /(?<![A-Za-z0-9])[A-Z]{2}\d{2}(?: ?[A-Z0-9]{4}){2,7}(?: ?[A-Z0-9]{1,4})?(?![A-Za-z0-9])/g;

// IBAN lengths from the SWIFT IBAN registry; other country codes are accepted at 15–34 characters.
const IBAN_LENGTHS: Readonly<Record<string, number>> = {
  AD: 24, AE: 23, AL: 28, AT: 20, AZ: 28, BA: 20, BE: 16, BG: 22, BH: 22, BR: 29, BY: 28, CH: 21, CR: 22, CY: 28,
  CZ: 24, DE: 22, DK: 18, DO: 28, EE: 20, EG: 29, ES: 24, FI: 18, FO: 18, FR: 27, GB: 22, GE: 22, GI: 23, GL: 18,
  GR: 27, GT: 28, HR: 21, HU: 28, IE: 22, IL: 23, IQ: 23, IS: 26, IT: 27, JO: 30, KW: 30, KZ: 20, LB: 28, LC: 32,
  LI: 21, LT: 20, LU: 20, LV: 21, LY: 25, MC: 27, MD: 24, ME: 22, MK: 19, MR: 27, MT: 31, MU: 30, NL: 18, NO: 15,
  PK: 24, PL: 28, PS: 29, PT: 25, QA: 29, RO: 24, RS: 22, SA: 24, SC: 31, SD: 18, SE: 24, SI: 19, SK: 24, SM: 27,
  ST: 25, SV: 28, TL: 23, TN: 24, TR: 26, UA: 29, VA: 22, VG: 24, XK: 20,
};

function findIbans(text: string, found: Candidate[]): void {
  IBAN_RE.lastIndex = 0;
  let m: RegExpExecArray | null;
  while ((m = IBAN_RE.exec(text)) !== null) {
    const s = m[0];
    // A trailing word of 4 capitals/digits can be swallowed as a group, so also try ending at earlier spaces.
    let end = s.length;
    while (end >= 15) {
      const compact = s.slice(0, end).replace(/ /g, '');
      if (isValidIban(compact)) {
        push(found, 'iban', m.index, m.index + end, `IBAN (${s.slice(0, 2)})`);
        break;
      }
      end = s.lastIndexOf(' ', end - 1);
    }
  }
}

function isValidIban(iban: string): boolean {
  const expected = IBAN_LENGTHS[iban.slice(0, 2)];
  if (expected !== undefined ? iban.length !== expected : iban.length < 15 || iban.length > 34) return false;
  const rearranged = iban.slice(4) + iban.slice(0, 4);
  let r = 0;
  for (let i = 0; i < rearranged.length; i++) {
    const c = rearranged.charCodeAt(i);
    r = c <= 57 ? (r * 10 + (c - 48)) % 97 : (r * 100 + (c - 55)) % 97;
  }
  return r === 1;
}
