import { CONV_KERNELS_SHARED_MAX_PAGES } from '../generated/conv-kernels-wasm.js';
import {
  type ConvGeometry,
  colFloats,
  keepsPatches,
  WINOGRAD_TILES,
  winogradFilterFloats,
  winogradFits,
  winogradFloats,
  winogradTiles,
} from './conv-geometry.js';
import { type HostMemory, KernelHeap, MAX_THREADS } from './kernel-heap.js';
import { type KernelBuild, type KernelExports, kernelBuild } from './kernel-module.js';
import { ShareChoices } from './share-choices.js';
import { isSharedMemory } from './wasm-host-memory.js';
import {
  JOB_FILTER,
  JOB_FORWARD,
  JOB_INPUT,
  JOB_WINOGRAD,
  JOB_WINOGRAD_FILTER,
  type Job,
  type StartWorker,
  WorkerPool,
  workerStarter,
} from './worker-pool.js';

/** Chunks a job is cut into when several threads share it (enough to even out a late thread). */
const CHUNKS_PER_JOB = 16;
/**
 * Output positions per chunk of a filter gradient: the same on every thread count, so that the
 * chunks' partial sums, added in chunk order, give the same bits on 1 thread as on 8.
 */
const filterChunkRows = (p: number) => Math.max(256, 64 * Math.ceil(p / (64 * CHUNKS_PER_JOB)));
/**
 * Output tiles per chunk of a Winograd filter gradient: whole blocks, about 8 chunks, the same on every
 * thread count, so that the chunks' sums, added in chunk order, give the same bits on 1 thread as on 8.
 */
const winogradFilterChunkTiles = (tiles: number) =>
  WINOGRAD_TILES * Math.max(2, Math.ceil(tiles / (WINOGRAD_TILES * 8)));
/** Output tiles per chunk of a Winograd job: whole blocks, about `CHUNKS_PER_JOB` chunks when shared. */
const winogradChunkTiles = (tiles: number, shared: boolean) =>
  shared ? WINOGRAD_TILES * Math.ceil(tiles / (WINOGRAD_TILES * CHUNKS_PER_JOB)) : tiles;
/** One number per job and layer shape (positions, patch length, output channels): calls of one kind cost alike. */
const callKind = (job: Job, g: ConvGeometry) => ((g.p * 8192 + g.k4) * 1024 + g.co4) * 4 + job;
/** One number per row job and shape (rows, values per row), below the convolutions': their kinds. */
const rowsKind = (job: Job, rows: number, width: number) => -((rows * 4096 + width) * 16 + job);

/** The maximum of the shared memory the threads make for themselves: 2 GiB (reserved up front). */
const OWN_SHARED_MAX_PAGES = Math.min(32768, CONV_KERNELS_SHARED_MAX_PAGES);

/** One memory the kernels run in: its heap, the instance on it, and the threads that share it. */
interface KernelSide {
  heap: KernelHeap;
  fns: KernelExports;
  pool: WorkerPool;
  threads: number;
}

/** The kernels of `build` on a memory: the host's, or a new one (shared for a build with threads). */
function kernelSide(build: KernelBuild, threads: number, start?: StartWorker, host?: HostMemory): KernelSide {
  const memory =
    host?.memory ??
    (build.shared
      ? new WebAssembly.Memory({ initial: 16, maximum: OWN_SHARED_MAX_PAGES, shared: true })
      : new WebAssembly.Memory({ initial: 16 }));
  const fns = new WebAssembly.Instance(build.module, { env: { memory } }).exports as unknown as KernelExports;
  const heap = new KernelHeap(memory, fns, host);
  return { heap, fns, pool: workerPool(build, heap, threads, start), threads };
}

