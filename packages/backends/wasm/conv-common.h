// What conv-kernels.c and winograd-kernels.c share: the geometry of a 2-D convolution as the kernels
// read it (18 int32 the caller writes at `g`, see geometryWords in src/kernels/conv-geometry.ts), the
// multiply-add of their products and the products' register tiles.
#ifndef CONV_COMMON_H
#define CONV_COMMON_H

#include <wasm_simd128.h>

enum { N, H, W, CI, KH, KW, CO, CO4, SH, SW, DH, DW, PT, PL, OH, OW, K, K4 };

// acc + a·b. Built with RELAXED_SIMD (and -mrelaxed-simd) it is one fused multiply-add where the
// engine has relaxed SIMD (rounding once instead of twice, so results differ in the last bits).
#ifdef RELAXED_SIMD
#define MADD(acc, a, b) wasm_f32x4_relaxed_madd(a, b, acc)
#else
#define MADD(acc, a, b) wasm_f32x4_add(acc, wasm_f32x4_mul(a, b))
#endif

// The register tiles of the matrix products: 4 rows × 8 columns in a00 … a31 (row r, columns 0–3 in
// ar0, 4–7 in ar1), declared by the caller.

// One depth step of a 4-row × 8-column tile: acc rows += x_r[i] · (w0, w1).
#define STEP_4x8(x0, x1, x2, x3, i, w0, w1)                                                          \
  do {                                                                                              \
    v128_t s = wasm_v128_load32_splat((x0) + (i));                                                  \
    a00 = MADD(a00, s, w0);                                                                         \
    a01 = MADD(a01, s, w1);                                                                         \
    s = wasm_v128_load32_splat((x1) + (i));                                                         \
    a10 = MADD(a10, s, w0);                                                                         \
    a11 = MADD(a11, s, w1);                                                                         \
    s = wasm_v128_load32_splat((x2) + (i));                                                         \
    a20 = MADD(a20, s, w0);                                                                         \
    a21 = MADD(a21, s, w1);                                                                         \
    s = wasm_v128_load32_splat((x3) + (i));                                                         \
    a30 = MADD(a30, s, w0);                                                                         \
    a31 = MADD(a31, s, w1);                                                                         \
  } while (0)

// The same for a 4-row × 4-column tile (the last columns when `cols` is not a multiple of 8).
#define STEP_4x4(x0, x1, x2, x3, i, w0)                                                              \
  do {                                                                                              \
    a00 = MADD(a00, wasm_v128_load32_splat((x0) + (i)), w0);                                        \
    a10 = MADD(a10, wasm_v128_load32_splat((x1) + (i)), w0);                                        \
    a20 = MADD(a20, wasm_v128_load32_splat((x2) + (i)), w0);                                        \
    a30 = MADD(a30, wasm_v128_load32_splat((x3) + (i)), w0);                                        \
  } while (0)

// Stores the tile's 4 rows (`ld` floats apart) of 4 columns, or 8 when `two`: a00 … a30 and,
// for the second 4 columns, a01 … a31.
#define STORE_4x8(o, ld, two)                                                                       \
  do {                                                                                              \
    wasm_v128_store((o), a00);                                                                      \
    wasm_v128_store((o) + (ld), a10);                                                               \
    wasm_v128_store((o) + 2 * (ld), a20);                                                           \
    wasm_v128_store((o) + 3 * (ld), a30);                                                           \
    if (two) {                                                                                      \
      wasm_v128_store((o) + 4, a01);                                                                \
      wasm_v128_store((o) + (ld) + 4, a11);                                                         \
      wasm_v128_store((o) + 2 * (ld) + 4, a21);                                                     \
      wasm_v128_store((o) + 3 * (ld) + 4, a31);                                                     \
    }                                                                                               \
  } while (0)

#endif
