import * as tf from '@tensorflow/tfjs-core';
import type { KernelCall } from './wasm-kernel-calls.js';

/**
 * Spreads an NHWC tensor's rows and columns apart by inserting `sh − 1` zero rows after every row and
 * `sw − 1` zero columns after every column: `[N,H,W,C] → [N, H·sh, W·sw, C]` with `out[n, i·sh, j·sw, c] = x[n,i,j,c]`.
 * (The trailing zero rows/columns are kept; callers crop or pad around them.) Returns `x` when both are 1.
 *
 * @example
 * ```ts
 * const dyd = zeroInsert(call, dy, 2, 2); // [N, 2·OH, 2·OW, C]
 * ```
 */
export function zeroInsert(call: KernelCall, x: tf.TensorInfo, sh: number, sw: number): tf.TensorInfo {
  if (sh === 1 && sw === 1) return x;
  const [n, h, w, c] = x.shape as [number, number, number, number];
  const x6 = call(tf.Reshape, { x }, { shape: [n, h, 1, w, 1, c] });
  const padded = call(
    tf.PadV2,
    { x: x6 },
    {
      paddings: [
        [0, 0],
        [0, 0],
        [0, sh - 1],
        [0, 0],
        [0, sw - 1],
        [0, 0],
      ],
      constantValue: 0,
    },
  );
  return call(tf.Reshape, { x: padded }, { shape: [n, h * sh, w * sw, c] });
}