/** The worker threads of a side on `heap`'s memory (none for one thread, or where the host has no room). */
function workerPool(build: KernelBuild, heap: KernelHeap, threads: number, start?: StartWorker): WorkerPool {
  const blocks = threads > 1 ? heap.poolBlocks() : 0;
  const workers = blocks == null ? 0 : threads - 1;
  return new WorkerPool(build.module, heap.memory, heap.fns, workers, start, blocks ?? 0);
}

/**
 * The side for calls shared with `threads − 1` workers: on `alone`'s memory when it is shared (a host
 * whose memory is shared: its tensors are then used in place by every thread), else on a shared
 * memory of their own; `undefined` where memories cannot be shared.
 */
function teamSide(
  alone: KernelSide,
  build: KernelBuild,
  threads: number,
  start: StartWorker,
): KernelSide | undefined {
  if (isSharedMemory(alone.heap.memory)) {
    const pool = workerPool(build, alone.heap, threads, start);
    return { ...alone, pool, threads };
  }
  const shared = typeof SharedArrayBuffer === 'function' ? kernelBuild(true) : undefined;
  return shared ? kernelSide(shared, threads, start) : undefined;
}

/**
 * Convolution kernels compiled from `wasm/conv-kernels.c` to 128-bit WebAssembly SIMD: register-tiled
 * matrix products (4 rows × 8 columns per tile) over chunks of 64 output positions, whose patches are
 * read straight from the input where they lie inside it (filter rows of a multiple of 4 floats, a
 * dilation of 1), else built by im2col; the input gradient goes tap by tap. On one
 * thread they run in tfjs's WASM memory where {@link SimdConv.useHostMemory} gave it (tensors used in
 * place), else in a memory of their own (inputs copied in, results copied out).
 * {@link SimdConv.useThreads} adds worker threads (Node's, or Web Workers on a cross-origin isolated
 * page) on tfjs's memory where it is shared (see `setupBackend`), else on a shared memory of their
 * own (copies in and out again): a call they share is cut into chunks of output positions
 * (or images) that the threads claim as they come free. Each kind of call is timed now and then both
 * ways and shared only while that is faster. A filter gradient's chunks are summed in a fixed order:
 * the results are the same bits on any number of threads. {@link SimdConv.load} returns `undefined`
 * where the engine lacks WebAssembly SIMD.
 *
 * @example
 * ```ts
 * SimdConv.useThreads(2); // the calling thread and one worker
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
      SimdConv.instance = kernelBuild(false) ? new SimdConv(1, SimdConv.host) : null;
    }
    return SimdConv.instance ?? undefined;
  }

  private static host: HostMemory | undefined;

  /**
   * Runs the calls that one thread makes alone in `host`'s memory from now on (`undefined`: in a memory
   * of their own): tfjs's WASM backend's, whose tensors they then read and write where they are
   * instead of copying them in and out. Calls shared with worker threads run there too when that
   * memory is shared, else in a shared memory of their own.
   *
   * @example
   * ```ts
   * const host = wasmHostMemory(tf.backend());
   * if (host) SimdConv.useHostMemory(host);
   * ```
   */
  static useHostMemory(host: HostMemory | undefined): void {
    const current = SimdConv.load();
    // The same memory again (setupBackend is called more than once): keep the kernels and their heap.
    if (current != null && current.host?.memory === host?.memory) {
      SimdConv.host = current.host;
      return;
    }
    SimdConv.host = host;
    if (current == null) return;
    current.close();
    SimdConv.instance = new SimdConv(current.threads, host, workerStarter());
  }

  /**
   * Runs the kernels on `threads` threads from now on: the calling thread plus `threads − 1` worker
   * threads sharing one WebAssembly memory — Node's `worker_threads`, or Web Workers on a cross-origin
   * isolated page (COOP/COEP headers), which take their share of each call once started. Elsewhere (or
   * without shared memory or SIMD) the kernels stay on one thread. Returns the number of threads now in
   * use.
   *
   * @param threads - an integer in [1, 8].
   * @example
   * ```ts
   * const used = SimdConv.useThreads(2); // 2 under Node and on isolated pages, else 1
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
    const next = new SimdConv(threads, SimdConv.host, threads > 1 ? workerStarter() : undefined);
    if (next.threads === current.threads) return current.threads; // no worker threads here
    current.close();
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
   * Threads a call is split over now: the calling thread and the workers that have started (a
   * browser starts Web Workers only when its main thread returns to the event loop).
   *
   * @example
   * ```ts
   * SimdConv.useThreads(2);
   * await new Promise((r) => setTimeout(r, 100));
   * console.log(SimdConv.load()?.startedThreads); // 2 once the worker runs
   * ```
   */
  get startedThreads(): number {
    return this.team?.pool.available() ?? 1;
  }

  /**
   * Convolution calls run so far, and how many of them several threads shared. Each kind of call
   * (job and layer shape) is timed now and then on this thread alone and shared; it is shared only
   * while that is faster (a virtual machine's second CPU may be busy with other work).
   *
   * @example
   * ```ts
   * const { calls, shared } = SimdConv.load()!.usage;
   * console.log(`${shared} of ${calls} calls on several threads`);
   * ```
   */
  get usage(): { calls: number; shared: number } {
    return this.choices.usage();
  }

  /**
   * The instruction set of the build in use: `'relaxed-simd'` (fused multiply-add, where the engine
   * has relaxed SIMD) or `'simd128'`.
   *
   * @example
   * ```ts
   * console.log(SimdConv.load()?.instructions); // 'relaxed-simd' on Node ≥ 20 and in Chrome
   * ```
   */
  readonly instructions: 'simd128' | 'relaxed-simd';
  /**
   * The kernels' memory for calls on this thread alone, shared with the batch-norm kernels.
   *
   * @internal
   */
  get heap(): KernelHeap {
    return this.alone.heap;
  }
  /** Calls on this thread alone: in the host's memory when there is one. */
  private readonly alone: KernelSide;
  /** Calls shared with worker threads (when there are any). */
  private readonly team: KernelSide | undefined;
  private readonly choices = new ShareChoices();

  private constructor(
    threads: number,
    private readonly host: HostMemory | undefined,
    start?: StartWorker,
  ) {
    // tfjs's threaded build (a cross-origin isolated page) has a shared memory: the shared build runs in it.
    const build = kernelBuild(host != null && isSharedMemory(host.memory))!;
    this.instructions = build.instructions;
    this.alone = kernelSide(build, 1, undefined, host);
    this.team = threads > 1 && start != null ? teamSide(this.alone, build, threads, start) : undefined;
    this.threads = this.team ? threads : 1;
  }

  /** Stops the worker threads; gives the host the heaps' blocks back (see `KernelHeap.release`). */
  private close(): void {
    this.team?.pool.close();
    this.alone.heap.release(); // the team's heap is this one, or in a memory of its own
  }

  /**
   * Picks the memory and threads of a call of `job` on `g`: shared with the workers (waking them,
   * so that they are up once the inputs are copied in) or on this thread alone.
   */
  private begin(job: Job, g: ConvGeometry): { side: KernelSide; shared: boolean } {
    if (this.team === undefined) return { side: this.alone, shared: false };
    const shared = this.choices.begin(callKind(job, g));
    if (shared) this.team.pool.wake();
    return { side: shared ? this.team : this.alone, shared };
  }

  /**
   * Runs `job`, a pass of the batch-norm or elementwise kernels (see `simd-batch-norm.ts`,
   * `simd-elementwise.ts`) over `rows` (rows of `width` values, or blocks of rows for the sums) of
   * tensors in {@link SimdConv.heap}: shared with the workers when they work in that same memory
   * (tfjs's, made shared) and calls of that kind are faster so (see `ShareChoices`), else on this
   * thread alone. Each chunk writes its own rows or blocks: the same bits either way.
   *
   * @internal
   */
  runRows(job: Job, rows: number, width: number, args: number[]): void {
    if (rows === 0) return;
    const team = this.team?.heap === this.alone.heap ? this.team : undefined;
    const shared = team !== undefined && this.choices.begin(rowsKind(job, rows, width));
    const size = shared ? Math.ceil(rows / CHUNKS_PER_JOB) : rows;
    (shared ? team : this.alone).pool.run(job, size, rows, 0, args, shared);
    if (team !== undefined) this.choices.end();
  }

  /**
   * Forward convolution: `out[p, co] = act(Σ_k patch(p)[k] · filter[k, co] + bias[co])`. Arrays that
   * live in the kernels' memory (a host's tensors, see {@link SimdConv.useHostMemory}) are read and
   * written in place; others are copied in and out.
   *
   * @param x - input `[N, H, W, CI]`.
   * @param filter - `[KH, KW, CI, CO]`.
   * @param bias - `[CO]`, or `null` for none.
   * @param relu - apply `max(·, 0)`.
   * @param out - `[N, OH, OW, CO]`, written.
   * @param keepFor - keep the patch matrix (im2col) for a {@link SimdConv.filterGrad} of the same
   *   input, under this key (the input tensor's data id); up to 32 MiB of them are kept. Geometries
   *   whose patches are mostly read straight from the input keep none (see `keepsPatches`), nor do
   *   those the Winograd kernels take (see `winogradFits`).
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
    const { side, shared } = this.begin(JOB_FORWARD, g);
    const heap = side.heap;
    const [xAt, wAt, bAt, outAt] = [x, filter, bias, out].map((v) => heap.addressOf(v));
    const dense = g.co === g.co4;
    const keep = keepFor !== undefined && keepsPatches(g) && heap.keepPatches(g, keepFor);
    const winograd = winogradFits(g);
    const scratchFloats = winograd ? winogradFloats(g) : colFloats(g);
    const stageSize = Math.max(g.p, g.k) * g.co;
    const at = heap.layout(g, [
      xAt === undefined ? x.length : 0,
      g.k * g.co4,
      g.co4,
      dense && outAt !== undefined ? 0 : g.p * g.co4,
      side.threads * scratchFloats,
      stageSize,
      winograd ? winogradFilterFloats(g) : 0,
    ]);
    if (at == null) {
      if (keepFor !== undefined) heap.dropPatches(keepFor);
      this.choices.end(false);
      return false;
    }
    const [xRegion, wRegion, bRegion, yRegion, scratch, sp, up] = at;
    const kept = keep ? heap.keptPatches(g, keepFor) : undefined;
    const xp = heap.input(x, xAt, xRegion);
    let wp = wRegion;
    if (dense && wAt !== undefined) wp = wAt;
    else heap.setPadded(wp, filter, wAt, g.k, g.co, g.co4, sp);
    let bp = 0;
    if (bias && dense && bAt !== undefined) bp = bAt;
    else if (bias) {
      bp = bRegion;
      heap.setPadded(bp, bias, bAt, 1, g.co, g.co4, sp);
    }
    const yp = dense && outAt !== undefined ? outAt : yRegion;
    if (winograd) {
      side.fns.winograd_filter(heap.base, wp, up, 0);
      const tiles = winogradTiles(g, false);
      const args = [xp, up, bp, relu ? 1 : 0, yp, scratch, scratchFloats * 4, 0];
      side.pool.run(JOB_WINOGRAD, winogradChunkTiles(tiles, shared), tiles, heap.base, args, shared);
    } else {
      const size = shared ? Math.max(128, 64 * Math.ceil(g.p / (64 * CHUNKS_PER_JOB))) : g.p;
      const args = [xp, wp, bp, relu ? 1 : 0, yp, kept ?? 0, scratch, scratchFloats * 4];
      side.pool.run(JOB_FORWARD, size, g.p, heap.base, args, shared);
    }
    if (yp !== outAt) heap.getPadded(yp, out, outAt, g.p, g.co, g.co4, sp);
    this.choices.end();
    return true;
  }

  /**
   * The output gradient `dy` (at `dyAt` when in `side`'s memory) as the kernels read it: rows of `co4`,
   * masked by `y > 0` when `y` (a ReLU's output) is given, written to region `at` in one pass (`dy`
   * and `y` copied in first, to `dyStage` and `yStage`, when they live elsewhere). Without `y`, a
   * dense `dy` is used in place, or copied to `at`. With `sums` (a region of 2·co4 floats), its
   * first co4 floats also get the column sums: the bias gradient. Returns the address of the rows.
   */
  private gradRows(
    side: KernelSide,
    g: ConvGeometry,
    dy: Float32Array,
    dyAt: number | undefined,
    y: Float32Array | null,
    yAt: number | undefined,
    { at, dyStage, yStage, sums }: { at: number; dyStage: number; yStage: number; sums: number },
  ): number {
    const heap = side.heap;
    if (y == null && g.co === g.co4) {
      const dyp = heap.input(dy, dyAt, at);
      if (sums) side.fns.column_sums(dyp, sums, g.p, g.co4);
      return dyp;
    }
    const dyp = heap.input(dy, dyAt, dyStage);
    const yp = y == null ? 0 : heap.input(y, yAt, yStage);
    side.fns.grad_rows(at, dyp, yp, g.p, g.co, g.co4, sums);
    return at;
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
    const { side, shared } = this.begin(JOB_FILTER, g);
    const heap = side.heap;
    const [xAt, dyAt, outAt, yAt, biasAt] = [x, dy, out, y, biasOut].map((v) => heap.addressOf(v));
    const dwSize = g.k4 * g.co4;
    const rows = g.p * g.co4;
    // Rows of co4 already (no padding): each chunk of dy is masked by y inside the job, by the thread
    // that takes it, and the bias gradient summed meanwhile by this one, instead of a pass over all of
    // dy first.
    const masksInJob = y != null && g.co === g.co4;
    const have = heap.keptPatches(g, patchesOf) !== undefined;
    // A layer the Winograd kernels take (it kept no patches) sums its tiles' transforms instead; each
    // chunk's sums are then 16 matrices of CI × CO4.
    const winograd = winogradFits(g);
    const tiles = winogradTiles(g, false);
    const size = winograd ? winogradFilterChunkTiles(tiles) : filterChunkRows(g.p);
    const chunks = Math.ceil((winograd ? tiles : g.p) / size);
    const slot = winograd ? winogradFilterFloats(g) : dwSize;
    const scratchFloats = winograd ? winogradFloats(g) : colFloats(g);
    const stageSize = Math.max(g.p, g.k) * g.co;
    const at = heap.layout(g, [
      have || xAt !== undefined ? 0 : x.length,
      masksInJob && dyAt !== undefined ? 0 : rows,
      chunks * slot,
      side.threads * scratchFloats,
      y && yAt === undefined ? g.p * g.co : 0,
      stageSize,
      biasOut ? 2 * g.co4 : 0,
      winograd ? dwSize : 0,
    ]);
    if (at == null) {
      this.choices.end(false);
      return false;
    }
    const [xRegion, dyRegion, sums0, scratch, yStage, sp, dbp, winogradDw] = at;
    const kept = heap.keptPatches(g, patchesOf);
    const xp = kept ? 0 : heap.input(x, xAt, xRegion);
    const sums = biasOut ? dbp : 0;
    let dyp: number;
    let yp = 0;
    let biasSums: (() => void) | undefined;
    if (masksInJob) {
      dyp = heap.input(dy, dyAt, dyRegion);
      yp = heap.input(y, yAt, yStage);
      if (sums) biasSums = () => side.fns.masked_column_sums(dyp, yp, sums, g.p, g.co4);
    } else {
      dyp = this.gradRows(side, g, dy, dyAt, y, yAt, { at: dyRegion, dyStage: sp, yStage, sums });
    }
    if (winograd) {
      const args = [xp, dyp, yp, sums0, slot * 4, scratch, scratchFloats * 4];
      side.pool.run(JOB_WINOGRAD_FILTER, size, tiles, heap.base, args, shared, biasSums);
    } else {
      const args = [xp, dyp, sums0, slot * 4, kept ?? 0, scratch, scratchFloats * 4, yp];
      side.pool.run(JOB_FILTER, size, g.p, heap.base, args, shared, biasSums);
    }
    for (let i = 1; i < chunks; i++) side.fns.add_into(sums0, sums0 + i * slot * 4, slot);
    const dwp = winograd ? winogradDw : sums0;
    if (winograd) side.fns.winograd_filter_grad_out(heap.base, sums0, dwp);
    heap.getPadded(dwp, out, outAt, g.k, g.co, g.co4, sp);
    if (biasOut) heap.output(dbp, biasOut, biasAt, g.co);
    if (patchesOf !== undefined) {
      // Kept on whichever side ran the forward pass.
      this.alone.heap.dropPatches(patchesOf);
      this.team?.heap.dropPatches(patchesOf);
    }
    this.choices.end();
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
    const side = this.alone;
    const heap = side.heap;
    const [dyAt, outAt, yAt] = [dy, out, y].map((v) => heap.addressOf(v));
    const rows = g.p * g.co4;
    const at = heap.regions([rows, y && yAt === undefined ? g.p * g.co : 0, 2 * g.co4, g.p * g.co]);
    if (at == null) return false;
    const [dyRegion, yStage, dbp, sp] = at;
    this.gradRows(side, g, dy, dyAt, y, yAt, { at: dyRegion, dyStage: sp, yStage, sums: dbp });
    heap.output(dbp, out, outAt, g.co);
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
    const { side, shared } = this.begin(JOB_INPUT, g);
    const heap = side.heap;
    const [dyAt, wAt, outAt, yAt] = [dy, filter, out, y].map((v) => heap.addressOf(v));
    const rows = g.p * g.co4;
    const winograd = winogradFits(g);
    const scratchFloats = winograd ? winogradFloats(g) : colFloats(g);
    const at = heap.layout(g, [
      rows,
      g.co * g.k4,
      outAt === undefined ? out.length : 0,
      side.threads * scratchFloats,
      y && yAt === undefined ? g.p * g.co : 0,
      g.p * g.co,
      wAt === undefined ? g.k * g.co : 0,
      winograd ? winogradFilterFloats(g) : 0,
    ]);
    if (at == null) {
      this.choices.end(false);
      return false;
    }
    const [dyRegion, wtp, dxRegion, colp, yStage, sp, wRegion, up] = at;
    const dyp = this.gradRows(side, g, dy, dyAt, y, yAt, { at: dyRegion, dyStage: sp, yStage, sums: 0 });
    side.fns.transpose_filter(wtp, heap.input(filter, wAt, wRegion), g.k, g.co, g.k4);
    const dxp = outAt ?? dxRegion;
    if (winograd) {
      side.fns.winograd_filter(heap.base, wtp, up, 1);
      const tiles = winogradTiles(g, true);
      const args = [dyp, up, 0, 0, dxp, colp, scratchFloats * 4, 1];
      side.pool.run(JOB_WINOGRAD, winogradChunkTiles(tiles, shared), tiles, heap.base, args, shared);
    } else {
      const images = shared ? Math.ceil(g.n / CHUNKS_PER_JOB) : g.n;
      side.pool.run(JOB_INPUT, images, g.n, heap.base, [dyp, wtp, dxp, colp, scratchFloats * 4], shared);
    }
    if (outAt === undefined) heap.get(dxp, out);
    this.choices.end();
    return true;
  }
}
