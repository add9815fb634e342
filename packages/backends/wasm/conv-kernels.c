// Convolution kernels for the WASM backend: forward, filter gradient and input gradient of a 2-D
// convolution over NHWC tensors, as SIMD matrix products on 128-bit WebAssembly SIMD whose rows are
// patches read straight from the image where they lie inside it, else built by im2col.
//
// Built by scripts/build-wasm-kernels.mjs (clang --target=wasm32 -msimd128); the binary is embedded in
// src/generated/conv-kernels-wasm.ts. No libc, no stack, no globals: every buffer is a pointer the
// caller (src/kernels/simd-conv.ts) lays out in the module's memory, so one instance per thread can
// share one memory.
//
// Layouts (all float32):
//   x   [N, H, W, CI]                   input
//   w   [K, CO4]   K = KH·KW·CI          filter, rows in (kh, kw, ci) order, columns padded to CO4
//   wt  [CO, K4]                         the filter transposed, rows padded to K4 (input gradient)
//   y   [P, CO4]   P = N·OH·OW           output / output gradient, columns padded to CO4
//   col [CHUNK, K4]                      im2col rows of CHUNK output positions (scratch), followed
//                                        by a row table of KH·CHUNK pointers (see gemm_tab)
// CO4 and K4 are CO and K rounded up to a multiple of 4; padding columns hold zeros.

#include <wasm_simd128.h>

#include "conv-common.h"

#define CHUNK 64



#define EXPORT(name) __attribute__((export_name(name)))

// Copies n floats (4 at a time, then the rest); short runs, so no call to memory.copy. The scalar
// tails are kept scalar: vectorizing them adds run-time overlap checks that cost more than the copy.
static inline void copy_floats(float *__restrict dst, const float *__restrict src, int n) {
  int c = 0;
  for (; c + 4 <= n; c += 4) wasm_v128_store(dst + c, wasm_v128_load(src + c));
#pragma clang loop vectorize(disable) unroll(disable)
  for (; c < n; c++) dst[c] = src[c];
}

// Sets n floats to zero.
static inline void zero_floats(float *dst, int n) {
  int c = 0;
  for (; c + 4 <= n; c += 4) wasm_v128_store(dst + c, wasm_f32x4_splat(0.f));
#pragma clang loop vectorize(disable) unroll(disable)
  for (; c < n; c++) dst[c] = 0.f;
}

// Adds n floats of src into dst.
static inline void add_floats(float *__restrict dst, const float *__restrict src, int n) {
  int c = 0;
  for (; c + 4 <= n; c += 4)
    wasm_v128_store(dst + c, wasm_f32x4_add(wasm_v128_load(dst + c), wasm_v128_load(src + c)));
#pragma clang loop vectorize(disable) unroll(disable)
  for (; c < n; c++) dst[c] += src[c];
}

// The output position p as (image n, row oy, column ox), declared; loops over positions then step
// along with NEXT_POSITION, without divisions.
#define POSITION(n, oy, ox, p)                                                                      \
  int n = (p) / (g[OH] * g[OW]), oy = ((p) - n * g[OH] * g[OW]) / g[OW],                            \
      ox = (p) - n * g[OH] * g[OW] - oy * g[OW]
#define NEXT_POSITION(n, oy, ox)                                                                    \
  (ox = ox + 1 == g[OW] ? (oy = oy + 1 == g[OH] ? (n++, 0) : oy + 1, 0) : ox + 1)

