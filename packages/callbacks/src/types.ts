import type { HyperparameterName } from '@onecycle/annealing';

/**
 * The contracts between a training loop and its callbacks. Framework-free: numbers in, numbers out.
 * A loop (the Learner, or your own) owns a {@link TrainState} and fires the events of
 * {@link Callback} in this order:
 *
 * ```text
 * onTrainBegin
 *   for each epoch: onEpochBegin
 *     for each batch: onBatchBegin → onLossBegin → onBackwardBegin → onBackwardEnd → onStepEnd → onBatchEnd
 *     (validation unless state.skipValidate) → onEpochEnd
 * onTrainEnd (always, also after an error: state.error is set then)
 * ```
 */

/**
 * The part of an optimizer that callbacks may read and write: one value per parameter group for
 * each hyperparameter named in `@onecycle/annealing`'s `HYPERPARAMETER_NAMES`. `mom` is SGD's momentum or Adam's beta1; `beta` is Adam's beta2 or
 * RMSProp's alpha; `wd` is the weight decay.
 *
 * @example
 * ```ts
 * opt.get('lr');            // [0.001, 0.01] for two groups
 * opt.set('lr', 0.05);      // every group
 * opt.set('lr', [1e-3, 1e-2]); // per group
 * ```
 */
export interface HyperparamTarget {
  /** Number of parameter groups (≥ 1). */
  readonly nGroups: number;
  /** The current value of a hyperparameter for every group. */
  get(name: HyperparameterName): number[];
  /** Sets a hyperparameter: one number for every group, or one per group. */
  set(name: HyperparameterName, value: number | readonly number[]): void;
}

/**
 * A saved copy of the trainable state (weights, optimizer state, batch-norm statistics) that can be
 * put back bit-for-bit. Taken with {@link TrainingHost.snapshot}.
 *
 * @example
 * ```ts
 * const snap = await state.host.snapshot();
 * try { ... } finally { await snap.restore(); snap.dispose(); }
 * ```
 */
export interface Snapshot {
  /** Puts the saved state back. May be called more than once. */
  restore(): void | Promise<void>;
  /** Frees the memory the snapshot holds. */
  dispose(): void;
}

/**
 * The gradients of the step about to be taken, as a callback may change them between
 * `onBackwardEnd` and the optimizer step (fastai's `after_backward`). The loop applies the
 * operation on its tensors; callbacks only see numbers.
 *
 * @example
 * ```ts
 * const norm = await state.host.gradients!.norm();
 * if (norm > 1) state.host.gradients!.scale(1 / norm);
 * ```
 */
export interface GradientAccess {
  /** The global L2 norm of every parameter's gradient taken together (`clip_grad_norm_`'s total norm). */
  norm(): number | Promise<number>;
  /** Multiplies every gradient by `factor`. */
  scale(factor: number): void;
  /** Clamps every gradient value to `[−limit, limit]` (`clip_grad_value_`). */
  clampValues(limit: number): void;
}

/**
 * What the training loop offers to callbacks besides the state: the optimizer's hyperparameters,
 * snapshots of the trainable state, and optionally a loss on one validation batch, the gradients
 * and a checkpoint writer.
 *
 * @example
 * ```ts
 * const lrs = state.host.opt.get('lr');
 * ```
 */
export interface TrainingHost {
  /** The optimizer's hyperparameters. */
  readonly opt: HyperparamTarget;
  /** Saves weights, optimizer state and buffers so they can be restored exactly. */
  snapshot(): Snapshot | Promise<Snapshot>;
  /** The loss of the current model on one validation batch (the next one, cycling), if the loop can. */
  validationBatchLoss?(): Promise<number>;
  /** The gradients of the current step (between `onBackwardEnd` and the step), if the loop exposes them. */
  readonly gradients?: GradientAccess;
  /** Writes a checkpoint of the model (and optimizer) to `path` atomically, if the loop can. */
  save?(path: string): Promise<void>;
  /** Loads a checkpoint written by {@link TrainingHost.save}. */
  load?(path: string): Promise<void>;
}

