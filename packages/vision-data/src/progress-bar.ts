/**
 * A one-line text progress bar for downloads, redrawn in place (`\r`) on a TTY stream at most
 * every 100 ms.
 *
 * @example
 * ```ts
 * const bar = new ProgressBar('mnist_sample.tgz', process.stderr);
 * bar.update(1_000_000, 4_300_000);
 * bar.done();
 * ```
 */
export class ProgressBar {
  private last = 0;
  private drawn = false;

  constructor(
    private readonly label: string,
    private readonly stream: NodeJS.WritableStream,
    private readonly width = 30,
  ) {}

  /** Shows `received` of `total` bytes (`total` 0 or undefined: unknown). */
  update(received: number, total?: number): void {
    const now = Date.now();
    if (now - this.last < 100 && received !== total) return;
    this.last = now;
    this.stream.write(`\r${formatProgress(this.label, received, total, this.width)}`);
    this.drawn = true;
  }

  /** Ends the line. */
  done(): void {
    if (this.drawn) this.stream.write('\n');
    this.drawn = false;
  }
}

/**
 * The text of a progress line.
 *
 * @example
 * ```ts
 * formatProgress('a.tgz', 50, 100, 10); // 'a.tgz [#####.....]  50% 0.0/0.0 MB'
 * ```
 */
export function formatProgress(
  label: string,
  received: number,
  total: number | undefined,
  width = 30,
): string {
  const mb = (b: number): string => (b / 1e6).toFixed(1);
  if (!total) return `${label} ${mb(received)} MB`;
  const frac = Math.min(1, received / total);
  const fill = Math.round(frac * width);
  const pct = `${Math.round(frac * 100)}`.padStart(3);
  return `${label} [${'#'.repeat(fill)}${'.'.repeat(width - fill)}] ${pct}% ${mb(received)}/${mb(total)} MB`;
}