// im2col: rows [p0, p0 + np) of the patch matrix, each K4 wide (zeros beyond K and outside the image).
// Where a filter row lies inside the image (and the dilation is 1) its KW·CI values are one run of x,
// copied 4 floats at a time: the last vector may run past the run's end into the next run (written
// after it); the row's last run ends with a shorter copy, so nothing is written past the row's K4
// floats — threads fill neighbouring rows of one patch matrix at the same time.
static void im2col(const int *g, const float *x, float *col, int p0, int np) {
  const int h = g[H], w = g[W], ci = g[CI], kh = g[KH], kw = g[KW], k = g[K], k4 = g[K4];
  const int ow = g[OW], dh = g[DH], dw = g[DW], run = kw * ci;
  POSITION(n, oy, ox, p0);
  for (int r = 0; r < np; r++, NEXT_POSITION(n, oy, ox)) {
    float *dst = col + r * k4;
    const int iy0 = oy * g[SH] - g[PT], ix0 = ox * g[SW] - g[PL];
    const int inside = dw == 1 && ix0 >= 0 && ix0 + kw <= w;
    if (inside && iy0 >= 0 && iy0 + (kh - 1) * dh < h) {
      // The whole patch inside the image (the common case): KH runs of KW·CI floats of x.
      const float *src = x + ((n * h + iy0) * w + ix0) * ci;
      const int step = dh * w * ci;
      if (run == 9 && kh == 3 && k4 == 28) {
        // 3×3 over 3 channels (an RGB stem): 9 vector copies a row, unrolled, for this row and the
        // next ones along the output row whose windows are inside too (no per-row checks).
        int count = (w - kw + g[PL]) / g[SW] - ox + 1; // windows inside from here to the row's end
        if (count > ow - ox) count = ow - ox;
        if (count > np - r) count = np - r;
        for (int j = 0; j < count; j++, dst += 28, src += g[SW] * 3) {
          wasm_v128_store(dst, wasm_v128_load(src));
          wasm_v128_store(dst + 4, wasm_v128_load(src + 4));
          wasm_v128_store(dst + 8, wasm_v128_load(src + 8));
          wasm_v128_store(dst + 9, wasm_v128_load(src + step));
          wasm_v128_store(dst + 13, wasm_v128_load(src + step + 4));
          wasm_v128_store(dst + 17, wasm_v128_load(src + step + 8));
          wasm_v128_store(dst + 18, wasm_v128_load(src + 2 * step));
          wasm_v128_store(dst + 22, wasm_v128_load(src + 2 * step + 4));
          // 26, and 0 for the padding 27.
          wasm_v128_store64_lane(dst + 26, wasm_f32x4_replace_lane(wasm_v128_load(src + 2 * step + 8), 1, 0.f), 0);
        }
        r += count - 1; // the loop's step moves on to the row after the last one written
        ox += count - 1;
        continue;
      }
      for (int a = 0; a + 1 < kh; a++, dst += run, src += step)
        for (int c = 0; c < run; c += 4) wasm_v128_store(dst + c, wasm_v128_load(src + c));
      copy_floats(dst, src, run);
      zero_floats(col + r * k4 + k, k4 - k);
      continue;
    }
    for (int a = 0; a < kh; a++, dst += run) {
      const int iy = iy0 + a * dh;
      if (iy < 0 || iy >= h) {
        zero_floats(dst, run);
      } else if (inside && a + 1 < kh) {
        const float *src = x + ((n * h + iy) * w + ix0) * ci;
        for (int c = 0; c < run; c += 4) wasm_v128_store(dst + c, wasm_v128_load(src + c));
      } else if (inside) {
        copy_floats(dst, x + ((n * h + iy) * w + ix0) * ci, run);
      } else {
        for (int b = 0; b < kw; b++) {
          const int ix = ix0 + b * dw;
          if (ix < 0 || ix >= w) zero_floats(dst + b * ci, ci);
          else copy_floats(dst + b * ci, x + ((n * h + iy) * w + ix) * ci, ci);
        }
      }
    }
    zero_floats(col + r * k4 + k, k4 - k);
  }
}

// Row tables. The products read each row of their left-hand matrix through a table of pointers, one
// per row and segment: tab[s·CHUNK + r] is where segment s of row r starts, and the segments of a row,
// taken in turn, make up its depth. A matrix in memory has one segment per row (matrix_rows); an
// output position's patch read straight from the image has one per filter row (patch_rows).

// tab[r] = a + r·lda for r < np: the rows of a matrix, one segment each.
static void matrix_rows(const float **tab, const float *a, int lda, int np) {
  for (int r = 0; r < np; r++) tab[r] = a + r * lda;
}

// The patches of output positions [p0, p0 + np) for a dilation of 1, as KH segments of KW·CI floats:
// where a patch lies inside the image its segments are runs of x itself (no copy); the others are
// built by im2col in `col` (row r at col + r·K4, zeros outside the image).
static void patch_rows(const int *g, const float *x, float *col, const float **tab, int p0, int np) {
  const int h = g[H], w = g[W], ci = g[CI], kh = g[KH], kw = g[KW], k4 = g[K4];
  const int run = kw * ci;
  POSITION(n, oy, ox, p0);
  for (int r = 0; r < np; r++, NEXT_POSITION(n, oy, ox)) {
    const int iy0 = oy * g[SH] - g[PT], ix0 = ox * g[SW] - g[PL];
    if (iy0 >= 0 && iy0 + kh <= h && ix0 >= 0 && ix0 + kw <= w) {
      const float *src = x + ((n * h + iy0) * w + ix0) * ci;
      for (int a = 0; a < kh; a++) tab[a * CHUNK + r] = src + a * w * ci;
    } else {
      im2col(g, x, col + r * k4, p0 + r, 1);
      for (int a = 0; a < kh; a++) tab[a * CHUNK + r] = col + r * k4 + a * run;
    }
  }
}

