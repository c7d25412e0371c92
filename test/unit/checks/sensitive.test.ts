import assert from 'node:assert/strict';
import { findSensitive, redact, redactionToken } from '../../../src/core/checks/sensitive';
import type { SensitiveKind, SensitiveMatch } from '../../../src/core/checks/sensitive';

/** The matched substrings of one kind, in order. */
function spans(text: string, kind: SensitiveKind): string[] {
  return findSensitive(text)
    .filter((m) => m.kind === kind)
    .map((m) => text.slice(m.start, m.end));
}

/** Asserts `value` is found whole, as the only match, inside a neutral sentence. */
function assertFound(kind: SensitiveKind, value: string): SensitiveMatch {
  const text = `before ${value} after`;
  const all = findSensitive(text);
  assert.equal(all.length, 1, `expected one match in ${JSON.stringify(text)}, got ${JSON.stringify(all)}`);
  const [m] = all;
  assert.equal(m!.kind, kind);
  assert.equal(text.slice(m!.start, m!.end), value);
  return m!;
}

function assertClean(text: string): void {
  assert.deepEqual(findSensitive(text), [], `expected no match in ${JSON.stringify(text)}`);
}

// Built from parts so that secret scanners do not flag this file; the values are random and not real credentials.
const RANDOM_62 = 'Ab3dEf9hIjK1mNoPqR5tUvWxYz012345aB7cD8eF9gH0iJ1kL2mN3oP4qR5sT6uV7wX8yZ9';
const OPENAI_KEY = 'sk-' + 'proj-' + RANDOM_62.slice(0, 48);
const OPENAI_LEGACY_KEY = 'sk-' + RANDOM_62.slice(4, 52);
const ANTHROPIC_KEY = 'sk-' + 'ant-api03-' + RANDOM_62.slice(0, 60) + 'AA';
const AWS_KEY = 'AKIA' + 'IOSFODNN7EXAMPLE';
const GITHUB_KEY = 'ghp' + '_' + RANDOM_62.slice(10, 46);
const GITHUB_PAT = 'github' + '_pat_' + '11ABCDEFG0' + RANDOM_62.slice(0, 40);
const SLACK_KEY = 'xox' + 'b-1234567890-0987654321-' + RANDOM_62.slice(0, 24);
const GOOGLE_KEY = 'AI' + 'za' + RANDOM_62.slice(0, 35);
const STRIPE_KEY = 'sk' + '_live_' + RANDOM_62.slice(0, 24);
const HF_KEY = 'hf' + '_' + RANDOM_62.replace(/\d/g, '').slice(0, 34);
const JWT =
  'eyJ' + 'hbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.' + 'eyJ' + 'zdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4ifQ.' +
  'SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c';

