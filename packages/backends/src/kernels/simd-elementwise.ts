import type { SimdConv } from './simd-conv.js';
import { JOB_ADD_RELU, JOB_RELU_GRAD, type Job } from './worker-pool.js';

/** One number per job and size, below the convolutions' and the batch norm's: calls of one kind cost alike. */
const passKind = (job: Job, n: number) => -(n * 8 + job) - 2 ** 50;

/**
 * Runs the elementwise kernel `job` of `wasm/elementwise-kernels.c` over `n` values: `ins` are its two
 * inputs, `out` its output, used in place where they live in `kernels`' memory (tfjs's tensors) and
 * copied in and out otherwise; the values are shared out among the convolution threads where they work
 * in that memory. Returns false (nothing written) when the arrays do not fit the kernels' memory.
 */
function elementwise(
  kernels: SimdConv,
  job: Job,
  ins: [Float32Array, Float32Array],
  out: Float32Array,
): boolean {
  const heap = kernels.heap;
  const n = out.length;
  const [aAt, bAt, outAt] = [...ins, out].map((v) => heap.addressOf(v));
  const at = heap.regions([
    aAt === undefined ? n : 0,
    bAt === undefined ? n : 0,
    outAt === undefined ? n : 0,
  ]);
  if (at == null) return false;
  const ap = heap.input(ins[0], aAt, at[0]);
  const bp = heap.input(ins[1], bAt, at[1]);
  const yp = outAt ?? at[2];
  kernels.runRows(job, passKind(job, n), n, [ap, bp, yp]);
  heap.output(yp, out, outAt, n);
  return true;
}

/**
 * `y = max(a + b, 0)` (0 where `a + b` is not positive) on the SIMD kernels (see `elementwise`).
 *
 * @returns false (nothing written) when the arrays do not fit the kernels' memory.
 */
export function addReluForward(
  kernels: SimdConv,
  a: Float32Array,
  b: Float32Array,
  y: Float32Array,
): boolean {
  return elementwise(kernels, JOB_ADD_RELU, [a, b], y);
}

/**
 * `dx = dy` where `y > 0`, else 0: the gradient through a ReLU whose output is `y` (see `elementwise`).
 *
 * @returns false (nothing written) when the arrays do not fit the kernels' memory.
 */
export function reluGradFromOutput(
  kernels: SimdConv,
  dy: Float32Array,
  y: Float32Array,
  dx: Float32Array,
): boolean {
  return elementwise(kernels, JOB_RELU_GRAD, [dy, y], dx);
}
