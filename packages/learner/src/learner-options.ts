import type { Callback } from '@onecycle/callbacks';
import type { LossFunc } from './loss.js';
import type { LrSpec } from './lr-range.js';
import type { MetricFunc } from './metrics.js';
import type { OptFunc } from './opt-func.js';

/** fastai v1's `defaults.lr`: `slice(3e-3)`. @internal */
export const DEFAULT_LR: LrSpec = { stop: 3e-3 };

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
 * Options of {@link Learner.save} and {@link Learner.saveState}.
 *
 * @example
 * ```ts
 * await learn.save('ck.safetensors', { metadata: { 'my-app.options': JSON.stringify({ bs: 64 }) } });
 * ```
 */
export interface SaveOptions {
  /** Extra safetensors metadata strings stored beside the learner's own key. */
  metadata?: Readonly<Record<string, string>>;
}
