import { Monitor, type MonitorName } from './monitor.js';
import type { Callback, TrainState } from './types.js';

/**
 * Options of {@link ReduceLROnPlateau}, PyTorch's arguments in camelCase.
 *
 * @example
 * ```ts
 * const o: ReduceLROnPlateauOptions = { monitor: 'validLoss', patience: 2, factor: 0.5, minLr: 1e-5 };
 * ```
 */
export interface ReduceLROnPlateauOptions {
  /** `'validLoss'` (default), `'trainLoss'`, `'smoothLoss'` or a metric name. */
  monitor?: MonitorName;
  /** `'min'` or `'max'`; default `'auto'` (min for losses and errors, max otherwise). */
  mode?: 'auto' | 'min' | 'max';
  /** Epochs without improvement tolerated before the learning rate is reduced (default 10). */
  patience?: number;
  /** The learning rate is multiplied by this, in (0, 1) (default 0.1). */
  factor?: number;
  /** Lower bound of the learning rate, for every group or one per group (default 0). */
  minLr?: number | readonly number[];
  /** How much better a value must be to count as an improvement (default 1e-4). */
  threshold?: number;
  /** `'rel'` (default): better than `best·(1 ∓ threshold)`; `'abs'`: than `best ∓ threshold`. */
  thresholdMode?: 'rel' | 'abs';
  /** Epochs after a reduction during which bad epochs are not counted (default 0). */
  cooldown?: number;
  /** A reduction smaller than this is not applied (default 1e-8). */
  eps?: number;
}

/**
 * Divides the learning rate when the monitored value stops improving, with the semantics of
 * PyTorch's `ReduceLROnPlateau` (fastai's `ReduceLROnPlateau` callback): after more than `patience`
 * epochs without an improvement (by `threshold`, relative or absolute) every group's learning rate
 * becomes `max(lr·factor, minLr)`, then `cooldown` epochs pass before bad epochs count again.
 * Epochs without the value (validation skipped) are not counted. The reduction is a factor on the
 * learning rate the optimizer otherwise has: when a schedule sets the rate every batch (the
 * Learner's `fit` runs a constant one), the factor is applied again before each training batch —
 * at a constant rate this is PyTorch's sequence exactly.
 *
 * @example
 * ```ts
 * await learn.fit(20, 1e-3, { callbacks: [new ReduceLROnPlateau({ patience: 2, factor: 0.5 })] });
 * ```
 */
export class ReduceLROnPlateau implements Callback {
  readonly name = 'reduceLROnPlateau';
  /** After the callbacks of order 0 (a recorder reads the epoch's values first). */
  readonly order = 5;
  /** The monitored quantity (its best value is kept here with PyTorch's threshold rule). */
  readonly tracker: Monitor;
  /** Tolerated epochs without improvement. */
  readonly patience: number;
  /** The reduction factor. */
  readonly factor: number;
  /** The threshold of an improvement. */
  readonly threshold: number;
  /** Relative or absolute threshold. */
  readonly thresholdMode: 'rel' | 'abs';
  /** Epochs of cooldown after a reduction. */
  readonly cooldown: number;
  /** The smallest reduction applied. */
  readonly eps: number;
  private readonly minLr: number | readonly number[];
  /** Epochs since the last improvement (PyTorch's `num_bad_epochs`). */
  numBadEpochs = 0;
  /** Cooldown epochs left. */
  cooldownCounter = 0;
  /** The epochs at which the learning rate was reduced in this run. */
  readonly reductions: number[] = [];
  /** Per group, the product of the reductions so far (empty before the first). */
  private scale: number[] = [];
  /** Per group, the learning rate before the reductions (what the optimizer or a schedule set). */
  private base: number[] = [];
  /** The learning rates this callback set last. */
  private written: number[] | undefined;

  /**
   * @param options - Monitor, mode, patience, factor, minLr, threshold, cooldown.
   * @example
   * ```ts
   * new ReduceLROnPlateau({ monitor: 'accuracy', patience: 1, factor: 0.2 });
   * ```
   */
  constructor(options: ReduceLROnPlateauOptions = {}) {
    this.tracker = new Monitor({ ...options, minDelta: 0 });
    this.patience = options.patience ?? 10;
    if (!Number.isInteger(this.patience) || this.patience < 0) {
      throw new RangeError(`ReduceLROnPlateau: patience must be an integer ≥ 0, got ${options.patience}`);
    }
    this.factor = options.factor ?? 0.1;
    if (!(this.factor > 0 && this.factor < 1)) {
      throw new RangeError(`ReduceLROnPlateau: factor must be in (0, 1), got ${options.factor}`);
    }
    this.threshold = options.threshold ?? 1e-4;
    if (!(this.threshold >= 0 && Number.isFinite(this.threshold))) {
      throw new RangeError(
        `ReduceLROnPlateau: threshold must be a finite number ≥ 0, got ${options.threshold}`,
      );
    }
    this.thresholdMode = options.thresholdMode ?? 'rel';
    if (this.thresholdMode !== 'rel' && this.thresholdMode !== 'abs') {
      throw new RangeError(
        `ReduceLROnPlateau: thresholdMode must be 'rel' or 'abs', got ${String(options.thresholdMode)}`,
      );
    }
    this.cooldown = options.cooldown ?? 0;
    if (!Number.isInteger(this.cooldown) || this.cooldown < 0) {
      throw new RangeError(`ReduceLROnPlateau: cooldown must be an integer ≥ 0, got ${options.cooldown}`);
    }
    this.eps = options.eps ?? 1e-8;
    this.minLr = options.minLr ?? 0;
    const mins = typeof this.minLr === 'number' ? [this.minLr] : this.minLr;
    if (!Array.isArray(mins) || mins.some((m) => !(m >= 0 && Number.isFinite(m)))) {
      throw new RangeError(
        `ReduceLROnPlateau: minLr must be a number ≥ 0 or one per parameter group, got ${JSON.stringify(this.minLr)}`,
      );
    }
  }

