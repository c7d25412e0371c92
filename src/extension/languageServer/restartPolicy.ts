// How often a crashed language server is restarted. No `vscode` import: unit-tested under Node.

/** A sliding window of crash times: restart while fewer than `max` restarts happened within `windowMs`. */
export class RestartBudget {
  private crashes: number[] = [];

  constructor(
    private readonly max: number,
    private readonly windowMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** Record a crash; true when the server may be restarted once more. */
  recordCrash(): boolean {
    const t = this.now();
    this.crashes = this.crashes.filter((c) => t - c < this.windowMs);
    this.crashes.push(t);
    return this.crashes.length <= this.max;
  }

  /** Crashes within the window (as of the last one). */
  get recentCrashes(): number {
    return this.crashes.length;
  }

  /** Forget past crashes (after a restart the user asked for). */
  reset(): void {
    this.crashes = [];
  }
}
