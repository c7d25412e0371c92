import assert from 'node:assert/strict';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { tokenCommand } from '../../src/cli/commands/token';
import { createTokenVerifier, SUPABASE_AUDIENCE } from '../../src/server/auth/tokenVerifier';
import { LOCAL_ISSUER, loadOrCreateLocalAuth } from '../../src/server/auth/localAuth';
import { parseServerArgs } from '../../src/server/serverArgs';

describe('slmgen token / serve arguments', () => {
  let dir: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'slmgen-token-'));
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('prints a token the local server accepts, with a 0600 secret file', async () => {
    let out = '';
    const code = await tokenCommand(['--data-dir', dir], { stdout: (t) => (out += t), stderr: () => undefined, isStderrTty: false });
    assert.equal(code, 0);
    const auth = await loadOrCreateLocalAuth(dir);
    const verifier = await createTokenVerifier({ mode: 'local', hsSecret: auth.secret, jwksUrl: null, issuer: LOCAL_ISSUER, audience: SUPABASE_AUDIENCE });
    const result = await verifier.verify(out.trim());
    assert.ok(result.ok);
    assert.equal(result.user.id, auth.userId);
    assert.equal((await stat(join(dir, 'auth.json'))).mode & 0o777, 0o600);
  });

  it('bad arguments exit 2', async () => {
    let err = '';
    const code = await tokenCommand(['--bogus'], { stdout: () => undefined, stderr: (t) => (err += t), isStderrTty: false });
    assert.equal(code, 2);
    assert.match(err, /Usage/);
  });

  it('parses serve flags and refuses bad ones', () => {
    assert.deepEqual(parseServerArgs(['--host', '0.0.0.0', '--port=9000', '--data-dir', '/x']), {
      ok: true,
      flags: { host: '0.0.0.0', port: 9000, dataDir: '/x' },
    });
    assert.equal(parseServerArgs(['--port', '70000']).ok, false);
    assert.equal(parseServerArgs(['--what']).ok, false);
  });
});