// Whether the forward product and the filter gradient, given no kept patch matrix, read patches
// straight from the image: for a dilation of 1 and filter rows of KW·CI floats a multiple of 4
// (shorter runs, such as a 3-channel stem's 9 floats, are faster copied; the filter gradient takes 4
// floats of a segment at a time). keepsPatches in src/kernels/conv-geometry.ts decides which forward
// passes keep a patch matrix instead.
static int reads_image(const int *g) { return g[DH] == 1 && g[DW] == 1 && ((g[KW] * g[CI]) & 3) == 0; }

// out[r, :cols] = act(row r · b + bias) for rows r < np read through `tab` (`segs` segments of `len`
// floats; segment s meets rows [s·len, (s + 1)·len) of b): the forward product (rows = patches, b =
// the filter) and the input gradient's through col2im (rows = dy, b = the filter transposed). 4 rows ×
// 8 columns (two vectors) per tile; `cols` is a multiple of 4; `bias` may be 0. The depth is summed in
// order, from the bias, whatever the segments.
static void gemm_tab(const float *const *tab, int segs, int len, const float *b, int ldb, float *out,
                     int ldo, int cols, int np, const float *bias, int relu) {
  const v128_t zero = wasm_f32x4_splat(0.f);
  for (int c = 0; c < cols; c += 8) {
    const int two = c + 8 <= cols;
    const v128_t b0 = bias ? wasm_v128_load(bias + c) : zero;
    const v128_t b1 = bias && two ? wasm_v128_load(bias + c + 4) : zero;
    int r = 0;
    for (; r + 4 <= np; r += 4) {
      v128_t a00 = b0, a01 = b1, a10 = b0, a11 = b1, a20 = b0, a21 = b1, a30 = b0, a31 = b1;
      for (int sg = 0; sg < segs; sg++) {
        const float *const *t = tab + sg * CHUNK + r;
        const float *x0 = t[0], *x1 = t[1], *x2 = t[2], *x3 = t[3];
        const float *wp = b + sg * len * ldb + c;
        if (two) {
          for (int i = 0; i < len; i++, wp += ldb) {
            const v128_t w0 = wasm_v128_load(wp), w1 = wasm_v128_load(wp + 4);
            STEP_4x8(x0, x1, x2, x3, i, w0, w1);
          }
        } else {
          for (int i = 0; i < len; i++, wp += ldb) {
            const v128_t w0 = wasm_v128_load(wp);
            STEP_4x4(x0, x1, x2, x3, i, w0);
          }
        }
      }
      if (relu) {
        a00 = wasm_f32x4_max(a00, zero); a01 = wasm_f32x4_max(a01, zero);
        a10 = wasm_f32x4_max(a10, zero); a11 = wasm_f32x4_max(a11, zero);
        a20 = wasm_f32x4_max(a20, zero); a21 = wasm_f32x4_max(a21, zero);
        a30 = wasm_f32x4_max(a30, zero); a31 = wasm_f32x4_max(a31, zero);
      }
      STORE_4x8(out + r * ldo + c, ldo, two);
    }
    for (; r < np; r++) {
      v128_t a0 = b0, a1 = b1;
      for (int sg = 0; sg < segs; sg++) {
        const float *x0 = tab[sg * CHUNK + r], *wp = b + sg * len * ldb + c;
        for (int i = 0; i < len; i++, wp += ldb) {
          const v128_t s = wasm_v128_load32_splat(x0 + i);
          a0 = MADD(a0, s, wasm_v128_load(wp));
          if (two) a1 = MADD(a1, s, wasm_v128_load(wp + 4));
        }
      }
      if (relu) { a0 = wasm_f32x4_max(a0, zero); a1 = wasm_f32x4_max(a1, zero); }
      wasm_v128_store(out + r * ldo + c, a0);
      if (two) wasm_v128_store(out + r * ldo + c + 4, a1);
    }
  }
}

// The row table in a thread's scratch: after the CHUNK·K4 + 4 floats of im2col rows.
#define ROW_TABLE(g, scratch) ((const float **)((scratch) + CHUNK * (g)[K4] + 4))
// A chunk's masked output-gradient rows (CHUNK·CO4 floats) in a thread's scratch, after the row table.
#define MASKED_ROWS(g, scratch) ((scratch) + CHUNK * (g)[K4] + 4 + (g)[KH] * CHUNK)

