import type * as tf from '@tensorflow/tfjs-core';

/** Throws a clear error unless `x` is a rank-4 NHWC tensor with `channels` channels. */
export function checkNhwc(x: tf.Tensor, channels: number, layer: string): void {
  if (x.rank !== 4 || x.shape[3] !== channels) {
    throw new Error(`${layer}: input must be [N, H, W, ${channels}] (NHWC), got [${x.shape.join(', ')}]`);
  }
}

/** Throws a RangeError unless `value` is an integer ≥ `min`. */
export function checkInt(value: unknown, min: number, what: string): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min) {
    throw new RangeError(`${what} must be an integer ≥ ${min}, got ${String(value)}`);
  }
  return value;
}

/** Accepts `n` or `[a, b]` (integers ≥ `min`) and returns a pair. */
export function pair(value: number | readonly [number, number], min: number, what: string): [number, number] {
  if (typeof value === 'number') {
    checkInt(value, min, what);
    return [value, value];
  }
  if (!Array.isArray(value) || value.length !== 2) {
    throw new RangeError(`${what} must be an integer or a pair of integers, got ${String(value)}`);
  }
  return [checkInt(value[0], min, what), checkInt(value[1], min, what)];
}
