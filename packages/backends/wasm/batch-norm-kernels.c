// Batch normalisation kernels for the WASM backend (training mode: batch statistics), over NHWC
// tensors seen as `rows` rows of `c` channels. Built into the same module as conv-kernels.c (see there:
// no libc, no stack; every buffer is a pointer the caller lays out).
//
// When c is a multiple of 4: 128-bit SIMD across channels, sums in float32 over blocks of rows
// (bn_block_sums, a range of blocks per call, so that threads can share them; the caller picks the
// block size), then in float64 across blocks in block order (bn_reduce); the passes over the rows take
// a range of rows, for the same reason. Otherwise scalar, on one thread, in float64 (bn_stats,
// bn_grad_sums).
//
// A ReLU may follow the normalisation: bn_apply then writes max(y, 0), and the gradient passes, given
// `affine` (the scale and shift bn_apply used), take dy only where x·scale + shift > 0 (they recompute
// it from x as bn_apply did, the same bits).

#include <wasm_simd128.h>

#define EXPORT(name) __attribute__((export_name(name)))

// `affine` holds c4 scales then c4 shifts (c rounded up to a multiple of 4).
static inline const float *shifts(const float *affine, int c) { return affine + ((c + 3) & ~3); }

// dy where x·scale + shift > 0, else 0: the output gradient of a ReLU on the normalised x.
static inline v128_t relu_masked(v128_t dy, v128_t x, v128_t scale, v128_t shift) {
  const v128_t z = wasm_f32x4_add(wasm_f32x4_mul(x, scale), shift);
  return wasm_v128_and(dy, wasm_f32x4_gt(z, wasm_f32x4_splat(0.f)));
}

// part[k] = Σ_r f(r, k) over rows [r0, r1); SIMD over channels. f: a (mode 0) or (a − m)² (mode 1),
// with a = x.
static void block_sums(const float *a, const float *m, int r0, int r1, int c, int mode, float *part) {
  for (int k = 0; k < c; k += 4) wasm_v128_store(part + k, wasm_f32x4_splat(0.f));
  for (int r = r0; r < r1; r++) {
    const float *ar = a + r * c;
    for (int k = 0; k < c; k += 4) {
      v128_t v = wasm_v128_load(ar + k);
      if (mode == 1) {
        v = wasm_f32x4_sub(v, wasm_v128_load(m + k));
        v = wasm_f32x4_mul(v, v);
      }
      wasm_v128_store(part + k, wasm_f32x4_add(wasm_v128_load(part + k), v));
    }
  }
}

// The gradient's two sums over rows [r0, r1) in one pass: part_dy[k] = Σ_r dy and part_dyxc[k] =
// Σ_r dy·(x − m), dy masked by the ReLU of x when `affine` is given; SIMD over channels.
static void block_grad_sums(const float *dy, const float *x, const float *m, int r0, int r1, int c,
                            float *part_dy, float *part_dyxc, const float *affine) {
  for (int k = 0; k < c; k += 4) {
    wasm_v128_store(part_dy + k, wasm_f32x4_splat(0.f));
    wasm_v128_store(part_dyxc + k, wasm_f32x4_splat(0.f));
  }
  for (int r = r0; r < r1; r++) {
    const float *dyr = dy + r * c, *xr = x + r * c;
    for (int k = 0; k < c; k += 4) {
      const v128_t xv = wasm_v128_load(xr + k);
      v128_t g = wasm_v128_load(dyr + k);
      if (affine)
        g = relu_masked(g, xv, wasm_v128_load(affine + k), wasm_v128_load(shifts(affine, c) + k));
      wasm_v128_store(part_dy + k, wasm_f32x4_add(wasm_v128_load(part_dy + k), g));
      const v128_t gxc = wasm_f32x4_mul(g, wasm_f32x4_sub(xv, wasm_v128_load(m + k)));
      wasm_v128_store(part_dyxc + k, wasm_f32x4_add(wasm_v128_load(part_dyxc + k), gxc));
    }
  }
}

// Per-block partial sums for blocks [b0, b1) of `block` rows (c a multiple of 4): for modes 0 and 1
// (see block_sums, a = x), parts + blk·c gets the block's sum; for mode 2, the gradient's sums (see
// block_grad_sums, a = dy, b = x, `affine` or 0): Σ dy at parts + blk·c, Σ dy·(x − m) at
// parts + (blocks + blk)·c.
EXPORT("bn_block_sums")
void bn_block_sums(const float *a, const float *b, const float *m, int rows, int c, int mode, float *parts,
                   int block, const float *affine, int b0, int b1) {
  const int blocks = (rows + block - 1) / block;
  for (int blk = b0; blk < b1; blk++) {
    const int r0 = blk * block, r1 = r0 + block < rows ? r0 + block : rows;
    if (mode == 2)
      block_grad_sums(a, b, m, r0, r1, c, parts + blk * c, parts + (blocks + blk) * c, affine);
    else
      block_sums(a, m, r0, r1, c, mode, parts + blk * c);
  }
}

