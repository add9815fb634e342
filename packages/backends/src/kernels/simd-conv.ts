import type * as tf from '@tensorflow/tfjs-core';
import {
  CONV_KERNELS_RELAXED_WASM_BASE64,
  CONV_KERNELS_SHARED_MAX_PAGES,
  CONV_KERNELS_SHARED_WASM_BASE64,
  CONV_KERNELS_WASM_BASE64,
} from '../generated/conv-kernels-wasm.js';

/** Output positions per im2col chunk; must equal `CHUNK` in `wasm/conv-kernels.c`. */
const CHUNK = 64;
const PAGE = 65536;

interface ConvExports {
  conv_forward(
    g: number,
    x: number,
    w: number,
    bias: number,
    relu: number,
    y: number,
    col: number,
    p0: number,
    p1: number,
  ): void;
  conv_filter_grad(g: number, x: number, dy: number, dw: number, col: number, p0: number, p1: number): void;
  conv_input_grad(g: number, dy: number, wt: number, dx: number, dcol: number, n0: number, n1: number): void;
  add_into(a: number, b: number, count: number): void;
  relu_mask(dy: number, y: number, count: number): void;
  bn_stats(
    x: number,
    rows: number,
    c: number,
    mean: number,
    variance: number,
    acc: number,
    part: number,
  ): void;
  bn_apply(x: number, y: number, rows: number, c: number, scale: number, shift: number): void;
  bn_grad_sums(
    dy: number,
    x: number,
    rows: number,
    c: number,
    mean: number,
    sumDy: number,
    sumDyXc: number,
    acc: number,
    part: number,
  ): void;
  bn_grad_x(
    dy: number,
    x: number,
    dx: number,
    rows: number,
    c: number,
    a: number,
    b: number,
    s: number,
    mean: number,
  ): void;
  column_sums(dy: number, db: number, rows: number, cols: number): void;
  pad_rows(dst: number, src: number, rows: number, cols: number, stride: number): void;
  unpad_rows(dst: number, src: number, rows: number, cols: number, stride: number): void;
}

/**
 * The sizes of a 2-D convolution (NHWC input, `[KH, KW, CI, CO]` filter) that the SIMD kernels need, as
 * tfjs's `computeConv2DInfo` gives them.
 *
 * @example
 * ```ts
 * const info = tf.backend_util.computeConv2DInfo([64, 28, 28, 3], [3, 3, 3, 16], 2, 1, 1);
 * const g = convGeometry(info); // g.k === 27, g.co4 === 16
 * ```
 */
export interface ConvGeometry {
  n: number;
  h: number;
  w: number;
  ci: number;
  kh: number;
  kw: number;
  co: number;
  sh: number;
  sw: number;
  dh: number;
  dw: number;
  pt: number;
  pl: number;
  oh: number;
  ow: number;
  /** Patch length `KH·KW·CI`. */
  k: number;
  /** `k` rounded up to a multiple of 4. */
  k4: number;
  /** `co` rounded up to a multiple of 4. */
  co4: number;
  /** Output positions `N·OH·OW`. */
  p: number;
}

const up4 = (v: number) => (v + 3) & ~3;

/** Bytes of patch matrices kept between a forward pass and its filter gradient. */
const PATCH_CAPACITY = 32 * 2 ** 20;

/** Identifies a geometry (a kept patch matrix is used only by a call of the same one). */
const geometryKey = (g: ConvGeometry) =>
  [g.n, g.h, g.w, g.ci, g.kh, g.kw, g.co, g.sh, g.sw, g.dh, g.dw, g.pt, g.pl, g.oh, g.ow].join(',');

/** Floats of one thread's im2col buffer: CHUNK rows of K4, plus the 4 the last vector copy may overrun. */
const colFloats = (g: ConvGeometry) => CHUNK * g.k4 + 4;

/**
 * The {@link ConvGeometry} of a tfjs `Conv2DInfo`.
 *
 * @example
 * ```ts
 * const g = convGeometry(tf.backend_util.computeConv2DInfo([1, 5, 5, 2], [3, 3, 2, 4], 1, 1, 'same'));
 * ```
 */
