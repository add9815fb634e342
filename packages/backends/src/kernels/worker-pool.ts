import { CONTROL_INTS, controlOffset } from './kernel-heap.js';
import type { KernelExports } from './kernel-module.js';

/** Job codes in a worker's control block. */
const JOB_EXIT = -1;
export const JOB_FORWARD = 1;
export const JOB_FILTER = 2;
export const JOB_INPUT = 3;
/** The jobs a pool runs: a kernel of {@link KernelExports} split between the threads. */
export type Job = typeof JOB_FORWARD | typeof JOB_FILTER | typeof JOB_INPUT;
/**
 * Control-block slots: 0 job counter, 1 done counter, 2 job code, 3–12 arguments, and this one, set
 * by a worker about to sleep: only then must the next job wake it (`Atomics.notify`, a system call).
 */
const SLEEPING = 13;
/** Set by a worker once it has instantiated the kernels: jobs go only to workers that are ready. */
const READY = 14;
/** Polls of the control word before a thread sleeps on it (a job usually follows within microseconds). */
const SPINS = 20000;

/**
 * A worker thread's loop: sleeps on its control block's job counter, runs the kernel the block names
 * with the arguments it holds, then bumps the done counter. Evaluated as the worker's whole script
 * after a line that calls `start` with `{ module, memory, control }` (Node: `workerData`; a browser's
 * Web Worker: its first message).
 */
const WORKER_LOOP = `
function start({ module, memory, control }) {
  const f = new WebAssembly.Instance(module, { env: { memory } }).exports;
  const c = new Int32Array(memory.buffer, control, ${CONTROL_INTS});
  Atomics.store(c, ${READY}, 1);
  let seen = Atomics.load(c, 0);
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
}
`;

/** Splits `[0, total)` into `parts` contiguous ranges, as even as whole units allow. */
export function ranges(total: number, parts: number): [number, number][] {
  const out: [number, number][] = [];
  for (let i = 0; i < parts; i++) {
    out.push([Math.floor((total * i) / parts), Math.floor((total * (i + 1)) / parts)]);
  }
  return out;
}

/** A started worker thread, as the pool stops it. */
interface WorkerHandle {
  terminate(): unknown;
}
/** Starts a worker thread running `WORKER_LOOP` on `data` (`{ module, memory, control }`). */
export type StartWorker = (data: {
  module: WebAssembly.Module;
  memory: WebAssembly.Memory;
  control: number;
}) => WorkerHandle;

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
 * Worker threads that run the kernels on one shared memory with the calling thread: each has a
 * control block in that memory (job, arguments, counters) that it polls for a while after a job, then
 * sleeps on. A worker takes jobs once it says it is ready (a browser starts workers only when its main
 * thread returns to the event loop); until then the calling thread does its share.
 */
export class WorkerPool {
  private readonly workers: WorkerHandle[] = [];
  private readonly controls: Int32Array[] = [];
  private readonly block = canBlock();

  /**
   * Starts `count` workers (none: every job runs on the calling thread alone) on `module` and the shared
   * `memory`; `fns` is the calling thread's instance.
   */
  constructor(
    module: WebAssembly.Module,
    memory: WebAssembly.Memory,
    private readonly fns: KernelExports,
    count: number,
    start?: StartWorker,
  ) {
    for (let i = 0; i < count; i++) {
      const control = controlOffset(i);
      this.controls.push(new Int32Array(memory.buffer, control, CONTROL_INTS));
      this.workers.push(start!({ module, memory, control }));
    }
  }

  /** Threads a job can be split over now: this one and the workers that are ready. */
  available(): number {
    let ready = 1;
    for (const c of this.controls) ready += Atomics.load(c, READY);
    return ready;
  }

  /**
   * Wakes the workers that went to sleep, so that they spin while this thread copies the inputs in
   * (waking takes tens of microseconds; the copies take about as long).
   */
  wake(): void {
    for (const c of this.controls) if (Atomics.load(c, SLEEPING) === 1) Atomics.notify(c, 0);
  }

  /**
   * Runs a job split in `parts` (≤ {@link WorkerPool.available}): part 0 here, the others on the ready
   * workers, then waits for all of them. `args(i)` gives part i's arguments.
   */
  run(job: Job, parts: number, args: (part: number) => number[]): void {
    const used: [Int32Array, number][] = [];
    for (const c of this.controls) {
      if (used.length === parts - 1) break;
      if (Atomics.load(c, READY) !== 1) continue;
      c.set(args(used.length + 1), 3);
      c[2] = job;
      used.push([c, Atomics.add(c, 0, 1) + 1]);
      if (Atomics.load(c, SLEEPING) === 1) Atomics.notify(c, 0);
    }
    const own = args(0);
    if (job === JOB_FORWARD) (this.fns.conv_forward as (...a: number[]) => void)(...own);
    else if (job === JOB_FILTER) (this.fns.conv_filter_grad as (...a: number[]) => void)(...own);
    else (this.fns.conv_input_grad as (...a: number[]) => void)(...own);
    for (const [c, seq] of used) {
      let spins = 0;
      for (let done = Atomics.load(c, 1); done !== seq; done = Atomics.load(c, 1)) {
        if (++spins > SPINS && this.block) Atomics.wait(c, 1, done);
      }
    }
  }

  /** Stops the worker threads. */
  close(): void {
    for (const c of this.controls) {
      Atomics.store(c, 2, JOB_EXIT);
      Atomics.add(c, 0, 1);
      Atomics.notify(c, 0);
    }
    for (const w of this.workers) void w.terminate();
  }
}
