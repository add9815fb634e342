import * as tf from '@tensorflow/tfjs';

/**
 * The inputs `model.fit` takes: one tensor, an array of tensors, or tensors by input name.
 *
 * @example
 * ```ts
 * const x: FitInputs = tf.zeros([64, 28, 28, 1]);
 * ```
 */
export type FitInputs = tf.Tensor | tf.Tensor[] | { [inputName: string]: tf.Tensor };

/** The number of samples of fit's inputs (their first dimension). */
export function sampleCount(x: FitInputs, where: string): number {
  const first = x instanceof tf.Tensor ? x : Array.isArray(x) ? x[0] : Object.values(x)[0];
  if (!(first instanceof tf.Tensor) || first.rank < 1) {
    throw new TypeError(`${where}: x must be a tensor (or tensors) with a batch dimension`);
  }
  return first.shape[0]!;
}

/**
 * The callbacks of fit's arguments as tfjs callback objects (`tf.Callback`, `tf.CustomCallback`,
 * and plain `{ onBatchEnd, … }` objects wrapped), so that more can be added to them.
 */
export function callbackList(callbacks: tf.ModelFitArgs['callbacks']): tf.Callback[] {
  if (callbacks == null) return [];
  const list: unknown[] = Array.isArray(callbacks) ? callbacks : [callbacks];
  return list.map((c) => {
    const isCallbackObject =
      typeof (c as tf.Callback).setParams === 'function' && typeof (c as tf.Callback).setModel === 'function';
    return (isCallbackObject ? c : new tf.CustomCallback(c as tf.CustomCallbackArgs)) as tf.Callback;
  });
}

/** Checks `batchSize` (an integer ≥ 1; default 32, as `model.fit`). */
export function checkBatchSize(batchSize: number | undefined, where: string): number {
  const bs = batchSize ?? 32;
  if (!Number.isInteger(bs) || bs < 1)
    throw new RangeError(`${where}: batchSize must be an integer ≥ 1, got ${batchSize}`);
  return bs;
}
