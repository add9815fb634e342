import type { MonitorOptions } from './monitor.js';
import { SaveBestModel } from './save-best-model.js';
import type { Callback, TrainingHost, TrainState } from './types.js';

/**
 * Options of {@link SaveModel}: fastai's `SaveModelCallback` arguments.
 *
 * @example
 * ```ts
 * const o: SaveModelOptions = { fname: 'best', monitor: 'accuracy' };
 * ```
 */
export interface SaveModelOptions extends MonitorOptions {
  /** File name without extension (default `'model'`). */
  fname?: string;
  /** Folder of the checkpoints (default `'models'`, as fastai's `model_dir`). */
  dir?: string;
  /** Save after every epoch as `<fname>_<epoch>` instead of the best one as `<fname>` (default false). */
  everyEpoch?: boolean;
  /** Load the best checkpoint back when training ends (default true unless `everyEpoch`). */
  loadBest?: boolean;
}

/**
 * Saves the model with the training loop's own atomic checkpoint writer ({@link TrainingHost.save};
 * the Learner's `save`): the best one by the monitored value (default the validation loss) as
 * `<dir>/<fname>.safetensors`, loaded back at the end of training, or with `everyEpoch` one file per
 * epoch, `<dir>/<fname>_<epoch>.safetensors` (fastai's `SaveModelCallback`).
 *
 * @example
 * ```ts
 * await learn.fitOneCycle(5, 1e-2, { callbacks: [new SaveModel({ monitor: 'accuracy', fname: 'best' })] });
 * ```
 */
export class SaveModel implements Callback {
  readonly name = 'saveModel';
  readonly order = 6;
  /** The file name without extension. */
  readonly fname: string;
  /** The folder of the checkpoints. */
  readonly dir: string;
  /** Whether every epoch is saved. */
  readonly everyEpoch: boolean;
  /** The paths written in this run, in order. */
  readonly saved: string[] = [];
  private readonly inner: SaveBestModel;

  /**
   * @param options - File name, folder, every epoch or best, what to monitor.
   * @example
   * ```ts
   * new SaveModel({ everyEpoch: true, fname: 'stage-1' });
   * ```
   */
  constructor(options: SaveModelOptions = {}) {
    this.fname = options.fname ?? 'model';
    this.dir = options.dir ?? 'models';
    for (const [name, v] of [
      ['fname', this.fname],
      ['dir', this.dir],
    ] as const) {
      if (typeof v !== 'string' || v === '')
        throw new TypeError(`SaveModel: ${name} must be a non-empty string`);
    }
    this.everyEpoch = options.everyEpoch ?? false;
    const loadBest = options.loadBest ?? !this.everyEpoch;
    const { monitor, mode, minDelta } = options;
    this.inner = new SaveBestModel({
      ...(monitor === undefined ? {} : { monitor }),
      ...(mode === undefined ? {} : { mode }),
      ...(minDelta === undefined ? {} : { minDelta }),
      every: this.everyEpoch ? 'epoch' : 'improvement',
      save: async (s) => {
        const path = this.pathFor(s.epoch);
        await hostFiles(s.host).save(path);
        this.saved.push(path);
      },
      ...(loadBest ? { loadBest: (s: TrainState) => hostFiles(s.host).load(this.pathFor(0)) } : {}),
    });
  }

  /**
   * The checkpoint path of an epoch (the same for every epoch unless `everyEpoch`).
   * @example
   * ```ts
   * new SaveModel({ everyEpoch: true }).pathFor(3); // 'models/model_3.safetensors'
   * ```
   */
  pathFor(epoch: number): string {
    return `${this.dir}/${this.everyEpoch ? `${this.fname}_${epoch}` : this.fname}.safetensors`;
  }

  /**
   * The best value so far and its epoch.
   * @example
   * ```ts
   * saver.best; // { value: 0.12, epoch: 3 }
   * ```
   */
  get best(): { value: number; epoch: number } {
    return { value: this.inner.tracker.best, epoch: this.inner.tracker.bestEpoch };
  }

  /**
   * Checks that the loop can write checkpoints and starts over.
   * @example
   * ```ts
   * saver.onTrainBegin(state);
   * ```
   */
  onTrainBegin(state: TrainState): void {
    hostFiles(state.host);
    this.saved.length = 0;
    this.inner.onTrainBegin();
  }

  /**
   * Saves when the value improved (or every epoch).
   * @example
   * ```ts
   * await saver.onEpochEnd(state);
   * ```
   */
  async onEpochEnd(state: TrainState): Promise<void> {
    await this.inner.onEpochEnd(state);
  }

  /**
   * Loads the best checkpoint back (unless `everyEpoch`, or nothing was saved, or the run failed).
   * @example
   * ```ts
   * await saver.onTrainEnd(state);
   * ```
   */
  async onTrainEnd(state: TrainState): Promise<void> {
    await this.inner.onTrainEnd(state);
  }
}

function hostFiles(host: TrainingHost): Required<Pick<TrainingHost, 'save' | 'load'>> {
  if (typeof host.save !== 'function' || typeof host.load !== 'function') {
    throw new Error('SaveModel: this training loop cannot write checkpoints (host.save and host.load)');
  }
  return { save: (p) => host.save!(p), load: (p) => host.load!(p) };
}