describe('sensitive: findSensitive', () => {
  describe('email', () => {
    it('finds ordinary and RFC-ish addresses', () => {
      assertFound('email', 'john.doe@example.com');
      assertFound('email', 'first.last+tag@mail.example.co.uk');
      assertFound('email', 'o_brien-99@sub-domain.example.org');
      assertFound('email', 'X%Y@EXAMPLE.IO');
    });

    it('stops before sentence punctuation and brackets', () => {
      assert.deepEqual(spans('Write to ann@example.com. Or (bob@example.net)!', 'email'), [
        'ann@example.com',
        'bob@example.net',
      ]);
    });

    it('ignores a@b, decorators, user@host and npm versions', () => {
      assertClean('a@b and x@y');
      assertClean('@Override\npublic void run() {}\n@pytest.mark.parametrize("x", [1])');
      assertClean('ssh deploy@buildhost then root@localhost');
      assertClean('npm i lodash@4.17.21 react@18.2.0 @types/node@20.1.0');
    });

    it('ignores retina image names and matrix products', () => {
      assertClean('<img src="icon@2x.png"> and logo@3x.webp');
      assertClean('h = x@self.weight + b@this.bias');
    });
  });

  describe('phone', () => {
    it('finds common national formats', () => {
      assertFound('phone', '(555) 123-4567');
      assertFound('phone', '555-123-4567');
      assertFound('phone', '555.123.4567');
      assertFound('phone', '020 7946 0958');
      assertFound('phone', '01 23 45 67 89');
      assertFound('phone', '1-555-123-4567');
    });

    it('finds international formats', () => {
      assertFound('phone', '+44 20 7946 0958');
      assertFound('phone', '+1 (555) 123-4567');
      assertFound('phone', '+44 (0)20 7946 0958');
      assertFound('phone', '+49 30 12345678');
      assertFound('phone', '+14155552671');
    });

    it('ignores dates, versions, IP addresses and SSN-shaped numbers', () => {
      assertClean('released 2024-01-15, updated 2023-12-31 10:30');
      assertClean('Windows 10.0.19041.1234, app v1.2.3.4567');
      assertClean('server 192.168.100.200 port 8080');
      assertClean('ssn 123-45-6789');
    });

    it('ignores plain long numbers, thousands groups and short numbers', () => {
      assertClean('ISBN 9780306406157 and order 1234567890');
      assertClean('population 123 456 789 and 12 345 678');
      assertClean('call 555-1234 or +1 555');
      assertClean('+1234567 is too short, 1+23456789012 is arithmetic');
    });

    it('does not match a slice of a longer run of digit groups', () => {
      assertClean('ids 555 123 4567 8901 2345');
    });
  });

  describe('credit-card', () => {
    it('finds Luhn-valid numbers with a known prefix', () => {
      assert.equal(assertFound('credit-card', '4111 1111 1111 1111').label, 'credit card number (Visa)');
      assert.equal(assertFound('credit-card', '5555-5555-5555-4444').label, 'credit card number (Mastercard)');
      assert.equal(assertFound('credit-card', '378282246310005').label, 'credit card number (American Express)');
      assert.equal(assertFound('credit-card', '6011 1111 1111 1117').label, 'credit card number (Discover)');
      assert.equal(assertFound('credit-card', '2221 0000 0000 0009').label, 'credit card number (Mastercard)');
      assertFound('credit-card', '3782 822463 10005');
    });

    it('finds a card inside a longer run of numbers', () => {
      assert.deepEqual(spans('order 12 4111 1111 1111 1111 2024', 'credit-card'), ['4111 1111 1111 1111']);
    });

    it('rejects a Luhn failure (4111 1111 1111 1112)', () => {
      assertClean('card 4111 1111 1111 1112');
      assertClean('card 4111111111111112');
    });

    it('rejects unknown prefixes, wrong brand lengths and odd grouping', () => {
      assertClean('id 1234 5678 9012 3452');
      assertClean('visa-like 411111111111111');
      assertClean('amex-like 3782 8224 6310 0050');
      assertClean('list 41 11 11 11 11 11 11 11');
    });

    it('rejects mixed separators and digits glued to letters', () => {
      assertClean('4111 1111-1111 1111');
      assertClean('x4111111111111111 and 4111111111111111z');
    });
  });

  describe('iban', () => {
    it('finds valid IBANs with and without spaces', () => {
      assert.equal(assertFound('iban', 'DE89 3704 0044 0532 0130 00').label, 'IBAN (DE)');
      assertFound('iban', 'DE89370400440532013000');
      assertFound('iban', 'GB82 WEST 1234 5698 7654 32');
      assertFound('iban', 'NL91 ABNA 0417 1643 00');
      assertFound('iban', 'FR14 2004 1010 0505 0001 3M02 606');
      assertFound('iban', 'CH93 0076 2011 6238 5295 7');
    });

    it('does not swallow a following 4-letter word', () => {
      assert.deepEqual(spans('BE68 5390 0754 7034 THEN done', 'iban'), ['BE68 5390 0754 7034']);
    });

    it('rejects a one-digit change (mod-97 fails)', () => {
      assertClean('DE89 3704 0044 0532 0130 01');
      assertClean('DE88 3704 0044 0532 0130 00');
    });

    it('rejects the wrong length for the country and lower case', () => {
      assertClean('DE89 3704 0044 0532 0130 0');
      assertClean('GB82 WEST 1234 5698 7654 3');
      assertClean('de89 3704 0044 0532 0130 00');
      assertClean('AB12 CDEF GHIJ');
    });
  });

  describe('api-key', () => {
    it('finds provider keys with the provider label', () => {
      assert.equal(assertFound('api-key', OPENAI_KEY).label, 'OpenAI API key');
      assert.equal(assertFound('api-key', OPENAI_LEGACY_KEY).label, 'OpenAI API key');
      assert.equal(assertFound('api-key', ANTHROPIC_KEY).label, 'Anthropic API key');
      assert.equal(assertFound('api-key', AWS_KEY).label, 'AWS access key ID');
      assert.equal(assertFound('api-key', GITHUB_KEY).label, 'GitHub token');
      assert.equal(assertFound('api-key', GITHUB_PAT).label, 'GitHub token');
      assert.equal(assertFound('api-key', SLACK_KEY).label, 'Slack token');
      assert.equal(assertFound('api-key', GOOGLE_KEY).label, 'Google API key');
      assert.equal(assertFound('api-key', STRIPE_KEY).label, 'Stripe live key');
      assert.equal(assertFound('api-key', HF_KEY).label, 'Hugging Face token');
      assert.equal(assertFound('api-key', JWT).label, 'JSON Web Token');
    });

    it('finds a high-entropy value assigned to a secret-looking name', () => {
      const text = 'OPENAI_API_KEY="a8f3c9e1b2d74f6a9c0e5b3d7f1a2c4e"\nclient_secret: Zq81xPw0Lr5tYv3Bn7Mk';
      assert.deepEqual(spans(text, 'api-key'), ['a8f3c9e1b2d74f6a9c0e5b3d7f1a2c4e', 'Zq81xPw0Lr5tYv3Bn7Mk']);
      assert.equal(findSensitive(text)[0]!.label, 'secret in assignment');
    });

    it('ignores placeholders and look-alike words', () => {
      assertClean('export OPENAI_API_KEY=sk-xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx');
      assertClean('the task-based approach is risk-free-and-well-tested-everywhere');
      assertClean('AKIA is a prefix; AKIAshort is not a key; ghp_ alone neither');
      assertClean('hf_hub_download_with_retries_and_a_long_name()');
    });

    it('ignores low-entropy or non-secret assignments', () => {
      assertClean('api_key = "your_api_key_goes_here"');
      assertClean('tokenizer = AutoTokenizer.from_pretrained_v2x; max_tokens=2048');
      assertClean('secret = os.environ["SECRET"]');
      assertClean('password: abcabcabcabc1234');
    });
  });

  describe('private-key', () => {
    const body = 'MIIEpAIBAAKCAQEA3Tz2mr7SZiAMfQyuvBjM9Oi\nZ1BjP5CE/Wm/Rr500PRK+Lh9x5eJPo5CAZ3/ANBE0s\n';

    it('spans a block through its END line', () => {
      const block = `-----BEGIN RSA PRIVATE KEY-----\n${body}-----END RSA PRIVATE KEY-----`;
      const m = assertFound('private-key', block);
      assert.equal(m.label, 'RSA private key');
    });

    it('supports the other key types', () => {
      for (const type of ['', 'EC ', 'OPENSSH ', 'DSA ', 'ENCRYPTED ']) {
        const block = `-----BEGIN ${type}PRIVATE KEY-----\n${body}-----END ${type}PRIVATE KEY-----`;
        assertFound('private-key', block);
      }
    });

    it('spans only the BEGIN line when the END line is missing', () => {
      const text = `key:\n-----BEGIN OPENSSH PRIVATE KEY-----\r\n${body}`;
      assert.deepEqual(spans(text, 'private-key'), ['-----BEGIN OPENSSH PRIVATE KEY-----']);
    });

    it('ignores public keys, certificates and other headers', () => {
      assertClean('-----BEGIN PUBLIC KEY-----\nMIIBIjAN\n-----END PUBLIC KEY-----');
      assertClean('-----BEGIN CERTIFICATE-----\nMIIDdzCC\n-----END CERTIFICATE-----');
      assertClean('-----BEGIN PGP SIGNATURE-----');
      assertClean('the words BEGIN PRIVATE KEY in prose');
    });
  });

  describe('results', () => {
    it('returns [] for empty, short and clean text', () => {
      assertClean('');
      assertClean('hi');
      assertClean('The quick brown fox jumps over the lazy dog in 2024 at 10:30.');
    });

    it('reports UTF-16 offsets after astral characters', () => {
      const text = '😀😀 mail: ann@example.com';
      const [m] = findSensitive(text);
      assert.equal(m!.start, text.indexOf('ann'));
      assert.equal(m!.end, text.length);
    });

    it('sorts matches by start and keeps several kinds', () => {
      const text = `call 555-123-4567, mail ann@example.com, key ${AWS_KEY}, card 4111 1111 1111 1111`;
      const kinds = findSensitive(text).map((m) => m.kind);
      assert.deepEqual(kinds, ['phone', 'email', 'api-key', 'credit-card']);
    });
  });

  describe('overlap resolution', () => {
    it('keeps a private key over the secrets inside it', () => {
      const text = `-----BEGIN PRIVATE KEY-----\nann@example.com ${AWS_KEY}\n-----END PRIVATE KEY-----`;
      const all = findSensitive(text);
      assert.equal(all.length, 1);
      assert.equal(all[0]!.kind, 'private-key');
    });

    it('prefers the provider label over a generic secret assignment', () => {
      const text = `api_key = "${OPENAI_KEY}"`;
      const all = findSensitive(text);
      assert.equal(all.length, 1);
      assert.equal(all[0]!.label, 'OpenAI API key');
      assert.equal(text.slice(all[0]!.start, all[0]!.end), OPENAI_KEY);
    });

    it('prefers the Anthropic label over the OpenAI sk- pattern', () => {
      assert.equal(assertFound('api-key', ANTHROPIC_KEY).label, 'Anthropic API key');
    });

    it('reports a card number once, not also as a phone number', () => {
      const all = findSensitive('pay with 4111-1111-1111-1111 today');
      assert.deepEqual(
        all.map((m) => m.kind),
        ['credit-card'],
      );
    });

    it('never returns overlapping matches', () => {
      const text = `x ${JWT} +44 20 7946 0958 DE89 3704 0044 0532 0130 00 a@example.com ${GITHUB_KEY} 5555555555554444`;
      const all = findSensitive(text);
      assert.ok(all.length >= 5);
      for (let i = 1; i < all.length; i++) assert.ok(all[i - 1]!.end <= all[i]!.start);
    });
  });
});