export function convGeometry(info: tf.backend_util.Conv2DInfo): ConvGeometry {
  const k = info.filterHeight * info.filterWidth * info.inChannels;
  return {
    n: info.batchSize,
    h: info.inHeight,
    w: info.inWidth,
    ci: info.inChannels,
    kh: info.filterHeight,
    kw: info.filterWidth,
    co: info.outChannels,
    sh: info.strideHeight,
    sw: info.strideWidth,
    dh: info.dilationHeight,
    dw: info.dilationWidth,
    pt: info.padInfo.top,
    pl: info.padInfo.left,
    oh: info.outHeight,
    ow: info.outWidth,
    k,
    k4: up4(k),
    co4: up4(info.outChannels),
    p: info.batchSize * info.outHeight * info.outWidth,
  };
}

function decodeBase64(text: string): Uint8Array<ArrayBuffer> {
  const binary = atob(text);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

/** Job codes in a worker's control block. */
const JOB_EXIT = -1;
const JOB_FORWARD = 1;
const JOB_FILTER = 2;
const JOB_INPUT = 3;
/**
 * Control-block slots: 0 job counter, 1 done counter, 2 job code, 3–12 arguments, and this one, set
 * by a worker about to sleep: only then must the next job wake it (`Atomics.notify`, a system call).
 */
const SLEEPING = 13;
/** Control blocks (16 int32 per worker) start here; scratch regions start at `FIRST_REGION`. */
const CONTROL_BYTES = 128;
const CONTROL_INTS = 16;
const MAX_THREADS = 8;
const FIRST_REGION = CONTROL_BYTES + MAX_THREADS * CONTROL_INTS * 4;
/** Polls of the control word before a thread sleeps on it (a job usually follows within microseconds). */
const SPINS = 20000;

/**
 * A worker thread's loop: sleeps on its control block's job counter, runs the kernel the block names
 * with the arguments it holds, then bumps the done counter. Evaluated as the worker's whole script.
 */
const WORKER_SOURCE = `
const { workerData } = require('node:worker_threads');
const { module, memory, control } = workerData;
const f = new WebAssembly.Instance(module, { env: { memory } }).exports;
const c = new Int32Array(memory.buffer, control, ${CONTROL_INTS});
let seen = 0;
for (;;) {
  let spins = 0;
  while (Atomics.load(c, 0) === seen) {
    if (++spins > ${SPINS}) {
      Atomics.store(c, ${SLEEPING}, 1);
      if (Atomics.load(c, 0) === seen) Atomics.wait(c, 0, seen);
      Atomics.store(c, ${SLEEPING}, 0);
      spins = 0;
    }
  }
  seen = Atomics.load(c, 0);
  switch (c[2]) {
    case ${JOB_FORWARD}: f.conv_forward(c[3], c[4], c[5], c[6], c[7], c[8], c[9], c[10], c[11], c[12]); break;
    case ${JOB_FILTER}: f.conv_filter_grad(c[3], c[4], c[5], c[6], c[7], c[8], c[9], c[10]); break;
    case ${JOB_INPUT}: f.conv_input_grad(c[3], c[4], c[5], c[6], c[7], c[8], c[9]); break;
  }
  Atomics.store(c, 1, seen);
  Atomics.notify(c, 1);
  if (c[2] === ${JOB_EXIT}) break;
}
`;

/** Splits `[0, total)` into `parts` contiguous ranges, as even as whole units allow. */
function ranges(total: number, parts: number): [number, number][] {
  const out: [number, number][] = [];
  for (let i = 0; i < parts; i++) {
    out.push([Math.floor((total * i) / parts), Math.floor((total * (i + 1)) / parts)]);
  }
  return out;
}

interface NodeWorker {
  unref(): void;
  terminate(): Promise<number>;
}
type WorkerConstructor = new (source: string, options: { eval: true; workerData: unknown }) => NodeWorker;

/** Node's `Worker` class, or `undefined` outside Node (no import, so bundlers see nothing). */
function nodeWorkerClass(): WorkerConstructor | undefined {
  const proc = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }).process;
  const mod = proc?.getBuiltinModule?.('node:worker_threads') as { Worker?: WorkerConstructor } | undefined;
  return mod?.Worker;
}

