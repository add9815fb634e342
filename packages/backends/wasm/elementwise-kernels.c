// Elementwise kernels for the WASM backend: a residual sum with its ReLU, and the ReLU's gradient
// taken from its output. Built into the same module as conv-kernels.c (see there: no libc, no stack;
// every buffer is a pointer the caller lays out). Each runs over the values [i0, i1) of flat float32
// arrays, so that threads can share one call; 128-bit SIMD, the last values of a range one by one.

#include <wasm_simd128.h>

#define EXPORT(name) __attribute__((export_name(name)))

// y = max(a + b, 0) (0 where a + b is not positive), over values [i0, i1).
EXPORT("add_relu")
void add_relu(const float *a, const float *b, float *y, int i0, int i1) {
  const v128_t zero = wasm_f32x4_splat(0.f);
  int i = i0;
  for (; i + 4 <= i1; i += 4) {
    const v128_t v = wasm_f32x4_add(wasm_v128_load(a + i), wasm_v128_load(b + i));
    wasm_v128_store(y + i, wasm_v128_and(v, wasm_f32x4_gt(v, zero)));
  }
  for (; i < i1; i++) {
    const float v = a[i] + b[i];
    y[i] = v > 0 ? v : 0;
  }
}

// dx = dy where y > 0, else 0: the gradient through a ReLU whose output is y, over values [i0, i1).
EXPORT("relu_grad")
void relu_grad(const float *dy, const float *y, float *dx, int i0, int i1) {
  const v128_t zero = wasm_f32x4_splat(0.f);
  int i = i0;
  for (; i + 4 <= i1; i += 4)
    wasm_v128_store(dx + i, wasm_v128_and(wasm_v128_load(dy + i), wasm_f32x4_gt(wasm_v128_load(y + i), zero)));
  for (; i < i1; i++) dx[i] = y[i] > 0 ? dy[i] : 0;
}