describe('sensitive: redact', () => {
  it('replaces each match with its kind token', () => {
    const text = `mail ann@example.com, key ${GITHUB_KEY}, card 4111 1111 1111 1111, +44 20 7946 0958`;
    assert.equal(
      redact(text, findSensitive(text)),
      'mail [REDACTED_EMAIL], key [REDACTED_API_KEY], card [REDACTED_CREDIT_CARD], [REDACTED_PHONE]',
    );
  });

  it('redacts IBANs and private keys and keeps surrounding text', () => {
    const text = 'iban DE89 3704 0044 0532 0130 00\n-----BEGIN EC PRIVATE KEY-----\nabc\n-----END EC PRIVATE KEY-----\nbye';
    assert.equal(redact(text, findSensitive(text)), 'iban [REDACTED_IBAN]\n[REDACTED_PRIVATE_KEY]\nbye');
  });

  it('returns the text unchanged without matches', () => {
    assert.equal(redact('nothing here', []), 'nothing here');
  });

  it('accepts unsorted, overlapping and out-of-range matches', () => {
    const text = '0123456789';
    const matches: SensitiveMatch[] = [
      { kind: 'phone', start: 6, end: 99, label: 'Phone number' },
      { kind: 'email', start: 1, end: 3, label: 'Email address' },
      { kind: 'iban', start: 2, end: 5, label: 'IBAN' },
      { kind: 'api-key', start: 4, end: 4, label: 'empty' },
    ];
    assert.equal(redact(text, matches), '0[REDACTED_EMAIL]5[REDACTED_PHONE]');
  });

  it('names every kind in upper snake case', () => {
    const kinds: SensitiveKind[] = ['email', 'phone', 'credit-card', 'iban', 'api-key', 'private-key'];
    assert.deepEqual(kinds.map(redactionToken), [
      '[REDACTED_EMAIL]',
      '[REDACTED_PHONE]',
      '[REDACTED_CREDIT_CARD]',
      '[REDACTED_IBAN]',
      '[REDACTED_API_KEY]',
      '[REDACTED_PRIVATE_KEY]',
    ]);
  });
});