/**
 * Convolution kernels compiled from `wasm/conv-kernels.c` to 128-bit WebAssembly SIMD: im2col in chunks
 * of 64 output positions, then register-tiled matrix products (4 rows × 8 columns per tile). They run
 * in their own WebAssembly memory: inputs are copied in, results copied out (a small cost next to the
 * products). Under Node, {@link SimdConv.useThreads} spreads every call over worker threads that share
 * that memory: output positions (or images) are split between the threads, and each thread's part of
 * a filter gradient is summed at the end. {@link SimdConv.load} returns `undefined` where the engine
 * lacks WebAssembly SIMD.
 *
 * @example
 * ```ts
 * SimdConv.useThreads(2); // Node: the calling thread and one worker
 * const simd = SimdConv.load();
 * if (simd) simd.forward(geometry, x, filter, bias, true, out);
 * ```
 */
export class SimdConv {
  private static instance: SimdConv | null | undefined;

  /**
   * The instance in use, compiled on first call (one thread); `undefined` when WebAssembly or its SIMD
   * is unavailable.
   *
   * @example
   * ```ts
   * console.log(SimdConv.load() != null); // true on Node 20 and current browsers
   * ```
   */
  static load(): SimdConv | undefined {
    if (SimdConv.instance === undefined) {
      SimdConv.instance = null;
      // No WebAssembly at all (some locked-down pages), or no SIMD: the kernels stay unavailable.
      if (typeof WebAssembly === 'object') SimdConv.instance = SimdConv.singleThreaded() ?? null;
    }
    return SimdConv.instance ?? undefined;
  }

  /** A one-thread instance: the fused multiply-add build where the engine takes it, else plain SIMD. */
  private static singleThreaded(): SimdConv | undefined {
    const relaxed = decodeBase64(CONV_KERNELS_RELAXED_WASM_BASE64);
    if (WebAssembly.validate(relaxed)) return new SimdConv(relaxed, 1, 'relaxed-simd');
    const plain = decodeBase64(CONV_KERNELS_WASM_BASE64);
    return WebAssembly.validate(plain) ? new SimdConv(plain, 1, 'simd128') : undefined;
  }

  /**
   * Runs the kernels on `threads` threads from now on: the calling thread plus `threads − 1` Node
   * worker threads sharing one WebAssembly memory. Outside Node (or without shared memory or SIMD)
   * the kernels stay on one thread. Returns the number of threads now in use.
   *
   * @param threads - an integer in [1, 8].
   * @example
   * ```ts
   * const used = SimdConv.useThreads(2); // 2 under Node, 1 in a browser
   * ```
   */
  static useThreads(threads: number): number {
    if (!Number.isInteger(threads) || threads < 1 || threads > MAX_THREADS) {
      throw new RangeError(
        `SimdConv.useThreads: threads must be an integer in [1, ${MAX_THREADS}], got ${threads}`,
      );
    }
    const current = SimdConv.load();
    if (current == null) return 1;
    if (current.threads === threads) return threads;
    const Worker = threads > 1 ? nodeWorkerClass() : undefined;
    const shared = decodeBase64(CONV_KERNELS_SHARED_WASM_BASE64);
    const next =
      Worker != null && typeof SharedArrayBuffer === 'function' && WebAssembly.validate(shared)
        ? new SimdConv(shared, threads, 'simd128', Worker)
        : current.threads === 1
          ? current
          : SimdConv.singleThreaded()!;
    if (next !== current) current.close();
    SimdConv.instance = next;
    return next.threads;
  }