/**
 * The shared, mutable state of a training run. The loop writes the counters and losses; callbacks
 * read them and may set the control flags.
 *
 * @example
 * ```ts
 * const cb: Callback = { onBatchEnd: (s) => { if (s.lastLoss > 10) s.stopTraining = true; } };
 * ```
 */
export interface TrainState {
  /** The loop's services (optimizer hyperparameters, snapshots). */
  readonly host: TrainingHost;
  /** Number of epochs this run was asked for. */
  nEpochs: number;
  /** Current epoch, 0-based. */
  epoch: number;
  /** Training iterations (optimizer steps) per epoch. */
  nBatches: number;
  /** Data batches per iteration: 1, or the `nAcc` of a {@link GradientAccumulation}. */
  nAccumulate: number;
  /** Index of the current batch within the epoch, 0-based. */
  numBatch: number;
  /** Training iterations done since onTrainBegin (0-based index of the current batch overall). */
  iteration: number;
  /** True during training batches, false during validation. */
  train: boolean;
  /** The loss of the last training batch. */
  lastLoss: number;
  /** Exponential moving average of the training loss with bias correction (beta 0.98). */
  smoothLoss: number;
  /** Mean training loss of the current epoch so far. */
  trainLoss: number;
  /** Validation loss of the last validation pass (NaN before one ran). */
  validLoss: number;
  /** Metric values of the last validation pass, by name. */
  metrics: Record<string, number>;
  /** Set by a callback to stop after the current batch (onTrainEnd still fires). */
  stopTraining: boolean;
  /** Set by a callback to end the current epoch after the current batch. */
  stopEpoch: boolean;
  /** Set in onBackwardEnd (or before) to skip the optimizer step of this batch. */
  skipStep: boolean;
  /** Set to skip the validation pass at the end of this epoch. */
  skipValidate: boolean;
  /** Set when the run ended with an error; onTrainEnd sees it. */
  error?: unknown;
  /**
   * Why a callback stopped the run early (for example "loss became NaN at iteration 12 …"), set
   * together with `stopTraining`. The loop reports it to its caller.
   */
  stopReason?: string;
}

/**
 * The events of the training loop, in the order they fire.
 *
 * @example
 * ```ts
 * for (const e of CALLBACK_EVENTS) console.log(e); // onTrainBegin … onTrainEnd
 * ```
 */
export const CALLBACK_EVENTS = [
  'onTrainBegin',
  'onEpochBegin',
  'onBatchBegin',
  'onLossBegin',
  'onBackwardBegin',
  'onBackwardEnd',
  'onStepEnd',
  'onBatchEnd',
  'onEpochEnd',
  'onTrainEnd',
] as const;

/**
 * The name of one event of the training loop.
 *
 * @example
 * ```ts
 * await handler.fire('onEpochEnd' satisfies CallbackEvent, state);
 * ```
 */
export type CallbackEvent = (typeof CALLBACK_EVENTS)[number];

/**
 * A handler for one event; it may be async.
 *
 * @example
 * ```ts
 * const h: EventHandler = async (s) => { if (s.lastLoss > 10) s.stopTraining = true; };
 * ```
 */
export type EventHandler = (state: TrainState) => void | Promise<void>;

/**
 * The one extension point of the training loop. Every event is optional. Callbacks run in
 * ascending `order` (default 0), ties in the order they were given.
 *
 * @example
 * ```ts
 * const printer: Callback = {
 *   name: 'printer',
 *   onEpochEnd: (s) => console.log(s.epoch, s.validLoss, s.metrics.accuracy),
 * };
 * ```
 */
export type Callback = { readonly name?: string; readonly order?: number } & {
  [E in CallbackEvent]?: EventHandler;
};
