import type { TrainState } from './types.js';

/**
 * What to watch: a loss of the state or a metric name.
 *
 * @example
 * ```ts
 * const m: MonitorName = 'accuracy';
 * ```
 */
export type MonitorName = 'validLoss' | 'trainLoss' | 'smoothLoss' | (string & {});

/**
 * Whether a smaller (`'min'`) or larger (`'max'`) value is better; `'auto'` guesses from the name.
 *
 * @example
 * ```ts
 * const mode: MonitorMode = 'max';
 * ```
 */
export type MonitorMode = 'auto' | 'min' | 'max';

/**
 * Options shared by {@link EarlyStopping} and {@link SaveBestModel}.
 *
 * @example
 * ```ts
 * const m: MonitorOptions = { monitor: 'accuracy', mode: 'max', minDelta: 1e-3 };
 * ```
 */
export interface MonitorOptions {
  /** `'validLoss'` (default), `'trainLoss'`, `'smoothLoss'` or the name of a metric. */
  monitor?: MonitorName;
  /** Default `'auto'`: `'min'` for losses and names containing "loss" or "error", `'max'` otherwise. */
  mode?: MonitorMode;
  /** The smallest change that counts as an improvement (default 0). */
  minDelta?: number;
}

/**
 * Tracks the best value of a monitored quantity over epochs.
 *
 * @example
 * ```ts
 * const m = new Monitor({ monitor: 'validLoss' });
 * m.update(state); // true when the value improved
 * ```
 */
export class Monitor {
  /** The monitored quantity. */
  readonly monitor: MonitorName;
  /** The resolved mode. */
  readonly mode: 'min' | 'max';
  /** The smallest change that counts as an improvement. */
  readonly minDelta: number;
  /** The best value so far (±Infinity before the first). */
  best: number;
  /** The epoch of the best value (−1 before the first). */
  bestEpoch = -1;

  /**
   * @param options - What to monitor and how.
   * @example
   * ```ts
   * new Monitor({ monitor: 'error_rate' }).mode; // 'min'
   * ```
   */
  constructor(options: MonitorOptions = {}) {
    this.monitor = options.monitor ?? 'validLoss';
    if (typeof this.monitor !== 'string' || this.monitor === '') {
      throw new TypeError(
        'monitor must be a non-empty string (validLoss, trainLoss, smoothLoss or a metric)',
      );
    }
    const mode = options.mode ?? 'auto';
    if (mode !== 'auto' && mode !== 'min' && mode !== 'max') {
      throw new RangeError(`mode must be 'auto', 'min' or 'max', got ${String(mode)}`);
    }
    this.mode = mode === 'auto' ? (/loss|error/i.test(this.monitor) ? 'min' : 'max') : mode;
    this.minDelta = Math.abs(options.minDelta ?? 0);
    if (!Number.isFinite(this.minDelta))
      throw new RangeError(`minDelta must be a finite number, got ${options.minDelta}`);
    this.best = this.mode === 'min' ? Number.POSITIVE_INFINITY : Number.NEGATIVE_INFINITY;
  }

  /**
   * Starts over.
   * @example
   * ```ts
   * m.reset();
   * ```
   */
  reset(): void {
    this.best = this.mode === 'min' ? Number.POSITIVE_INFINITY : Number.NEGATIVE_INFINITY;
    this.bestEpoch = -1;
  }

  /**
   * The monitored value in this state (NaN when it is not there this epoch, e.g. validation was skipped).
   * Throws when a metric name is unknown while other metrics are there.
   * @example
   * ```ts
   * m.read(state); // 0.2134
   * ```
   */
  read(state: TrainState): number {
    switch (this.monitor) {
      case 'validLoss':
        return state.skipValidate ? Number.NaN : state.validLoss;
      case 'trainLoss':
        return state.trainLoss;
      case 'smoothLoss':
        return state.smoothLoss;
    }
    if (state.skipValidate) return Number.NaN;
    const v = state.metrics[this.monitor];
    if (v === undefined) {
      const known = Object.keys(state.metrics);
      if (known.length > 0) {
        throw new RangeError(
          `monitor "${this.monitor}" is not a metric of this run; use validLoss, trainLoss, smoothLoss or one of: ${known.join(', ')}`,
        );
      }
      return Number.NaN;
    }
    return v;
  }

  /**
   * Whether `value` beats the best by more than `minDelta`.
   * @example
   * ```ts
   * m.isImprovement(0.1);
   * ```
   */
  isImprovement(value: number): boolean {
    if (Number.isNaN(value)) return false;
    return this.mode === 'min' ? value < this.best - this.minDelta : value > this.best + this.minDelta;
  }

  /**
   * Reads the value and, if it improved, remembers it; returns whether it improved.
   * @example
   * ```ts
   * if (m.update(state)) save();
   * ```
   */
  update(state: TrainState): boolean {
    const v = this.read(state);
    if (!this.isImprovement(v)) return false;
    this.best = v;
    this.bestEpoch = state.epoch;
    return true;
  }
}