  /**
   * Threads each kernel call runs on.
   *
   * @example
   * ```ts
   * console.log(SimdConv.load()?.threads); // 1 until useThreads
   * ```
   */
  readonly threads: number;
  /**
   * The instruction set of the build in use: `'relaxed-simd'` (fused multiply-add; one thread, where
   * the engine has relaxed SIMD) or `'simd128'`.
   *
   * @example
   * ```ts
   * console.log(SimdConv.load()?.instructions); // 'simd128' on Node 20, 'relaxed-simd' in Chrome
   * ```
   */
  readonly instructions: 'simd128' | 'relaxed-simd';
  private readonly memory: WebAssembly.Memory;
  private readonly fns: ConvExports;
  private readonly workers: NodeWorker[] = [];
  /** Patch matrices kept by `forward` for `filterGrad`, by the input's data id; they sit first in memory. */
  private readonly patches = new Map<object, { geometry: string; at: number }>();
  private patchBytes = 0;
  private readonly controls: Int32Array[] = [];

  private constructor(
    bytes: Uint8Array<ArrayBuffer>,
    threads: number,
    instructions: 'simd128' | 'relaxed-simd',
    Worker?: WorkerConstructor,
  ) {
    this.instructions = instructions;
    const module = new WebAssembly.Module(bytes);
    this.memory =
      threads > 1
        ? new WebAssembly.Memory({ initial: 16, maximum: CONV_KERNELS_SHARED_MAX_PAGES, shared: true })
        : new WebAssembly.Memory({ initial: 16 });
    const instance = new WebAssembly.Instance(module, { env: { memory: this.memory } });
    this.fns = instance.exports as unknown as ConvExports;
    this.threads = threads;
    for (let i = 1; i < threads; i++) {
      const control = CONTROL_BYTES + (i - 1) * CONTROL_INTS * 4;
      this.controls.push(new Int32Array(this.memory.buffer, control, CONTROL_INTS));
      const worker = new Worker!(WORKER_SOURCE, {
        eval: true,
        workerData: { module, memory: this.memory, control },
      });
      worker.unref();
      this.workers.push(worker);
    }
  }

  /** Stops the worker threads. */
  private close(): void {
    for (const c of this.controls) {
      Atomics.store(c, 2, JOB_EXIT);
      Atomics.add(c, 0, 1);
      Atomics.notify(c, 0);
    }
    for (const w of this.workers) void w.terminate();
  }

  /**
   * Wakes the workers that went to sleep, so that they spin while this thread copies the inputs in
   * (waking takes tens of microseconds; the copies take about as long).
   */
  private wake(): void {
    for (const c of this.controls) if (Atomics.load(c, SLEEPING) === 1) Atomics.notify(c, 0);
  }

  /**
   * Runs a job on every thread: part 0 here, part i on worker i − 1, then waits for all of them.
   * `args(i)` gives part i's arguments.
   */
  private run(job: number, args: (part: number) => number[]): void {
    const seqs: number[] = [];
    for (let i = 0; i < this.controls.length; i++) {
      const c = this.controls[i]!;
      c.set(args(i + 1), 3);
      c[2] = job;
      seqs.push(Atomics.add(c, 0, 1) + 1);
      if (Atomics.load(c, SLEEPING) === 1) Atomics.notify(c, 0);
    }
    const own = args(0);
    if (job === JOB_FORWARD) (this.fns.conv_forward as (...a: number[]) => void)(...own);
    else if (job === JOB_FILTER) (this.fns.conv_filter_grad as (...a: number[]) => void)(...own);
    else (this.fns.conv_input_grad as (...a: number[]) => void)(...own);
    for (let i = 0; i < this.controls.length; i++) {
      const c = this.controls[i]!;
      const seq = seqs[i]!;
      let spins = 0;
      for (let done = Atomics.load(c, 1); done !== seq; done = Atomics.load(c, 1)) {
        if (++spins > SPINS) Atomics.wait(c, 1, done);
      }
    }
  }

  /** Byte offsets of regions of the given float counts (16-byte aligned), growing the memory to fit. */
  private layout(g: ConvGeometry, floats: number[]): number[] | null {
    const offsets = this.regions(floats);
    if (offsets == null) return null;
    new Int32Array(this.memory.buffer, 0, 18).set([
      g.n,
      g.h,
      g.w,
      g.ci,
      g.kh,
      g.kw,
      g.co,
      g.co4,
      g.sh,
      g.sw,
      g.dh,
      g.dw,
      g.pt,
      g.pl,
      g.oh,
      g.ow,
      g.k,
      g.k4,
    ]);
    return offsets;
  }

