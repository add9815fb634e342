// Winograd convolutions F(2×2, 3×3) for the WASM backend: a 3×3 convolution of stride 1 and dilation 1
// over NHWC tensors as 16 matrix products per block of 2×2 output tiles, 2.25× fewer multiplications
// than conv-kernels.c's direct product. Built into the same module (no libc, no stack; every buffer is
// a pointer the caller, src/kernels/simd-conv.ts, lays out).
//
// With d a 4×4 tile of the input and k a 3×3 filter, the 2×2 outputs are Aᵀ[(G k Gᵀ) ⊙ (Bᵀ d B)]A:
//   Bᵀ = [1 0 −1 0; 0 1 1 0; 0 −1 1 0; 0 1 0 −1]   G = [1 0 0; ½ ½ ½; ½ −½ ½; 0 0 1]
//   Aᵀ = [1 1 1 0; 0 1 −1 −1]
// summed over input channels: for each of the 16 positions ξ of the 4×4 transforms, a product of the
// tiles' transformed inputs [tiles, CIN] by the transformed filter U[ξ] [CIN, COUT].
//
// The same code runs the forward pass (`grad` 0: x [N, H, W, CI] → y rows of CO4, with bias and ReLU)
// and the input gradient (`grad` 1: the output gradient, rows of CO4 already masked by the ReLU, → dx
// [N, H, W, CI]): the input gradient of a stride-1 convolution is the convolution of dy with the
// filter turned 180° and its channels swapped, padded by 2 − PT above and 2 − PL on the left. Both need
// CI a multiple of 4 (SIMD along the channels of NHWC rows).
//
// The filter gradient is the adjoint of the forward pass: with V = Bᵀ d B of each input tile and
// Z = A dy Aᵀ of its 2×2 output gradient, dk = Gᵀ[Σ_tiles V ⊙ Z]G — 16 products [CI, tiles] ·
// [tiles, CO] summed over a chunk of tiles (winograd_filter_grad, into the chunk's own slot), the
// chunks' sums added in chunk order by the caller, then transformed back (winograd_filter_grad_out).
//
// Each tile's sums run over the input channels in order, and the filter gradient's over a chunk's
// tiles in order, so results do not depend on how the tiles are split among threads; they differ
// from the direct product's in the last bits (the transforms round too).

#include <wasm_simd128.h>

#include "conv-common.h"

#define EXPORT(name) __attribute__((export_name(name)))
// The helpers below take arrays and views by pointer: inlined, these stay in locals (no stack).
#define INLINE static inline __attribute__((always_inline))

// Tiles per block: a thread transforms a block's inputs, runs its 16 products, then transforms their
// outputs (WINOGRAD_TILES in src/kernels/conv-geometry.ts).
#define TILES 16

// One direction of the convolution: the input image (ih × iw pixels of cin floats), the output image
// (oh × ow pixels of cout floats) and the padding above and on the left.
typedef struct {
  int n, ih, iw, cin, oh, ow, cout, pt, pl;
} View;

static View view_of(const int *g, int grad) {
  if (grad) return (View){g[N], g[OH], g[OW], g[CO4], g[H], g[W], g[CI], 2 - g[PT], 2 - g[PL]};
  return (View){g[N], g[H], g[W], g[CI], g[OH], g[OW], g[CO4], g[PT], g[PL]};
}

// Writes G k Gᵀ (16 vectors, position ξ = 4·row + column) at u, u + stride, …
INLINE void transform_filter(v128_t k[3][3], float *u, int stride) {
  const v128_t half = wasm_f32x4_splat(0.5f);
  v128_t t[4][3];
  for (int b = 0; b < 3; b++) {
    t[0][b] = k[0][b];
    t[1][b] = wasm_f32x4_mul(wasm_f32x4_add(wasm_f32x4_add(k[0][b], k[1][b]), k[2][b]), half);
    t[2][b] = wasm_f32x4_mul(wasm_f32x4_add(wasm_f32x4_sub(k[0][b], k[1][b]), k[2][b]), half);
    t[3][b] = k[2][b];
  }
  for (int a = 0; a < 4; a++) {
    float *row = u + 4 * a * stride;
    wasm_v128_store(row, t[a][0]);
    const v128_t sum = wasm_f32x4_add(wasm_f32x4_add(t[a][0], t[a][1]), t[a][2]);
    const v128_t diff = wasm_f32x4_add(wasm_f32x4_sub(t[a][0], t[a][1]), t[a][2]);
    wasm_v128_store(row + stride, wasm_f32x4_mul(sum, half));
    wasm_v128_store(row + 2 * stride, wasm_f32x4_mul(diff, half));
    wasm_v128_store(row + 3 * stride, t[a][2]);
  }
}

