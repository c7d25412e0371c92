import assert from 'node:assert/strict';
import { codeInfo, COOKBOOK_KEYS, FINDING_CODES, severityOf } from '../../../src/core/checks/codes';

describe('finding codes', () => {
  it('are unique, kebab-case and fully described', () => {
    const codes = FINDING_CODES.map((c) => c.code);
    assert.equal(new Set(codes).size, codes.length);
    for (const info of FINDING_CODES) {
      assert.match(info.code, /^[a-z0-9]+(-[a-z0-9]+)*$/);
      assert.ok(info.title.length > 0 && info.description.length > 0, info.code);
    }
  });

  it('carry the specified severities', () => {
    assert.equal(severityOf('invalid-json'), 'error');
    assert.equal(severityOf('bom'), 'info');
    assert.equal(severityOf('multiline-record'), 'warning');
    assert.equal(severityOf('role-alias'), 'error');
    assert.equal(severityOf('short-reply'), 'info');
    assert.equal(severityOf('untrimmed-reply'), 'info');
    assert.equal(severityOf('consecutive-same-role'), 'warning');
    assert.equal(severityOf('pii-iban'), 'warning');
    assert.equal(severityOf('secret-private-key'), 'error');
    assert.equal(codeInfo('no-such-code'), undefined);
  });

  it('map to every cookbook format-error key', () => {
    assert.deepEqual(Object.values(COOKBOOK_KEYS).sort(), [
      'data_type',
      'example_missing_assistant_message',
      'message_missing_key',
      'message_unrecognized_key',
      'missing_content',
      'missing_messages_list',
      'unrecognized_role',
    ]);
    for (const code of Object.keys(COOKBOOK_KEYS)) assert.ok(codeInfo(code), code);
  });
});
