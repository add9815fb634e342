// What conv-kernels.c and winograd-kernels.c share: the geometry of a 2-D convolution as the kernels
// read it (18 int32 the caller writes at `g`, see geometryWords in src/kernels/conv-geometry.ts) and
// the multiply-add of their products.
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

#endif