// The transformed filter u [16, CIN, COUT] of `grad`'s direction. Forward: from the filter w [K, CO4]
// (rows in (kh, kw, ci) order, zero padding columns). Input gradient: from wt [CO, K4], the filter
// transposed (transpose_filter), turned 180°; rows co ≥ CO of u are zero.
EXPORT("winograd_filter")
void winograd_filter(const int *g, const float *w, float *u, int grad) {
  const View v = view_of(g, grad);
  const int stride = v.cin * v.cout;
  v128_t k[3][3];
  for (int i = 0; i < v.cin; i++)
    for (int o = 0; o < v.cout; o += 4) {
      if (grad && i >= g[CO]) {
        for (int a = 0; a < 3; a++)
          for (int b = 0; b < 3; b++) k[a][b] = wasm_f32x4_splat(0.f);
      } else {
        for (int a = 0; a < 3; a++)
          for (int b = 0; b < 3; b++)
            k[a][b] = grad ? wasm_v128_load(w + i * g[K4] + ((2 - a) * 3 + 2 - b) * g[CI] + o)
                           : wasm_v128_load(w + ((a * 3 + b) * g[CI] + i) * g[CO4] + o);
      }
      transform_filter(k, u + i * v.cout + o, stride);
    }
}

// Bᵀ d B of tile t's input, every channel: at dst + ξ·step + c for the 16 positions ξ (pixels outside
// the image are zeros).
INLINE void transform_input(const View *v, const float *in, int t, float *dst, int step) {
  const int th = (v->oh + 1) >> 1, tw = (v->ow + 1) >> 1;
  const int n = t / (th * tw), rest = t - n * th * tw, ty = rest / tw, tx = rest - ty * tw;
  const int iy = 2 * ty - v->pt, ix = 2 * tx - v->pl;
  const float *px[4][4];
  for (int i = 0; i < 4; i++)
    for (int j = 0; j < 4; j++) {
      const int y = iy + i, x = ix + j;
      const int inside = y >= 0 && y < v->ih && x >= 0 && x < v->iw;
      px[i][j] = inside ? in + ((n * v->ih + y) * v->iw + x) * v->cin : 0;
    }
  const v128_t zero = wasm_f32x4_splat(0.f);
  for (int c = 0; c < v->cin; c += 4) {
    v128_t d[4][4], s[4][4];
    for (int i = 0; i < 4; i++)
      for (int j = 0; j < 4; j++) d[i][j] = px[i][j] ? wasm_v128_load(px[i][j] + c) : zero;
    for (int j = 0; j < 4; j++) {
      s[0][j] = wasm_f32x4_sub(d[0][j], d[2][j]);
      s[1][j] = wasm_f32x4_add(d[1][j], d[2][j]);
      s[2][j] = wasm_f32x4_sub(d[2][j], d[1][j]);
      s[3][j] = wasm_f32x4_sub(d[1][j], d[3][j]);
    }
    for (int i = 0; i < 4; i++) {
      float *row = dst + 4 * i * step + c;
      wasm_v128_store(row, wasm_f32x4_sub(s[i][0], s[i][2]));
      wasm_v128_store(row + step, wasm_f32x4_add(s[i][1], s[i][2]));
      wasm_v128_store(row + 2 * step, wasm_f32x4_sub(s[i][2], s[i][1]));
      wasm_v128_store(row + 3 * step, wasm_f32x4_sub(s[i][1], s[i][3]));
    }
  }
}

