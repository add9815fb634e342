import {
  accumulationOf,
  type BatchPart,
  type Callback,
  type GradientAccess,
  ParamScheduler,
  Recorder,
  runTrainingLoop,
  type Snapshot,
  stepsPerEpoch,
  type TrainingHost,
  type TrainingLoopResult,
} from '@onecycle/callbacks';
import { LRFinder, type LRFinderOptions, type LRFindResult, lrFindEpochs } from '@onecycle/lr-finder';
import { type OneCycleVariant, oneCycle } from '@onecycle/one-cycle';
import * as tf from '@tensorflow/tfjs-core';
import { adam } from './adam.js';
import { packCheckpoint, readCheckpointMeta, unpackCheckpoint } from './checkpoint.js';
import type { LearnerBatch, LearnerData, LearnerDataLoader } from './data-contract.js';
import { crossEntropy, type LossFunc } from './loss.js';
import { type LrSpec, lrRange } from './lr-range.js';
import { type MetricFunc, metricName } from './metrics.js';
import type { LearnerModel, LearnerParameter } from './model-contract.js';
import type { OptFunc } from './opt-func.js';
import { disposeOptimizerState, type Optimizer, type OptParam, perGroup } from './optimizer.js';
import { type RunConfig, type RunPosition, RunTracker } from './run-tracker.js';

/** fastai v1's `defaults.lr`: `slice(3e-3)`. */
const DEFAULT_LR: LrSpec = { stop: 3e-3 };

/**
 * Options of {@link Learner}. Defaults are fastai v1's.
 *
 * @example
 * ```ts
 * const opts: LearnerOptions = { metrics: [accuracy], wd: 1e-2, optFunc: adam({ betas: [0.9, 0.99] }) };
 * ```
 */
export interface LearnerOptions {
  /** The loss (default {@link crossEntropy}). */
  lossFunc?: LossFunc;
  /** Metrics computed on the validation set after every epoch (default none). */
  metrics?: readonly MetricFunc[];
  /** Builds the optimizer (default `adam({ betas: [0.9, 0.99] })`). */
  optFunc?: OptFunc;
  /** Weight decay (default 1e-2), or one per layer group. */
  wd?: number | readonly number[];
  /** Decoupled weight decay (default true); false adds `wd·p` to the gradient. */
  trueWd?: boolean;
  /** Weight decay on batch-norm parameters and biases too (default true). */
  bnWd?: boolean;
  /** Keep batch-norm parameters of frozen layer groups trainable (default true). */
  trainBn?: boolean;
  /** Callbacks used by every fit (the Recorder is always there). */
  callbacks?: readonly Callback[];
  /**
   * Recorded with checkpoints for reference. Model initialisation takes its own seed and data
   * shuffling the data loader's seed per epoch; the learner itself draws no random numbers
   * (dropout masks come from the model's seeded layers).
   */
  seed?: number;
}

/**
 * Options of {@link Learner.fit}.
 *
 * @example
 * ```ts
 * await learn.fit(1, 1e-3, { wd: 0, callbacks: [new TerminateOnNaN()] });
 * ```
 */
export interface FitOptions {
  /** Weight decay for this run (default: the learner's `wd`). */
  wd?: number | readonly number[];
  /** Extra callbacks for this run only. */
  callbacks?: readonly Callback[];
  /**
   * Continue an unfinished run with the same arguments (after {@link Learner.load} or a stopped
   * run) instead of starting over. Default: resume only a run restored by `load`/`loadState`
   * whose arguments match; `true` requires a run to resume; `false` always starts afresh.
   */
  resume?: boolean;
}

/**
 * Options of {@link Learner.fitOneCycle}: fastai v1's `fit_one_cycle` arguments.
 *
 * @example
 * ```ts
 * await learn.fitOneCycle(2, 5e-2, { moms: [0.95, 0.85], pctStart: 0.3, divFactor: 25 });
 * ```
 */
export interface FitOneCycleOptions extends FitOptions {
  /** `[max, min]` momentum (Adam's beta1); default [0.95, 0.85]. */
  moms?: readonly [number, number];
  /** Start lr = maxLr / divFactor (default 25). */
  divFactor?: number;
  /** Fraction of the steps spent warming up (default 0.3). */
  pctStart?: number;
  /** Final lr = maxLr / finalDiv (default divFactor·1e4 for 'fastai'; see @onecycle/one-cycle). */
  finalDiv?: number;
  /** Shape of the cycle (see @onecycle/one-cycle; default 'fastai'). */
  variant?: OneCycleVariant;
}

/**
 * Options of {@link Learner.fineTune}: fastai v2's `fine_tune` arguments.
 *
 * @example
 * ```ts
 * await learn.fineTune(2, 1e-2, { freezeEpochs: 1, lrMult: 100 });
 * ```
 */
