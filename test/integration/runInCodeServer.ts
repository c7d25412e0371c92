// Runs the extension-host mocha suite inside a real VS Code (code-server 4.139.1 = VS Code 1.139.1) driven by Debian's
// Chromium: the workbench loads our extension(s) and the compiled suite through the smoke-test payload, the host's
// console is printed here, and this process exits with the runner's exit code (TESTING.md §2).
//
//   tsx test/integration/runInCodeServer.ts [--extension PATH]... [--suite DIR] [--workspace DIR]
//       [--screenshot FILE.png] [--timeout SECONDS] [--grep PATTERN] [--verbose]
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { format, parseArgs } from 'node:util';
import { launchChromium } from '../helpers/chromium';
import { repoRoot, startCodeServer, workbenchUrl } from '../helpers/codeServer';
import { Cleanup, trapSignals } from '../helpers/processCleanup';

const LABEL = 'runInCodeServer';
const USAGE = `usage: tsx test/integration/runInCodeServer.ts [options]
  --extension PATH     the extension under development to load (default: the repository root)
  --install PATH       an unpacked extension folder to install beside it (repeatable; e.g. the harness fixture)
  --suite DIR          compiled suite folder holding index.js (default: dist/test/integration/suite)
  --workspace DIR      folder to open (default: a temp copy of test/fixtures/workspace/)
  --screenshot FILE    save a screenshot at the end (a relative path lands in test-artifacts/)
  --timeout SECONDS    how long the suite may run (default: 180)
  --grep PATTERN       run only the tests whose full title matches
  --keep               keep the scratch folder (user data, logs, workspace copy) and print its path
  --verbose            print everything the workbench logs and the browser's console errors`;

interface Options {
  extension: string;
  install: string[];
  suite: string;
  workspace: string | undefined;
  screenshot: string | undefined;
  timeoutSeconds: number;
  grep: string | undefined;
  keep: boolean;
  verbose: boolean;
}

function parseOptions(argv: string[]): Options {
  const { values } = parseArgs({
    args: argv,
    options: {
      extension: { type: 'string' },
      install: { type: 'string', multiple: true },
      suite: { type: 'string' },
      workspace: { type: 'string' },
      screenshot: { type: 'string' },
      timeout: { type: 'string' },
      grep: { type: 'string' },
      keep: { type: 'boolean' },
      verbose: { type: 'boolean' },
      help: { type: 'boolean' },
    },
  });
  if (values.help) {
    console.log(USAGE);
    process.exit(0);
  }
  const timeoutSeconds = Number(values.timeout ?? 180);
  if (!(timeoutSeconds > 0)) throw new Error(`--timeout must be a positive number of seconds, got ${values.timeout}`);
  return {
    extension: resolve(values.extension ?? repoRoot),
    install: (values.install ?? []).map((path) => resolve(path)),
    suite: resolve(values.suite ?? join(repoRoot, 'dist/test/integration/suite')),
    workspace: values.workspace === undefined ? undefined : resolve(values.workspace),
    screenshot: values.screenshot === undefined ? undefined : isAbsolute(values.screenshot) ? values.screenshot : join(repoRoot, 'test-artifacts', values.screenshot),
    timeoutSeconds,
    grep: values.grep,
    keep: values.keep ?? false,
    verbose: values.verbose ?? false,
  };
}

/**
 * What the workbench itself logs on every start here, offline (TESTING.md §1: harmless). The same channel carries
 * the extension host's console, so only these known lines are dropped; --verbose shows everything.
 */
