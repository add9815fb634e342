import { up4 } from './conv-geometry.js';
import type { SimdConv } from './simd-conv.js';
import { JOB_BN_APPLY, JOB_BN_GRAD_X, JOB_BN_SUMS } from './worker-pool.js';

/** Rows per block of the float32 partial sums. */
const BLOCK = 256;

/**
 * Per-channel sums over `rows` rows of `c` channels (c a multiple of 4), in float32 over blocks of 256
 * rows (the blocks shared out among the threads), then in float64 across blocks in block order, written
 * to `outs` (divided by `divisor` when positive): `Σ a` (mode 0) or `Σ (a − m)²` (mode 1) to `outs[0]`;
 * in mode 2, one pass for the gradient's `Σ a` and `Σ a·(b − m)` (a = dy masked by a ReLU of b = x
 * when `affine`, see {@link writeAffine}, is not 0) to `outs[0]` and `outs[1]`. `parts` holds c floats
 * a block and a sum, `acc` c doubles.
 */
function channelSums(
  kernels: SimdConv,
  rows: number,
  c: number,
  mode: 0 | 1 | 2,
  [a, b, m]: [number, number, number],
  { parts, acc, affine }: { parts: number; acc: number; affine: number },
  outs: number[],
  divisor: number,
): void {
  const blocks = Math.ceil(rows / BLOCK);
  const args = [a, b, m, rows, c, mode, parts, BLOCK, affine];
  kernels.runRows(JOB_BN_SUMS, blocks, c, args);
  outs.forEach((out, i) => {
    kernels.heap.fns.bn_reduce(parts + i * blocks * c * 4, blocks, c, acc, out, divisor);
  });
}

/**
 * Writes each channel's scale `weight / √(variance + eps)` at `at`, and its shift `bias − mean·scale`
 * `c4` floats further: what the normalisation applies, and what the gradient of a ReLU after it
 * recomputes (the same bits from the same statistics).
 */
function writeAffine(
  floats: Float32Array,
  at: number,
  c: number,
  { weight, bias, mean, variance }: Record<'weight' | 'bias' | 'mean' | 'variance', Float32Array>,
  eps: number,
): void {
  const shift = (at >> 2) + up4(c);
  for (let k = 0; k < c; k++) {
    const scale = weight[k]! / Math.sqrt(variance[k]! + eps);
    floats[(at >> 2) + k] = scale;
    floats[shift + k] = bias[k]! - mean[k]! * scale;
  }
}

/**
 * Batch normalisation of `x` (rows of `c` channels, channels last) with its own statistics, on the
 * kernels of `wasm/batch-norm-kernels.c` in `kernels`' memory: writes `y = (x − mean) / √(variance +
 * eps) · weight + bias` (then `max(y, 0)` when `relu`), the per-channel `mean` and the biased
 * `variance`. With c a multiple of 4 the sums run in float32 over blocks of 256 rows, then float64,
 * and each pass is shared with the convolution threads where they work in the same memory (the same
 * bits on any number of threads); otherwise in float64, on this thread.
 *
 * @returns false (nothing written) when the tensors do not fit the kernels' memory.
 */