export interface FineTuneOptions extends Omit<FitOptions, 'resume'> {
  /** Epochs of the frozen stage, head only (default 1; 0 skips it). */
  freezeEpochs?: number;
  /** The first layer group trains at `lr / lrMult` in the unfrozen stage (default 100). */
  lrMult?: number;
  /** pctStart of the unfrozen stage's cycle (default 0.3). */
  pctStart?: number;
  /** divFactor of the unfrozen stage's cycle (default 5, fastai v2's `div`). */
  divFactor?: number;
}

/**
 * What {@link Learner.fit} and {@link Learner.fitOneCycle} resolve to.
 *
 * @example
 * ```ts
 * const r = await learn.fit(1, 1e-3);
 * if (r.stopReason) console.warn(r.stopReason);
 * ```
 */
export interface FitResult {
  /** Training batches run by this call. */
  iterations: number;
  /** Whether a callback stopped the run before its last epoch ended. */
  stoppedEarly: boolean;
  /** The reason a callback gave for stopping (e.g. a NaN loss). */
  stopReason?: string;
  /** Validation loss after the last epoch (NaN if none ran). */
  validLoss: number;
  /** Metrics after the last epoch. */
  metrics: Record<string, number>;
}

/**
 * Options of {@link Learner.lrFind}: the {@link LRFinderOptions} of @onecycle/lr-finder plus the
 * run's weight decay and extra callbacks.
 *
 * @example
 * ```ts
 * const res = await learn.lrFind({ startLr: 1e-7, endLr: 10, numIt: 100, wd: 1e-2 });
 * ```
 */
export interface LrFindOptions extends LRFinderOptions {
  /** Weight decay during the test (default: the learner's `wd`). */
  wd?: number | readonly number[];
  /** Extra callbacks for the test only. */
  callbacks?: readonly Callback[];
}

/**
 * The result of {@link Learner.validate}.
 *
 * @example
 * ```ts
 * const { loss, metrics } = await learn.validate();
 * ```
 */
export interface ValidationResult {
  /** Mean loss over the items. */
  loss: number;
  /** Metric values by name (means over the items). */
  metrics: Record<string, number>;
}

/**
 * One prediction of {@link Learner.predict}.
 *
 * @example
 * ```ts
 * const { label, index, probs } = await learn.predict(image);
 * ```
 */
export interface Prediction {
  /** The predicted class index. */
  index: number;
  /** Its class name. */
  label: string;
  /** Probability of every class. */
  probs: number[];
}

/**
 * Options of {@link Learner.getPreds}.
 *
 * @example
 * ```ts
 * const { preds, targets } = await learn.getPreds({ split: 'valid', activation: 'none' });
 * ```
 */
export interface GetPredsOptions {
  /** Which loader (default 'valid'; 'train' is read in epoch-0 order, last partial batch dropped). */
  split?: 'valid' | 'train';
  /** 'softmax' (default with cross-entropy) or 'none' (default with any other loss): raw outputs. */
  activation?: 'softmax' | 'none';
}

/**
 * fastai's `Learner` on TensorFlow.js: trains a model on a data bunch with a loss, an optimizer
 * (Adam with betas (0.9, 0.99) and decoupled weight decay 1e-2 by default, as fastai v1),
 * metrics and callbacks. A {@link Recorder} is always attached (`learn.recorder`).
 *
 * @example
 * ```ts
 * import { setupBackend } from '@onecycle/backends';
 * import { simpleCnn } from '@onecycle/models';
 * import { ImageDataBunch, untarData, URLs } from '@onecycle/vision-data';
 * import { Learner, accuracy } from '@onecycle/learner';
 *
 * await setupBackend();
 * const data = await ImageDataBunch.fromFolder(await untarData(URLs.MNIST_SAMPLE));
 * const learn = new Learner(data, simpleCnn([3, 16, 16, 2]), { metrics: [accuracy] });
 * await learn.fitOneCycle(2, 5e-2);
 * console.log(learn.recorder.epochs.at(-1)?.metrics.accuracy);
 * ```
 */
export class Learner {
  /** The data. */
  readonly data: LearnerData;
  /** The model (the caller keeps ownership: {@link Learner.dispose} leaves it alone). */
  readonly model: LearnerModel;
  /** The loss. */
  lossFunc: LossFunc;
  /** Validation metrics. */
  metrics: MetricFunc[];
  /** Builds the optimizer. */
  readonly optFunc: OptFunc;
  /** Default weight decay of every fit. */
  wd: number | readonly number[];
  /** Decoupled weight decay. */
  readonly trueWd: boolean;
  /** Weight decay on batch-norm parameters and biases. */
  readonly bnWd: boolean;
  /** Batch norm stays trainable in frozen groups. */
  readonly trainBn: boolean;
  /** Callbacks of every fit. */
  callbacks: Callback[];
  /** The seed given in the options, if any. */
  readonly seed: number | undefined;
  /** Records lrs, momentums, losses and epoch results of the last run. */
  readonly recorder = new Recorder();
  /**
   * What the callbacks see as `state.host`: the optimizer's hyperparameters, snapshots, a
   * validation-batch loss, the gradients of the step (between `onBackwardEnd` and the step) and
   * {@link Learner.save}/{@link Learner.load}.
   */
  readonly host: TrainingHost;

