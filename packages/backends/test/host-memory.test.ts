import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { setupBackend } from '../src/index.js';
import { convGeometry } from '../src/kernels/conv-geometry.js';
import { KernelHeap } from '../src/kernels/kernel-heap.js';
import { batchNormForward, batchNormGrad } from '../src/kernels/simd-batch-norm.js';
import { SimdConv } from '../src/kernels/simd-conv.js';
import { wasmHostMemory } from '../src/kernels/wasm-host-memory.js';
import { randomValues } from './helpers.js';

type Shape4 = [number, number, number, number];

/** tfjs's WASM backend as these tests reach into it: tensors' data on its heap. */
interface WasmHeap {
  typedArrayFromHeap(info: tf.TensorInfo): Float32Array;
}
const heapView = (t: tf.Tensor) => (tf.backend() as unknown as WasmHeap).typedArrayFromHeap(t);
const bits = (a: Float32Array) => Buffer.from(a.buffer, a.byteOffset, a.byteLength);

/**
 * One convolution layer's forward (ReLU, patches kept), masked filter and bias gradients and masked
 * input gradient, with every array either a plain array or a tensor of the WASM backend (`onHeap`).
 */
function layer(simd: SimdConv, xs: Shape4, fs: Shape4, stride: number, seed: number, onHeap: boolean) {
  const g = convGeometry(tf.backend_util.computeConv2DInfo(xs, fs, stride, 1, 'same'));
  const values: Record<'x' | 'w' | 'b' | 'dy', Float32Array> = {
    x: randomValues(tf.util.sizeFromShape(xs), seed),
    w: randomValues(tf.util.sizeFromShape(fs), seed + 1),
    b: randomValues(g.co, seed + 2),
    dy: randomValues(g.p * g.co, seed + 3),
  };
  const outShapes = { y: g.p * g.co, dw: values.w.length, db: g.co, dx: values.x.length };
  if (!onHeap) {
    const out = Object.fromEntries(Object.entries(outShapes).map(([k, n]) => [k, new Float32Array(n)]));
    const key = {};
    simd.forward(g, values.x, values.w, values.b, true, out.y!, key);
    simd.filterGrad(g, values.x, values.dy, out.dw!, out.y!, key, out.db!);
    simd.inputGrad(g, values.dy, values.w, out.dx!, out.y!);
    return { out, inputs: values as Record<string, Float32Array> };
  }
  const t = Object.fromEntries(Object.entries(values).map(([k, v]) => [k, tf.tensor1d(v)]));
  const o = Object.fromEntries(Object.entries(outShapes).map(([k, n]) => [k, tf.zeros([n])]));
  const key = {};
  // Views are taken afresh for each call: the kernels may grow the memory, detaching older ones.
  simd.forward(g, heapView(t.x!), heapView(t.w!), heapView(t.b!), true, heapView(o.y!), key);
  simd.filterGrad(g, heapView(t.x!), heapView(t.dy!), heapView(o.dw!), heapView(o.y!), key, heapView(o.db!));
  simd.inputGrad(g, heapView(t.dy!), heapView(t.w!), heapView(o.dx!), heapView(o.y!));
  const read = (r: Record<string, tf.Tensor>) =>
    Object.fromEntries(Object.entries(r).map(([k, v]) => [k, v.dataSync() as Float32Array]));
  const result = { out: read(o), inputs: read(t) };
  tf.dispose([...Object.values(t), ...Object.values(o)]);
  return result;
}

const LAYERS: [Shape4, Shape4, number][] = [
  [[8, 28, 28, 3], [3, 3, 3, 16], 2], // K = 27 → 28 padded rows
  [[8, 14, 14, 16], [3, 3, 16, 16], 2], // dense: used in place
  [[8, 7, 7, 16], [3, 3, 16, 2], 2], // 2 channels → padded to 4
  [[64, 32, 32, 16], [3, 3, 16, 32], 1], // large: the heap's block is taken again, larger
];

