import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { FINDING_CODES } from '../../../src/core/checks/codes';
import { CLI_VERSION } from '../../../src/cli/version';
import { codeDocumentationUrl } from '../../../src/shared/lspProtocol';

const root = join(__dirname, '../../..');

describe('documentation stays true', () => {
  it('README documents every finding code with its severity', () => {
    const readme = readFileSync(join(root, 'README.md'), 'utf8');
    for (const c of FINDING_CODES) assert.ok(readme.includes(`| \`${c.code}\` | ${c.severity} |`), `README misses ${c.code}`);
  });

  it('every diagnostic\'s documentation link points at an anchor in the row of its code', () => {
    const readme = readFileSync(join(root, 'README.md'), 'utf8');
    for (const c of FINDING_CODES) {
      const url = codeDocumentationUrl(c.code);
      assert.ok(url.endsWith(`/README.md#code-${c.code}`), url);
      assert.ok(readme.includes(`| \`${c.code}\` | ${c.severity} | <a id="code-${c.code}"></a>`), `README has no anchor code-${c.code} in its row`);
    }
  });

  it('README starts with the install-and-run and install-and-test commands that .ci/run uses', () => {
    const readme = readFileSync(join(root, 'README.md'), 'utf8');
    const ci = readFileSync(join(root, '.ci/run'), 'utf8');
    const commands = readme.split('```sh')[1]?.split('```')[0]?.split('\n').filter((l) => l.trim() && !l.startsWith('#')) ?? [];
    assert.equal(commands.length, 2);
    assert.ok(ci.includes(commands[1] as string), '.ci/run runs the README test command');
  });

  it('the CLI version matches package.json', () => {
    const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string };
    assert.equal(CLI_VERSION, pkg.version);
  });
});