  private optimizer: Optimizer;
  private position: RunPosition | undefined;
  private loadedRun = false;
  private validIter: Iterator<LearnerBatch> | undefined;
  /** The gradients of the step being taken (summed over accumulated batches). */
  private grads: tf.NamedTensorMap | undefined;

  /**
   * @param data - Training and validation data (a `DataBunch`).
   * @param model - The model (a `Module` of @onecycle/models or anything with its shape).
   * @param options - Loss, metrics, optimizer, weight decay, callbacks.
   * @example
   * ```ts
   * const learn = new Learner(data, simpleCnn([3, 16, 16, 2]), { metrics: [accuracy] });
   * ```
   */
  constructor(data: LearnerData, model: LearnerModel, options: LearnerOptions = {}) {
    if (
      data == null ||
      data.train == null ||
      data.valid == null ||
      typeof data.train.batches !== 'function'
    ) {
      throw new TypeError('Learner: data must be a DataBunch with train and valid loaders');
    }
    if (model == null || typeof model.forward !== 'function' || typeof model.layerGroups !== 'function') {
      throw new TypeError(
        'Learner: model must be a Module (forward, parameters, buffers, layerGroups, train, eval)',
      );
    }
    this.data = data;
    this.model = model;
    this.lossFunc = options.lossFunc ?? crossEntropy;
    this.metrics = [...(options.metrics ?? [])];
    for (const m of this.metrics) {
      if (typeof m !== 'function')
        throw new TypeError('Learner: every metric must be a function (output, target) → scalar');
      metricName(m);
    }
    this.optFunc = options.optFunc ?? adam({ betas: [0.9, 0.99] });
    this.wd = options.wd ?? 1e-2;
    this.trueWd = options.trueWd ?? true;
    this.bnWd = options.bnWd ?? true;
    this.trainBn = options.trainBn ?? true;
    this.callbacks = [...(options.callbacks ?? [])];
    this.seed = options.seed;
    if (this.layerGroups().length === 0) throw new RangeError('Learner: the model has no layer groups');
    perGroup('wd', this.wd, this.layerGroups().length);
    this.optimizer = this.createOpt();
    const self = this;
    this.host = {
      get opt() {
        return self.optimizer;
      },
      snapshot: () => this.snapshot(),
      validationBatchLoss: () => this.validationBatchLoss(),
      gradients: this.gradientAccess(),
      save: (path) => this.save(path),
      load: (path) => this.load(path),
    };
  }

  /**
   * The optimizer (recreated by {@link Learner.freeze}/{@link Learner.unfreeze}, as fastai does).
   * @example
   * ```ts
   * learn.opt.get('lr'); // [0.003]
   * ```
   */
  get opt(): Optimizer {
    return this.optimizer;
  }

  /**
   * The model's layer groups.
   * @example
   * ```ts
   * learn.layerGroups().length; // 1
   * ```
   */
  layerGroups(): readonly (readonly LearnerParameter[])[] {
    return this.model.layerGroups();
  }

  /**
   * Where the last run stopped (or ended), if a run was started or a checkpoint loaded.
   * @example
   * ```ts
   * learn.runPosition?.iteration;
   * ```
   */
  get runPosition(): RunPosition | undefined {
    return this.position;
  }

  private createOpt(lr: LrSpec = DEFAULT_LR): Optimizer {
    const groups = this.layerGroups();
    const optGroups: OptParam[][] = groups.map((g) =>
      g.map((p) => ({ name: p.name, variable: p.variable, decay: this.bnWd || p.kind === 'weight' })),
    );
    return this.optFunc(optGroups, {
      lr: lrRange(lr, groups.length),
      wd: perGroup('wd', this.wd, groups.length),
      trueWd: this.trueWd,
    });
  }

  /** The gradients' operations offered to callbacks (`host.gradients`). */
  private gradientAccess(): GradientAccess {
    const current = (): tf.NamedTensorMap => {
      if (this.grads === undefined)
        throw new Error('host.gradients: there are no gradients outside a training step');
      return this.grads;
    };
    const map = (f: (g: tf.Tensor) => tf.Tensor): void => {
      const grads = current();
      for (const [k, g] of Object.entries(grads)) {
        grads[k] = tf.tidy(() => f(g));
        g.dispose();
      }
    };
    return {
      norm: async () => {
        const total = tf.tidy(() =>
          tf.sqrt(tf.addN(Object.values(current()).map((g) => tf.sum(tf.square(g))))),
        );
        const v = (await total.data())[0]!;
        total.dispose();
        return v;
      },
      scale: (factor) => map((g) => tf.mul(g, factor)),
      clampValues: (limit) => map((g) => tf.clipByValue(g, -limit, limit)),
    };
  }

  /** Training iterations (optimizer steps) per epoch with these callbacks' gradient accumulation. */
  private stepsPerEpoch(callbacks: readonly Callback[] = []): number {
    return stepsPerEpoch(this.data.train.length, accumulationOf([...this.callbacks, ...callbacks]));
  }

