import { formatStat, formatTime, ResultsTable } from './format.js';
import { barText, ProgressBar } from './progress-bar.js';
import type { Callback, TrainState } from './types.js';

/**
 * Options of {@link ProgressReporter}.
 *
 * @example
 * ```ts
 * const lines: string[] = [];
 * const o: ProgressReporterOptions = { write: (t) => lines.push(t), isTTY: false, metrics: ['accuracy'] };
 * ```
 */
export interface ProgressReporterOptions {
  /** Where the text goes (default `process.stderr.write` in Node; nothing elsewhere). */
  write?: (text: string) => void;
  /** Draw the progress bar (rewritten in place with `\r`); default: whether the default stream is a TTY. */
  isTTY?: boolean;
  /** Characters of the bar (default 30). */
  barWidth?: number;
  /** Redraw the bar at most every so many milliseconds (default 100). */
  minIntervalMs?: number;
  /** The `train_loss` column: `'smooth'` (default, as fastai) or the epoch's `'mean'`. */
  trainLoss?: 'smooth' | 'mean';
  /** Print the results table (default true). */
  table?: boolean;
  /**
   * The metric columns of the results table, in order. Give them when the first epoch may end
   * without validation (a run stopped in its first epoch): the header then still has every column
   * and the row shows `#na#`, as fastai prints. Default: the metrics of the first epoch's row.
   */
  metrics?: readonly string[];
  /** A clock in milliseconds (default `performance.now()`). */
  now?: () => number;
}

interface NodeStream {
  write(text: string): unknown;
  isTTY?: boolean;
}

function defaultStream(): NodeStream | undefined {
  const proc = (globalThis as { process?: { stderr?: NodeStream } }).process;
  return proc?.stderr && typeof proc.stderr.write === 'function' ? proc.stderr : undefined;
}

function defaultNow(): number {
  const perf = (globalThis as { performance?: { now(): number } }).performance;
  return perf ? perf.now() : Date.now();
}

/**
 * Reports training progress as fastai does in a terminal: a progress bar for each epoch (on a TTY,
 * redrawn in place), then one row of the results table per epoch:
 *
 * ```text
 * epoch     train_loss  valid_loss  accuracy  time
 * 1         0.143852    0.085417    0.971541  00:03
 * ```
 *
 * Epochs are numbered from 1, as in fastai v1's table (the state's `epoch` is 0-based).
 *
 * `train_loss` is the smoothed loss at the end of the epoch (as fastai), `#na#` marks a skipped
 * validation. Writes through a `write(text)` function; no Node module is imported, so it runs in
 * browsers too. On `onTrainEnd` it prints the reason a callback stopped the run, if any.
 *
 * @example
 * ```ts
 * await runTrainingLoop({ ...hooks, callbacks: [new ProgressReporter()] });
 * ```
 * @example
 * ```ts
 * const out: string[] = [];
 * new ProgressReporter({ write: (t) => out.push(t), isTTY: false });
 * ```
 */
export class ProgressReporter implements Callback {
  readonly name = 'progressReporter';
  readonly order = 20;
  private readonly write: (text: string) => void;
  private readonly barWidth: number;
  private readonly trainLoss: 'smooth' | 'mean';
  private readonly showTable: boolean;
  private readonly metricNames: readonly string[] | undefined;
  private readonly now: () => number;
  private readonly progressBar: ProgressBar;
  private table: ResultsTable | undefined;
  private epochStart = 0;

  /**
   * @param options - Output function, TTY mode, bar width, train-loss column.
   * @example
   * ```ts
   * new ProgressReporter({ barWidth: 40 });
   * ```
   */
  constructor(options: ProgressReporterOptions = {}) {
    const stream = options.write ? undefined : defaultStream();
    this.write = options.write ?? (stream ? (t: string) => void stream.write(t) : () => {});
    this.barWidth = options.barWidth ?? 30;
    if (!Number.isInteger(this.barWidth) || this.barWidth < 1) {
      throw new RangeError(`ProgressReporter: barWidth must be an integer ≥ 1, got ${options.barWidth}`);
    }
    this.trainLoss = options.trainLoss ?? 'smooth';
    if (this.trainLoss !== 'smooth' && this.trainLoss !== 'mean') {
      throw new RangeError(
        `ProgressReporter: trainLoss must be 'smooth' or 'mean', got ${String(options.trainLoss)}`,
      );
    }
    this.showTable = options.table ?? true;
    this.metricNames = options.metrics ? [...options.metrics] : undefined;
    this.now = options.now ?? defaultNow;
    this.progressBar = new ProgressBar({
      write: this.write,
      isTTY: options.isTTY ?? Boolean(stream?.isTTY),
      minIntervalMs: options.minIntervalMs ?? 100,
      now: this.now,
    });
  }

