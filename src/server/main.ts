/**
 * Standalone server entry (`dist/server.js`), the same server `slmgen serve` runs; the extension starts it as a
 * child process. Exits 0 after a clean shutdown on SIGINT/SIGTERM, 2 on bad usage, 1 when it cannot start.
 */
import { runServer } from './runServer';

runServer(process.argv.slice(2), process.env, (line) => process.stdout.write(`${line}\n`)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`slmgen server: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  },
);