// m [nt, cout] = vt [nt, cin] · u [cin, cout]: 4 tiles × 8 columns per register tile, the depth in
// order.
static void product(const float *vt, const float *u, float *m, int nt, int cin, int cout) {
  const v128_t zero = wasm_f32x4_splat(0.f);
  for (int c = 0; c < cout; c += 8) {
    const int two = c + 8 <= cout;
    int r = 0;
    for (; r + 4 <= nt; r += 4) {
      v128_t a00 = zero, a01 = zero, a10 = zero, a11 = zero, a20 = zero, a21 = zero, a30 = zero, a31 = zero;
      const float *x0 = vt + r * cin, *x1 = x0 + cin, *x2 = x1 + cin, *x3 = x2 + cin, *up = u + c;
      if (two) {
        for (int i = 0; i < cin; i++, up += cout) {
          const v128_t w0 = wasm_v128_load(up), w1 = wasm_v128_load(up + 4);
          STEP_4x8(x0, x1, x2, x3, i, w0, w1);
        }
      } else {
        for (int i = 0; i < cin; i++, up += cout) {
          const v128_t w0 = wasm_v128_load(up);
          STEP_4x4(x0, x1, x2, x3, i, w0);
        }
      }
      STORE_4x8(m + r * cout + c, cout, two);
    }
    for (; r < nt; r++) {
      v128_t a0 = zero, a1 = zero;
      const float *x0 = vt + r * cin, *up = u + c;
      for (int i = 0; i < cin; i++, up += cout) {
        const v128_t s = wasm_v128_load32_splat(x0 + i);
        a0 = MADD(a0, s, wasm_v128_load(up));
        if (two) a1 = MADD(a1, s, wasm_v128_load(up + 4));
      }
      wasm_v128_store(m + r * cout + c, a0);
      if (two) wasm_v128_store(m + r * cout + c + 4, a1);
    }
  }
}

// Aᵀ m A of tile t, every channel (m[ξ] at src + ξ·step + c), plus bias (may be 0: none), ReLU when
// asked, written to the tile's outputs inside the image.
INLINE void transform_output(const View *v, const float *src, int step, int t, const float *bias, int relu,
                             float *out) {
  const int th = (v->oh + 1) >> 1, tw = (v->ow + 1) >> 1;
  const int n = t / (th * tw), rest = t - n * th * tw, ty = rest / tw, tx = rest - ty * tw;
  const int oy = 2 * ty, ox = 2 * tx, rows = oy + 1 < v->oh ? 2 : 1, right = ox + 1 < v->ow;
  float *o = out + ((n * v->oh + oy) * v->ow + ox) * v->cout;
  const int below = v->ow * v->cout;
  const v128_t zero = wasm_f32x4_splat(0.f);
  for (int c = 0; c < v->cout; c += 4) {
    v128_t m[16], q[2][4];
    for (int x = 0; x < 16; x++) m[x] = wasm_v128_load(src + x * step + c);
    for (int j = 0; j < 4; j++) {
      q[0][j] = wasm_f32x4_add(wasm_f32x4_add(m[j], m[4 + j]), m[8 + j]);
      q[1][j] = wasm_f32x4_sub(wasm_f32x4_sub(m[4 + j], m[8 + j]), m[12 + j]);
    }
    const v128_t b = bias ? wasm_v128_load(bias + c) : zero;
    for (int a = 0; a < rows; a++) {
      v128_t o0 = wasm_f32x4_add(b, wasm_f32x4_add(wasm_f32x4_add(q[a][0], q[a][1]), q[a][2]));
      v128_t o1 = wasm_f32x4_add(b, wasm_f32x4_sub(wasm_f32x4_sub(q[a][1], q[a][2]), q[a][3]));
      if (relu) {
        o0 = wasm_f32x4_max(o0, zero);
        o1 = wasm_f32x4_max(o1, zero);
      }
      wasm_v128_store(o + a * below + c, o0);
      if (right) wasm_v128_store(o + a * below + v->cout + c, o1);
    }
  }
}