// Forward convolution of output positions [p0, p1): y[p, :] = act(patch(p) · w + bias).
// `bias` may be 0 (none); `relu` nonzero applies max(·, 0). `scratch` is one thread's: CHUNK·K4 + 4
// floats and a row table of KH·CHUNK pointers. With `kept` given (the whole patch matrix: row p at
// kept + p·K4, plus 4 floats of slack) the patches are built there and kept for the filter gradient;
// otherwise they are read straight from x where reads_image allows (patch_rows), else built chunk by
// chunk in the scratch. The sums are the same bits either way.
EXPORT("conv_forward")
void conv_forward(const int *g, const float *x, const float *wgt, const float *bias, int relu,
                  float *y, float *kept, float *scratch, int p0, int p1) {
  const float **tab = ROW_TABLE(g, scratch);
  const int direct = !kept && reads_image(g);
  for (int p = p0; p < p1; p += CHUNK) {
    const int np = p1 - p < CHUNK ? p1 - p : CHUNK;
    if (direct) {
      patch_rows(g, x, scratch, tab, p, np);
    } else {
      float *rows = kept ? kept + p * g[K4] : scratch;
      im2col(g, x, rows, p, np);
      matrix_rows(tab, rows, g[K4], np);
    }
    gemm_tab(tab, direct ? g[KH] : 1, direct ? g[KW] * g[CI] : g[K], wgt, g[CO4], y + p * g[CO4], g[CO4],
             g[CO4], np, bias, relu);
  }
}

// dw[i + k, c0 + j] += Σ_r xs_r[k] · dy[r, c0 + j] for k < 4·KB and j < NC (≤ 4), over a chunk's
// rows in order, where xs_r = t[r] + off: the last columns of dw when fewer than 8 remain (a small
// layer's 2 or 3 output channels, say), with k along the vector lanes and dy's value splat, so that no
// lane holds a padding column and each row's 4·KB values take KB loads. The same products added in the
// same order as gemm_filter's 4×4 tiles, so the same bits. dw points at row i.
static inline __attribute__((always_inline)) void filter_narrow_tile(const float *const *t, int off,
                                                                     const float *dy, int co4, float *dw,
                                                                     int np, int c0, const int KB,
                                                                     const int NC) {
  v128_t acc[8][4];
  for (int b = 0; b < KB; b++)
    for (int j = 0; j < NC; j++) {
      const float *o = dw + 4 * b * co4 + c0 + j;
      acc[b][j] = wasm_f32x4_make(o[0], o[co4], o[2 * co4], o[3 * co4]);
    }
  for (int r = 0; r < np; r++, dy += co4) {
    const float *xs = t[r] + off;
    v128_t d[4];
    for (int j = 0; j < NC; j++) d[j] = wasm_v128_load32_splat(dy + c0 + j);
    for (int b = 0; b < KB; b++) {
      const v128_t x = wasm_v128_load(xs + 4 * b);
      for (int j = 0; j < NC; j++) acc[b][j] = MADD(acc[b][j], x, d[j]);
    }
  }
  for (int b = 0; b < KB; b++)
    for (int j = 0; j < NC; j++) {
      float *o = dw + 4 * b * co4 + c0 + j;
      o[0] = wasm_f32x4_extract_lane(acc[b][j], 0);
      o[co4] = wasm_f32x4_extract_lane(acc[b][j], 1);
      o[2 * co4] = wasm_f32x4_extract_lane(acc[b][j], 2);
      o[3 * co4] = wasm_f32x4_extract_lane(acc[b][j], 3);
    }
}

// Filter rows a narrow tile takes at a time for NC columns: as many as keep its accumulators, the
// splat values and a row's vector within the engine's 16 vector registers.
#define NARROW_BLOCKS(nc) ((nc) == 1 ? 8 : (nc) == 2 ? 5 : (nc) == 3 ? 3 : 2)