const WORKBENCH_CHATTER = [
  /^Resolv(ing|ed) connection token/,
  /^Creating a socket \(renderer-/,
  /^\[reconnection-grace-time\]/,
  /^Updating additional builtin extensions cache/,
  /^\[Service Worker\] registered/,
  /^\[AgentHost:remote\]/,
  /^\[AccountPolicyGate\]/,
  /^Creation of workbench contribution '.*' took \d+ms/,
  /open-vsx\.org/,
  /authentication provider 'github' to register/,
];

/** The message without the workbench's chatter and without stack frames inside the workbench's own bundle. */
function withoutChatter(text: string): string | undefined {
  if (WORKBENCH_CHATTER.some((pattern) => pattern.test(text))) return undefined;
  return text
    .split('\n')
    .filter((line) => !/^\s+at .*\/static\/out\/vs\//.test(line))
    .join('\n');
}

/**
 * On a failure, the log channels of the extensions under test (a `LogOutputChannel` is a file under
 * logs/<session>/exthost<N>/<extension id>/) and the extension host's own errors: what a person would open first.
 */
function printExtensionLogs(scratchDir: string, extensionFolders: readonly string[]): void {
  const ids = new Set(extensionFolders.map(extensionId).filter((id) => id !== undefined));
  const logsDir = join(scratchDir, 'user-data', 'logs');
  if (!existsSync(logsDir)) return;
  for (const session of readdirSync(logsDir)) {
    for (const host of readdirSync(join(logsDir, session)).filter((name) => name.startsWith('exthost'))) {
      const hostDir = join(logsDir, session, host);
      for (const entry of readdirSync(hostDir)) {
        const path = join(hostDir, entry);
        if (ids.has(entry.toLowerCase()) && statSync(path).isDirectory()) {
          for (const file of readdirSync(path)) printTail(`${entry}/${file}`, readFileSync(join(path, file), 'utf8').split('\n'));
        } else if (entry === 'remoteexthost.log') {
          printTail(`${host}/${entry} (errors)`, readFileSync(path, 'utf8').split('\n').filter((line) => line.includes('[error]')));
        }
      }
    }
  }
}

function printTail(title: string, lines: string[]): void {
  const shown = lines.filter((line) => line.trim() !== '').slice(-60);
  if (shown.length === 0) return;
  console.log(`${LABEL}: --- ${title} (last ${shown.length} lines) ---`);
  for (const line of shown) console.log(`  ${line}`);
}

function extensionId(folder: string): string | undefined {
  try {
    const manifest = JSON.parse(readFileSync(join(folder, 'package.json'), 'utf8')) as { publisher?: string; name?: string };
    return `${manifest.publisher}.${manifest.name}`.toLowerCase();
  } catch {
    return undefined;
  }
}

async function main(): Promise<number> {
  const options = parseOptions(process.argv.slice(2));
  const started = Date.now();
  const elapsed = () => `${((Date.now() - started) / 1000).toFixed(1)} s`;
  for (const extension of [options.extension, ...options.install]) {
    if (!existsSync(join(extension, 'package.json'))) throw new Error(`--extension ${extension}: no package.json there`);
  }
  if (!existsSync(join(options.suite, 'index.js'))) {
    throw new Error(`no ${join(options.suite, 'index.js')}: build the suite first (node scripts/build-integration.mjs)`);
  }

  const cleanup = new Cleanup();
  trapSignals(cleanup, LABEL);
  const scratchDir = mkdtempSync(join(tmpdir(), 'slmgen-code-server-'));
  if (options.keep) console.log(`${LABEL}: scratch folder ${scratchDir} (kept)`);
  else cleanup.add({ name: 'scratch folder', immediate: () => rmSync(scratchDir, { recursive: true, force: true }) });
  try {
    let workspace = options.workspace;
    if (!workspace) {
      workspace = join(scratchDir, 'workspace');
      cpSync(join(repoRoot, 'test/fixtures/workspace'), workspace, { recursive: true });
    }

    const server = await startCodeServer({
      scratchDir,
      workspace,
      cleanup,
      installExtensions: options.install,
      env: options.grep ? { SLMGEN_TEST_GREP: options.grep } : {},
    });
    console.log(`${LABEL}: code-server ${server.version} on ${server.origin} (group ${server.pgid}) after ${elapsed()}`);
    const { browser, pgid } = await launchChromium(cleanup);
    console.log(`${LABEL}: Chromium ${browser.version()} (group ${pgid}) after ${elapsed()}`);

    const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    let finish: (code: number) => void = () => undefined;
    const exitCode = new Promise<number>((resolveExit) => (finish = resolveExit));
    // Both must exist before the workbench loads: it looks for them when the test runner starts.
    await page.exposeFunction('codeAutomationLog', (_type: string, args: unknown[]) => {
      const text = format(...(Array.isArray(args) ? args : [args]));
      const shown = options.verbose ? text : withoutChatter(text);
      if (shown !== undefined) console.log(shown);
    });
    await page.exposeFunction('codeAutomationExit', (code: number) => finish(code));
    if (options.verbose) {
      page.on('pageerror', (error) => console.error(`[browser] ${error.message}`));
      page.on('console', (message) => {
        if (message.type() === 'error') console.error(`[browser] ${message.text()}`);
      });
    }

    // SLMGEN_BROWSER_PROFILE=FILE (used by `npm run bench:editor -- --profile`): a CPU profile of the workbench page.
    const profileFile = process.env.SLMGEN_BROWSER_PROFILE;
    const cdp = profileFile ? await page.context().newCDPSession(page) : undefined;
    if (cdp) {
      await cdp.send('Profiler.enable');
      await cdp.send('Profiler.setSamplingInterval', { interval: 500 });
      await cdp.send('Profiler.start');
    }
    const url = workbenchUrl(server, workspace, options.extension, options.suite);
    const installed = options.install.length > 0 ? ` (installed beside it: ${options.install.join(', ')})` : '';
    console.log(`${LABEL}: extension ${options.extension}${installed}; suite ${options.suite}; workspace ${workspace}`);
    await page.goto(url);

    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<'timeout'>((resolveTimeout) => {
      timer = setTimeout(() => resolveTimeout('timeout'), options.timeoutSeconds * 1000);
    });
    const outcome = await Promise.race([exitCode, timedOut]);
    clearTimeout(timer);
    if (cdp && profileFile) {
      const { profile } = await cdp.send('Profiler.stop');
      writeFileSync(profileFile, JSON.stringify(profile));
      console.log(`${LABEL}: workbench CPU profile ${profileFile}`);
    }

    if (options.screenshot) {
      mkdirSync(dirname(options.screenshot), { recursive: true });
      await page.screenshot({ path: options.screenshot }).then(
        () => console.log(`${LABEL}: screenshot ${options.screenshot}`),
        (error: unknown) => console.error(`${LABEL}: no screenshot: ${error instanceof Error ? error.message : String(error)}`),
      );
    }

    if (outcome !== 0) printExtensionLogs(scratchDir, [options.extension, ...options.install]);
    if (outcome === 'timeout') {
      console.error(
        `${LABEL}: FAILED: the test runner did not finish within ${options.timeoutSeconds} s (codeAutomationExit was never ` +
          'called). Either a test hangs, or the workbench never ran the suite (payload ignored: is ' +
          '--vscode-option enable-smoke-test-driver set? does the suite folder hold index.js exporting run()?).',
      );
      await cleanup.run();
      return 1;
    }
    console.log(`${LABEL}: the extension host's test runner exited with ${outcome} after ${elapsed()}`);
    await cleanup.run();
    return outcome;
  } catch (error) {
    await cleanup.run();
    throw error;
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(`${LABEL}: FAILED: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  },
);