  /** Byte offsets of regions of the given float counts (16-byte aligned), growing the memory to fit. */
  private regions(floats: number[]): number[] | null {
    const offsets: number[] = [];
    let at = FIRST_REGION + this.patchBytes;
    for (const count of floats) {
      offsets.push(at);
      at += (count * 4 + 15) & ~15;
    }
    const have = this.memory.buffer.byteLength;
    if (at > have) {
      try {
        this.memory.grow(Math.ceil((at - have) / PAGE));
      } catch {
        return null; // beyond the memory's maximum: the caller falls back
      }
    }
    return offsets;
  }

  private heap(): Float32Array {
    return new Float32Array(this.memory.buffer);
  }

  /**
   * Copies `rows × cols` values into rows of `stride` floats at byte offset `at` (padding left as is):
   * one copy when `cols === stride`, else one copy to the staging region `stage` and a SIMD pass.
   */
  private setPadded(
    at: number,
    src: Float32Array,
    rows: number,
    cols: number,
    stride: number,
    stage: number,
  ) {
    const heap = this.heap();
    if (cols === stride) {
      heap.set(src.subarray(0, rows * cols), at >> 2);
      return;
    }
    heap.set(src.subarray(0, rows * cols), stage >> 2);
    this.fns.pad_rows(at, stage, rows, cols, stride);
  }

  /** Copies `rows × cols` values out of rows of `stride` floats at byte offset `at` (through `stage`). */
  private getPadded(
    at: number,
    dst: Float32Array,
    rows: number,
    cols: number,
    stride: number,
    stage: number,
  ) {
    if (cols !== stride) {
      this.fns.unpad_rows(stage, at, rows, cols, stride);
      at = stage;
    }
    dst.set(this.heap().subarray(at >> 2, (at >> 2) + rows * cols));
  }

  /**
   * Forward convolution: `out[p, co] = act(Σ_k patch(p)[k] · filter[k, co] + bias[co])`.
   *
   * @param x - input `[N, H, W, CI]`.
   * @param filter - `[KH, KW, CI, CO]`.
   * @param bias - `[CO]`, or `null` for none.
   * @param relu - apply `max(·, 0)`.
   * @param out - `[N, OH, OW, CO]`, written.
   * @param keepFor - keep the patch matrix (im2col) for a {@link SimdConv.filterGrad} of the same
   *   input, under this key (the input tensor's data id); up to 32 MiB of them are kept.
   * @returns false (nothing written) when the tensors do not fit the kernels' memory.
   * @example
   * ```ts
   * simd.forward(g, xValues, filterValues, null, false, outValues);
   * ```
   */
  forward(
    g: ConvGeometry,
    x: Float32Array,
    filter: Float32Array,
    bias: Float32Array | null,
    relu: boolean,
    out: Float32Array,
    keepFor?: object,
  ): boolean {
    const t = this.threads;
    this.wake();
    const kept = keepFor === undefined ? undefined : this.keepPatches(g, keepFor);
    const stageSize = Math.max(g.p, g.k) * g.co;
    const at = this.layout(g, [
      x.length,
      g.k * g.co4,
      g.co4,
      g.p * g.co4,
      kept ? 0 : t * colFloats(g),
      stageSize,
    ]);
    if (at == null) {
      if (keepFor !== undefined) this.dropPatches(keepFor);
      return false;
    }
    const [xp, wp, bp, yp, scratch, sp] = at as [number, number, number, number, number, number];
    const col = (i: number) => kept ?? scratch + i * colFloats(g) * 4;
    this.heap().set(x, xp >> 2);
    this.setPadded(wp, filter, g.k, g.co, g.co4, sp);
    if (bias) this.setPadded(bp, bias, 1, g.co, g.co4, sp);
    const parts = ranges(g.p, t);
    this.run(JOB_FORWARD, (i) => [
      0,
      xp,
      wp,
      bias ? bp : 0,
      relu ? 1 : 0,
      yp,
      col(i),
      ...parts[i]!,
      kept ? 1 : 0,
    ]);
    this.getPadded(yp, out, g.p, g.co, g.co4, sp);
    return true;
  }