// The narrow columns [c0, c0 + nc) of dw (nc ≤ 4) over one chunk: tiles of NARROW_BLOCKS(nc) blocks of
// 4 filter rows inside one segment, then single blocks up to the segment's end.
static void gemm_filter_narrow(const int *g, const float *const *tab, int len, const float *dy, float *dw,
                               int np, int c0, int nc) {
  const int k4 = g[K4], co4 = g[CO4], kb = NARROW_BLOCKS(nc);
  for (int i = 0; i < k4;) {
    const int sg = i / len, off = i - sg * len;
    const float *const *t = tab + sg * CHUNK;
    float *o = dw + i * co4;
    if (off + 4 * kb <= len) {
      switch (nc) {
        case 1: filter_narrow_tile(t, off, dy, co4, o, np, c0, NARROW_BLOCKS(1), 1); break;
        case 2: filter_narrow_tile(t, off, dy, co4, o, np, c0, NARROW_BLOCKS(2), 2); break;
        case 3: filter_narrow_tile(t, off, dy, co4, o, np, c0, NARROW_BLOCKS(3), 3); break;
        default: filter_narrow_tile(t, off, dy, co4, o, np, c0, NARROW_BLOCKS(4), 4); break;
      }
      i += 4 * kb;
    } else {
      switch (nc) {
        case 1: filter_narrow_tile(t, off, dy, co4, o, np, c0, 1, 1); break;
        case 2: filter_narrow_tile(t, off, dy, co4, o, np, c0, 1, 2); break;
        case 3: filter_narrow_tile(t, off, dy, co4, o, np, c0, 1, 3); break;
        default: filter_narrow_tile(t, off, dy, co4, o, np, c0, 1, 4); break;
      }
      i += 4;
    }
  }
}

// dw[k, :] += Σ_r row_r[k] · dy[r, :] over the rows of one chunk read through `tab` (segments of `len`
// floats, a multiple of 4, or K4 for one segment), rows in order; 4 rows of dw × 8 columns per tile,
// and the last columns, when fewer than 8 remain, by gemm_filter_narrow (its padding columns stay 0).
static void gemm_filter(const int *g, const float *const *tab, int len, const float *dy, float *dw, int np) {
  const int k4 = g[K4], co4 = g[CO4], wide = co4 & ~7;
  for (int i = 0; i < k4; i += 4) {
    const int sg = i / len, off = i - sg * len;
    const float *const *t = tab + sg * CHUNK;
    for (int c = 0; c < wide; c += 8) {
      float *o = dw + i * co4 + c;
      const float *d = dy + c;
      v128_t a00 = wasm_v128_load(o), a01 = wasm_v128_load(o + 4);
      v128_t a10 = wasm_v128_load(o + co4), a11 = wasm_v128_load(o + co4 + 4);
      v128_t a20 = wasm_v128_load(o + 2 * co4), a21 = wasm_v128_load(o + 2 * co4 + 4);
      v128_t a30 = wasm_v128_load(o + 3 * co4), a31 = wasm_v128_load(o + 3 * co4 + 4);
      for (int r = 0; r < np; r++, d += co4) {
        const float *xs = t[r] + off;
        const v128_t d0 = wasm_v128_load(d), d1 = wasm_v128_load(d + 4);
        STEP_4x8(xs, xs + 1, xs + 2, xs + 3, 0, d0, d1);
      }
      STORE_4x8(o, co4, 1);
    }
  }
  if (wide < co4) gemm_filter_narrow(g, tab, len, dy, dw, np, wide, g[CO] - wide);
}

// dx = dy where y > 0, else 0, over values [i0, i1): a ReLU's gradient (elementwise-kernels.c).
void relu_grad(const float *dy, const float *y, float *dx, int i0, int i1);

// Filter gradient over output positions [p0, p1): dw[K4, CO4] = Σ_p patch(p)ᵀ · dy[p, :].
// Overwrites dw (zeroes it first), so two threads can each sum half of the positions. The patches
// come from `kept` (the patch matrix conv_forward kept) when given; else straight from x where
// reads_image allows (patch_rows); else from im2col chunks in `scratch` (one thread's, as
// conv_forward's). Positions are summed in order: the same bits either way. With `y` (a ReLU's
// output, rows of CO4 floats as dy's) each chunk of dy is first masked by y > 0 into the scratch, as
// grad_rows masks it: the same values, without a pass over all of dy before.
EXPORT("conv_filter_grad")
void conv_filter_grad(const int *g, const float *x, const float *dy, const float *y, float *dw,
                      const float *kept, float *scratch, int p0, int p1) {
  const float **tab = ROW_TABLE(g, scratch);
  const int direct = !kept && reads_image(g);
  zero_floats(dw, g[K4] * g[CO4]);
  for (int p = p0; p < p1; p += CHUNK) {
    const int np = p1 - p < CHUNK ? p1 - p : CHUNK;
    if (direct) {
      patch_rows(g, x, scratch, tab, p, np);
    } else if (kept) {
      matrix_rows(tab, kept + p * g[K4], g[K4], np);
    } else {
      im2col(g, x, scratch, p, np);
      matrix_rows(tab, scratch, g[K4], np);
    }
    const float *d = dy + p * g[CO4];
    if (y) {
      float *m = MASKED_ROWS(g, scratch);
      relu_grad(d, y + p * g[CO4], m, 0, np * g[CO4]);
      d = m;
    }
    gemm_filter(g, tab, direct ? g[KW] * g[CI] : g[K4], d, dw, np);
  }
}