describe("the kernels in tfjs's WASM memory (tensors read and written in place)", () => {
  beforeAll(async () => {
    // Under Node, more than one convolution thread loads tfjs's WASM build on a shared memory.
    await setupBackend('wasm', { convThreads: 2 });
  });
  afterAll(() => {
    SimdConv.useHostMemory(wasmHostMemory(tf.findBackend('wasm')));
  });

  it('find the memory and allocator of the WASM backend, and nothing on the CPU backend', () => {
    const host = wasmHostMemory(tf.findBackend('wasm'));
    expect(host?.memory).toBeInstanceOf(WebAssembly.Memory);
    expect(wasmHostMemory(tf.findBackend('cpu'))).toBeUndefined();
    expect(wasmHostMemory(undefined)).toBeUndefined();
  });

  it('are kept, heap and all, when setupBackend runs again on the same backend', async () => {
    SimdConv.useThreads(1);
    const first = SimdConv.load();
    await setupBackend('wasm', { convThreads: 1 });
    expect(SimdConv.load()).toBe(first);
    expect(first!.heap.memory).toBe(wasmHostMemory(tf.findBackend('wasm'))!.memory);
  });

  it('give the bits of the kernels in their own memory, leave the inputs as they were, and keep the tensor count flat', () => {
    SimdConv.useThreads(1);
    SimdConv.useHostMemory(undefined);
    const own = LAYERS.map(([xs, fs, s], i) => layer(SimdConv.load()!, xs, fs, s, 10 * i, false));
    const host = wasmHostMemory(tf.findBackend('wasm'))!;
    SimdConv.useHostMemory(host);
    const simd = SimdConv.load()!;
    expect(simd.heap.memory).toBe(host.memory);
    const probe = tf.zeros([4]);
    expect(simd.heap.addressOf(heapView(probe))).toBeGreaterThan(0);
    probe.dispose();
    const before = tf.memory().numTensors;
    for (let round = 0; round < 2; round++) {
      LAYERS.forEach(([xs, fs, s], i) => {
        // A tensor allocated between calls makes tfjs grow its memory now and then.
        const filler = tf.zeros([(round + 1) * 300_000]);
        const got = layer(simd, xs, fs, s, 10 * i, true);
        filler.dispose();
        for (const k of ['y', 'dw', 'db', 'dx'])
          expect(bits(got.out[k]!).equals(bits(own[i]!.out[k]!))).toBe(true);
        for (const k of ['x', 'w', 'b', 'dy'])
          expect(bits(got.inputs[k]!).equals(bits(own[i]!.inputs[k]!))).toBe(true);
      });
    }
    expect(tf.memory().numTensors).toBe(before);
  });

  it("share calls with worker threads that work in tfjs's (shared) memory: no copies, the bits of one thread in a memory of its own", async () => {
    const host = wasmHostMemory(tf.findBackend('wasm'))!;
    expect(host.memory.buffer).toBeInstanceOf(SharedArrayBuffer);
    SimdConv.useThreads(1);
    SimdConv.useHostMemory(undefined);
    const own = LAYERS.map(([xs, fs, s], i) => layer(SimdConv.load()!, xs, fs, s, 10 * i, false));
    SimdConv.useHostMemory(host);
    SimdConv.useThreads(2);
    const simd = SimdConv.load()!;
    for (let i = 0; i < 400 && simd.startedThreads < 2; i++) await new Promise((r) => setTimeout(r, 25));
    expect(simd.startedThreads).toBe(2);
    const copies = vi.spyOn(KernelHeap.prototype, 'set');
    const before = tf.memory().numTensors;
    for (let round = 0; round < 6; round++) {
      LAYERS.forEach(([xs, fs, s], i) => {
        const filler = tf.zeros([(round + 1) * 300_000]); // grows tfjs's memory now and then
        const got = layer(simd, xs, fs, s, 10 * i, true);
        filler.dispose();
        for (const k of ['y', 'dw', 'db', 'dx'])
          expect(bits(got.out[k]!).equals(bits(own[i]!.out[k]!))).toBe(true);
      });
    }
    // Each kind of call was timed shared too, and no input was copied into a memory of the threads' own.
    expect(simd.usage.shared).toBeGreaterThan(0);
    expect(copies).not.toHaveBeenCalled();
    copies.mockRestore();
    expect(tf.memory().numTensors).toBe(before);
    SimdConv.useThreads(1);
  });

  it('normalise a batch in place with the statistics of the kernels in their own memory', () => {
    const x = randomValues(64 * 8 * 8 * 16, 3);
    const weight = randomValues(16, 4);
    const bias = randomValues(16, 5);
    const run = (heap: ReturnType<typeof SimdConv.load>, onHeap: boolean) => {
      if (!onHeap) {
        const [y, mean, variance] = [x.length, 16, 16].map((n) => new Float32Array(n));
        batchNormForward(heap!, x, 16, weight, bias, 1e-5, y!, mean!, variance!);
        return [y!, mean!, variance!];
      }
      const [tx, tw, tb] = [x, weight, bias].map((v) => tf.tensor1d(v));
      const outs = [x.length, 16, 16].map((n) => tf.zeros([n]));
      const [y, mean, variance] = outs.map(heapView);
      batchNormForward(heap!, heapView(tx!), 16, heapView(tw!), heapView(tb!), 1e-5, y!, mean!, variance!);
      const values = outs.map((t) => t.dataSync() as Float32Array);
      tf.dispose([tx!, tw!, tb!, ...outs]);
      return values;
    };
    SimdConv.useHostMemory(undefined);
    const own = run(SimdConv.load(), false);
    SimdConv.useHostMemory(wasmHostMemory(tf.findBackend('wasm')));
    const inPlace = run(SimdConv.load(), true);
    inPlace.forEach((v, i) => {
      expect(bits(v).equals(bits(own[i]!))).toBe(true);
    });
  });

  it('share the batch-norm passes with worker threads in tfjs memory: the bits of one thread', async () => {
    const c = 16;
    const values = {
      x: randomValues(64 * 32 * 32 * c, 6),
      dy: randomValues(64 * 32 * 32 * c, 7),
      weight: randomValues(c, 8),
      bias: randomValues(c, 9),
      dmean: randomValues(c, 10),
      dvariance: randomValues(c, 11),
    };
    /** Forward then backward, every array a tensor of the WASM backend: y, mean, variance, dx, params. */
    const run = (simd: SimdConv) => {
      const t = Object.fromEntries(Object.entries(values).map(([k, v]) => [k, tf.tensor1d(v)]));
      const o = Object.fromEntries(
        Object.entries({ y: values.x.length, mean: c, variance: c, dx: values.x.length }).map(([k, n]) => [
          k,
          tf.zeros([n]),
        ]),
      );
      const v = (k: string) => heapView(t[k] ?? o[k]!);
      const params = new Float32Array(2 * c);
      expect(
        batchNormForward(simd, v('x'), c, v('weight'), v('bias'), 1e-5, v('y'), v('mean'), v('variance')),
      ).toBe(true);
      const [mean, variance] = [o.mean!.dataSync(), o.variance!.dataSync()] as Float32Array[];
      expect(
        batchNormGrad(
          simd,
          v('dy'),
          v('x'),
          c,
          mean!,
          variance!,
          v('weight'),
          v('dmean'),
          v('dvariance'),
          1e-5,
          v('dx'),
          params,
        ),
      ).toBe(true);
      const out = [...Object.values(o).map((r) => r.dataSync() as Float32Array), params];
      tf.dispose([...Object.values(t), ...Object.values(o)]);
      return out;
    };
    SimdConv.useThreads(1);
    const alone = run(SimdConv.load()!);
    SimdConv.useThreads(2);
    const simd = SimdConv.load()!;
    for (let i = 0; i < 400 && simd.startedThreads < 2; i++) await new Promise((r) => setTimeout(r, 25));
    expect(simd.startedThreads).toBe(2);
    const before = tf.memory().numTensors;
    for (let round = 0; round < 16; round++) {
      run(simd).forEach((got, i) => {
        expect(bits(got).equals(bits(alone[i]!))).toBe(true);
      });
    }
    // Each pass was timed shared too (after its first calls, alternately alone and shared).
    expect(simd.usage.shared).toBeGreaterThan(0);
    expect(tf.memory().numTensors).toBe(before);
    SimdConv.useThreads(1);
  });
});
