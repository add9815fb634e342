import { CONTROL_INTS, MAX_THREADS, POOL_BYTES } from './kernel-heap.js';
import type { KernelExports } from './kernel-module.js';

/** Job codes in the job block. */
const JOB_EXIT = -1;
export const JOB_FORWARD = 1;
export const JOB_FILTER = 2;
export const JOB_INPUT = 3;
/** Batch normalisation: per-block sums (the chunks are blocks of rows), then passes over rows. */
export const JOB_BN_SUMS = 4;
export const JOB_BN_APPLY = 5;
export const JOB_BN_GRAD_X = 6;
/** Elementwise (the rows are values): a residual sum with its ReLU, and the ReLU's gradient. */
export const JOB_ADD_RELU = 7;
export const JOB_RELU_GRAD = 8;
/**
 * Winograd convolutions (`wasm/winograd-kernels.c`; the rows are 2×2 output tiles): a forward pass or
 * input gradient, and a filter gradient's sums.
 */
export const JOB_WINOGRAD = 9;
export const JOB_WINOGRAD_FILTER = 10;
/** The jobs a pool runs: a kernel of {@link KernelExports} cut into chunks that the threads claim. */
export type Job =
  | typeof JOB_FORWARD
  | typeof JOB_FILTER
  | typeof JOB_INPUT
  | typeof JOB_BN_SUMS
  | typeof JOB_BN_APPLY
  | typeof JOB_BN_GRAD_X
  | typeof JOB_ADD_RELU
  | typeof JOB_RELU_GRAD
  | typeof JOB_WINOGRAD
  | typeof JOB_WINOGRAD_FILTER;

/** Job-block slots: each job bumps SEQ (what idle workers watch and sleep on). */
const SEQ = 0;
/**
 * The claim word: `end << 10 | front`, the chunks [front, end) not yet claimed, taken one at a time
 * by compare-and-swap: the calling thread from the front, the workers from the end. So each thread
 * keeps to the same images from layer to layer, forward and backward, and finds their rows in its
 * own cache.
 */
const CLAIM = 1;
/** Chunks finished. */
const DONE = 2;
const CODE = 3;
/** The job's arguments (see {@link runChunks}). */
const ARGS = 4;
/** The most chunks a job is cut into (10 bits of the claim word each for its front and end). */
export const MAX_CHUNKS = 1023;

/** Worker-block slots: set by a worker about to sleep (only then must a job wake it, a system call). */
const SLEEPING = 0;
/** Set by a worker once it has instantiated the kernels. */
const READY = 1;
/** Polls of a word between looks at the clock. */
const POLLS = 64;
/**
 * How long a worker keeps polling for the next job before it sleeps, in milliseconds: long enough to
 * bridge the gaps between the kernels of one pass (tens of microseconds), short enough to leave the
 * core to the calling thread where two virtual CPUs share one physical core, and to the engine's
 * background compiler while a process warms up (0.05 against 0.2 ms: simpleCnn's first epoch on 2
 * threads 620 → 590 ms, the mean of 8 interleaved pairs; the second 478 → 469 ms, the third 434 →
 * 439 ms). A sleeping worker is woken when a kernel starts copying its inputs in; waking takes
 * ≈ 0.2 ms, and until it is up the calling thread claims the chunks itself.
 */
const IDLE_SPIN_MS = 0.05;
/** Polls of the done counter before the calling thread sleeps on it (a worker was preempted). */
const WAIT_SPINS = 20000;

