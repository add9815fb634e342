/**
 * The bar of a progress line: `width` characters, `█` for the part done and `-` for the rest.
 *
 * @example
 * ```ts
 * barText(0.5, 10); // '█████-----'
 * ```
 */
export function barText(fraction: number, width: number): string {
  const frac = Number.isFinite(fraction) ? Math.min(1, Math.max(0, fraction)) : 0;
  const full = Math.round(frac * width);
  return `${'█'.repeat(full)}${'-'.repeat(width - full)}`;
}

/**
 * Options of {@link ProgressBar}.
 *
 * @example
 * ```ts
 * const o: ProgressBarOptions = { write: (t) => process.stderr.write(t), isTTY: process.stderr.isTTY };
 * ```
 */
export interface ProgressBarOptions {
  /** Where the text goes. */
  write: (text: string) => void;
  /** Whether the stream is a terminal: the line is only drawn (and redrawn with `\r`) on one. */
  isTTY: boolean;
  /** Redraw at most every so many milliseconds (default 100). */
  minIntervalMs?: number;
  /** A clock in milliseconds (default `performance.now()`). */
  now?: () => number;
}

function defaultNow(): number {
  const perf = (globalThis as { performance?: { now(): number } }).performance;
  return perf ? perf.now() : Date.now();
}

/**
 * The project's one progress line: redrawn in place (`\r`) on a terminal, at most every
 * `minIntervalMs`, nothing elsewhere. {@link ProgressReporter} draws training epochs with it and
 * the `onecycle` CLI the downloads `untarData` reports through its `progress` callback.
 *
 * @example
 * ```ts
 * const bar = new ProgressBar({ write: (t) => process.stderr.write(t), isTTY: true });
 * bar.update(() => `${barText(0.5, 30)} 50%`);
 * bar.end();
 * ```
 */
export class ProgressBar {
  private readonly write: (text: string) => void;
  private readonly isTTY: boolean;
  private readonly minIntervalMs: number;
  private readonly now: () => number;
  private lastDraw = Number.NEGATIVE_INFINITY;
  private shown = false;

  /**
   * @param options - Output, terminal or not, redraw interval.
   * @example
   * ```ts
   * new ProgressBar({ write: (t) => lines.push(t), isTTY: false });
   * ```
   */
  constructor(options: ProgressBarOptions) {
    this.write = options.write;
    this.isTTY = options.isTTY;
    this.minIntervalMs = options.minIntervalMs ?? 100;
    this.now = options.now ?? defaultNow;
  }

  /**
   * Draws the line `text(now)` returns, unless the last draw was less than `minIntervalMs` ago and
   * `force` is false (pass true for the final state). Off a terminal, does nothing (and does not
   * read the clock).
   * @example
   * ```ts
   * bar.update(() => `${barText(done / total, 30)} ${done}/${total}`, done === total);
   * ```
   */
  update(text: (now: number) => string, force = false): void {
    if (!this.isTTY) return;
    const t = this.now();
    if (!force && t - this.lastDraw < this.minIntervalMs) return;
    this.lastDraw = t;
    this.write(`\r${text(t)}`);
    this.shown = true;
  }

  /**
   * Erases the line (the next text starts on it) and lets the next update draw at once.
   * @example
   * ```ts
   * bar.clear();
   * ```
   */
  clear(): void {
    this.lastDraw = Number.NEGATIVE_INFINITY;
    if (!this.shown) return;
    this.write('\r\x1b[2K');
    this.shown = false;
  }

  /**
   * Ends the line, keeping it on screen.
   * @example
   * ```ts
   * bar.end();
   * ```
   */
  end(): void {
    this.lastDraw = Number.NEGATIVE_INFINITY;
    if (!this.shown) return;
    this.write('\n');
    this.shown = false;
  }
}