// Output tiles [t0, t1) of `grad`'s direction (tile t: image t / (TH·TW), then row-major 2×2 tiles,
// TH = ⌈OH/2⌉, TW = ⌈OW/2⌉ of the output image): out = act(conv(in, u) + bias). `bias` may be 0
// (none); `relu` nonzero applies max(·, 0). `scratch` is one thread's TILES·16·(CIN + COUT) floats.
EXPORT("winograd_conv")
void winograd_conv(const int *g, int grad, const float *in, const float *u, const float *bias, int relu,
                   float *out, float *scratch, int t0, int t1) {
  const View v = view_of(g, grad);
  float *vt = scratch;                        // [16, TILES, CIN]
  float *m = scratch + 16 * TILES * v.cin;    // [16, TILES, COUT]
  for (int tb = t0; tb < t1; tb += TILES) {
    const int nt = t1 - tb < TILES ? t1 - tb : TILES;
    for (int r = 0; r < nt; r++) transform_input(&v, in, tb + r, vt + r * v.cin, TILES * v.cin);
    for (int x = 0; x < 16; x++)
      product(vt + x * TILES * v.cin, u + x * v.cin * v.cout, m + x * TILES * v.cout, nt, v.cin, v.cout);
    for (int r = 0; r < nt; r++)
      transform_output(&v, m + r * v.cout, TILES * v.cout, tb + r, bias, relu, out);
  }
}

// A dy Aᵀ of the 2×2 output gradient of tile t, every channel (zero outside the output image; masked
// by y > 0 when `y` is given), at dst + ξ·step + c for the 16 positions ξ. dy and y are rows of CO4.
INLINE void transform_grad(const int *g, const float *dy, const float *y, int t, float *dst, int step) {
  const int th = (g[OH] + 1) >> 1, tw = (g[OW] + 1) >> 1;
  const int n = t / (th * tw), rest = t - n * th * tw, ty = rest / tw, tx = rest - ty * tw;
  int at[2][2];
  for (int a = 0; a < 2; a++)
    for (int b = 0; b < 2; b++) {
      const int oy = 2 * ty + a, ox = 2 * tx + b;
      at[a][b] = oy < g[OH] && ox < g[OW] ? ((n * g[OH] + oy) * g[OW] + ox) * g[CO4] : -1;
    }
  const v128_t zero = wasm_f32x4_splat(0.f);
  for (int c = 0; c < g[CO4]; c += 4) {
    v128_t e[2][2];
    for (int a = 0; a < 2; a++)
      for (int b = 0; b < 2; b++) {
        const int k = at[a][b] + c;
        if (at[a][b] < 0) e[a][b] = zero;
        else if (!y) e[a][b] = wasm_v128_load(dy + k);
        else e[a][b] = wasm_v128_and(wasm_v128_load(dy + k), wasm_f32x4_gt(wasm_v128_load(y + k), zero));
      }
    // Rows: A e (4 × 2), then columns: (A e) Aᵀ (4 × 4); A = [1 0; 1 1; 1 −1; 0 −1].
    v128_t r[4][2];
    for (int b = 0; b < 2; b++) {
      r[0][b] = e[0][b];
      r[1][b] = wasm_f32x4_add(e[0][b], e[1][b]);
      r[2][b] = wasm_f32x4_sub(e[0][b], e[1][b]);
      r[3][b] = wasm_f32x4_neg(e[1][b]);
    }
    for (int i = 0; i < 4; i++) {
      float *row = dst + 4 * i * step + c;
      wasm_v128_store(row, r[i][0]);
      wasm_v128_store(row + step, wasm_f32x4_add(r[i][0], r[i][1]));
      wasm_v128_store(row + 2 * step, wasm_f32x4_sub(r[i][0], r[i][1]));
      wasm_v128_store(row + 3 * step, wasm_f32x4_neg(r[i][1]));
    }
  }
}

// du [ci, cout] += Σ_t vt[t, ci] · z[t, cout] over the nt tiles of a block, in tile order: 4 channels ×
// 8 columns per register tile.
static void product_over_tiles(const float *vt, const float *z, float *du, int nt, int cin, int cout) {
  for (int c = 0; c < cout; c += 8) {
    const int two = c + 8 <= cout;
    for (int i = 0; i < cin; i += 4) {
      float *o = du + i * cout + c;
      v128_t a00 = wasm_v128_load(o), a10 = wasm_v128_load(o + cout);
      v128_t a20 = wasm_v128_load(o + 2 * cout), a30 = wasm_v128_load(o + 3 * cout);
      v128_t a01 = a00, a11 = a10, a21 = a20, a31 = a30;
      if (two) {
        a01 = wasm_v128_load(o + 4);
        a11 = wasm_v128_load(o + cout + 4);
        a21 = wasm_v128_load(o + 2 * cout + 4);
        a31 = wasm_v128_load(o + 3 * cout + 4);
        for (int t = 0; t < nt; t++) {
          const float *x = vt + t * cin + i;
          const v128_t w0 = wasm_v128_load(z + t * cout + c), w1 = wasm_v128_load(z + t * cout + c + 4);
          STEP_4x8(x, x + 1, x + 2, x + 3, 0, w0, w1);
        }
      } else {
        for (int t = 0; t < nt; t++) {
          const float *x = vt + t * cin + i;
          const v128_t w0 = wasm_v128_load(z + t * cout + c);
          STEP_4x4(x, x + 1, x + 2, x + 3, 0, w0);
        }
      }
      STORE_4x8(o, cout, two);
    }
  }
}

