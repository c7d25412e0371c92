// Debian's Chromium driven by playwright-core (no browser download: TESTING.md §3). The browser is started through
// launchServer so that its pid, which leads its own process group, is known and can be killed on any way out.
import type { Browser } from 'playwright-core';
import { chromium } from 'playwright-core';
import type { Cleanup } from './processCleanup';
import { killGroup } from './processCleanup';

/** Debian's package path; SLMGEN_CHROMIUM overrides it (another Chromium build). */
export const CHROMIUM_PATH = process.env.SLMGEN_CHROMIUM ?? '/usr/bin/chromium';

/** Without the background-networking flags Chromium floods the closed network with requests. */
const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export interface LaunchedChromium {
  browser: Browser;
  pgid: number;
}

/** Launches headless Chromium and registers its graceful close and its group kill with `cleanup`. */
export async function launchChromium(cleanup: Cleanup): Promise<LaunchedChromium> {
  const server = await chromium.launchServer({ executablePath: CHROMIUM_PATH, headless: true, args: CHROMIUM_ARGS }).catch((error: unknown) => {
    const hint = `is Debian's chromium installed (bash scripts/setup-system.sh)? ${CHROMIUM_PATH}`;
    throw new Error(`Chromium did not start: ${error instanceof Error ? error.message : String(error)}\n${hint}`);
  });
  const pgid = server.process().pid;
  if (pgid === undefined) throw new Error('Chromium started without a pid');
  cleanup.add({
    name: `chromium (group ${pgid})`,
    graceful: () => server.close(),
    immediate: () => void killGroup(pgid, 'SIGKILL'),
  });
  const browser = await chromium.connect(server.wsEndpoint());
  return { browser, pgid };
}
