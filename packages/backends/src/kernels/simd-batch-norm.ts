import { up4 } from './conv-geometry.js';
import type { KernelHeap } from './kernel-heap.js';

/**
 * Batch normalisation of `x` (rows of `c` channels, channels last) with its own statistics, on the
 * kernels of `wasm/batch-norm-kernels.c`: writes `y = (x − mean) / √(variance + eps) · weight + bias`,
 * the per-channel `mean` and the biased `variance` (sums in float32 over blocks of 256 rows, then
 * float64).
 *
 * @returns false (nothing written) when the tensors do not fit the kernels' memory.
 */
export function batchNormForward(
  heap: KernelHeap,
  x: Float32Array,
  c: number,
  weight: Float32Array,
  bias: Float32Array,
  eps: number,
  y: Float32Array,
  mean: Float32Array,
  variance: Float32Array,
): boolean {
  const c4 = up4(c);
  // Arrays in the kernels' memory (a host's tensors) are used in place: take their addresses, and
  // copies of the per-channel values, before laying out (which may grow the memory, detaching views).
  const [xAt, yAt, meanAt, varianceAt] = [x, y, mean, variance].map((v) => heap.addressOf(v));
  [weight, bias] = [Float32Array.from(weight), Float32Array.from(bias)];
  const n = x.length;
  const at = heap.regions([xAt === undefined ? n : 0, yAt === undefined ? n : 0, c4, c4, 2 * c4, c4, c4, c4]);
  if (at == null) return false;
  const [xRegion, yRegion, mp, vp, accp, partp, scp, shp] = at;
  const xp = heap.input(x, xAt, xRegion);
  const yp = yAt ?? yRegion;
  const rows = n / c;
  heap.fns.bn_stats(xp, rows, c, mp, vp, accp, partp);
  const floats = heap.floats();
  const m = floats.subarray(mp >> 2, (mp >> 2) + c);
  const v = floats.subarray(vp >> 2, (vp >> 2) + c);
  for (let k = 0; k < c; k++) {
    const scale = weight[k]! / Math.sqrt(v[k]! + eps);
    floats[(scp >> 2) + k] = scale;
    floats[(shp >> 2) + k] = bias[k]! - m[k]! * scale;
  }
  heap.output(mp, mean, meanAt, c);
  heap.output(vp, variance, varianceAt, c);
  heap.fns.bn_apply(xp, yp, rows, c, scp, shp);
  heap.output(yp, y, yAt, n);
  return true;
}

/**
 * The gradients of {@link batchNormForward}: writes `dx` (including the gradients `dmean`,
 * `dvariance` reaching the statistics from elsewhere) and `params` = the weight's gradient `Σ dy·x̂`
 * then the bias's `Σ dy` (`2·c` values).
 *
 * @returns false (nothing written) when the tensors do not fit the kernels' memory.
 */
export function batchNormGrad(
  heap: KernelHeap,
  dy: Float32Array,
  x: Float32Array,
  c: number,
  mean: Float32Array,
  variance: Float32Array,
  weight: Float32Array,
  dmean: Float32Array,
  dvariance: Float32Array,
  eps: number,
  dx: Float32Array,
  params: Float32Array,
): boolean {
  const c4 = up4(c);
  // As in batchNormForward: addresses and per-channel copies first.
  const [dyAt, xAt, dxAt] = [dy, x, dx].map((v) => heap.addressOf(v));
  [mean, variance, weight, dmean, dvariance] = [mean, variance, weight, dmean, dvariance].map((v) =>
    Float32Array.from(v),
  ) as [Float32Array, Float32Array, Float32Array, Float32Array, Float32Array];
  const n = x.length;
  const room = (at: number | undefined) => (at === undefined ? n : 0);
  const at = heap.regions([room(dyAt), room(xAt), room(dxAt), c4, c4, c4, 2 * c4, c4, c4, c4, c4]);
  if (at == null) return false;
  const [dyRegion, xRegion, dxRegion, mp, sdp, sxp, accp, partp, ap, bp, sp] = at;
  const dyp = heap.input(dy, dyAt, dyRegion);
  const xp = heap.input(x, xAt, xRegion);
  const dxp = dxAt ?? dxRegion;
  heap.set(mp, mean);
  const rows = n / c;
  heap.fns.bn_grad_sums(dyp, xp, rows, c, mp, sdp, sxp, accp, partp);
  const floats = heap.floats();
  // x̂ = (x − mean)·invStd; dx = w·invStd·dy − w·invStd·Σdy/M − (w·invStd³·Σdy(x − mean)/M)(x − mean)
  //      + dmean/M + 2·dvariance·(x − mean)/M
  for (let k = 0; k < c; k++) {
    const invStd = 1 / Math.sqrt(variance[k]! + eps);
    const a = weight[k]! * invStd;
    const sumDy = floats[(sdp >> 2) + k]!;
    const sumDyXc = floats[(sxp >> 2) + k]!;
    floats[(ap >> 2) + k] = a;
    floats[(bp >> 2) + k] = (dmean[k]! - a * sumDy) / rows;
    floats[(sp >> 2) + k] = (2 * dvariance[k]! - a * invStd * invStd * sumDyXc) / rows;
    params[k] = sumDyXc * invStd;
    params[c + k] = sumDy;
  }
  heap.fns.bn_grad_x(dyp, xp, dxp, rows, c, ap, bp, sp, mp);
  heap.output(dxp, dx, dxAt, n);
  return true;
}