// col2im: adds the patch-gradient rows [p0, p0 + np) into dx (positions outside the image dropped).
static void col2im(const int *g, const float *dcol, float *dx, int p0, int np) {
  const int h = g[H], w = g[W], ci = g[CI], kh = g[KH], kw = g[KW], k4 = g[K4];
  POSITION(n, oy, ox, p0);
  for (int r = 0; r < np; r++, NEXT_POSITION(n, oy, ox)) {
    const float *src = dcol + r * k4;
    const int iy0 = oy * g[SH] - g[PT], ix0 = ox * g[SW] - g[PL];
    for (int a = 0; a < kh; a++) {
      const int iy = iy0 + a * g[DH];
      for (int b = 0; b < kw; b++, src += ci) {
        const int ix = ix0 + b * g[DW];
        if (iy < 0 || iy >= h || ix < 0 || ix >= w) continue;
        add_floats(dx + ((n * h + iy) * w + ix) * ci, src, ci);
      }
    }
  }
}

// out rows += (a rows · b) over the positions of a rectangle `rows` × `width`, row-major: position j
// reads `depth` floats of a at a + (j / width)·ay + (j % width)·ax and adds into out + (j / width)·oy +
// (j % width)·ox. b is [depth, ldb]; `cols` is a multiple of 4. Each product is summed from zero on its
// own and then added, as col2im adds a patch-gradient row: 4 positions × 8 columns per tile.
static void gemm_add_rect(const float *a, int ay, int ax, const float *b, int ldb, int depth, float *out,
                          int oy, int ox, int cols, int rows, int width) {
  const v128_t zero = wasm_f32x4_splat(0.f);
  const int count = rows * width;
  for (int c = 0; c < cols; c += 8) {
    const int two = c + 8 <= cols;
    int j = 0, jy = 0, jx = 0;
    for (; j + 4 <= count; j += 4) {
      const float *x[4];
      float *o[4];
      for (int r = 0; r < 4; r++) {
        x[r] = a + jy * ay + jx * ax;
        o[r] = out + jy * oy + jx * ox + c;
        if (++jx == width) jx = 0, jy++;
      }
      v128_t a00 = zero, a01 = zero, a10 = zero, a11 = zero, a20 = zero, a21 = zero, a30 = zero, a31 = zero;
      const float *wp = b + c;
      if (two) {
        for (int i = 0; i < depth; i++, wp += ldb) {
          const v128_t w0 = wasm_v128_load(wp), w1 = wasm_v128_load(wp + 4);
          STEP_4x8(x[0], x[1], x[2], x[3], i, w0, w1);
        }
        wasm_v128_store(o[0] + 4, wasm_f32x4_add(wasm_v128_load(o[0] + 4), a01));
        wasm_v128_store(o[1] + 4, wasm_f32x4_add(wasm_v128_load(o[1] + 4), a11));
        wasm_v128_store(o[2] + 4, wasm_f32x4_add(wasm_v128_load(o[2] + 4), a21));
        wasm_v128_store(o[3] + 4, wasm_f32x4_add(wasm_v128_load(o[3] + 4), a31));
      } else {
        for (int i = 0; i < depth; i++, wp += ldb) {
          const v128_t w0 = wasm_v128_load(wp);
          STEP_4x4(x[0], x[1], x[2], x[3], i, w0);
        }
      }
      wasm_v128_store(o[0], wasm_f32x4_add(wasm_v128_load(o[0]), a00));
      wasm_v128_store(o[1], wasm_f32x4_add(wasm_v128_load(o[1]), a10));
      wasm_v128_store(o[2], wasm_f32x4_add(wasm_v128_load(o[2]), a20));
      wasm_v128_store(o[3], wasm_f32x4_add(wasm_v128_load(o[3]), a30));
    }
    for (; j < count; j++) {
      const float *x0 = a + jy * ay + jx * ax, *wp = b + c;
      float *o0 = out + jy * oy + jx * ox + c;
      if (++jx == width) jx = 0, jy++;
      v128_t a0 = zero, a1 = zero;
      for (int i = 0; i < depth; i++, wp += ldb) {
        const v128_t s = wasm_v128_load32_splat(x0 + i);
        a0 = MADD(a0, s, wasm_v128_load(wp));
        if (two) a1 = MADD(a1, s, wasm_v128_load(wp + 4));
      }
      wasm_v128_store(o0, wasm_f32x4_add(wasm_v128_load(o0), a0));
      if (two) wasm_v128_store(o0 + 4, wasm_f32x4_add(wasm_v128_load(o0 + 4), a1));
    }
  }
}

