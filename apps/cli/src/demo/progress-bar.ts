// A progress bar with a live rate for the payment stream, on stderr. On a
// terminal it redraws one line; elsewhere (a log, CI) it prints a line at each
// quarter so the output stays readable. Silent when disabled (--json).
const WIDTH = 28;
const REDRAW_MS = 100;

export class ProgressBar {
  private done = 0;
  private lastDrawMs = 0;
  private lastQuarter = 0;
  private readonly startedMs = Date.now();

  constructor(
    private readonly label: string,
    private readonly total: number,
    private readonly enabled: boolean,
    private readonly out: NodeJS.WriteStream = process.stderr,
  ) {}

  tick(): void {
    this.done += 1;
    if (!this.enabled) return;
    if (this.out.isTTY) {
      const now = Date.now();
      if (now - this.lastDrawMs >= REDRAW_MS || this.done === this.total) {
        this.lastDrawMs = now;
        this.out.write(`\r${this.line()}`);
      }
    } else {
      const quarter = Math.floor((this.done * 4) / this.total);
      if (quarter > this.lastQuarter) {
        this.lastQuarter = quarter;
        this.out.write(`${this.line()}\n`);
      }
    }
  }

  finish(): void {
    if (this.enabled && this.out.isTTY) this.out.write('\n');
  }

  /** Payments per second since the start. */
  rate(): number {
    const seconds = (Date.now() - this.startedMs) / 1_000;
    return seconds > 0 ? this.done / seconds : 0;
  }

  private line(): string {
    const filled = Math.round((this.done / this.total) * WIDTH);
    const bar = `${'█'.repeat(filled)}${'░'.repeat(WIDTH - filled)}`;
    return `  ${this.label} ${bar} ${String(this.done).padStart(String(this.total).length)}/${this.total}  ${this.rate().toFixed(0)}/s`;
  }
}
