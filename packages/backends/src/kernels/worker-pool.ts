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
export function ranges(total: number, parts: number): [number, number][] {
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
/** Node's `Worker` constructor, as the pool uses it. */
export type WorkerConstructor = new (
  source: string,
  options: { eval: true; workerData: unknown },
) => NodeWorker;

/** Node's `Worker` class, or `undefined` outside Node (no import, so bundlers see nothing). */
export function nodeWorkerClass(): WorkerConstructor | undefined {
  const proc = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }).process;
  const mod = proc?.getBuiltinModule?.('node:worker_threads') as { Worker?: WorkerConstructor } | undefined;
  return mod?.Worker;
}

/**
 * Worker threads that run the kernels on one shared memory with the calling thread: each has a
 * control block in that memory (job, arguments, counters) that it polls for a while after a job, then
 * sleeps on.
 */
export class WorkerPool {
  private readonly workers: NodeWorker[] = [];
  private readonly controls: Int32Array[] = [];

  /**
   * Starts `count` workers (none: every job runs on the calling thread alone) on `module` and the shared
   * `memory`; `fns` is the calling thread's instance.
   */
  constructor(
    module: WebAssembly.Module,
    memory: WebAssembly.Memory,
    private readonly fns: KernelExports,
    count: number,
    Worker?: WorkerConstructor,
  ) {
    for (let i = 0; i < count; i++) {
      const control = controlOffset(i);
      this.controls.push(new Int32Array(memory.buffer, control, CONTROL_INTS));
      const worker = new Worker!(WORKER_SOURCE, { eval: true, workerData: { module, memory, control } });
      worker.unref();
      this.workers.push(worker);
    }
  }

  /**
   * Wakes the workers that went to sleep, so that they spin while this thread copies the inputs in
   * (waking takes tens of microseconds; the copies take about as long).
   */
  wake(): void {
    for (const c of this.controls) if (Atomics.load(c, SLEEPING) === 1) Atomics.notify(c, 0);
  }

  /**
   * Runs a job on every thread: part 0 here, part i on worker i − 1, then waits for all of them.
   * `args(i)` gives part i's arguments.
   */
  run(job: Job, args: (part: number) => number[]): void {
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