  /**
   * Whether `value` beats the best under PyTorch's threshold rule.
   * @example
   * ```ts
   * plateau.isBetter(0.5);
   * ```
   */
  isBetter(value: number): boolean {
    const best = this.tracker.best;
    const t = this.threshold;
    if (this.tracker.mode === 'min')
      return this.thresholdMode === 'rel' ? value < best * (1 - t) : value < best - t;
    return this.thresholdMode === 'rel' ? value > best * (1 + t) : value > best + t;
  }

  /**
   * Starts over: no best value, no bad epochs, no cooldown.
   * @example
   * ```ts
   * plateau.onTrainBegin();
   * ```
   */
  onTrainBegin(): void {
    this.tracker.reset();
    this.numBadEpochs = 0;
    this.cooldownCounter = 0;
    this.reductions.length = 0;
    this.scale = [];
    this.base = [];
    this.written = undefined;
  }

  /**
   * Before a training batch, applies the reductions again if something (a schedule) set the
   * learning rate since.
   * @example
   * ```ts
   * plateau.onBatchBegin(state);
   * ```
   */
  onBatchBegin(state: TrainState): void {
    if (state.train && this.scale.length > 0) this.apply(state);
  }

  /**
   * Counts the epoch as an improvement or not and reduces the learning rate when patience runs out.
   * @example
   * ```ts
   * plateau.onEpochEnd(state);
   * ```
   */
  onEpochEnd(state: TrainState): void {
    const value = this.tracker.read(state);
    if (Number.isNaN(value)) return;
    if (this.isBetter(value)) {
      this.tracker.best = value;
      this.tracker.bestEpoch = state.epoch;
      this.numBadEpochs = 0;
    } else this.numBadEpochs += 1;
    if (this.cooldownCounter > 0) {
      this.cooldownCounter -= 1;
      this.numBadEpochs = 0;
    }
    if (this.numBadEpochs > this.patience) {
      this.reduce(state);
      this.cooldownCounter = this.cooldown;
      this.numBadEpochs = 0;
    }
  }

  /** The lower bounds, one per group. */
  private mins(nGroups: number): number[] {
    const mins =
      typeof this.minLr === 'number' ? new Array<number>(nGroups).fill(this.minLr) : [...this.minLr];
    if (mins.length !== nGroups) {
      throw new RangeError(
        `ReduceLROnPlateau: minLr has ${mins.length} values, the optimizer ${nGroups} parameter groups`,
      );
    }
    return mins;
  }

  /** Notes the unreduced rates (unless the current ones are this callback's own). */
  private readBase(lrs: number[]): void {
    const own = this.written !== undefined && lrs.every((lr, i) => lr === this.written![i]);
    if (!own) this.base = lrs;
  }

  /** Sets `max(base·scale, minLr)` per group. */
  private apply(state: TrainState): void {
    const opt = state.host.opt;
    const lrs = opt.get('lr');
    this.readBase(lrs);
    const mins = this.mins(lrs.length);
    const target = this.base.map((b, i) => Math.max(b * this.scale[i]!, mins[i]!));
    if (target.some((lr, i) => lr !== lrs[i])) opt.set('lr', target);
    this.written = target;
  }

  private reduce(state: TrainState): void {
    const lrs = state.host.opt.get('lr');
    this.readBase(lrs);
    const mins = this.mins(lrs.length);
    if (this.scale.length === 0) this.scale = lrs.map(() => 1);
    let reduced = false;
    this.scale = this.scale.map((s, i) => {
      const now = Math.max(this.base[i]! * s, mins[i]!);
      const next = Math.max(this.base[i]! * s * this.factor, mins[i]!);
      if (now - next <= this.eps) return s;
      reduced = true;
      return s * this.factor;
    });
    if (reduced) {
      this.reductions.push(state.epoch);
      this.apply(state);
    }
  }
}
