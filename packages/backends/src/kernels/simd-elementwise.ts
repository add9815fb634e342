import type { SimdConv } from './simd-conv.js';
import type { Job } from './worker-pool.js';

/**
 * Runs the elementwise kernel `job` of `wasm/elementwise-kernels.c` over `n` values — `JOB_ADD_RELU`:
 * `out = max(a + b, 0)`; `JOB_RELU_GRAD`: `out = dy` where `y > 0`, else 0 — on its two inputs `ins`
 * (`[a, b]` or `[dy, y]`), used in place with `out` where they live in `kernels`' memory (tfjs's
 * tensors) and copied in and out otherwise; the values are shared out among the convolution threads
 * where they work in that memory. Returns false (nothing written) when the arrays do not fit the
 * kernels' memory.
 */
export function elementwise(
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
  kernels.runRows(job, n, 1, [ap, bp, yp]);
  heap.output(yp, out, outAt, n);
  return true;
}