  /** Room for the whole patch matrix of `g` under `key` (dropping older ones if full), or undefined. */
  private keepPatches(g: ConvGeometry, key: object): number | undefined {
    const bytes = (g.p * g.k4 * 4 + 16 + 15) & ~15;
    if (bytes > PATCH_CAPACITY) return undefined;
    this.dropPatches(key);
    if (this.patchBytes + bytes > PATCH_CAPACITY) {
      this.patches.clear(); // older steps' matrices, never used: start over
      this.patchBytes = 0;
    }
    const at = FIRST_REGION + this.patchBytes;
    this.patchBytes += bytes;
    this.patches.set(key, { geometry: geometryKey(g), at });
    return at;
  }

  /** Forgets the patch matrix kept under `key`; the space is reused once none is left. */
  private dropPatches(key: object): void {
    if (this.patches.delete(key) && this.patches.size === 0) this.patchBytes = 0;
  }

  /**
   * Filter gradient: `out[k, co] = Σ_p patch(p)[k] · dy[p, co]`; with `y` (the output of a ReLU) the
   * gradient is first masked by `y > 0`.
   *
   * @param x - input `[N, H, W, CI]`.
   * @param dy - output gradient `[N, OH, OW, CO]`.
   * @param out - `[KH, KW, CI, CO]`, written.
   * @param y - the forward output `[N, OH, OW, CO]` of a ReLU, or `null`.
   * @param patchesOf - the key a {@link SimdConv.forward} of the same input and geometry kept its
   *   patch matrix under: used (and then dropped) instead of building it again.
   * @param biasOut - `[CO]`: when given, also written with the bias gradient (the masked `dy` summed
   *   over positions), which costs one pass over `dy` already in the kernels' memory.
   * @returns false (nothing written) when the tensors do not fit the kernels' memory.
   * @example
   * ```ts
   * simd.filterGrad(g, xValues, dyValues, dwValues);
   * ```
   */
  filterGrad(
    g: ConvGeometry,
    x: Float32Array,
    dy: Float32Array,
    out: Float32Array,
    y: Float32Array | null = null,
    patchesOf?: object,
    biasOut?: Float32Array,
  ): boolean {
    const t = this.threads;
    this.wake();
    const dwSize = g.k4 * g.co4;
    const rows = g.p * g.co4;
    const entry = patchesOf === undefined ? undefined : this.patches.get(patchesOf);
    const kept = entry?.geometry === geometryKey(g) ? entry.at : undefined;
    const stageSize = Math.max(g.p, g.k) * g.co;
    const at = this.layout(g, [
      kept ? 0 : x.length,
      rows,
      t * dwSize,
      kept ? 0 : t * colFloats(g),
      y ? rows : 0,
      stageSize,
      biasOut ? g.co4 : 0,
    ]);
    if (at == null) return false;
    const [xp, dyp, dwp, scratch, yp, sp, dbp] = at as [
      number,
      number,
      number,
      number,
      number,
      number,
      number,
    ];
    if (!kept) this.heap().set(x, xp >> 2);
    this.setPadded(dyp, dy, g.p, g.co, g.co4, sp);
    if (y) {
      this.setPadded(yp, y, g.p, g.co, g.co4, sp);
      this.fns.relu_mask(dyp, yp, rows);
    }
    const parts = ranges(g.p, t);
    this.run(JOB_FILTER, (i) => [
      0,
      xp,
      dyp,
      dwp + i * dwSize * 4,
      kept ?? scratch + i * colFloats(g) * 4,
      ...parts[i]!,
      kept ? 1 : 0,
    ]);
    for (let i = 1; i < t; i++) this.fns.add_into(dwp, dwp + i * dwSize * 4, dwSize);
    this.getPadded(dwp, out, g.k, g.co, g.co4, sp);
    if (biasOut) {
      this.fns.column_sums(dyp, dbp, g.p, g.co4);
      biasOut.set(this.heap().subarray(dbp >> 2, (dbp >> 2) + g.co));
    }
    if (patchesOf !== undefined) this.dropPatches(patchesOf);
    return true;
  }

