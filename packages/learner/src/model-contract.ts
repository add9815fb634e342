import type * as tf from '@tensorflow/tfjs-core';

/**
 * One trainable tensor of a model as the learner sees it (what `@onecycle/models`' `Parameter` is).
 *
 * @example
 * ```ts
 * const p: LearnerParameter = model.parameters()[0]!;
 * p.name; // '0.0.weight'
 * ```
 */
export interface LearnerParameter {
  /** Dotted, stable name. */
  readonly name: string;
  /** The variable; `trainable = false` freezes it. */
  readonly variable: tf.Variable;
  /** 'norm' for batch-norm gamma/beta. */
  readonly kind: 'weight' | 'bias' | 'norm';
}

/**
 * What the learner needs from a model: the shape of `@onecycle/models`' `Module` (any `Module`
 * fits), so a hand-written model works too.
 *
 * @example
 * ```ts
 * import { simpleCnn } from '@onecycle/models';
 * const model: LearnerModel = simpleCnn([3, 16, 16, 2]);
 * ```
 */
export interface LearnerModel {
  /** Training (true) or eval (false) mode. */
  training: boolean;
  /** Sets training mode recursively. */
  train(mode?: boolean): unknown;
  /** Sets eval mode recursively. */
  eval(): unknown;
  /** Logits for a batch; called inside `tf.tidy` / `tf.variableGrads`. */
  forward(x: tf.Tensor): tf.Tensor;
  /** Every parameter, in a stable order. */
  parameters(): readonly LearnerParameter[];
  /** Non-trainable state (batch-norm running statistics). */
  buffers(): readonly { readonly name: string; readonly variable: tf.Variable }[];
  /** Parameters split into layer groups (one group by default). */
  layerGroups(): readonly (readonly LearnerParameter[])[];
}
