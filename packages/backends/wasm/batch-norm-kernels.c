// Batch normalisation kernels for the WASM backend (training mode: batch statistics), over NHWC
// tensors seen as `rows` rows of `c` channels. Built into the same module as conv-kernels.c (see there:
// no libc, no stack; every buffer is a pointer the caller lays out). 128-bit SIMD across channels
// when c is a multiple of 4, scalar otherwise. Sums run in float32 over blocks of BLOCK rows, then in
// float64 across blocks (`acc`: 2·c doubles of scratch).

#include <wasm_simd128.h>

#define BLOCK 256
#define EXPORT(name) __attribute__((export_name(name)))

// acc[k] += Σ_r f(r, k) for one block; SIMD over channels. f: dy (mode 0), (x − m)² (mode 1) or
// dy·(x − m) (mode 2), with a = x or dy, b = the other.
static void block_sums(const float *a, const float *b, const float *m, int r0, int r1, int c,
                       int mode, float *part) {
  for (int k = 0; k < c; k += 4) wasm_v128_store(part + k, wasm_f32x4_splat(0.f));
  for (int r = r0; r < r1; r++) {
    const float *ar = a + r * c, *br = b ? b + r * c : 0;
    for (int k = 0; k < c; k += 4) {
      v128_t v = wasm_v128_load(ar + k);
      if (mode == 1) {
        v = wasm_f32x4_sub(v, wasm_v128_load(m + k));
        v = wasm_f32x4_mul(v, v);
      } else if (mode == 2) {
        v = wasm_f32x4_mul(v, wasm_f32x4_sub(wasm_v128_load(br + k), wasm_v128_load(m + k)));
      }
      wasm_v128_store(part + k, wasm_f32x4_add(wasm_v128_load(part + k), v));
    }
  }
}

static void sums(const float *a, const float *b, const float *m, int rows, int c, int mode,
                 double *acc, float *part, float *out) {
  for (int k = 0; k < c; k++) acc[k] = 0;
  if (c % 4 == 0) {
    for (int r = 0; r < rows; r += BLOCK) {
      block_sums(a, b, m, r, r + BLOCK < rows ? r + BLOCK : rows, c, mode, part);
      for (int k = 0; k < c; k++) acc[k] += part[k];
    }
  } else {
    for (int r = 0; r < rows; r++) {
      for (int k = 0; k < c; k++) {
        const float v = a[r * c + k];
        acc[k] += mode == 0 ? v : mode == 1 ? (v - m[k]) * (v - m[k]) : v * (b[r * c + k] - m[k]);
      }
    }
  }
  for (int k = 0; k < c; k++) out[k] = (float)acc[k];
}

// Per-channel mean and biased variance (two passes). `acc`: c doubles; `part`: c floats (c rounded
// up to 4).
EXPORT("bn_stats")
void bn_stats(const float *x, int rows, int c, float *mean, float *var, double *acc, float *part) {
  sums(x, 0, 0, rows, c, 0, acc, part, mean);
  for (int k = 0; k < c; k++) mean[k] /= (float)rows;
  sums(x, 0, mean, rows, c, 1, acc, part, var);
  for (int k = 0; k < c; k++) var[k] /= (float)rows;
}

// y = x·scale + shift per channel.
EXPORT("bn_apply")
void bn_apply(const float *x, float *y, int rows, int c, const float *scale, const float *shift) {
  if (c % 4 == 0) {
    for (int r = 0; r < rows; r++) {
      const float *xr = x + r * c;
      float *yr = y + r * c;
      for (int k = 0; k < c; k += 4)
        wasm_v128_store(yr + k, wasm_f32x4_add(wasm_f32x4_mul(wasm_v128_load(xr + k), wasm_v128_load(scale + k)),
                                               wasm_v128_load(shift + k)));
    }
  } else {
    for (int r = 0; r < rows; r++)
      for (int k = 0; k < c; k++) y[r * c + k] = x[r * c + k] * scale[k] + shift[k];
  }
}

// Σ dy and Σ dy·(x − mean) per channel.
EXPORT("bn_grad_sums")
void bn_grad_sums(const float *dy, const float *x, int rows, int c, const float *mean, float *sum_dy,
                  float *sum_dy_xc, double *acc, float *part) {
  sums(dy, 0, 0, rows, c, 0, acc, part, sum_dy);
  sums(dy, x, mean, rows, c, 2, acc, part, sum_dy_xc);
}

// dx = a·dy + b + s·(x − mean) per channel.
EXPORT("bn_grad_x")
void bn_grad_x(const float *dy, const float *x, float *dx, int rows, int c, const float *a,
               const float *b, const float *s, const float *mean) {
  if (c % 4 == 0) {
    for (int r = 0; r < rows; r++) {
      const float *dyr = dy + r * c, *xr = x + r * c;
      float *dxr = dx + r * c;
      for (int k = 0; k < c; k += 4) {
        const v128_t xc = wasm_f32x4_sub(wasm_v128_load(xr + k), wasm_v128_load(mean + k));
        v128_t v = wasm_f32x4_add(wasm_f32x4_mul(wasm_v128_load(a + k), wasm_v128_load(dyr + k)),
                                  wasm_v128_load(b + k));
        wasm_v128_store(dxr + k, wasm_f32x4_add(v, wasm_f32x4_mul(wasm_v128_load(s + k), xc)));
      }
    }
  } else {
    for (int r = 0; r < rows; r++)
      for (int k = 0; k < c; k++)
        dx[r * c + k] = a[k] * dy[r * c + k] + b[k] + s[k] * (x[r * c + k] - mean[k]);
  }
}