  private trainableVariables(): tf.Variable[] {
    const vars: tf.Variable[] = [];
    for (const g of this.layerGroups()) for (const p of g) if (p.variable.trainable) vars.push(p.variable);
    return vars;
  }

  /**
   * Trains for `epochs` epochs at a constant learning rate (fastai's `fit`). The momentum stays as
   * the optimizer has it.
   *
   * @param epochs - Number of epochs (integer ≥ 1).
   * @param lr - Learning rate: one, one per layer group, or `{ start?, stop }` (default `{ stop: 3e-3 }`).
   * @param options - Weight decay, extra callbacks, resume.
   * @example
   * ```ts
   * await learn.fit(2, 5e-3);
   * ```
   */
  async fit(epochs: number, lr: LrSpec = DEFAULT_LR, options: FitOptions = {}): Promise<FitResult> {
    checkEpochs('fit', epochs);
    const n = this.layerGroups().length;
    const lrs = lrRange(lr, n);
    const wd = perGroup('wd', options.wd ?? this.wd, n);
    return this.run({ kind: 'fit', nEpochs: epochs, lr: lrs, wd }, lrs, wd, [], options);
  }

  /**
   * Trains with the 1cycle policy (fastai v1's `fit_one_cycle`): the learning rate warms up from
   * `maxLr / divFactor` to `maxLr` for `pctStart` of the steps, then anneals to `maxLr / finalDiv`;
   * the momentum goes the opposite way between `moms[0]` and `moms[1]`. The schedule (from
   * @onecycle/one-cycle) is driven by a ParamScheduler over `cycLen × train batches` steps.
   *
   * @param cycLen - Epochs (integer ≥ 1).
   * @param maxLr - Peak learning rate, per layer group if an array or slice (default `{ stop: 3e-3 }`).
   * @param options - moms, divFactor, pctStart, finalDiv, variant, wd, callbacks, resume.
   * @example
   * ```ts
   * await learn.fitOneCycle(2, 5e-2);
   * learn.recorder.lrs; // the cycle, one value per batch
   * ```
   */
  async fitOneCycle(
    cycLen: number,
    maxLr: LrSpec = DEFAULT_LR,
    options: FitOneCycleOptions = {},
  ): Promise<FitResult> {
    checkEpochs('fitOneCycle', cycLen);
    const n = this.layerGroups().length;
    const lrs = lrRange(maxLr, n);
    const wd = perGroup('wd', options.wd ?? this.wd, n);
    const moms = options.moms ?? [0.95, 0.85];
    const divFactor = options.divFactor ?? 25;
    const pctStart = options.pctStart ?? 0.3;
    const variant = options.variant ?? 'fastai';
    const totalSteps = cycLen * this.stepsPerEpoch(options.callbacks);
    const schedule = oneCycle({
      lrMax: lrs,
      totalSteps,
      variant,
      moms,
      divFactor,
      ...(variant === 'smith' ? {} : { pctStart }),
      ...(options.finalDiv === undefined ? {} : { finalDiv: options.finalDiv }),
    });
    const config: RunConfig = {
      kind: 'fitOneCycle',
      nEpochs: cycLen,
      maxLr: lrs,
      wd,
      moms: [...moms],
      divFactor,
      pctStart: variant === 'smith' ? null : pctStart,
      finalDiv: schedule.resolved.finalDiv,
      variant,
    };
    return this.run(config, lrs, wd, [new ParamScheduler(schedule)], options);
  }

  /**
   * The learning-rate range test (fastai v1's `lr_find`): trains with a learning rate growing from
   * `startLr` to `endLr` over `numIt` batches (stopping early when the loss diverges), then puts the
   * weights, batch-norm statistics and optimizer state back bit-for-bit. Resolves to the curve and
   * its suggestions; `learn.recorder` holds the test's batches afterwards.
   *
   * @example
   * ```ts
   * const res = await learn.lrFind();
   * console.log(res.suggestedLr);
   * writeFileSync('lr-find.svg', res.plot());
   * ```
   */
  async lrFind(options: LrFindOptions = {}): Promise<LRFindResult> {
    const { wd: wdOption, callbacks, ...finderOptions } = options;
    const finder = new LRFinder(finderOptions);
    const n = this.layerGroups().length;
    const wd = perGroup('wd', wdOption ?? this.wd, n);
    const epochs = lrFindEpochs(finder.numIt, this.stepsPerEpoch(callbacks));
    const startLr = lrRange(finderOptions.startLr ?? 1e-7, n);
    const position = this.position;
    const loaded = this.loadedRun;
    const opt = this.optimizer;
    const hypers = (['lr', 'mom', 'beta', 'wd'] as const).map((h) => [h, opt.get(h)] as const);
    try {
      await this.run({ kind: 'lrFind', nEpochs: epochs }, startLr, wd, [finder], {
        callbacks: callbacks ?? [],
        resume: false,
      });
    } finally {
      this.position = position;
      this.loadedRun = loaded;
      for (const [h, v] of hypers) opt.set(h, v);
    }
    return finder.result();
  }

