import * as tf from '@tensorflow/tfjs-core';

/** `n` normal values from seed `seed + 1` (tfjs takes a seed of 0 as none). */
export function seededValues(n: number, seed: number, mean = 0, sd = 1): Float32Array {
  return tf.tidy(() => tf.randomNormal([n], mean, sd, 'float32', seed + 1).dataSync() as Float32Array);
}

/** max|a − b| / max|b|: the error of `a` relative to the reference `b`'s scale. */
export function maxRelError(a: Float32Array, b: Float32Array): number {
  let diff = 0;
  let scale = 0;
  for (let i = 0; i < a.length; i++) {
    diff = Math.max(diff, Math.abs(a[i]! - b[i]!));
    scale = Math.max(scale, Math.abs(b[i]!));
  }
  return diff / scale;
}
