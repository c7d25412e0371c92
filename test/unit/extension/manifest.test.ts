import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { COMMANDS, CONFIG_SECTION } from '../../../src/extension/constants';
import { ServerSettings } from '../../../src/shared/lspProtocol';
import { DEPLOYMENT_CHOICES, NOTEBOOK_DATA_CHOICES, NOTEBOOK_TARGET_CHOICES, TASK_CHOICES } from '../../../src/shared/notebookChoices';

const root = join(__dirname, '../../..');

interface SettingSchema {
  type: string;
  default: unknown;
  enum?: unknown[];
  minimum?: number;
  maximum?: number;
  markdownDescription?: string;
  scope?: string;
}
interface Manifest {
  main: string;
  icon: string;
  activationEvents: string[];
  capabilities: { untrustedWorkspaces: { supported: boolean | string }; virtualWorkspaces: { supported: boolean | string; description?: string } };
  contributes: {
    languages: { id: string; extensions: string[] }[];
    commands: { command: string; title: string; category: string }[];
    configuration: { properties: Record<string, SettingSchema> };
    walkthroughs: { steps: { media: { markdown?: string } }[] }[];
  };
}

const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as Manifest;
const settings = manifest.contributes.configuration.properties;

/** The server's settings as `slmgen.a.b` → default, from the schema itself. */
function serverDefaults(): Map<string, unknown> {
  const out = new Map<string, unknown>();
  const walk = (value: unknown, path: string): void => {
    if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
      for (const [k, v] of Object.entries(value)) walk(v, `${path}.${k}`);
    } else out.set(path, value);
  };
  walk(ServerSettings.parse({}), CONFIG_SECTION);
  return out;
}

/** Parse a settings object with one leaf set. */
function parsesWith(key: string, value: unknown): boolean {
  const parts = key.split('.').slice(1);
  const input: Record<string, unknown> = {};
  let node = input;
  for (const [i, p] of parts.entries()) {
    if (i === parts.length - 1) node[p] = value;
    else node = (node[p] = {}) as Record<string, unknown>;
  }
  return ServerSettings.safeParse(input).success;
}