  /**
   * Bias gradient: `out[co] = Σ_p dy[p, co]`, masked by `y > 0` when `y` (the output of a ReLU) is given.
   *
   * @param g - the geometry (its `p` rows and `co` channels are used).
   * @param dy - output gradient `[N, OH, OW, CO]`.
   * @param out - `[CO]`, written.
   * @param y - the forward output of a ReLU, or `null`.
   * @returns false (nothing written) when the tensors do not fit the kernels' memory.
   * @example
   * ```ts
   * simd.biasGrad(g, dyValues, dbValues, yValues);
   * ```
   */
  biasGrad(g: ConvGeometry, dy: Float32Array, out: Float32Array, y: Float32Array | null = null): boolean {
    const rows = g.p * g.co4;
    const at = this.layout(g, [rows, y ? rows : 0, g.co4, g.p * g.co]);
    if (at == null) return false;
    const [dyp, yp, dbp, sp] = at as [number, number, number, number];
    this.setPadded(dyp, dy, g.p, g.co, g.co4, sp);
    if (y) {
      this.setPadded(yp, y, g.p, g.co, g.co4, sp);
      this.fns.relu_mask(dyp, yp, rows);
    }
    this.fns.column_sums(dyp, dbp, g.p, g.co4);
    out.set(this.heap().subarray(dbp >> 2, (dbp >> 2) + g.co));
    return true;
  }

  /**
   * Input gradient: `out = Σ_p col2im(dy[p, :] · filterᵀ)`.
   *
   * @param dy - output gradient `[N, OH, OW, CO]`.
   * @param filter - `[KH, KW, CI, CO]`.
   * @param out - `[N, H, W, CI]`, written.
   * @param y - the forward output `[N, OH, OW, CO]` of a ReLU (the gradient is masked by `y > 0`), or `null`.
   * @returns false (nothing written) when the tensors do not fit the kernels' memory.
   * @example
   * ```ts
   * simd.inputGrad(g, dyValues, filterValues, dxValues);
   * ```
   */
  inputGrad(
    g: ConvGeometry,
    dy: Float32Array,
    filter: Float32Array,
    out: Float32Array,
    y: Float32Array | null = null,
  ): boolean {
    const t = this.threads;
    this.wake();
    const rows = g.p * g.co4;
    const at = this.layout(g, [rows, g.co * g.k4, out.length, t * colFloats(g), y ? rows : 0, g.p * g.co]);
    if (at == null) return false;
    const [dyp, wtp, dxp, colp, yp, sp] = at as [number, number, number, number, number, number];
    this.setPadded(dyp, dy, g.p, g.co, g.co4, sp);
    if (y) {
      this.setPadded(yp, y, g.p, g.co, g.co4, sp);
      this.fns.relu_mask(dyp, yp, rows);
    }
    const heap = this.heap();
    const wt = wtp >> 2;
    for (let k = 0; k < g.k; k++) {
      for (let c = 0; c < g.co; c++) heap[wt + c * g.k4 + k] = filter[k * g.co + c]!;
    }
    const parts = ranges(g.n, t);
    this.run(JOB_INPUT, (i) => [0, dyp, wtp, dxp, colp + i * colFloats(g) * 4, ...parts[i]!]);
    out.set(this.heap().subarray(dxp >> 2, (dxp >> 2) + out.length));
    return true;
  }

