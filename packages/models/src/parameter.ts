import type * as tf from '@tensorflow/tfjs-core';

/**
 * What a parameter is, for optimisers and freezing: `'weight'` (conv/linear weights), `'bias'`,
 * or `'norm'` (batch-norm gamma and beta, which fastai keeps trainable when freezing and may
 * exclude from weight decay).
 *
 * @example
 * ```ts
 * const decayed = model.parameters().filter((p) => p.kind !== 'norm');
 * ```
 */
export type ParamKind = 'weight' | 'bias' | 'norm';

/**
 * How a tensor is laid out in tfjs compared with PyTorch, used when weights are saved or loaded:
 * - `'plain'`: the same layout (biases, batch-norm vectors, linear weights `[out, in]`);
 * - `'conv2d'`: tfjs filter `[kh, kw, in, out]` ↔ PyTorch weight `[out, in, kh, kw]`.
 *
 * @example
 * ```ts
 * const convWeights = model.parameters().filter((p) => p.layout === 'conv2d');
 * ```
 */
export type TensorLayout = 'plain' | 'conv2d';

/**
 * A trainable tensor with its dotted PyTorch-style name (`'0.0.weight'`). Freeze it by setting
 * `variable.trainable = false`.
 *
 * @example
 * ```ts
 * for (const p of model.parameters()) console.log(p.name, p.variable.shape, p.kind);
 * ```
 */
export interface Parameter {
  /** Dotted name, as in PyTorch's `named_parameters()` of the equivalent module. */
  readonly name: string;
  /** The tfjs variable holding the values. */
  readonly variable: tf.Variable;
  /** Weight, bias or batch-norm parameter. */
  readonly kind: ParamKind;
  /** Layout of the variable compared with PyTorch's (see {@link TensorLayout}). */
  readonly layout: TensorLayout;
}

/**
 * A non-trainable state tensor (batch-norm `running_mean` / `running_var`) with its dotted name.
 *
 * @example
 * ```ts
 * for (const b of model.buffers()) console.log(b.name, b.variable.shape);
 * ```
 */
export interface NamedBuffer {
  /** Dotted name, as in PyTorch's `named_buffers()`. */
  readonly name: string;
  /** The tfjs variable (created with `trainable = false`). */
  readonly variable: tf.Variable;
}