describe('sensitive: adversarial input (1 MB each, must finish: no catastrophic backtracking)', () => {
  const size = 1_000_000;
  const cases: [string, string][] = [
    ['long local part before @', 'a'.repeat(size) + '@'],
    ['long domain after @', 'a@' + 'a'.repeat(size)],
    ['repeated a@', 'a@'.repeat(size / 2)],
    ['endless subdomains', 'a@' + 'a.'.repeat(size / 2)],
    ['digits and spaces', '1 '.repeat(size / 2)],
    ['dash groups', '12-'.repeat(size / 3)],
    ['plus groups', '+1 '.repeat(size / 3)],
    ['parenthesized groups', '(555) '.repeat(size / 6)],
    ['one digit run', '7'.repeat(size)],
    ['IBAN-like groups', 'DE89 '.repeat(size / 5)],
    ['sk- prefixes', 'sk-'.repeat(size / 3)],
    ['JWT-like prefixes', 'eyJ'.repeat(size / 3)],
    ['secret assignments', 'api_key='.repeat(size / 8)],
    ['BEGIN without END', '-----BEGIN PRIVATE KEY-----'.repeat(size / 27)],
  ];
  for (const [name, text] of cases) {
    it(name, () => {
      const all = findSensitive(text);
      assert.ok(Array.isArray(all));
      assert.ok(all.length <= 1, `unexpected matches: ${all.length}`);
    });
  }

  it('a 1 MB message with one secret at the end still finds it', () => {
    const text = 'lorem ipsum 42 '.repeat(size / 15) + ' ann@example.com';
    assert.deepEqual(spans(text, 'email'), ['ann@example.com']);
  });
});