// Input gradient of images [n0, n1) without a patch-gradient matrix, for a dilation of 1 and CI a
// multiple of 4. The input pixels fall into SH·SW classes by (iy mod SH, ix mod SW); within a class a
// filter tap (a, b) maps the pixels onto a rectangle of output positions, so each tap is one product
// over that rectangle: dy rows · the tap's rows of the transposed filter, added into dx. Taps are taken
// in the order conv_input_grad's col2im adds them to a pixel (output position increasing: a, then b,
// decreasing), so both give the same bits.
static void input_grad_by_taps(const int *g, const float *dy, const float *wt, float *dx, int n0, int n1) {
  const int h = g[H], w = g[W], ci = g[CI], kh = g[KH], kw = g[KW], co = g[CO], sh = g[SH], sw = g[SW];
  const int oh = g[OH], ow = g[OW], k4 = g[K4], co4 = g[CO4];
  for (int n = n0; n < n1; n++)
    for (int py = 0; py < sh && py < h; py++)
      for (int px = 0; px < sw && px < w; px++) {
        const int hy = (h - py + sh - 1) / sh, wx = (w - px + sw - 1) / sw; // pixels of the class
        for (int a = kh - 1; a >= 0; a--) {
          const int dyy = py + g[PT] - a;
          if (dyy % sh) continue;
          const int qy = dyy / sh; // oy = jy + qy
          const int jy0 = qy < 0 ? -qy : 0, jy1 = oh - qy < hy ? oh - qy : hy;
          if (jy0 >= jy1) continue;
          for (int b = kw - 1; b >= 0; b--) {
            const int dxx = px + g[PL] - b;
            if (dxx % sw) continue;
            const int qx = dxx / sw;
            const int jx0 = qx < 0 ? -qx : 0, jx1 = ow - qx < wx ? ow - qx : wx;
            if (jx0 >= jx1) continue;
            gemm_add_rect(dy + ((n * oh + jy0 + qy) * ow + jx0 + qx) * co4, ow * co4, co4,
                          wt + (a * kw + b) * ci, k4, co,
                          dx + ((n * h + py + sh * jy0) * w + px + sw * jx0) * ci, sh * w * ci, sw * ci,
                          ci, jy1 - jy0, jx1 - jx0);
          }
        }
      }
}

// Input gradient of images [n0, n1): dx[n] = Σ_p col2im(dy[p, :] · wt). Zeroes those images of dx
// first; images are independent, so two threads can each take a range of them. For a dilation of 1
// and CI a multiple of 4 it runs tap by tap (input_grad_by_taps, same bits); otherwise through
// `dcol`, one thread's scratch as conv_forward's.
EXPORT("conv_input_grad")
void conv_input_grad(const int *g, const float *dy, const float *wt, float *dx, float *dcol, int n0,
                     int n1) {
  const int image = g[H] * g[W] * g[CI], ohw = g[OH] * g[OW];
  zero_floats(dx + n0 * image, (n1 - n0) * image);
  if (g[DH] == 1 && g[DW] == 1 && (g[CI] & 3) == 0) {
    input_grad_by_taps(g, dy, wt, dx, n0, n1);
    return;
  }
  const float **tab = ROW_TABLE(g, dcol);
  const int p1 = n1 * ohw;
  for (int p = n0 * ohw; p < p1; p += CHUNK) {
    const int np = p1 - p < CHUNK ? p1 - p : CHUNK;
    matrix_rows(tab, dy + p * g[CO4], g[CO4], np);
    gemm_tab(tab, 1, g[CO], wt, g[K4], dcol, g[K4], g[K4], np, 0, 0);
    col2im(g, dcol, dx, p, np);
  }
}

// wt[c, i] = w[i, c] for i < K, zero for K ≤ i < K4: the filter [K, CO] transposed into rows of K4
// floats, for the input gradient's product.
EXPORT("transpose_filter")
void transpose_filter(float *wt, const float *w, int k, int co, int k4) {
  for (int c = 0; c < co; c++) {
    float *dst = wt + c * k4;
    for (int i = 0; i < k; i++) dst[i] = w[i * co + c];
    for (int i = k; i < k4; i++) dst[i] = 0.f;
  }
}

