import { describe, expect, it } from 'vitest';
import { CONTROL_INTS } from '../src/kernels/kernel-heap.js';
import type { KernelExports } from '../src/kernels/kernel-module.js';
import { JOB_FORWARD, runChunks } from '../src/kernels/worker-pool.js';

/** A forward job over `rows` rows in chunks of `size`, as `WorkerPool.run` writes it. */
function forwardJob(rows: number, size: number): Int32Array {
  const job = new Int32Array(CONTROL_INTS);
  job[1] = Math.ceil(rows / size) << 10; // the claim word: chunks [0, n) unclaimed
  job[3] = JOB_FORWARD;
  job[4] = size;
  job[5] = rows;
  return job;
}

/** Kernels that record which thread ran which rows; `during` runs inside a thread's first chunk. */
function recordingKernels(runs: { thread: number; lo: number; hi: number }[], during?: () => void) {
  let thread = 0;
  let first = true;
  const kernels = {
    conv_forward: (...args: number[]) => {
      runs.push({ thread, lo: args[8]!, hi: args[9]! });
      if (first && during) {
        first = false;
        during();
      }
    },
  } as unknown as KernelExports;
  const as = (t: number) => {
    thread = t;
  };
  return { kernels, as };
}

describe('runChunks', () => {
  it('the calling thread claims chunks from the first one on, a worker from the last one back', () => {
    const runs: { thread: number; lo: number; hi: number }[] = [];
    const { kernels, as } = recordingKernels(runs);
    const front = forwardJob(10, 3);
    as(0);
    expect(runChunks(kernels, front, 0)).toBe(4);
    const back = forwardJob(10, 3);
    as(1);
    expect(runChunks(kernels, back, 1)).toBe(4);
    expect(runs).toEqual([
      { thread: 0, lo: 0, hi: 3 },
      { thread: 0, lo: 3, hi: 6 },
      { thread: 0, lo: 6, hi: 9 },
      { thread: 0, lo: 9, hi: 10 },
      { thread: 1, lo: 9, hi: 10 },
      { thread: 1, lo: 6, hi: 9 },
      { thread: 1, lo: 3, hi: 6 },
      { thread: 1, lo: 0, hi: 3 },
    ]);
    expect(front[2]).toBe(4); // chunks done
    expect(back[2]).toBe(4);
  });

  it('a worker joining during the first chunk takes the rest from the end; every chunk runs once', () => {
    const runs: { thread: number; lo: number; hi: number }[] = [];
    const job = forwardJob(64, 8);
    const { kernels, as } = recordingKernels(runs, () => {
      as(1);
      expect(runChunks(kernels, job, 1)).toBe(7);
      as(0);
    });
    as(0);
    expect(runChunks(kernels, job, 0)).toBe(1);
    expect(runs.map((r) => `${r.thread}:${r.lo}`)).toEqual([
      '0:0',
      '1:56',
      '1:48',
      '1:40',
      '1:32',
      '1:24',
      '1:16',
      '1:8',
    ]);
    expect(job[2]).toBe(8);
  });
});