  private resumePosition(
    config: RunConfig,
    resume: boolean | undefined,
    callbacks: readonly Callback[],
  ): RunPosition | undefined {
    const p = this.position;
    const loaded = this.loadedRun;
    this.loadedRun = false;
    if (resume === false) return undefined;
    const usable = p !== undefined && !p.finished;
    const matches = usable && JSON.stringify(p.config) === JSON.stringify(config);
    if (resume === true) {
      if (!usable) throw new Error('resume: there is no unfinished run to resume');
      if (!matches) {
        throw new Error(
          `resume: the unfinished run was ${JSON.stringify(p.config)}, this call is ${JSON.stringify(config)}`,
        );
      }
    } else if (!(loaded && matches)) return undefined;
    const steps = this.stepsPerEpoch(callbacks);
    if (p!.nBatches !== steps) {
      throw new Error(
        `resume: the run had ${p!.nBatches} training steps per epoch, the data now has ${steps}`,
      );
    }
    return p;
  }

  private async run(
    config: RunConfig,
    lrs: number[],
    wd: number[],
    schedulers: Callback[],
    options: FitOptions,
  ): Promise<FitResult> {
    const callbacks = [...this.callbacks, ...(options.callbacks ?? [])];
    const nAcc = accumulationOf(callbacks);
    if (nAcc > 1) config = { ...config, accumulate: nAcc };
    const resumeFrom = this.resumePosition(config, options.resume, options.callbacks ?? []);
    const vars = this.trainableVariables();
    if (vars.length === 0)
      throw new Error('fit: the model has no trainable parameters (all layer groups frozen?)');
    this.optimizer.set('lr', lrs);
    this.optimizer.set('wd', wd);
    const nBatches = this.data.train.length;
    const tracker = new RunTracker(
      config,
      stepsPerEpoch(nBatches, nAcc),
      resumeFrom ? { ...resumeFrom } : undefined,
    );
    this.position = tracker.position;
    const model = this.model;
    const lossFunc = this.lossFunc;
    const dataLoader = this.data.train;
    const skipTo = resumeFrom ? { epoch: resumeFrom.epoch, batch: resumeFrom.batch } : undefined;
    let result: TrainingLoopResult;
    try {
      result = await runTrainingLoop<LearnerBatch>({
        host: this.host,
        nEpochs: config.nEpochs,
        nBatches,
        startEpoch: resumeFrom?.epoch ?? 0,
        callbacks: [tracker, this.recorder, ...schedulers, ...callbacks],
        batches: (epoch) => {
          model.train();
          const it = dataLoader.batches(epoch);
          return skipTo && epoch === skipTo.epoch && skipTo.batch > 0
            ? skipBatches(it, skipTo.batch * nAcc)
            : it;
        },
        forwardBackward: async (batch, _state, part) => {
          const { value, grads: g } = tf.variableGrads(() => lossFunc(model.forward(batch.x), batch.y), vars);
          this.accumulate(g, part);
          try {
            return (await value.data())[0]!;
          } finally {
            value.dispose();
          }
        },
        step: () => {
          if (this.grads) this.optimizer.step(this.grads);
        },
        endBatch: (batch) => {
          batch.x.dispose();
          batch.y.dispose();
          if (this.grads) tf.dispose(this.grads);
          this.grads = undefined;
        },
        validate: () => this.validate(),
      });
    } finally {
      this.position = tracker.position;
    }
    const out: FitResult = {
      iterations: tracker.position.iteration - (resumeFrom?.iteration ?? 0),
      stoppedEarly: result.stoppedEarly,
      validLoss: result.state.validLoss,
      metrics: { ...result.state.metrics },
    };
    if (result.stopReason !== undefined) out.stopReason = result.stopReason;
    return out;
  }

  /**
   * Keeps a batch's gradients for the step: as they are for a step of one batch, else scaled by
   * `1/part.count` and added to those of the step's earlier batches.
   */
  private accumulate(g: tf.NamedTensorMap, part: BatchPart): void {
    if (part.count === 1) {
      this.grads = g;
      return;
    }
    const prev = part.index === 0 ? undefined : this.grads;
    const next: tf.NamedTensorMap = {};
    tf.tidy(() => {
      for (const [k, gk] of Object.entries(g)) {
        const scaled = tf.mul(gk, 1 / part.count);
        const p = prev?.[k];
        next[k] = tf.keep(p === undefined ? scaled : tf.add(p, scaled));
      }
    });
    tf.dispose(g);
    if (prev) tf.dispose(prev);
    this.grads = next;
  }

