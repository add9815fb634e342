import { up4 } from './conv-geometry.js';
import type { SimdConv } from './simd-conv.js';
import { JOB_BN_APPLY, JOB_BN_GRAD_X, JOB_BN_SUMS, type Job } from './worker-pool.js';

/** Rows per block of the float32 partial sums. */
const BLOCK = 256;

/** One number per pass and shape, below the convolutions' (which are positive): calls of one kind cost alike. */
const passKind = (job: Job, rows: number, c: number) => -((rows * 4096 + c) * 8 + job);

/**
 * Per-channel sums over `rows` rows of `c` channels (c a multiple of 4) of f = `a` (mode 0), `(a − m)²`
 * (mode 1) or `a·(b − m)` (mode 2): float32 over blocks of 256 rows, the blocks shared out among the
 * threads, then float64 across blocks in block order, written to `out` (divided by `divisor` when
 * positive). `parts` holds a block's c floats each, `acc` c doubles.
 */
function channelSums(
  kernels: SimdConv,
  rows: number,
  c: number,
  mode: number,
  [a, b, m]: [number, number, number],
  parts: number,
  acc: number,
  out: number,
  divisor: number,
): void {
  const blocks = Math.ceil(rows / BLOCK);
  kernels.runRows(JOB_BN_SUMS, passKind(JOB_BN_SUMS, rows, c), blocks, [
    a,
    b,
    m,
    rows,
    c,
    mode,
    parts,
    BLOCK,
  ]);
  kernels.heap.fns.bn_reduce(parts, blocks, c, acc, out, divisor);
}

/**
 * Batch normalisation of `x` (rows of `c` channels, channels last) with its own statistics, on the
 * kernels of `wasm/batch-norm-kernels.c` in `kernels`' memory: writes `y = (x − mean) / √(variance +
 * eps) · weight + bias`, the per-channel `mean` and the biased `variance`. With c a multiple of 4 the
 * sums run in float32 over blocks of 256 rows, then float64, and each pass is shared with the
 * convolution threads where they work in the same memory (the same bits on any number of threads);
 * otherwise in float64, on this thread.
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
  const at = heap.regions([
    xAt === undefined ? n : 0,
    yAt === undefined ? n : 0,
    c4,
    c4,
    2 * c4,
    parts,
    c4,
    c4,
  ]);
  if (at == null) return false;
  const [xRegion, yRegion, mp, vp, accp, partsp, scp, shp] = at;
  const xp = heap.input(x, xAt, xRegion);
  const yp = yAt ?? yRegion;
  if (blocked) {
    channelSums(kernels, rows, c, 0, [xp, 0, 0], partsp, accp, mp, rows);
    channelSums(kernels, rows, c, 1, [xp, 0, mp], partsp, accp, vp, rows);
  } else heap.fns.bn_stats(xp, rows, c, mp, vp, accp);
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
  kernels.runRows(JOB_BN_APPLY, passKind(JOB_BN_APPLY, rows, c), rows, [xp, yp, c, scp, shp]);
  heap.output(yp, y, yAt, n);
  return true;
}

/**
 * The gradients of {@link batchNormForward}: writes `dx` (including the gradients `dmean`,
 * `dvariance` reaching the statistics from elsewhere) and `params` = the weight's gradient `Σ dy·x̂`
 * then the bias's `Σ dy` (`2·c` values). Sums and threads as in {@link batchNormForward}.
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
): boolean {
  const heap = kernels.heap;
  const c4 = up4(c);
  // As in batchNormForward: addresses and per-channel copies first.
  const [dyAt, xAt, dxAt] = [dy, x, dx].map((v) => heap.addressOf(v));
  [mean, variance, weight, dmean, dvariance] = [mean, variance, weight, dmean, dvariance].map((v) =>
    Float32Array.from(v),
  ) as [Float32Array, Float32Array, Float32Array, Float32Array, Float32Array];
  const n = x.length;
  const rows = n / c;
  const blocked = c % 4 === 0;
  const parts = blocked ? Math.ceil(rows / BLOCK) * c : 0;
  const room = (at: number | undefined) => (at === undefined ? n : 0);
  const at = heap.regions([room(dyAt), room(xAt), room(dxAt), c4, c4, c4, 2 * c4, parts, c4, c4, c4]);
  if (at == null) return false;
  const [dyRegion, xRegion, dxRegion, mp, sdp, sxp, accp, partsp, ap, bp, sp] = at;
  const dyp = heap.input(dy, dyAt, dyRegion);
  const xp = heap.input(x, xAt, xRegion);
  const dxp = dxAt ?? dxRegion;
  heap.set(mp, mean);
  if (blocked) {
    channelSums(kernels, rows, c, 0, [dyp, 0, 0], partsp, accp, sdp, 0);
    channelSums(kernels, rows, c, 2, [dyp, xp, mp], partsp, accp, sxp, 0);
  } else heap.fns.bn_grad_sums(dyp, xp, rows, c, mp, sdp, sxp, accp);
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
  kernels.runRows(JOB_BN_GRAD_X, passKind(JOB_BN_GRAD_X, rows, c), rows, [dyp, xp, dxp, c, ap, bp, sp, mp]);
  heap.output(dxp, dx, dxAt, n);
  return true;
}
