import {
  constant,
  flatCos,
  HYPERPARAMETER_NAMES,
  hyperparams,
  perGroup as perGroupSchedule,
  sgdr,
} from '@onecycle/annealing';
import {
  type Callback,
  ParamScheduler,
  Recorder,
  type Snapshot,
  type TrainingHost,
} from '@onecycle/callbacks';
import { LRFinder, type LRFindResult, lrFindEpochs } from '@onecycle/lr-finder';
import { oneCycle } from '@onecycle/one-cycle';
import type * as tf from '@tensorflow/tfjs-core';
import { adam } from './adam.js';
import type { LearnerData, LearnerDataLoader } from './data-contract.js';
import { checkEpochs, learnerStepsPerEpoch, type RunState, runFit } from './fit-loop.js';
import type {
  FineTuneOptions,
  FitFlatCosOptions,
  FitOneCycleOptions,
  FitOptions,
  FitResult,
  FitSgdrOptions,
  LrFindOptions,
} from './fit-options.js';
import { createOptimizer, freezeLayerGroups } from './layer-groups.js';
import { DEFAULT_LR, type LearnerOptions, type SaveOptions } from './learner-options.js';
import { nodeFiles, packLearnerState, takeSnapshot, unpackLearnerState } from './learner-state.js';
import { crossEntropy, type LossFunc } from './loss.js';
import { type LrSpec, lrRange } from './lr-range.js';
import { type MetricFunc, metricName } from './metrics.js';
import type { LearnerModel, LearnerParameter } from './model-contract.js';
import type { OptFunc } from './opt-func.js';
import { type Optimizer, perGroup } from './optimizer.js';
import { type GetPredsOptions, getPredictions, type Prediction, predictClasses } from './predictions.js';
import type { RunConfig, RunPosition } from './run-tracker.js';
import { StepGradients } from './step-gradients.js';
import {
  type ValidationCursor,
  type ValidationResult,
  validateModel,
  validationBatchLoss,
} from './validation.js';