  /**
   * Loss and metrics on the validation set (or another loader), in eval mode, averaged over the
   * items; one read-back per pass. The model's mode is restored afterwards.
   *
   * @param loader - Default: `data.valid`.
   * @example
   * ```ts
   * const { loss, metrics } = await learn.validate();
   * console.log(loss, metrics.accuracy);
   * ```
   */
  async validate(loader: LearnerDataLoader = this.data.valid): Promise<ValidationResult> {
    const model = this.model;
    const wasTraining = model.training;
    model.eval();
    const names = this.metrics.map(metricName);
    let sums: tf.Tensor | undefined;
    let count = 0;
    try {
      for (const { x, y } of loader.batches()) {
        try {
          const n = x.shape[0]!;
          const next = tf.tidy(() => {
            const out = model.forward(x);
            const values = [this.lossFunc(out, y), ...this.metrics.map((m) => m(out, y))].map((v, i) => {
              if (v.rank !== 0) {
                throw new RangeError(
                  `validate: ${i === 0 ? 'the loss' : `metric ${names[i - 1]}`} must return a scalar, got shape [${v.shape}]`,
                );
              }
              return v;
            });
            const weighted = tf.mul(tf.stack(values), tf.scalar(n));
            return sums ? tf.add(sums, weighted) : weighted;
          });
          sums?.dispose();
          sums = next;
          count += n;
        } finally {
          x.dispose();
          y.dispose();
        }
      }
      if (!sums || count === 0) return { loss: Number.NaN, metrics: {} };
      const totals = await sums.data();
      const metrics: Record<string, number> = {};
      names.forEach((name, i) => {
        metrics[name] = totals[i + 1]! / count;
      });
      return { loss: totals[0]! / count, metrics };
    } finally {
      sums?.dispose();
      model.train(wasTraining);
    }
  }

  /**
   * The model's outputs on a whole split, with the targets (fastai's `get_preds`). The caller
   * disposes both tensors.
   *
   * @example
   * ```ts
   * const { preds, targets } = await learn.getPreds();
   * preds.shape; // [2038, 2]
   * preds.dispose(); targets.dispose();
   * ```
   */
  async getPreds(options: GetPredsOptions = {}): Promise<{ preds: tf.Tensor2D; targets: tf.Tensor1D }> {
    const split = options.split ?? 'valid';
    if (split !== 'valid' && split !== 'train') {
      throw new RangeError(`getPreds: split must be 'valid' or 'train', got ${String(split)}`);
    }
    const activation = options.activation ?? (this.lossFunc === crossEntropy ? 'softmax' : 'none');
    if (activation !== 'softmax' && activation !== 'none') {
      throw new RangeError(`getPreds: activation must be 'softmax' or 'none', got ${String(activation)}`);
    }
    const loader = split === 'valid' ? this.data.valid : this.data.train;
    const model = this.model;
    const wasTraining = model.training;
    model.eval();
    const outs: tf.Tensor[] = [];
    const ys: tf.Tensor[] = [];
    try {
      for (const { x, y } of loader.batches(0)) {
        try {
          outs.push(
            tf.tidy(() => {
              const out = model.forward(x);
              return activation === 'softmax' ? tf.softmax(out) : out;
            }),
          );
          ys.push(tf.clone(y));
        } finally {
          x.dispose();
          y.dispose();
        }
      }
      if (outs.length === 0) throw new Error(`getPreds: the ${split} loader has no batches`);
      return {
        preds: tf.concat(outs, 0) as tf.Tensor2D,
        targets: tf.concat(ys, 0) as tf.Tensor1D,
      };
    } finally {
      tf.dispose(outs);
      tf.dispose(ys);
      model.train(wasTraining);
    }
  }

  /**
   * Predicts the class of one item (`[H, W, C]`) or of a batch (`[N, H, W, C]`), in eval mode
   * (fastai's `predict`). The input stays the caller's.
   *
   * @example
   * ```ts
   * const { label, probs } = await learn.predict(image); // image: [28, 28, 3]
   * const many = await learn.predict(batch);              // batch: [8, 28, 28, 3] → Prediction[]
   * ```
   */
  async predict(x: tf.Tensor3D): Promise<Prediction>;
  async predict(x: tf.Tensor4D): Promise<Prediction[]>;
  async predict(x: tf.Tensor3D | tf.Tensor4D): Promise<Prediction | Prediction[]> {
    if (!(x instanceof tf.Tensor) || (x.rank !== 3 && x.rank !== 4)) {
      throw new RangeError('predict: x must be a tensor [H, W, C] (one item) or [N, H, W, C] (a batch)');
    }
    const model = this.model;
    const wasTraining = model.training;
    model.eval();
    let probs: tf.Tensor;
    try {
      probs = tf.tidy(() => {
        const out = model.forward(x.rank === 3 ? tf.expandDims(x, 0) : x);
        return this.lossFunc === crossEntropy ? tf.softmax(out) : out;
      });
    } finally {
      model.train(wasTraining);
    }
    const [n, c] = probs.shape as [number, number];
    const values = await probs.data();
    probs.dispose();
    const preds: Prediction[] = [];
    for (let i = 0; i < n; i++) {
      const row = Array.from(values.subarray(i * c, (i + 1) * c));
      let best = 0;
      for (let j = 1; j < c; j++) if (row[j]! > row[best]!) best = j;
      preds.push({ index: best, label: this.data.classes[best] ?? String(best), probs: row });
    }
    return x.rank === 3 ? preds[0]! : preds;
  }

