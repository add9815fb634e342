import * as tf from '@tensorflow/tfjs-core';
import type { KernelCall } from './wasm-kernel-calls.js';

/**
 * Turns wanted NHWC spatial paddings that may be negative into a crop of `x` plus the explicit
 * (non-negative) padding a convolution kernel accepts: a negative `top` drops that many leading rows, etc.
 *
 * @example
 * ```ts
 * const { x: cropped, pad } = padOrCrop(call, dy, -1, 2, 0, 0); // drop dy's first row, pad 2 rows after
 * ```
 */
export function padOrCrop(
  call: KernelCall,
  x: tf.TensorInfo,
  top: number,
  bottom: number,
  left: number,
  right: number,
): { x: tf.TensorInfo; pad: tf.backend_util.ExplicitPadding } {
  let out = x;
  if (top < 0 || bottom < 0 || left < 0 || right < 0) {
    const [n, h, w, c] = x.shape as [number, number, number, number];
    const r0 = Math.max(0, -top);
    const c0 = Math.max(0, -left);
    const size = [n, h - r0 - Math.max(0, -bottom), w - c0 - Math.max(0, -right), c];
    out = call(tf.Slice, { x }, { begin: [0, r0, c0, 0], size });
  }
  const pad: tf.backend_util.ExplicitPadding = [
    [0, 0],
    [Math.max(top, 0), Math.max(bottom, 0)],
    [Math.max(left, 0), Math.max(right, 0)],
    [0, 0],
  ];
  return { x: out, pad };
}