export function batchNormForward(
  kernels: SimdConv,
  x: Float32Array,
  c: number,
  weight: Float32Array,
  bias: Float32Array,
  eps: number,
  y: Float32Array,
  mean: Float32Array,
  variance: Float32Array,
  relu = false,
): boolean {
  const heap = kernels.heap;
  const c4 = up4(c);
  // Arrays in the kernels' memory (a host's tensors) are used in place: take their addresses, and
  // copies of the per-channel values, before laying out (which may grow the memory, detaching views).
  const [xAt, yAt, meanAt, varianceAt] = [x, y, mean, variance].map((v) => heap.addressOf(v));
  [weight, bias] = [Float32Array.from(weight), Float32Array.from(bias)];
  const n = x.length;
  const rows = n / c;
  const blocked = c % 4 === 0;
  const parts = blocked ? Math.ceil(rows / BLOCK) * c : 0;
  const yRoom = yAt === undefined ? n : 0;
  const at = heap.regions([xAt === undefined ? n : 0, yRoom, c4, c4, 2 * c4, parts, 2 * c4]);
  if (at == null) return false;
  const [xRegion, yRegion, mp, vp, acc, partsp, affine] = at;
  const xp = heap.input(x, xAt, xRegion);
  const yp = yAt ?? yRegion;
  if (blocked) {
    const scratch = { parts: partsp, acc, affine: 0 };
    channelSums(kernels, rows, c, 0, [xp, 0, 0], scratch, [mp], rows);
    channelSums(kernels, rows, c, 1, [xp, 0, mp], scratch, [vp], rows);
  } else heap.fns.bn_stats(xp, rows, c, mp, vp, acc);
  const floats = heap.floats();
  const m = floats.subarray(mp >> 2, (mp >> 2) + c);
  const v = floats.subarray(vp >> 2, (vp >> 2) + c);
  writeAffine(floats, affine, c, { weight, bias, mean: m, variance: v }, eps);
  heap.output(mp, mean, meanAt, c);
  heap.output(vp, variance, varianceAt, c);
  kernels.runRows(JOB_BN_APPLY, rows, c, [xp, yp, c, affine, relu ? 1 : 0]);
  heap.output(yp, y, yAt, n);
  return true;
}

/**
 * The gradients of {@link batchNormForward}: writes `dx` (including the gradients `dmean`,
 * `dvariance` reaching the statistics from elsewhere) and `params` = the weight's gradient `Σ dy·x̂`
 * then the bias's `Σ dy` (`2·c` values). With `reluBias` (the forward pass's bias, given when a ReLU
 * followed), `dy` counts only where the ReLU passed its input on. Sums and threads as in
 * {@link batchNormForward}.
 *
 * @returns false (nothing written) when the tensors do not fit the kernels' memory.
 */
export function batchNormGrad(
  kernels: SimdConv,
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
  reluBias: Float32Array | null = null,
): boolean {
  const heap = kernels.heap;
  const c4 = up4(c);
  // As in batchNormForward: addresses and per-channel copies first.
  const [dyAt, xAt, dxAt] = [dy, x, dx].map((v) => heap.addressOf(v));
  [mean, variance, weight, dmean, dvariance] = [mean, variance, weight, dmean, dvariance].map((v) =>
    Float32Array.from(v),
  ) as [Float32Array, Float32Array, Float32Array, Float32Array, Float32Array];
  const bias = reluBias && Float32Array.from(reluBias);
  const n = x.length;
  const rows = n / c;
  const blocked = c % 4 === 0;
  const parts = blocked ? 2 * Math.ceil(rows / BLOCK) * c : 0; // the two sums of each block
  const room = (at: number | undefined) => (at === undefined ? n : 0);
  const at = heap.regions([room(dyAt), room(xAt), room(dxAt), c4, c4, c4, 2 * c4, parts, c4, c4, c4, 2 * c4]);
  if (at == null) return false;
  const [dyRegion, xRegion, dxRegion, mp, sdp, sxp, acc, partsp, ap, bp, sp, affineRegion] = at;
  const dyp = heap.input(dy, dyAt, dyRegion);
  const xp = heap.input(x, xAt, xRegion);
  const dxp = dxAt ?? dxRegion;
  heap.set(mp, mean);
  const floats = heap.floats();
  const affine = bias ? affineRegion : 0;
  if (bias) writeAffine(floats, affine, c, { weight, bias, mean, variance }, eps);
  if (blocked) {
    const scratch = { parts: partsp, acc, affine };
    channelSums(kernels, rows, c, 2, [dyp, xp, mp], scratch, [sdp, sxp], 0);
  } else heap.fns.bn_grad_sums(dyp, xp, rows, c, mp, sdp, sxp, acc, affine);
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
  const args = [dyp, xp, dxp, c, ap, bp, sp, mp, affine];
  kernels.runRows(JOB_BN_GRAD_X, rows, c, args);
  heap.output(dxp, dx, dxAt, n);
  return true;
}
