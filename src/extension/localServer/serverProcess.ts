// Plain helpers of the local server's process control. No `vscode` import: unit-tested under Node.

/** The URL in the line `slmgen serve` prints once it listens ("SLMGEN server listening on http://… (data: …)"). */
export function serverUrlFromLine(line: string): string | undefined {
  return /SLMGEN server listening on (https?:\/\/\S+)/.exec(line)?.[1];
}

/** `slmgen serve` arguments for a host, a port (0: any free port) and a data directory. */
export function serveArgs(cli: string, host: string, port: number, dataDir: string): string[] {
  return [cli, 'serve', '--host', host, '--port', String(port), '--data-dir', dataDir];
}

/** Hosts the extension binds the server to without asking: loopback only. */
export function isLoopbackHost(host: string): boolean {
  return host === '127.0.0.1' || host === 'localhost' || host === '::1' || /^127\.\d+\.\d+\.\d+$/.test(host);
}

/** The last `max` characters of a process's output, for an error message. */
export function outputTail(text: string, max = 400): string {
  const trimmed = text.trim();
  return trimmed.length > max ? `…${trimmed.slice(-max)}` : trimmed;
}
