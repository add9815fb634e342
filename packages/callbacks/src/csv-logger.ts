import { formatTime } from './format.js';
import type { Callback, TrainState } from './types.js';

/**
 * Options of {@link CSVLogger}.
 *
 * @example
 * ```ts
 * const o: CSVLoggerOptions = { fname: 'runs/history.csv', append: true };
 * ```
 */
export interface CSVLoggerOptions {
  /** The file (default `'history.csv'`). */
  fname?: string;
  /** Add to the file instead of starting it over (default false; a resumed run always appends). */
  append?: boolean;
  /** A clock in milliseconds for the time column (default `performance.now()`). */
  now?: () => number;
}

/**
 * Writes one line per epoch to a CSV file with fastai's columns — `epoch, train_loss, valid_loss`,
 * the metrics, `time` (`mm:ss`) — numbers at full precision, an empty cell for a skipped
 * validation. A new run starts the file over (header first) unless `append`; a resumed run
 * (one starting after epoch 0) appends, so the file holds the whole run. Each line is written
 * when its epoch ends, so a stopped run keeps the lines of its finished epochs. Node only.
 *
 * @example
 * ```ts
 * const log = new CSVLogger({ fname: 'history.csv' });
 * await learn.fitOneCycle(3, 1e-2, { callbacks: [log] });
 * // epoch,train_loss,valid_loss,accuracy,time
 * // 0,0.3051528,0.2310875,0.921,00:05
 * ```
 */
export class CSVLogger implements Callback {
  readonly name = 'csvLogger';
  /** After the callbacks of order 0 (the epoch's values are final). */
  readonly order = 4;
  /** The file written. */
  readonly fname: string;
  /** Whether a new run appends. */
  readonly append: boolean;
  private readonly now: () => number;
  private epochStart = 0;
  private needHeader = true;
  private columns: string[] | undefined;

  /**
   * @param options - File, append, clock.
   * @example
   * ```ts
   * new CSVLogger({ fname: 'history.csv' });
   * ```
   */
  constructor(options: CSVLoggerOptions = {}) {
    this.fname = options.fname ?? 'history.csv';
    if (typeof this.fname !== 'string' || this.fname === '') {
      throw new TypeError('CSVLogger: fname must be a non-empty string');
    }
    this.append = options.append ?? false;
    const perf = (globalThis as { performance?: { now(): number } }).performance;
    this.now = options.now ?? (() => (perf ? perf.now() : Date.now()));
  }

  /**
   * Starts the file over (or, when appending, checks whether it needs a header).
   * @example
   * ```ts
   * await log.onTrainBegin(state);
   * ```
   */
  async onTrainBegin(state: TrainState): Promise<void> {
    const fs = await nodeFs();
    this.columns = undefined;
    if (this.append || state.iteration > 0) {
      const existing = await fs.readFile(this.fname, 'utf8').catch(() => '');
      this.needHeader = existing.length === 0;
      if (!this.needHeader) this.columns = existing.split('\n', 1)[0]!.split(',');
    } else {
      await fs.mkdir(dirOf(this.fname), { recursive: true });
      await fs.writeFile(this.fname, '');
      this.needHeader = true;
    }
  }

  /**
   * Notes when the epoch started.
   * @example
   * ```ts
   * log.onEpochBegin();
   * ```
   */
  onEpochBegin(): void {
    this.epochStart = this.now();
  }

  /**
   * Appends the epoch's line (and the header before the first one).
   * @example
   * ```ts
   * await log.onEpochEnd(state);
   * ```
   */
  async onEpochEnd(state: TrainState): Promise<void> {
    const metricNames = Object.keys(state.metrics);
    const header = ['epoch', 'train_loss', 'valid_loss', ...metricNames, 'time'];
    let text = '';
    if (this.needHeader) {
      text += `${header.join(',')}\n`;
      this.columns = header;
      this.needHeader = false;
    }
    const columns = this.columns ?? header;
    const values: Record<string, string> = {
      epoch: String(state.epoch),
      train_loss: cell(state.trainLoss),
      valid_loss: state.skipValidate ? '' : cell(state.validLoss),
      time: formatTime((this.now() - this.epochStart) / 1000),
    };
    for (const m of metricNames) values[m] = state.skipValidate ? '' : cell(state.metrics[m]!);
    text += `${columns.map((c) => values[c] ?? '').join(',')}\n`;
    await (await nodeFs()).appendFile(this.fname, text);
  }
}

function cell(v: number): string {
  return Number.isNaN(v) ? '' : String(v);
}

function dirOf(path: string): string {
  const i = Math.max(path.lastIndexOf('/'), path.lastIndexOf('\\'));
  return i <= 0 ? (i === 0 ? '/' : '.') : path.slice(0, i);
}

/** node:fs/promises, loaded on first use under a specifier bundlers do not follow. */
async function nodeFs(): Promise<typeof import('node:fs/promises')> {
  const proc = (globalThis as { process?: { versions?: { node?: string } } }).process;
  if (!proc?.versions?.node) throw new Error('CSVLogger writes a file and needs Node.js');
  const specifier = 'node:fs/promises';
  return (await import(/* @vite-ignore */ specifier)) as typeof import('node:fs/promises');
}