/**
 * Claims chunks of the job in the job block `job` and runs them until none is left: the calling
 * thread (`thread` 0) from the first chunk on, the workers from the last one back; `thread` also picks
 * the thread's scratch space. Results do not depend on which thread runs which chunk: chunks write
 * disjoint rows, and the filter gradient's chunks each write their own slot, summed in chunk order by
 * the caller. Self-contained (workers get its source text). Arguments from slot 4: the chunk size in
 * rows (images for the input gradient), the row count, the geometry's address, then per job —
 * forward: x, w, bias, relu, y, kept patch matrix (or 0), scratch, scratch stride per thread;
 * filter: x, dy, dw, dw stride per chunk, kept patch matrix (or 0), scratch, scratch stride per thread,
 * a ReLU's output y to mask dy by (or 0);
 * input: dy, wt, dx, scratch, scratch stride per thread;
 * batch-norm sums (the rows are blocks): a, b, m, rows, c, mode, parts, rows per block, affine (or 0);
 * batch-norm apply: x, y, c, affine, relu; batch-norm input gradient: dy, x, dx, c, a, b, s, mean,
 * affine (or 0); add and ReLU (the rows are values): a, b, y; ReLU gradient: dy, y, dx;
 * Winograd (the rows are output tiles): input, transformed filter, bias (or 0), relu, output, scratch,
 * scratch stride per thread, input gradient (1) or forward pass (0); Winograd filter gradient: x, dy,
 * a ReLU's output y to mask dy by (or 0), the chunks' sums, their stride per chunk, scratch, scratch
 * stride per thread.
 */
export function runChunks(f: KernelExports, job: Int32Array, thread: number): number {
  let ran = 0;
  for (;;) {
    const word = Atomics.load(job, 1);
    const front = word & 1023;
    const end = word >>> 10;
    if (front >= end) return ran;
    const i = thread === 0 ? front : end - 1;
    if (Atomics.compareExchange(job, 1, word, thread === 0 ? word + 1 : word - 1024) !== word) continue;
    // The claim holds the job in place: its arguments stay until every chunk is done.
    const size = job[4]!;
    const lo = i * size;
    const hi = Math.min(lo + size, job[5]!);
    const a = job;
    const g = a[6]!;
    switch (job[3]) {
      case 1:
        f.conv_forward(g, a[7]!, a[8]!, a[9]!, a[10]!, a[11]!, a[12]!, a[13]! + thread * a[14]!, lo, hi);
        break;
      case 2:
        f.conv_filter_grad(
          g,
          a[7]!,
          a[8]!,
          a[14]!,
          a[9]! + i * a[10]!,
          a[11]!,
          a[12]! + thread * a[13]!,
          lo,
          hi,
        );
        break;
      case 3:
        f.conv_input_grad(g, a[7]!, a[8]!, a[9]!, a[10]! + thread * a[11]!, lo, hi);
        break;
      case 4:
        f.bn_block_sums(a[7]!, a[8]!, a[9]!, a[10]!, a[11]!, a[12]!, a[13]!, a[14]!, a[15]!, lo, hi);
        break;
      case 5:
        f.bn_apply(a[7]!, a[8]!, a[9]!, a[10]!, a[11]!, lo, hi);
        break;
      case 6:
        f.bn_grad_x(a[7]!, a[8]!, a[9]!, a[10]!, a[11]!, a[12]!, a[13]!, a[14]!, a[15]!, lo, hi);
        break;
      case 7:
        f.add_relu(a[7]!, a[8]!, a[9]!, lo, hi);
        break;
      case 8:
        f.relu_grad(a[7]!, a[8]!, a[9]!, lo, hi);
        break;
      case 9:
        f.winograd_conv(g, a[14]!, a[7]!, a[8]!, a[9]!, a[10]!, a[11]!, a[12]! + thread * a[13]!, lo, hi);
        break;
      case 10:
        f.winograd_filter_grad(g, a[7]!, a[8]!, a[9]!, a[10]! + i * a[11]!, a[12]! + thread * a[13]!, lo, hi);
        break;
    }
    ran++;
    Atomics.add(job, 2, 1);
  }
}

/**
 * A worker thread's loop: polls the job block's sequence word for up to `IDLE_SPIN_MS` after its last
 * job, then sleeps on it; on a new job, claims and runs chunks with {@link runChunks}. Evaluated as
 * the worker's whole script after a line that calls `start` with `{ module, memory, control, job,
 * thread }` (Node: `workerData`; a browser's Web Worker: its first message).
 */