// Adds b[i] to a[i] for i < count (sums the filter gradients of chunks).
EXPORT("add_into")
void add_into(float *a, const float *b, int count) { add_floats(a, b, count); }

// The output gradient as the gradient kernels read it, in one pass: dst[r, c] = dy[r, c] for r < rows,
// c < co, set to 0 where y[r, c] ≤ 0 when y (a ReLU's output) is given; dy and y are rows of co floats,
// dst rows of co4 (padding columns zeroed). With `sums` (2·co4 floats of scratch) given, sums[c] also
// becomes Σ_r dst[r, c], added as column_sums adds (even and odd rows apart, then the two), so the
// bias gradient has the same bits either way.
EXPORT("grad_rows")
void grad_rows(float *dst, const float *dy, const float *y, int rows, int co, int co4, float *sums) {
  const v128_t zero = wasm_f32x4_splat(0.f);
  if (sums) zero_floats(sums, 2 * co4);
  const int whole = co & ~3;
  for (int r = 0; r < rows; r++) {
    const float *d = dy + r * co, *m = y ? y + r * co : 0;
    float *o = dst + r * co4, *s = sums ? sums + (r & 1) * co4 : 0;
    int c = 0;
    for (; c < whole; c += 4) {
      v128_t v = wasm_v128_load(d + c);
      if (m) v = wasm_v128_and(v, wasm_f32x4_gt(wasm_v128_load(m + c), zero));
      wasm_v128_store(o + c, v);
      if (s) wasm_v128_store(s + c, wasm_f32x4_add(wasm_v128_load(s + c), v));
    }
#pragma clang loop vectorize(disable) unroll(disable)
    for (; c < co4; c++) {
      const float v = c < co && (!m || m[c] > 0.f) ? d[c] : 0.f;
      o[c] = v;
      if (s) s[c] += v;
    }
  }
  if (sums) add_floats(sums, sums + co4, co4);
}

// The bias gradient of a ReLU's layer without a masked copy of dy: sums[c] = Σ_r dy[r, c] over the
// rows (of co4 floats, dense) where y[r, c] > 0, added as grad_rows adds its sums (even and odd rows
// apart, then the two): the same bits. `sums` is 2·co4 floats; the first co4 get the result.
EXPORT("masked_column_sums")
void masked_column_sums(const float *dy, const float *y, float *sums, int rows, int co4) {
  const v128_t zero = wasm_f32x4_splat(0.f);
  zero_floats(sums, 2 * co4);
  for (int r = 0; r < rows; r++) {
    const float *d = dy + r * co4, *m = y + r * co4;
    float *s = sums + (r & 1) * co4;
    for (int c = 0; c < co4; c += 4) {
      const v128_t v = wasm_v128_and(wasm_v128_load(d + c), wasm_f32x4_gt(wasm_v128_load(m + c), zero));
      wasm_v128_store(s + c, wasm_f32x4_add(wasm_v128_load(s + c), v));
    }
  }
  add_floats(sums, sums + co4, co4);
}

// Bias gradient: db[c] = Σ_r dy[r, c] over `rows` rows of `cols` floats (a multiple of 4).
EXPORT("column_sums")
void column_sums(const float *dy, float *db, int rows, int cols) {
  for (int c = 0; c < cols; c += 4) {
    v128_t s0 = wasm_f32x4_splat(0.f), s1 = s0;
    int r = 0;
    for (; r + 2 <= rows; r += 2) {
      s0 = wasm_f32x4_add(s0, wasm_v128_load(dy + r * cols + c));
      s1 = wasm_f32x4_add(s1, wasm_v128_load(dy + (r + 1) * cols + c));
    }
    if (r < rows) s0 = wasm_f32x4_add(s0, wasm_v128_load(dy + r * cols + c));
    wasm_v128_store(db + c, wasm_f32x4_add(s0, s1));
  }
}

// Copies `rows` rows of `cols` floats from src into rows of `stride` floats at dst (stride ≥ cols;
// the padding is left as is). dst and src must not overlap.
EXPORT("pad_rows")
void pad_rows(float *dst, const float *src, int rows, int cols, int stride) {
  for (int r = 0; r < rows; r++) copy_floats(dst + r * stride, src + r * cols, cols);
}

// The inverse of pad_rows: rows of `stride` floats at src into rows of `cols` floats at dst.
EXPORT("unpad_rows")
void unpad_rows(float *dst, const float *src, int rows, int cols, int stride) {
  for (int r = 0; r < rows; r++) copy_floats(dst + r * cols, src + r * stride, cols);
}