/**
 * fastai's `Learner` on TensorFlow.js: trains a model on a data bunch with a loss, an optimizer
 * (Adam with betas (0.9, 0.99) and decoupled weight decay 1e-2 by default, as fastai v1),
 * metrics and callbacks. A {@link Recorder} is always attached (`learn.recorder`).
 *
 * @example
 * ```ts
 * import { setupBackend } from '@onecycle/backends';
 * import { simpleCnn } from '@onecycle/models';
 * import { ImageDataBunch, untarData, URLs } from '@onecycle/vision-data/node';
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
  private readonly runState: RunState = {
    position: undefined,
    loadedRun: false,
    grads: new StepGradients(),
  };
  private readonly validCursor: ValidationCursor = { iter: undefined };

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
    this.optimizer = createOptimizer(this, DEFAULT_LR);
    const self = this;
    this.host = {
      get opt() {
        return self.optimizer;
      },
      snapshot: () => this.snapshot(),
      validationBatchLoss: () => validationBatchLoss(this, this.validCursor),
      gradients: this.runState.grads,
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
    return this.runState.position;
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
    return runFit(this, this.runState, {
      config: { kind: 'fit', nEpochs: epochs, lr: lrs, wd },
      lrs,
      wd,
      schedulers: [
        new ParamScheduler(
          hyperparams({ lr: constant(lrs, epochs * learnerStepsPerEpoch(this, options.callbacks)) }),
        ),
      ],
      options,
    });
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
    const totalSteps = cycLen * learnerStepsPerEpoch(this, options.callbacks);
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
    return runFit(this, this.runState, {
      config,
      lrs,
      wd,
      schedulers: [new ParamScheduler(schedule)],
      options,
    });
  }

  /**
   * fastai v2's `fit_flat_cos`: the learning rate stays at `lr` for `pctStart` of the steps, then
   * anneals with a half cosine to `lr / divFinal`; the momentum stays as the optimizer has it.
   *
   * @param epochs - Epochs (integer ≥ 1).
   * @param lr - Learning rate, per layer group if an array or slice (default `{ stop: 3e-3 }`).
   * @param options - pctStart (default 0.75), divFinal (1e5), wd, callbacks, resume.
   * @example
   * ```ts
   * await learn.fitFlatCos(3, 1e-2, { pctStart: 0.5 });
   * ```
   */
  async fitFlatCos(
    epochs: number,
    lr: LrSpec = DEFAULT_LR,
    options: FitFlatCosOptions = {},
  ): Promise<FitResult> {
    checkEpochs('fitFlatCos', epochs);
    const n = this.layerGroups().length;
    const lrs = lrRange(lr, n);
    const wd = perGroup('wd', options.wd ?? this.wd, n);
    const pctStart = options.pctStart ?? 0.75;
    const divFinal = options.divFinal ?? 1e5;
    const totalSteps = epochs * learnerStepsPerEpoch(this, options.callbacks);
    const lrSchedule = perGroupSchedule(
      lrs.map((lrMax) => flatCos({ lrMax, totalSteps, pctStart, finalDiv: divFinal })),
    );
    return runFit(this, this.runState, {
      config: { kind: 'fitFlatCos', nEpochs: epochs, lr: lrs, wd, pctStart, divFinal },
      lrs,
      wd,
      schedulers: [new ParamScheduler(hyperparams({ lr: lrSchedule }))],
      options,
    });
  }

  /**
   * fastai v2's `fit_sgdr` (SGD with warm restarts): `nCycles` cycles of `cycleLen·cycleMult^i`
   * epochs, each annealing the learning rate from `lrMax` to 0 with a half cosine; it trains
   * `cycleLen·(1 + cycleMult + … + cycleMult^(nCycles−1))` epochs in all.
   *
   * @param nCycles - Number of cycles (integer ≥ 1).
   * @param cycleLen - Epochs of the first cycle (integer ≥ 1).
   * @param lrMax - The learning rate at every restart, per layer group if an array or slice.
   * @param options - cycleMult (default 2), wd, callbacks, resume.
   * @example
   * ```ts
   * await learn.fitSgdr(3, 1, 1e-2); // cycles of 1, 2 and 4 epochs
   * ```
   */
  async fitSgdr(
    nCycles: number,
    cycleLen: number,
    lrMax: LrSpec = DEFAULT_LR,
    options: FitSgdrOptions = {},
  ): Promise<FitResult> {
    const cycleMult = options.cycleMult ?? 2;
    for (const [name, v] of [
      ['nCycles', nCycles],
      ['cycleLen', cycleLen],
      ['cycleMult', cycleMult],
    ] as const) {
      if (!Number.isInteger(v) || v < 1)
        throw new RangeError(`fitSgdr: ${name} must be an integer ≥ 1, got ${v}`);
    }
    let epochs = 0;
    for (let i = 0; i < nCycles; i++) epochs += cycleLen * cycleMult ** i;
    const n = this.layerGroups().length;
    const lrs = lrRange(lrMax, n);
    const wd = perGroup('wd', options.wd ?? this.wd, n);
    const cycleSteps = cycleLen * learnerStepsPerEpoch(this, options.callbacks);
    const lr = perGroupSchedule(lrs.map((lrMax) => sgdr({ lrMax, cycleSteps, cycles: nCycles, cycleMult })));
    return runFit(this, this.runState, {
      config: { kind: 'fitSgdr', nEpochs: epochs, lrMax: lrs, wd, nCycles, cycleLen, cycleMult },
      lrs,
      wd,
      schedulers: [new ParamScheduler(hyperparams({ lr }))],
      options,
    });
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
    const epochs = lrFindEpochs(finder.numIt, learnerStepsPerEpoch(this, callbacks));
    const startLr = lrRange(finderOptions.startLr ?? 1e-7, n);
    const { position, loadedRun } = this.runState;
    const opt = this.optimizer;
    const hypers = HYPERPARAMETER_NAMES.map((h) => [h, opt.get(h)] as const);
    try {
      await runFit(this, this.runState, {
        config: { kind: 'lrFind', nEpochs: epochs },
        lrs: startLr,
        wd,
        schedulers: [finder],
        options: { callbacks: callbacks ?? [], resume: false },
      });
    } finally {
      this.runState.position = position;
      this.runState.loadedRun = loadedRun;
      for (const [h, v] of hypers) opt.set(h, v);
    }
    return finder.result();
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
    return validateModel(this, loader);
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
    return getPredictions(this, options);
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
    const preds = await predictClasses(this, x);
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
    freezeLayerGroups(this.layerGroups(), n, this.trainBn);
    this.optimizer.dispose();
    this.optimizer = createOptimizer(this, DEFAULT_LR);
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
   * const learn = await createCnnLearner(data, 'mnist8-cnn', { metrics: [accuracy] });
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
    return takeSnapshot(this.model, () => this.optimizer);
  }

  /**
   * The learner's whole training state as the bytes of one safetensors file: the weights
   * (PyTorch names and layout for a `Module`), the optimizer state (moments, step counts,
   * hyperparameters) and the position of an unfinished run. Browser-safe; {@link Learner.save}
   * writes it to a file.
   *
   * @param options - Extra metadata strings to store beside the learner's (an application's own
   * description of the run, read back with `decodeSafetensors(bytes).metadata`).
   * @example
   * ```ts
   * const bytes = learn.saveState({ metadata: { 'my-app.options': JSON.stringify({ bs: 64 }) } });
   * other.loadState(bytes);
   * ```
   */
  saveState(options: SaveOptions = {}): Uint8Array {
    return packLearnerState(this.model, this.optimizer, this.runState.position, this.seed, options.metadata);
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
    const run = unpackLearnerState(bytes, source, this.model, this.optimizer);
    this.runState.position = run ?? undefined;
    this.runState.loadedRun = run != null && !run.finished;
  }

  /**
   * Saves {@link Learner.saveState} to `path` atomically (temporary file, then rename; a symbolic
   * link is written through to its target). Node only.
   *
   * @example
   * ```ts
   * await learn.save('models/stage-1.safetensors');
   * ```
   */
  async save(path: string, options: SaveOptions = {}): Promise<void> {
    const bytes = this.saveState(options);
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
    this.validCursor.iter?.return?.();
    this.validCursor.iter = undefined;
  }
}