const WORKER_LOOP = `
const runChunks = (${runChunks.toString()});
function start({ module, memory, control, job, thread }) {
  const f = new WebAssembly.Instance(module, { env: { memory } }).exports;
  const c = new Int32Array(memory.buffer, control, ${CONTROL_INTS});
  const j = new Int32Array(memory.buffer, job, ${CONTROL_INTS});
  Atomics.store(c, ${READY}, 1);
  let seen = Atomics.load(j, ${SEQ});
  for (;;) {
    let idleSince = performance.now();
    for (let polls = 0; Atomics.load(j, ${SEQ}) === seen; ) {
      if (++polls < ${POLLS}) continue;
      polls = 0;
      if (performance.now() - idleSince < ${IDLE_SPIN_MS}) continue;
      Atomics.store(c, ${SLEEPING}, 1);
      if (Atomics.load(j, ${SEQ}) === seen) Atomics.wait(j, ${SEQ}, seen);
      Atomics.store(c, ${SLEEPING}, 0);
      idleSince = performance.now();
    }
    seen = Atomics.load(j, ${SEQ});
    if (Atomics.load(j, ${CODE}) === ${JOB_EXIT}) break;
    if (runChunks(f, j, thread) > 0) Atomics.notify(j, ${DONE});
  }
}
`;

/** A started worker thread, as the pool stops it. */
interface WorkerHandle {
  terminate(): unknown;
}
/** What a worker starts from: the kernels, their shared memory, its control block, the job block, its thread number. */
export interface WorkerData {
  module: WebAssembly.Module;
  memory: WebAssembly.Memory;
  control: number;
  job: number;
  thread: number;
}
/** Starts a worker thread running `WORKER_LOOP` on `data`. */
export type StartWorker = (data: WorkerData) => WorkerHandle;

interface NodeWorker extends WorkerHandle {
  unref(): void;
}
type NodeWorkerConstructor = new (source: string, options: { eval: true; workerData: unknown }) => NodeWorker;
type WebWorker = WorkerHandle & { postMessage(data: unknown): void };

/**
 * How this environment starts worker threads that share a WebAssembly memory: Node's
 * `worker_threads` (found without an import, so bundlers see nothing), or a browser's Web Workers on a
 * cross-origin isolated page (where memories can be shared). `undefined` elsewhere.
 */
export function workerStarter(): StartWorker | undefined {
  const g = globalThis as {
    process?: { getBuiltinModule?: (id: string) => unknown };
    crossOriginIsolated?: boolean;
    Worker?: new (url: string) => WebWorker;
    Blob?: typeof Blob;
    URL?: typeof URL;
  };
  const node = g.process?.getBuiltinModule?.('node:worker_threads') as
    | { Worker?: NodeWorkerConstructor }
    | undefined;
  if (node?.Worker != null) {
    const NodeWorker = node.Worker;
    const source = `${WORKER_LOOP}\nstart(require('node:worker_threads').workerData);`;
    return (data) => {
      const worker = new NodeWorker(source, { eval: true, workerData: data });
      worker.unref();
      return worker;
    };
  }
  if (g.crossOriginIsolated === true && g.Worker != null && g.Blob != null && g.URL != null) {
    const url = g.URL.createObjectURL(
      new g.Blob([`${WORKER_LOOP}\nonmessage = (e) => start(e.data);`], { type: 'text/javascript' }),
    );
    const WebWorkerClass = g.Worker;
    return (data) => {
      const worker = new WebWorkerClass(url);
      worker.postMessage(data);
      return worker;
    };
  }
  return undefined;
}

/** Whether this thread may block on `Atomics.wait` (a browser's main thread may not). */
function canBlock(): boolean {
  try {
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 1, 0);
    return true;
  } catch {
    return false;
  }
}

/**
 * Worker threads that run the kernels on one shared memory with the calling thread. A job is cut
 * into chunks that every thread claims one at a time, the calling thread included: a worker that is
 * asleep, preempted or not started yet simply takes fewer chunks, so a job never waits for a late
 * thread to begin (only for a chunk it is running). Idle workers poll for the next job for
 * `IDLE_SPIN_MS`, then sleep.
 */