describe('extension: manifest', () => {
  it('declares every server setting with the server default, range and values', () => {
    const defaults = serverDefaults();
    assert.ok(defaults.size >= 7);
    for (const [key, value] of defaults) {
      const s = settings[key];
      assert.ok(s, `package.json lacks ${key}`);
      assert.deepEqual(s.default, value, `${key} default`);
      for (const v of s.enum ?? []) assert.equal(parsesWith(key, v), true, `${key} accepts ${String(v)}`);
      if (s.enum !== undefined) assert.equal(parsesWith(key, 'not-a-value'), false, `${key} rejects other values`);
      if (s.minimum !== undefined) {
        assert.equal(parsesWith(key, s.minimum), true, `${key} minimum`);
        assert.equal(parsesWith(key, s.minimum - (s.type === 'integer' ? 1 : 0.001)), false, `${key} below minimum`);
      }
      if (s.maximum !== undefined) {
        assert.equal(parsesWith(key, s.maximum), true, `${key} maximum`);
        assert.equal(parsesWith(key, s.maximum + (s.type === 'integer' ? 1 : 0.001)), false, `${key} above maximum`);
      }
      if (s.type === 'integer') assert.equal(parsesWith(key, 1.5), false, `${key} is an integer`);
      if (typeof value === 'number') assert.ok(s.minimum !== undefined && s.maximum !== undefined, `${key} has a range`);
    }
  });

  it('gives every setting a markdown description and a scope', () => {
    const allowedScopes = ['application', 'machine', 'machine-overridable', 'window', 'resource', 'language-overridable'];
    for (const [key, s] of Object.entries(settings)) {
      assert.match(key, /^slmgen\.[a-z]+\.[a-zA-Z]+$/, key);
      assert.ok((s.markdownDescription ?? '').length > 20, `${key} markdownDescription`);
      assert.ok(allowedScopes.includes(s.scope ?? ''), `${key} scope`);
    }
    assert.deepEqual(settings['slmgen.trace.server']?.enum, ['off', 'messages', 'verbose']);
    assert.deepEqual(settings['slmgen.notebook.defaultTask']?.enum, TASK_CHOICES.map((c) => c.id));
    assert.deepEqual(settings['slmgen.notebook.defaultDeployment']?.enum, DEPLOYMENT_CHOICES.map((c) => c.id));
    assert.deepEqual(settings['slmgen.notebook.defaultTarget']?.enum, NOTEBOOK_TARGET_CHOICES.map((c) => c.id));
    assert.deepEqual(settings['slmgen.notebook.data']?.enum, NOTEBOOK_DATA_CHOICES.map((c) => c.id));
    assert.equal(settings['slmgen.notebook.data']?.default, 'embed');
    assert.equal(settings['slmgen.files.jsonArrayGlob']?.type, 'string');
  });

  it('declares exactly the commands the extension registers, in the SLMGEN category', () => {
    const declared = manifest.contributes.commands.map((c) => c.command).sort();
    assert.deepEqual(declared, Object.values(COMMANDS).sort());
    for (const c of manifest.contributes.commands) {
      assert.equal(c.category, 'SLMGEN', c.command);
      assert.match(c.command, /^slmgen\.[a-z]+[A-Z][a-zA-Z]*$/, c.command);
      assert.ok(c.title.length > 0 && !c.title.startsWith('SLMGEN'), c.command);
    }
    const register = readFileSync(join(root, 'src/extension/commands/registerCommands.ts'), 'utf8');
    for (const key of Object.keys(COMMANDS)) assert.ok(register.includes(`COMMANDS.${key},`), `registerCommands registers ${key}`);
  });

  it('activates on JSON Lines only, adds .ndjson to it, and states its workspace capabilities', () => {
    // The read-only Dataset Editor panel (files read from disk) is restored after a reload by its serializer.
    assert.deepEqual(manifest.activationEvents, ['onLanguage:jsonl', 'onUri', 'onWebviewPanel:slmgen.datasetViewer', 'onWebviewPanel:slmgen.recommendPanel']);
    assert.deepEqual(manifest.contributes.languages, [{ id: 'jsonl', extensions: ['.ndjson'] }]);
    assert.equal(manifest.main, './dist/extension.js');
    assert.equal(manifest.capabilities.untrustedWorkspaces.supported, true);
    assert.equal(manifest.capabilities.virtualWorkspaces.supported, false);
  });

  it('ships an icon, the walkthrough pages and an allowlist .vscodeignore', () => {
    const icon = readFileSync(join(root, manifest.icon));
    assert.equal(icon.subarray(1, 4).toString('latin1'), 'PNG');
    assert.equal(icon.readUInt32BE(16), 128);
    assert.equal(icon.readUInt32BE(20), 128);
    for (const step of manifest.contributes.walkthroughs[0]?.steps ?? []) {
      assert.ok(step.media.markdown !== undefined && existsSync(join(root, step.media.markdown)), step.media.markdown);
    }
    const ignore = readFileSync(join(root, '.vscodeignore'), 'utf8').split('\n').filter((l) => l.trim() !== '' && !l.startsWith('#'));
    assert.equal(ignore[0], '**');
    for (const needed of ['dist/extension.js', 'dist/lsp.js', 'dist/worker.js', 'dist/fileWorker.js', 'dist/documentWorker.js', 'dist/tiktoken_bg.wasm', 'dist/encoders/**', 'media/**', 'package.json', 'LICENSE']) {
      assert.ok(ignore.includes(`!${needed}`), needed);
    }
  });

  it('ships every worker bundle the code starts (a worker file missing from the .vsix fails at run time only)', () => {
    const started = new Set<string>();
    const walk = (dir: string): void => {
      for (const entry of readdirSync(dir, { withFileTypes: true })) {
        const path = join(dir, entry.name);
        if (entry.isDirectory()) walk(path);
        else if (entry.name.endsWith('.ts')) for (const m of readFileSync(path, 'utf8').matchAll(/'(\w*[wW]orker\.js)'/g)) started.add(m[1]!);
      }
    };
    walk(join(root, 'src'));
    assert.ok(started.has('modelTokenWorker.js') && started.has('documentWorker.js'), `found ${[...started].join(', ')}`);
    const ignore = readFileSync(join(root, '.vscodeignore'), 'utf8').split('\n');
    for (const bundle of started) assert.ok(ignore.includes(`!dist/${bundle}`), `.vscodeignore lets dist/${bundle} into the .vsix`);
  });
});
