import { Monitor, type MonitorOptions } from './monitor.js';
import type { Callback, TrainState } from './types.js';

/**
 * Options of {@link SaveBestModel}.
 *
 * @example
 * ```ts
 * const o: SaveBestModelOptions = { save: (s) => learn.save(`best-${s.epoch}`), monitor: 'accuracy' };
 * ```
 */
export interface SaveBestModelOptions extends MonitorOptions {
  /** Saves the model; called with the state and the monitored value. */
  save: (state: TrainState, value: number) => void | Promise<void>;
  /** `'improvement'` (default): save when the value improves; `'epoch'`: save after every epoch. */
  every?: 'improvement' | 'epoch';
  /** Called at the end of training (not after an error) when something was saved, to load the best model back. */
  loadBest?: (state: TrainState) => void | Promise<void>;
}

/**
 * Calls a user-supplied `save(state, value)` whenever the monitored value (default the validation
 * loss) improves, or after every epoch with `every: 'epoch'` (fastai's `SaveModelCallback`).
 * Framework-free: the learner passes the saver. With `loadBest`, the best model is loaded back
 * at the end of training.
 *
 * @example
 * ```ts
 * const best = new SaveBestModel({
 *   monitor: 'accuracy',
 *   save: () => learn.save('best'),
 *   loadBest: () => learn.load('best'),
 * });
 * ```
 */
export class SaveBestModel implements Callback {
  readonly name = 'saveBestModel';
  readonly order = 6;
  /** The monitored quantity and its best value. */
  readonly tracker: Monitor;
  /** When to save. */
  readonly every: 'improvement' | 'epoch';
  /** How many times `save` was called in this run. */
  saves = 0;
  private readonly save: SaveBestModelOptions['save'];
  private readonly loadBest: SaveBestModelOptions['loadBest'];

  /**
   * @param options - The saver, what to monitor, when to save.
   * @example
   * ```ts
   * new SaveBestModel({ save: (s, v) => console.log('best', v, 'at', s.epoch) });
   * ```
   */
  constructor(options: SaveBestModelOptions) {
    if (options == null || typeof options.save !== 'function') {
      throw new TypeError('SaveBestModel: options.save must be a function (state, value) => void');
    }
    const every = options.every ?? 'improvement';
    if (every !== 'improvement' && every !== 'epoch') {
      throw new RangeError(`SaveBestModel: every must be 'improvement' or 'epoch', got ${String(every)}`);
    }
    this.tracker = new Monitor(options);
    this.every = every;
    this.save = options.save;
    this.loadBest = options.loadBest;
  }

  /**
   * Resets the best value.
   * @example
   * ```ts
   * best.onTrainBegin();
   * ```
   */
  onTrainBegin(): void {
    this.tracker.reset();
    this.saves = 0;
  }

  /**
   * Saves when the value improved (or every epoch).
   * @example
   * ```ts
   * await best.onEpochEnd(state);
   * ```
   */
  async onEpochEnd(state: TrainState): Promise<void> {
    const improved = this.tracker.update(state);
    if (this.every === 'epoch' || improved) {
      this.saves += 1;
      await this.save(state, this.tracker.read(state));
    }
  }

  /**
   * Loads the best model back when `loadBest` was given and something was saved.
   * @example
   * ```ts
   * await best.onTrainEnd(state);
   * ```
   */
  async onTrainEnd(state: TrainState): Promise<void> {
    if (this.loadBest && this.saves > 0 && state.error === undefined) await this.loadBest(state);
  }
}