export class WorkerPool {
  private readonly workers: WorkerHandle[] = [];
  private readonly controls: Int32Array[] = [];
  private readonly job: Int32Array;
  private readonly block = canBlock();

  /**
   * Starts `count` workers (none: every job runs on the calling thread alone) on `module` and the shared
   * `memory`; `fns` is the calling thread's instance. `blocks` is the byte offset of `POOL_BYTES` of
   * `memory` that stay in place for the pool's life: one control block per worker, then the job block.
   */
  constructor(
    module: WebAssembly.Module,
    memory: WebAssembly.Memory,
    private readonly fns: KernelExports,
    count: number,
    start?: StartWorker,
    blocks = 0,
  ) {
    const block = (i: number) => blocks + i * CONTROL_INTS * 4;
    // A host's allocator hands out used memory: the blocks start from zero (no job, no worker ready).
    if (count > 0) new Int32Array(memory.buffer, blocks, POOL_BYTES >> 2).fill(0);
    // Alone, the job block need not be in the memory: the calling thread is its only reader.
    this.job =
      count > 0
        ? new Int32Array(memory.buffer, block(MAX_THREADS), CONTROL_INTS)
        : new Int32Array(CONTROL_INTS);
    for (let i = 0; i < count; i++) {
      this.controls.push(new Int32Array(memory.buffer, block(i), CONTROL_INTS));
      this.workers.push(
        start!({ module, memory, control: block(i), job: block(MAX_THREADS), thread: i + 1 }),
      );
    }
  }

  /** Threads a job can be split over now: this one and the workers that are ready. */
  available(): number {
    let ready = 1;
    for (const c of this.controls) ready += Atomics.load(c, READY);
    return ready;
  }

  /**
   * Wakes the workers that went to sleep (all sleep on the job block's sequence word): called when a
   * shared call starts, so that they are up by the time its inputs are copied in.
   */
  wake(): void {
    for (const c of this.controls) {
      if (Atomics.load(c, SLEEPING) === 1) {
        Atomics.notify(this.job, SEQ);
        return;
      }
    }
  }

  /**
   * Runs `job` over `rows` rows (images for the input gradient) in chunks of `size` (≤
   * {@link MAX_CHUNKS} chunks): the calling thread, with the workers when `shared`, claims chunks
   * until all are done. `base` is the heap's base (the geometry's address);
   * `args` are the job's own arguments (see {@link runChunks}). `first`, when given, is work of the
   * calling thread's own that it does once the job is posted, before it claims chunks: the workers
   * take chunks meanwhile.
   */
  run(
    job: Job,
    size: number,
    rows: number,
    base: number,
    args: number[],
    shared: boolean,
    first?: () => void,
  ): void {
    const chunks = Math.ceil(rows / size);
    if (chunks > MAX_CHUNKS) throw new RangeError(`WorkerPool.run: ${chunks} chunks, at most ${MAX_CHUNKS}`);
    const j = this.job;
    j[ARGS] = size;
    j[ARGS + 1] = rows;
    j[ARGS + 2] = base;
    j.set(args, ARGS + 3);
    Atomics.store(j, CODE, job);
    Atomics.store(j, DONE, 0);
    Atomics.store(j, CLAIM, chunks << 10);
    if (shared && this.controls.length > 0) {
      Atomics.add(j, SEQ, 1);
      this.wake(); // a worker woken when the call started may have gone back to sleep while the inputs were copied in
    }
    first?.();
    runChunks(this.fns, j, 0);
    let spins = 0;
    for (let done = Atomics.load(j, DONE); done !== chunks; done = Atomics.load(j, DONE)) {
      if (++spins > WAIT_SPINS && this.block) Atomics.wait(j, DONE, done);
    }
  }

  /** Stops the worker threads. */
  close(): void {
    Atomics.store(this.job, CODE, JOB_EXIT);
    Atomics.add(this.job, SEQ, 1);
    Atomics.notify(this.job, SEQ);
    for (const w of this.workers) void w.terminate();
  }
}