// out[k] = Σ_blk parts[blk·c + k], added in float64 in block order, rounded to float32, then divided by
// `divisor` (in float32) when it is positive. `acc`: c doubles.
EXPORT("bn_reduce")
void bn_reduce(const float *parts, int blocks, int c, double *acc, float *out, int divisor) {
  for (int k = 0; k < c; k++) acc[k] = 0;
  for (int blk = 0; blk < blocks; blk++)
    for (int k = 0; k < c; k++) acc[k] += parts[blk * c + k];
  for (int k = 0; k < c; k++) out[k] = (float)acc[k];
  if (divisor > 0)
    for (int k = 0; k < c; k++) out[k] /= (float)divisor;
}

// dy where x·scale + shift > 0, else 0 (scalar).
static inline float relu_masked_1(float dy, float x, float scale, float shift) {
  return x * scale + shift > 0 ? dy : 0;
}

// out[k] = Σ_r f(r, k) in float64, one row at a time (any c); f and `affine` as in block_sums.
static void scalar_sums(const float *a, const float *b, const float *m, int rows, int c, int mode,
                        double *acc, float *out, const float *affine) {
  for (int k = 0; k < c; k++) acc[k] = 0;
  for (int r = 0; r < rows; r++) {
    for (int k = 0; k < c; k++) {
      float v = a[r * c + k];
      if (affine) v = relu_masked_1(v, b[r * c + k], affine[k], shifts(affine, c)[k]);
      acc[k] += mode == 0 ? v : mode == 1 ? (v - m[k]) * (v - m[k]) : v * (b[r * c + k] - m[k]);
    }
  }
  for (int k = 0; k < c; k++) out[k] = (float)acc[k];
}

// Per-channel mean and biased variance (two passes) when c is not a multiple of 4. `acc`: c doubles.
EXPORT("bn_stats")
void bn_stats(const float *x, int rows, int c, float *mean, float *var, double *acc) {
  scalar_sums(x, 0, 0, rows, c, 0, acc, mean, 0);
  for (int k = 0; k < c; k++) mean[k] /= (float)rows;
  scalar_sums(x, 0, mean, rows, c, 1, acc, var, 0);
  for (int k = 0; k < c; k++) var[k] /= (float)rows;
}

// y = x·scale + shift per channel (then max(·, 0) when `relu`), over rows [r0, r1).
EXPORT("bn_apply")
void bn_apply(const float *x, float *y, int c, const float *affine, int relu, int r0, int r1) {
  const float *scale = affine, *shift = shifts(affine, c);
  if (c % 4 == 0) {
    const v128_t zero = wasm_f32x4_splat(0.f);
    for (int r = r0; r < r1; r++) {
      const float *xr = x + r * c;
      float *yr = y + r * c;
      for (int k = 0; k < c; k += 4) {
        v128_t v = wasm_f32x4_add(wasm_f32x4_mul(wasm_v128_load(xr + k), wasm_v128_load(scale + k)),
                                  wasm_v128_load(shift + k));
        if (relu) v = wasm_v128_and(v, wasm_f32x4_gt(v, zero));
        wasm_v128_store(yr + k, v);
      }
    }
  } else {
    for (int r = r0; r < r1; r++)
      for (int k = 0; k < c; k++) {
        const float v = x[r * c + k] * scale[k] + shift[k];
        y[r * c + k] = relu && !(v > 0) ? 0 : v;
      }
  }
}

// Σ dy and Σ dy·(x − mean) per channel when c is not a multiple of 4 (dy masked by the ReLU when
// `affine` is given). `acc`: c doubles.
EXPORT("bn_grad_sums")
void bn_grad_sums(const float *dy, const float *x, int rows, int c, const float *mean, float *sum_dy,
                  float *sum_dy_xc, double *acc, const float *affine) {
  scalar_sums(dy, x, 0, rows, c, 0, acc, sum_dy, affine);
  scalar_sums(dy, x, mean, rows, c, 2, acc, sum_dy_xc, affine);
}

// dx = a·dy + b + s·(x − mean) per channel, over rows [r0, r1); dy masked by the ReLU when `affine` is
// given.
EXPORT("bn_grad_x")
void bn_grad_x(const float *dy, const float *x, float *dx, int c, const float *a, const float *b,
               const float *s, const float *mean, const float *affine, int r0, int r1) {
  if (c % 4 == 0) {
    for (int r = r0; r < r1; r++) {
      const float *dyr = dy + r * c, *xr = x + r * c;
      float *dxr = dx + r * c;
      for (int k = 0; k < c; k += 4) {
        const v128_t xv = wasm_v128_load(xr + k);
        v128_t g = wasm_v128_load(dyr + k);
        if (affine) g = relu_masked(g, xv, wasm_v128_load(affine + k), wasm_v128_load(shifts(affine, c) + k));
        const v128_t xc = wasm_f32x4_sub(xv, wasm_v128_load(mean + k));
        v128_t v = wasm_f32x4_add(wasm_f32x4_mul(wasm_v128_load(a + k), g), wasm_v128_load(b + k));
        wasm_v128_store(dxr + k, wasm_f32x4_add(v, wasm_f32x4_mul(wasm_v128_load(s + k), xc)));
      }
    }
  } else {
    for (int r = r0; r < r1; r++)
      for (int k = 0; k < c; k++) {
        float g = dy[r * c + k];
        if (affine) g = relu_masked_1(g, x[r * c + k], affine[k], shifts(affine, c)[k]);
        dx[r * c + k] = a[k] * g + b[k] + s[k] * (x[r * c + k] - mean[k]);
      }
  }
}
