import type { Schedule } from '@onecycle/annealing';
import { type Callback, SmoothLoss, type Snapshot, type TrainState } from '@onecycle/callbacks';
import { LRFindResult, type LrFindStop } from './lr-find-result.js';
import { type LRFinderMode, lrFinderSchedule } from './lr-finder-schedule.js';
import { type SuggestOptions, suggestLrs } from './suggest-lrs.js';
import type { SlideOptions } from './suggestion-methods.js';

/**
 * Options of the {@link LRFinder}.
 *
 * @example
 * ```ts
 * const o: LRFinderOptions = { startLr: 1e-6, endLr: 1, numIt: 200, mode: 'exp' };
 * ```
 */
export interface LRFinderOptions {
  /** First learning rate (default 1e-7). */
  startLr?: number;
  /** Learning rate at position numIt (default 10). */
  endLr?: number;
  /** Iterations of the range test (default 100). */
  numIt?: number;
  /** `'exp'` (default) or `'linear'` growth. */
  mode?: LRFinderMode;
  /** Stop when the smoothed loss diverges (> divThreshold × best) or is NaN (default true). */
  stopDiv?: boolean;
  /** The divergence factor (default 4). */
  divThreshold?: number;
  /** Decay of the smoothed loss (default 0.98). */
  beta?: number;
  /** Measure the loss on one validation batch after every iteration (needs `host.validationBatchLoss`). */
  validLoss?: boolean;
  /** Suggestions' window: points left out at the start (default ⌊numIt/10⌋, as fastai). */
  skipStart?: number;
  /** Suggestions' window: points left out at the end (default 5, as fastai). */
  skipEnd?: number;
  /** Options of the slide rule. */
  slide?: SlideOptions;
}

/**
 * How many epochs a loop must be asked for so that the range test can run `numIt` iterations
 * with `nBatches` batches per epoch (the finder stops the loop after `numIt`).
 *
 * @example
 * ```ts
 * lrFindEpochs(100, 30); // 4
 * ```
 */
export function lrFindEpochs(numIt: number, nBatches: number): number {
  if (!Number.isInteger(numIt) || numIt < 1)
    throw new RangeError(`lrFindEpochs: numIt must be an integer ≥ 1, got ${numIt}`);
  if (!Number.isInteger(nBatches) || nBatches < 1) {
    throw new RangeError(`lrFindEpochs: nBatches must be an integer ≥ 1, got ${nBatches}`);
  }
  return Math.ceil(numIt / nBatches);
}

/**
 * The learning-rate range test as a callback (fastai's `LRFinder`). On `onTrainBegin` it takes a
 * snapshot of the model and optimizer (`state.host.snapshot()`) and sets the first learning rate;
 * after each training batch it records the learning rate, the raw and smoothed loss (and the
 * validation-batch loss if asked), then moves to the next learning rate of {@link LRFinder.schedule}. It stops
 * the loop after `numIt` iterations, or earlier when the smoothed loss exceeds `divThreshold`× the
 * best so far or becomes NaN. Validation is skipped. On `onTrainEnd` — also after an error — it
 * restores the snapshot and the optimizer's learning rates, so weights and optimizer state are
 * back bit-for-bit. {@link LRFinder.result} then gives the curve, the suggestions and the plot.
 *
 * @example
 * ```ts
 * const finder = new LRFinder({ numIt: 100 });
 * await runTrainingLoop({ ...hooks, nEpochs: lrFindEpochs(100, nBatches), callbacks: [recorder, finder] });
 * const res = finder.result();
 * res.suggestedLr;      // the valley suggestion
 * res.plot();           // SVG
 * ```
 */
export class LRFinder implements Callback {
  readonly name = 'lrFinder';
  readonly order = 0;
  /** The learning rate of each iteration (see {@link lrFinderSchedule}). */
  readonly schedule: Schedule<number>;
  /** Whether the test stops on divergence. */
  readonly stopDiv: boolean;
  /** The divergence factor. */
  readonly divThreshold: number;
  /** Whether a validation batch is evaluated after each iteration. */
  readonly measureValid: boolean;
  private readonly smooth: SmoothLoss;
  private readonly suggestOptions: SuggestOptions;
  private lrs: number[] = [];
  private losses: number[] = [];
  private rawLosses: number[] = [];
  private validLosses: number[] = [];
  private best = Number.POSITIVE_INFINITY;
  private stoppedBy: LrFindStop = 'stopped';
  private snap: Snapshot | undefined;
  private savedLrs: number[] | undefined;
  private ran = false;