  /**
   * Batch normalisation of `x` (rows of `c` channels, channels last) with its own statistics:
   * writes `y = (x − mean) / √(variance + eps) · weight + bias`, the per-channel `mean` and the biased
   * `variance` (sums in float32 over blocks of 256 rows, then float64).
   *
   * @returns false (nothing written) when the tensors do not fit the kernels' memory.
   * @example
   * ```ts
   * simd.batchNormForward(x, 16, weight, bias, 1e-5, y, mean, variance);
   * ```
   */
  batchNormForward(
    x: Float32Array,
    c: number,
    weight: Float32Array,
    bias: Float32Array,
    eps: number,
    y: Float32Array,
    mean: Float32Array,
    variance: Float32Array,
  ): boolean {
    const c4 = up4(c);
    const at = this.regions([x.length, x.length, c4, c4, 2 * c4, c4, c4, c4]);
    if (at == null) return false;
    const [xp, yp, mp, vp, accp, partp, scp, shp] = at as number[];
    this.heap().set(x, xp! >> 2);
    const rows = x.length / c;
    this.fns.bn_stats(xp!, rows, c, mp!, vp!, accp!, partp!);
    const heap = this.heap();
    const m = heap.subarray(mp! >> 2, (mp! >> 2) + c);
    const v = heap.subarray(vp! >> 2, (vp! >> 2) + c);
    for (let k = 0; k < c; k++) {
      const scale = weight[k]! / Math.sqrt(v[k]! + eps);
      heap[(scp! >> 2) + k] = scale;
      heap[(shp! >> 2) + k] = bias[k]! - m[k]! * scale;
    }
    mean.set(m);
    variance.set(v);
    this.fns.bn_apply(xp!, yp!, rows, c, scp!, shp!);
    y.set(this.heap().subarray(yp! >> 2, (yp! >> 2) + x.length));
    return true;
  }

  /**
   * The gradients of {@link SimdConv.batchNormForward}: writes `dx` (including the gradients
   * `dmean`, `dvariance` reaching the statistics from elsewhere) and `params` = the weight's gradient
   * `Σ dy·x̂` then the bias's `Σ dy` (`2·c` values).
   *
   * @returns false (nothing written) when the tensors do not fit the kernels' memory.
   * @example
   * ```ts
   * simd.batchNormGrad(dy, x, 16, mean, variance, weight, dmean, dvariance, 1e-5, dx, params);
   * ```
   */
  batchNormGrad(
    dy: Float32Array,
    x: Float32Array,
    c: number,
    mean: Float32Array,
    variance: Float32Array,
    weight: Float32Array,
    dmean: Float32Array,
    dvariance: Float32Array,
    eps: number,
    dx: Float32Array,
    params: Float32Array,
  ): boolean {
    const c4 = up4(c);
    const at = this.regions([x.length, x.length, x.length, c4, c4, c4, 2 * c4, c4, c4, c4, c4]);
    if (at == null) return false;
    const [dyp, xp, dxp, mp, sdp, sxp, accp, partp, ap, bp, sp] = at as number[];
    let heap = this.heap();
    heap.set(dy, dyp! >> 2);
    heap.set(x, xp! >> 2);
    heap.set(mean, mp! >> 2);
    const rows = x.length / c;
    this.fns.bn_grad_sums(dyp!, xp!, rows, c, mp!, sdp!, sxp!, accp!, partp!);
    heap = this.heap();
    // x̂ = (x − mean)·invStd; dx = w·invStd·dy − w·invStd·Σdy/M − (w·invStd³·Σdy(x − mean)/M)(x − mean)
    //      + dmean/M + 2·dvariance·(x − mean)/M
    for (let k = 0; k < c; k++) {
      const invStd = 1 / Math.sqrt(variance[k]! + eps);
      const a = weight[k]! * invStd;
      const sumDy = heap[(sdp! >> 2) + k]!;
      const sumDyXc = heap[(sxp! >> 2) + k]!;
      heap[(ap! >> 2) + k] = a;
      heap[(bp! >> 2) + k] = (dmean[k]! - a * sumDy) / rows;
      heap[(sp! >> 2) + k] = (2 * dvariance[k]! - a * invStd * invStd * sumDyXc) / rows;
      params[k] = sumDyXc * invStd;
      params[c + k] = sumDy;
    }
    this.fns.bn_grad_x(dyp!, xp!, dxp!, rows, c, ap!, bp!, sp!, mp!);
    dx.set(this.heap().subarray(dxp! >> 2, (dxp! >> 2) + x.length));
    return true;
  }
}
