import {
  CONV_KERNELS_RELAXED_WASM_BASE64,
  CONV_KERNELS_SHARED_RELAXED_WASM_BASE64,
  CONV_KERNELS_SHARED_WASM_BASE64,
  CONV_KERNELS_WASM_BASE64,
} from '../generated/conv-kernels-wasm.js';

/** The functions the C sources in `wasm/` export (byte offsets, counts). */
export interface KernelExports {
  conv_forward(
    g: number,
    x: number,
    w: number,
    bias: number,
    relu: number,
    y: number,
    kept: number,
    scratch: number,
    p0: number,
    p1: number,
  ): void;
  conv_filter_grad(
    g: number,
    x: number,
    dy: number,
    y: number,
    dw: number,
    kept: number,
    scratch: number,
    p0: number,
    p1: number,
  ): void;
  conv_input_grad(g: number, dy: number, wt: number, dx: number, dcol: number, n0: number, n1: number): void;
  transpose_filter(wt: number, w: number, k: number, co: number, k4: number): void;
  winograd_filter(g: number, w: number, u: number, grad: number): void;
  winograd_filter_grad(
    g: number,
    x: number,
    dy: number,
    y: number,
    du: number,
    scratch: number,
    t0: number,
    t1: number,
  ): void;
  winograd_filter_grad_out(g: number, du: number, dw: number): void;
  winograd_conv(
    g: number,
    grad: number,
    input: number,
    u: number,
    bias: number,
    relu: number,
    out: number,
    scratch: number,
    t0: number,
    t1: number,
  ): void;
  add_into(a: number, b: number, count: number): void;
  grad_rows(dst: number, dy: number, y: number, rows: number, co: number, co4: number, sums: number): void;
  masked_column_sums(dy: number, y: number, sums: number, rows: number, co4: number): void;
  bn_block_sums(
    a: number,
    b: number,
    m: number,
    rows: number,
    c: number,
    mode: number,
    parts: number,
    block: number,
    affine: number,
    b0: number,
    b1: number,
  ): void;
  bn_reduce(parts: number, blocks: number, c: number, acc: number, out: number, divisor: number): void;
  bn_stats(x: number, rows: number, c: number, mean: number, variance: number, acc: number): void;
  bn_apply(x: number, y: number, c: number, affine: number, relu: number, r0: number, r1: number): void;
  bn_grad_sums(
    dy: number,
    x: number,
    rows: number,
    c: number,
    mean: number,
    sumDy: number,
    sumDyXc: number,
    acc: number,
    affine: number,
  ): void;
  bn_grad_x(
    dy: number,
    x: number,
    dx: number,
    c: number,
    a: number,
    b: number,
    s: number,
    mean: number,
    affine: number,
    r0: number,
    r1: number,
  ): void;
  add_relu(a: number, b: number, y: number, i0: number, i1: number): void;
  relu_grad(dy: number, y: number, dx: number, i0: number, i1: number): void;
  column_sums(dy: number, db: number, rows: number, cols: number): void;
  pad_rows(dst: number, src: number, rows: number, cols: number, stride: number): void;
  unpad_rows(dst: number, src: number, rows: number, cols: number, stride: number): void;
}

/** The instruction set of a build: with relaxed SIMD's fused multiply-add, or plain 128-bit SIMD. */
export type KernelInstructions = 'simd128' | 'relaxed-simd';

/** A compiled build of the kernels. */
export interface KernelBuild {
  module: WebAssembly.Module;
  instructions: KernelInstructions;
  /** Built for a shared memory (threads). */
  shared: boolean;
}

function decodeBase64(text: string): Uint8Array<ArrayBuffer> {
  const binary = atob(text);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

/**
 * Node 20 has relaxed SIMD behind `--experimental-wasm-relaxed-simd` (on by default from Node 22): when
 * `bytes` (a relaxed-SIMD build) does not validate, sets that flag for this process (V8 reads it when
 * it next compiles WebAssembly) and validates again. Outside Node, or where that does not help, false.
 */
function enableRelaxedSimd(bytes: Uint8Array<ArrayBuffer>): boolean {
  const proc = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }).process;
  const v8 = proc?.getBuiltinModule?.('node:v8') as
    | { setFlagsFromString?: (flags: string) => void }
    | undefined;
  if (v8?.setFlagsFromString == null) return false;
  v8.setFlagsFromString('--experimental-wasm-relaxed-simd');
  return WebAssembly.validate(bytes);
}

/**
 * The build to run: the fused multiply-add build where the engine validates it (under Node 20 after
 * turning relaxed SIMD on, see {@link enableRelaxedSimd}), else plain SIMD; `shared` picks the builds
 * for a shared memory (threads). `undefined` where the engine lacks WebAssembly SIMD (or, for `shared`,
 * the threads proposal).
 */
export function kernelBuild(shared: boolean): KernelBuild | undefined {
  if (typeof WebAssembly !== 'object') return undefined; // some locked-down pages
  const relaxed = decodeBase64(
    shared ? CONV_KERNELS_SHARED_RELAXED_WASM_BASE64 : CONV_KERNELS_RELAXED_WASM_BASE64,
  );
  if (WebAssembly.validate(relaxed) || enableRelaxedSimd(relaxed)) {
    return { module: new WebAssembly.Module(relaxed), instructions: 'relaxed-simd', shared };
  }
  const plain = decodeBase64(shared ? CONV_KERNELS_SHARED_WASM_BASE64 : CONV_KERNELS_WASM_BASE64);
  return WebAssembly.validate(plain)
    ? { module: new WebAssembly.Module(plain), instructions: 'simd128', shared }
    : undefined;
}