// The filter gradient's sums over the output tiles [t0, t1) of the forward pass (one chunk): du [16,
// CI, CO4] = Σ_t V_t ⊙ Z_t (written, not added to). dy is rows of CO4, masked by y > 0 when `y` is
// given; `scratch` is one thread's TILES·16·(CI + CO4) floats.
EXPORT("winograd_filter_grad")
void winograd_filter_grad(const int *g, const float *x, const float *dy, const float *y, float *du,
                          float *scratch, int t0, int t1) {
  const View v = view_of(g, 0);
  float *vt = scratch;                       // [16, TILES, CI]
  float *z = scratch + 16 * TILES * v.cin;   // [16, TILES, CO4]
  const int size = 16 * v.cin * v.cout;
  for (int i = 0; i < size; i += 4) wasm_v128_store(du + i, wasm_f32x4_splat(0.f));
  for (int tb = t0; tb < t1; tb += TILES) {
    const int nt = t1 - tb < TILES ? t1 - tb : TILES;
    for (int r = 0; r < nt; r++) {
      transform_input(&v, x, tb + r, vt + r * v.cin, TILES * v.cin);
      transform_grad(g, dy, y, tb + r, z + r * v.cout, TILES * v.cout);
    }
    for (int x = 0; x < 16; x++)
      product_over_tiles(vt + x * TILES * v.cin, z + x * TILES * v.cout, du + x * v.cin * v.cout, nt, v.cin,
                         v.cout);
  }
}

// dw [K, CO4] (rows in (kh, kw, ci) order) = Gᵀ du G of the summed du [16, CI, CO4].
EXPORT("winograd_filter_grad_out")
void winograd_filter_grad_out(const int *g, const float *du, float *dw) {
  const int ci_n = g[CI], co4 = g[CO4], stride = ci_n * co4;
  const v128_t half = wasm_f32x4_splat(0.5f);
  for (int i = 0; i < ci_n; i++)
    for (int c = 0; c < co4; c += 4) {
      v128_t m[4][4], t[3][4];
      for (int x = 0; x < 16; x++) m[x >> 2][x & 3] = wasm_v128_load(du + x * stride + i * co4 + c);
      // Gᵀ = [1 ½ ½ 0; 0 ½ −½ 0; 0 ½ ½ 1]: rows, then columns.
      for (int j = 0; j < 4; j++) {
        const v128_t p = wasm_f32x4_mul(wasm_f32x4_add(m[1][j], m[2][j]), half);
        const v128_t q = wasm_f32x4_mul(wasm_f32x4_sub(m[1][j], m[2][j]), half);
        t[0][j] = wasm_f32x4_add(m[0][j], p);
        t[1][j] = q;
        t[2][j] = wasm_f32x4_add(p, m[3][j]);
      }
      for (int a = 0; a < 3; a++) {
        const v128_t p = wasm_f32x4_mul(wasm_f32x4_add(t[a][1], t[a][2]), half);
        const v128_t q = wasm_f32x4_mul(wasm_f32x4_sub(t[a][1], t[a][2]), half);
        float *row = dw + (a * 3 * ci_n + i) * co4 + c;
        wasm_v128_store(row, wasm_f32x4_add(t[a][0], p));
        wasm_v128_store(row + ci_n * co4, q);
        wasm_v128_store(row + 2 * ci_n * co4, wasm_f32x4_add(p, t[a][3]));
      }
    }
}