  /**
   * fastai's `freeze_to(n)`: layer groups before `n` stop training (`variable.trainable = false`),
   * the others train; batch-norm parameters stay trainable when `trainBn`. A negative `n` counts
   * from the end. Like fastai, the optimizer is recreated (its state starts over).
   *
   * @example
   * ```ts
   * learn.freezeTo(1);
   * ```
   */
  freezeTo(n: number): void {
    const groups = this.layerGroups();
    if (!Number.isInteger(n) || n < -groups.length || n > groups.length) {
      throw new RangeError(
        `freezeTo: n must be an integer in [${-groups.length}, ${groups.length}], got ${n}`,
      );
    }
    const cut = n < 0 ? groups.length + n : n;
    groups.forEach((g, i) => {
      for (const p of g) p.variable.trainable = i >= cut || (this.trainBn && p.kind === 'norm');
    });
    this.optimizer.dispose();
    this.optimizer = this.createOpt();
  }

  /**
   * Freezes every layer group but the last (fastai's `freeze`).
   * @example
   * ```ts
   * learn.freeze();
   * await learn.fitOneCycle(1, 1e-2);
   * ```
   */
  freeze(): void {
    this.freezeTo(-1);
  }

  /**
   * Makes every layer group trainable (fastai's `unfreeze`).
   * @example
   * ```ts
   * learn.unfreeze();
   * await learn.fitOneCycle(1, { start: 1e-5, stop: 1e-3 });
   * ```
   */
  unfreeze(): void {
    this.freezeTo(0);
  }

  /**
   * fastai v2's `fine_tune`: freezes the body and trains the head with 1cycle for `freezeEpochs`
   * at `baseLr` (pctStart 0.99), then halves `baseLr`, unfreezes, and trains every layer group for
   * `epochs` with 1cycle at the discriminative rates `slice(baseLr/lrMult, baseLr)` (pctStart 0.3,
   * divFactor 5). The model needs at least two layer groups (body and head). Resolves to the
   * result of the unfrozen stage.
   *
   * @param epochs - Epochs of the unfrozen stage (integer ≥ 1).
   * @param baseLr - The head's learning rate (default 2e-3).
   * @param options - freezeEpochs (default 1; 0 skips the frozen stage), lrMult (100), pctStart (0.3),
   *   divFactor (5), wd, callbacks.
   * @example
   * ```ts
   * const learn = createCnnLearner(data, 'mnist8-cnn', { metrics: [accuracy] });
   * await learn.fineTune(1, 1e-2);
   * ```
   */
  async fineTune(epochs: number, baseLr = 2e-3, options: FineTuneOptions = {}): Promise<FitResult> {
    checkEpochs('fineTune', epochs);
    const { freezeEpochs = 1, lrMult = 100, pctStart = 0.3, divFactor = 5, ...fit } = options;
    if (!Number.isInteger(freezeEpochs) || freezeEpochs < 0) {
      throw new RangeError(`fineTune: freezeEpochs must be an integer ≥ 0, got ${freezeEpochs}`);
    }
    if (!(typeof baseLr === 'number' && baseLr > 0 && Number.isFinite(baseLr))) {
      throw new RangeError(`fineTune: baseLr must be a finite number > 0, got ${String(baseLr)}`);
    }
    if (!(lrMult >= 1 && Number.isFinite(lrMult))) {
      throw new RangeError(`fineTune: lrMult must be a finite number ≥ 1, got ${lrMult}`);
    }
    if (this.layerGroups().length < 2) {
      throw new RangeError('fineTune: the model needs a body and a head (at least 2 layer groups)');
    }
    if (freezeEpochs > 0) {
      this.freeze();
      await this.fitOneCycle(freezeEpochs, { stop: baseLr }, { ...fit, pctStart: 0.99, resume: false });
    }
    const lr = baseLr / 2;
    this.unfreeze();
    return this.fitOneCycle(
      epochs,
      { start: lr / lrMult, stop: lr },
      { ...fit, pctStart, divFactor, resume: false },
    );
  }

  /**
   * A copy of the weights, batch-norm buffers and optimizer state (moments, step counts,
   * hyperparameters) that {@link Snapshot.restore} puts back bit-for-bit.
   *
   * @example
   * ```ts
   * const snap = learn.snapshot();
   * await learn.fit(1, 1);   // something risky
   * snap.restore();
   * snap.dispose();
   * ```
   */
  snapshot(): Snapshot {
    const vars = [...this.model.parameters(), ...this.model.buffers()].map((p) => p.variable);
    const saved = vars.map((v) => tf.clone(v));
    const opt = this.optimizer;
    const optState = opt.stateDict();
    let disposed = false;
    return {
      restore: () => {
        if (disposed) throw new Error('Snapshot.restore: the snapshot was disposed');
        vars.forEach((v, i) => {
          v.assign(saved[i]!);
        });
        this.optimizer.loadStateDict(optState);
      },
      dispose: () => {
        if (disposed) return;
        disposed = true;
        tf.dispose(saved);
        disposeOptimizerState(optState);
      },
    };
  }