  /**
   * @param options - Sweep range and shape, stopping rule, smoothing, suggestion window.
   * @example
   * ```ts
   * new LRFinder({ startLr: 1e-5, endLr: 1, numIt: 50, mode: 'linear' });
   * ```
   */
  constructor(options: LRFinderOptions = {}) {
    const numIt = options.numIt ?? 100;
    this.schedule = lrFinderSchedule({ ...options, numIt });
    this.stopDiv = options.stopDiv ?? true;
    this.divThreshold = options.divThreshold ?? 4;
    if (!(this.divThreshold > 1) || !Number.isFinite(this.divThreshold)) {
      throw new RangeError(`LRFinder: divThreshold must be a finite number > 1, got ${options.divThreshold}`);
    }
    this.smooth = new SmoothLoss(options.beta ?? 0.98);
    this.measureValid = options.validLoss ?? false;
    this.suggestOptions = {
      skipStart: options.skipStart ?? Math.floor(numIt / 10),
      skipEnd: options.skipEnd ?? 5,
    };
    if (options.slide) this.suggestOptions.slide = options.slide;
    for (const k of ['skipStart', 'skipEnd'] as const) {
      const v = this.suggestOptions[k]!;
      if (!Number.isInteger(v) || v < 0)
        throw new RangeError(`LRFinder: ${k} must be an integer ≥ 0, got ${v}`);
    }
  }

  /**
   * Iterations the range test asks for.
   * @example
   * ```ts
   * finder.numIt; // 100
   * ```
   */
  get numIt(): number {
    return this.schedule.totalSteps;
  }

  /**
   * Snapshots the model and optimizer, sets the first learning rate, skips validation.
   * @example
   * ```ts
   * await finder.onTrainBegin(state);
   * ```
   */
  async onTrainBegin(state: TrainState): Promise<void> {
    if (this.measureValid && typeof state.host.validationBatchLoss !== 'function') {
      throw new Error(
        'LRFinder: validLoss needs a host with validationBatchLoss(); this training loop has none',
      );
    }
    this.lrs = [];
    this.losses = [];
    this.rawLosses = [];
    this.validLosses = [];
    this.best = Number.POSITIVE_INFINITY;
    this.smooth.reset();
    this.stoppedBy = 'stopped';
    this.ran = true;
    this.savedLrs = state.host.opt.get('lr');
    this.snap = await state.host.snapshot();
    state.host.opt.set('lr', this.schedule.at(0));
    state.skipValidate = true;
  }

  /**
   * Keeps validation off.
   * @example
   * ```ts
   * finder.onEpochBegin(state);
   * ```
   */
  onEpochBegin(state: TrainState): void {
    state.skipValidate = true;
  }

  /**
   * Records the iteration, checks the stopping rule, sets the next learning rate.
   * @example
   * ```ts
   * await finder.onBatchEnd(state);
   * ```
   */
  async onBatchEnd(state: TrainState): Promise<void> {
    if (!state.train) return;
    const i = this.lrs.length;
    this.lrs.push(state.host.opt.get('lr')[0] ?? Number.NaN);
    this.rawLosses.push(state.lastLoss);
    const smooth = this.smooth.add(state.lastLoss);
    this.losses.push(smooth);
    if (this.measureValid) this.validLosses.push(await state.host.validationBatchLoss!());
    if (smooth < this.best) this.best = smooth;
    let stop: LrFindStop | undefined;
    if (this.stopDiv && Number.isNaN(smooth)) stop = 'nan';
    else if (this.stopDiv && smooth > this.divThreshold * this.best) stop = 'diverged';
    else if (i + 1 >= this.schedule.totalSteps) stop = 'numIt';
    if (stop) {
      this.stoppedBy = stop;
      state.stopTraining = true;
      state.stopEpoch = true;
      state.skipValidate = true;
      return;
    }
    state.host.opt.set('lr', this.schedule.at(i + 1));
  }

  /**
   * Puts the snapshot and the learning rates back (also after an error) and frees the snapshot.
   * @example
   * ```ts
   * await finder.onTrainEnd(state);
   * ```
   */
  async onTrainEnd(state: TrainState): Promise<void> {
    if (state.error !== undefined) this.stoppedBy = 'error';
    const snap = this.snap;
    this.snap = undefined;
    try {
      if (snap) await snap.restore();
    } finally {
      snap?.dispose();
      if (this.savedLrs) state.host.opt.set('lr', this.savedLrs);
      this.savedLrs = undefined;
    }
  }

  /**
   * The curve, the four suggestions and the plot of the last run.
   * @example
   * ```ts
   * const { suggestions, lrs, losses } = finder.result();
   * ```
   */
  result(): LRFindResult {
    if (!this.ran) throw new Error('LRFinder.result: the range test has not run yet');
    const suggestions = suggestLrs(this.lrs, this.losses, this.suggestOptions);
    return new LRFindResult({
      lrs: this.lrs,
      losses: this.losses,
      rawLosses: this.rawLosses,
      ...(this.measureValid ? { validLosses: this.validLosses } : {}),
      suggestions,
      suggestedLr: suggestions.valley?.lr,
      numIt: this.schedule.totalSteps,
      stoppedBy: this.stoppedBy,
      stoppedEarly: this.stoppedBy !== 'numIt',
      skipStart: this.suggestOptions.skipStart!,
      skipEnd: this.suggestOptions.skipEnd!,
    });
  }
}