  /**
   * The bar line for `done` of `total` batches (no `\r`, no newline).
   * @example
   * ```ts
   * reporter.bar(15, 30, 2, 0.25); // '███████████████--------------- 50.00% [15/30 00:02<00:02 0.2500]'
   * ```
   */
  bar(done: number, total: number, elapsedSeconds: number, loss: number): string {
    const frac = total > 0 ? Math.min(1, done / total) : 1;
    const remaining = done > 0 ? (elapsedSeconds / done) * (total - done) : Number.NaN;
    const lossText = Number.isFinite(loss) ? ` ${loss.toFixed(4)}` : '';
    return (
      `${barText(frac, this.barWidth)} ${(frac * 100).toFixed(2)}% ` +
      `[${done}/${total} ${formatTime(elapsedSeconds)}<${formatTime(remaining)}${lossText}]`
    );
  }

  /**
   * Forgets the table of a previous run.
   * @example
   * ```ts
   * reporter.onTrainBegin();
   * ```
   */
  onTrainBegin(): void {
    this.table = undefined;
  }

  /**
   * Starts the epoch's clock.
   * @example
   * ```ts
   * reporter.onEpochBegin();
   * ```
   */
  onEpochBegin(): void {
    this.epochStart = this.now();
    this.progressBar.clear();
  }

  /**
   * Redraws the bar (TTY only, throttled).
   * @example
   * ```ts
   * reporter.onBatchEnd(state);
   * ```
   */
  onBatchEnd(state: TrainState): void {
    if (!state.train) return;
    const done = state.numBatch + 1;
    this.progressBar.update(
      (t) => this.bar(done, state.nBatches, (t - this.epochStart) / 1000, state.smoothLoss),
      done >= state.nBatches,
    );
  }

  /**
   * Writes the epoch's row of the results table (and the header before the first row).
   * @example
   * ```ts
   * reporter.onEpochEnd(state);
   * ```
   */
  onEpochEnd(state: TrainState): void {
    this.progressBar.clear();
    if (!this.showTable) return;
    const metricNames = this.metricNames ?? Object.keys(state.metrics);
    if (!this.table) {
      this.table = new ResultsTable(['epoch', 'train_loss', 'valid_loss', ...metricNames, 'time']);
      this.write(`${this.table.header()}\n`);
    }
    const nMetrics = this.table.columns.length - 4;
    const names = this.table.columns.slice(3, 3 + nMetrics).map((c) => c.trim());
    const valid = !state.skipValidate;
    const row: (number | string)[] = [
      state.epoch + 1,
      this.trainLoss === 'smooth' ? state.smoothLoss : state.trainLoss,
      valid ? state.validLoss : Number.NaN,
      ...names.map((n) => (valid ? (state.metrics[n] ?? Number.NaN) : Number.NaN)),
      formatTime((this.now() - this.epochStart) / 1000),
    ];
    // A metric that is an integer-valued float (e.g. accuracy 1) still gets 6 decimals.
    const cells = row.map((v, i) =>
      i > 0 && typeof v === 'number' && !Number.isNaN(v) ? v.toFixed(6) : formatStat(v),
    );
    this.write(`${this.table.row(cells)}\n`);
  }

  /**
   * Ends the bar line and prints why the run stopped early, if a callback said so.
   * @example
   * ```ts
   * reporter.onTrainEnd(state);
   * ```
   */
  onTrainEnd(state: TrainState): void {
    this.progressBar.clear();
    if (state.stopReason) this.write(`${state.stopReason}\n`);
  }
}