  /**
   * The learner's whole training state as the bytes of one safetensors file: the weights
   * (PyTorch names and layout for a `Module`), the optimizer state (moments, step counts,
   * hyperparameters) and the position of an unfinished run. Browser-safe; {@link Learner.save}
   * writes it to a file.
   *
   * @example
   * ```ts
   * const bytes = learn.saveState();
   * other.loadState(bytes);
   * ```
   */
  saveState(): Uint8Array {
    const optState = this.optimizer.stateDict();
    try {
      return packCheckpoint(this.model, optState, {
        run: this.position ? (JSON.parse(JSON.stringify(this.position)) as RunPosition) : null,
        seed: this.seed ?? null,
      });
    } finally {
      disposeOptimizerState(optState);
    }
  }

  /**
   * Restores what {@link Learner.saveState} stored. If the checkpoint holds an unfinished run, the
   * next `fit`/`fitOneCycle` with the same arguments continues it where it stopped (same batches,
   * same schedule step, same losses as an uninterrupted run).
   *
   * @param bytes - The checkpoint.
   * @param source - Names the checkpoint in error messages.
   * @example
   * ```ts
   * learn.loadState(bytes);
   * await learn.fitOneCycle(2, 5e-2); // resumes mid-cycle
   * ```
   */
  loadState(bytes: Uint8Array, source = 'checkpoint'): void {
    if (!(bytes instanceof Uint8Array)) throw new TypeError('loadState: bytes must be a Uint8Array');
    const head = readCheckpointMeta(bytes, source);
    if (
      head.optimizer.kind !== this.optimizer.kind ||
      head.optimizer.hypers.length !== this.optimizer.nGroups
    ) {
      throw new Error(
        `${source}: saved with a ${head.optimizer.kind} optimizer over ${head.optimizer.hypers.length} layer group(s); ` +
          `this learner has ${this.optimizer.kind} over ${this.optimizer.nGroups}`,
      );
    }
    const { optState, meta } = unpackCheckpoint(bytes, this.model, source);
    try {
      this.optimizer.loadStateDict(optState);
    } finally {
      disposeOptimizerState(optState);
    }
    this.position = meta.run ?? undefined;
    this.loadedRun = meta.run != null && !meta.run.finished;
  }

  /**
   * Saves {@link Learner.saveState} to `path` atomically (temporary file, then rename). Node only.
   *
   * @example
   * ```ts
   * await learn.save('models/stage-1.safetensors');
   * ```
   */
  async save(path: string): Promise<void> {
    const bytes = this.saveState();
    const { writeFileAtomic } = await nodeFiles('save');
    await writeFileAtomic(path, bytes);
  }

  /**
   * Loads a checkpoint written by {@link Learner.save} (see {@link Learner.loadState}). Node only.
   *
   * @example
   * ```ts
   * await learn.load('models/stage-1.safetensors');
   * ```
   */
  async load(path: string): Promise<void> {
    const { readFileBytes } = await nodeFiles('load');
    this.loadState(await readFileBytes(path), path);
  }

  private async validationBatchLoss(): Promise<number> {
    let r = this.validIter?.next();
    if (r === undefined || r.done) {
      this.validIter = this.data.valid.batches()[Symbol.iterator]();
      r = this.validIter.next();
      if (r.done) throw new Error('validationBatchLoss: the validation loader has no batches');
    }
    const { x, y } = r.value;
    const model = this.model;
    const wasTraining = model.training;
    model.eval();
    try {
      const loss = tf.tidy(() => this.lossFunc(model.forward(x), y));
      const v = (await loss.data())[0]!;
      loss.dispose();
      return v;
    } finally {
      x.dispose();
      y.dispose();
      model.train(wasTraining);
    }
  }

  /**
   * Frees the optimizer's state. The model and the data stay the caller's.
   * @example
   * ```ts
   * learn.dispose();
   * model.dispose();
   * ```
   */
  dispose(): void {
    this.optimizer.dispose();
    this.validIter?.return?.();
    this.validIter = undefined;
  }
}

/**
 * The Node file helpers, loaded on first use under a specifier bundlers do not follow, so that
 * browser bundles of the learner never pull in `node:fs`.
 */
async function nodeFiles(method: string): Promise<typeof import('./checkpoint-file.js')> {
  const proc = (globalThis as { process?: { versions?: { node?: string } } }).process;
  if (!proc?.versions?.node) {
    throw new Error(`${method}(path) needs Node.js; in a browser use saveState() / loadState(bytes)`);
  }
  const specifier = './checkpoint-file.js';
  return (await import(/* @vite-ignore */ specifier)) as typeof import('./checkpoint-file.js');
}

function checkEpochs(method: string, epochs: number): void {
  if (!Number.isInteger(epochs) || epochs < 1) {
    throw new RangeError(`${method}: epochs must be an integer ≥ 1, got ${epochs}`);
  }
}

function* skipBatches(batches: Iterable<LearnerBatch>, n: number): Generator<LearnerBatch> {
  let i = 0;
  for (const b of batches) {
    if (i++ < n) {
      b.x.dispose();
      b.y.dispose();
      continue;
    }
    yield b;
  }
}
