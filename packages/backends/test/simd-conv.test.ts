import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  CONV_KERNELS_RELAXED_WASM_BASE64,
  CONV_KERNELS_SOURCE_SHA256,
  CONV_KERNELS_SOURCES,
  CONV_KERNELS_WASM_BASE64,
} from '../src/generated/conv-kernels-wasm.js';
import { setupBackend } from '../src/index.js';
import { convGeometry, keepsPatches, winogradFits } from '../src/kernels/conv-geometry.js';
import type { KernelExports } from '../src/kernels/kernel-module.js';
import { SimdConv } from '../src/kernels/simd-conv.js';
import { onBackend, randomValues, relativeError } from './helpers.js';

type Shape4 = [number, number, number, number];

/** Naive NHWC reference loops: forward, filter gradient, input gradient. */
function reference(g: ReturnType<typeof convGeometry>, x: Float32Array, w: Float32Array, dy: Float32Array) {
  const y = new Float32Array(g.p * g.co);
  const dw = new Float32Array(g.k * g.co);
  const dx = new Float32Array(x.length);
  for (let n = 0; n < g.n; n++) {
    for (let oy = 0; oy < g.oh; oy++) {
      for (let ox = 0; ox < g.ow; ox++) {
        const p = (n * g.oh + oy) * g.ow + ox;
        for (let a = 0; a < g.kh; a++) {
          for (let b = 0; b < g.kw; b++) {
            const iy = oy * g.sh + a * g.dh - g.pt;
            const ix = ox * g.sw + b * g.dw - g.pl;
            if (iy < 0 || iy >= g.h || ix < 0 || ix >= g.w) continue;
            for (let c = 0; c < g.ci; c++) {
              const xi = ((n * g.h + iy) * g.w + ix) * g.ci + c;
              const k = (a * g.kw + b) * g.ci + c;
              for (let o = 0; o < g.co; o++) {
                y[p * g.co + o]! += x[xi]! * w[k * g.co + o]!;
                dw[k * g.co + o]! += x[xi]! * dy[p * g.co + o]!;
                dx[xi]! += dy[p * g.co + o]! * w[k * g.co + o]!;
              }
            }
          }
        }
      }
    }
  }
  return { y, dw, dx };
}

const CASES: {
  x: Shape4;
  f: Shape4;
  strides: [number, number];
  pad: tf.backend_util.ExplicitPadding | 'same' | 'valid';
  dilations: number;
}[] = [
  { x: [3, 9, 11, 3], f: [3, 3, 3, 5], strides: [2, 1], pad: 'same', dilations: 1 },
  { x: [2, 10, 10, 16], f: [3, 3, 16, 16], strides: [2, 2], pad: 'same', dilations: 1 },
  { x: [5, 7, 7, 16], f: [3, 3, 16, 2], strides: [2, 2], pad: 'same', dilations: 1 },
  { x: [2, 12, 9, 6], f: [3, 2, 6, 7], strides: [1, 1], pad: 'valid', dilations: 2 },
  {
    x: [1, 8, 13, 2],
    f: [5, 3, 2, 9],
    strides: [1, 2],
    pad: [
      [0, 0],
      [2, 1],
      [0, 2],
      [0, 0],
    ],
    dilations: 1,
  },
  { x: [70, 4, 4, 1], f: [1, 1, 1, 1], strides: [1, 1], pad: 'valid', dilations: 1 },
  // 3×3, stride 1, CI a multiple of 4: the Winograd kernels. Odd sizes (partial 2×2 tiles), output
  // channels padded to 4, explicit padding of 2 above and none on the left, and enough tiles for
  // several blocks and chunks.
  { x: [2, 7, 9, 4], f: [3, 3, 4, 6], strides: [1, 1], pad: 'same', dilations: 1 },
  { x: [3, 6, 5, 8], f: [3, 3, 8, 8], strides: [1, 1], pad: 'valid', dilations: 1 },
  {
    x: [1, 5, 6, 12],
    f: [3, 3, 12, 3],
    strides: [1, 1],
    pad: [
      [0, 0],
      [2, 0],
      [0, 1],
      [0, 0],
    ],
    dilations: 1,
  },
  { x: [16, 8, 8, 16], f: [3, 3, 16, 16], strides: [1, 1], pad: 'same', dilations: 1 },
  // Images of one pixel, and padding that makes the output larger than the input.
  { x: [3, 1, 1, 4], f: [3, 3, 4, 1], strides: [1, 1], pad: 'same', dilations: 1 },
  {
    x: [2, 2, 3, 8],
    f: [3, 3, 8, 5],
    strides: [1, 1],
    pad: [
      [0, 0],
      [2, 1],
      [1, 2],
      [0, 0],
    ],
    dilations: 1,
  },
];

/**
 * Counts the calls of the kernels' exported functions made on this thread by `simd` (1 thread) until
 * `restore` puts the functions back.
 */
function countCalls(simd: SimdConv): { counts: Map<string, number>; restore: () => void } {
  const side = (simd as unknown as { alone: { fns: KernelExports; pool: { fns: KernelExports } } }).alone;
  const counts = new Map<string, number>();
  const fns = side.fns;
  const counted: Record<string, unknown> = {};
  for (const [name, f] of Object.entries(fns)) {
    counted[name] =
      typeof f === 'function'
        ? (...args: number[]) => {
            counts.set(name, (counts.get(name) ?? 0) + 1);
            return (f as (...a: number[]) => unknown)(...args);
          }
        : f;
  }
  side.fns = counted as unknown as KernelExports;
  side.pool.fns = side.fns;
  return {
    counts,
    restore: () => {
      side.fns = fns;
      side.pool.fns = fns;
    },
  };
}

describe('SimdConv kernels (the WebAssembly SIMD convolutions)', () => {
  afterAll(() => {
    SimdConv.useThreads(1);
  });

  it('are compiled from the current C sources in wasm/', () => {
    const hash = createHash('sha256');
    for (const file of CONV_KERNELS_SOURCES)
      hash.update(readFileSync(new URL(`../${file}`, import.meta.url)));
    expect(hash.digest('hex')).toBe(CONV_KERNELS_SOURCE_SHA256);
  });

  it('in the fused multiply-add build compute what the plain build does (Node with relaxed SIMD on)', () => {
    // A child process with V8's relaxed-SIMD flag (Node 20 has it off) runs both builds on the same
    // memory contents: a stride-2 3×3 convolution with 16 → 16 channels on 2 images.
    const child = `
      const { plain, relaxed } = JSON.parse(require('node:fs').readFileSync(0, 'utf8'));
      const run = (b64) => {
        const memory = new WebAssembly.Memory({ initial: 64 });
        const f = new WebAssembly.Instance(new WebAssembly.Module(Buffer.from(b64, 'base64')), { env: { memory } }).exports;
        const g = new Int32Array(memory.buffer, 0, 18);
        g.set([2, 10, 10, 16, 3, 3, 16, 16, 2, 2, 1, 1, 1, 1, 5, 5, 144, 144]);
        const h = new Float32Array(memory.buffer);
        let seed = 7;
        for (let i = 256; i < 200000; i++) h[i] = ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648) - 0.5;
        const [x, w, y, col, dw, dx] = [4096, 20000, 30000, 40000, 60000, 70000].map((o) => o * 4);
        f.conv_forward(0, x, w, 0, 1, y, 0, col, 0, 50);
        f.conv_filter_grad(0, x, y, 0, dw, 0, col, 0, 50);
        f.conv_input_grad(0, y, w, dx, col, 0, 2);
        return [[y, 50 * 16], [dw, 144 * 16], [dx, 3200]].map(([o, n]) => Array.from(h.subarray(o / 4, o / 4 + n)));
      };
      const a = run(plain), b = run(relaxed);
      const err = a.map((u, k) => Math.max(...u.map((v, i) => Math.abs(v - b[k][i]))) / Math.max(...u.map(Math.abs)));
      console.log(JSON.stringify({ validates: WebAssembly.validate(Buffer.from(relaxed, 'base64')), err }));
    `;
    const r = spawnSync(process.execPath, ['--experimental-wasm-relaxed-simd', '-e', child], {
      input: JSON.stringify({ plain: CONV_KERNELS_WASM_BASE64, relaxed: CONV_KERNELS_RELAXED_WASM_BASE64 }),
      encoding: 'utf8',
    });
    expect(r.status, r.stderr).toBe(0);
    const { validates, err } = JSON.parse(r.stdout) as { validates: boolean; err: number[] };
    expect(validates).toBe(true);
    expect(err).toHaveLength(3);
    for (const e of err) expect(e).toBeLessThan(1e-5);
  });

  it('load under Node (WebAssembly SIMD is available), the fused multiply-add build on every thread count', () => {
    // Node 20 has relaxed SIMD off by default: the loader turns it on for the process before compiling.
    expect(SimdConv.load()?.instructions).toBe('relaxed-simd');
    SimdConv.useThreads(2);
    expect(SimdConv.load()?.instructions).toBe('relaxed-simd');
    SimdConv.useThreads(1);
  });

  it('use a kept patch matrix only for the geometry it was made for', () => {
    SimdConv.useThreads(1);
    const simd = SimdConv.load()!;
    const make = (stride: number) =>
      convGeometry(tf.backend_util.computeConv2DInfo([2, 8, 8, 3], [3, 3, 3, 4], stride, 1, 'same'));
    const [g1, g2] = [make(1), make(2)];
    const x = randomValues(2 * 8 * 8 * 3, 1);
    const w = randomValues(3 * 3 * 3 * 4, 2);
    const dy = randomValues(g2.p * 4, 3);
    const key = {};
    simd.forward(g1, x, w, null, false, new Float32Array(g1.p * 4), key);
    const dw = new Float32Array(w.length);
    simd.filterGrad(g2, x, dy, dw, null, key);
    expect(relativeError(dw, reference(g2, x, w, dy).dw)).toBeLessThan(1e-5);
  });

  it('split calls over the workers once they have started, and give the same results before', async () => {
    SimdConv.useThreads(1);
    SimdConv.useThreads(3);
    const simd = SimdConv.load()!;
    const g = convGeometry(tf.backend_util.computeConv2DInfo([4, 9, 9, 3], [3, 3, 3, 8], 1, 1, 'same'));
    const x = randomValues(4 * 9 * 9 * 3, 5);
    const w = randomValues(3 * 3 * 3 * 8, 6);
    const want = reference(g, x, w, randomValues(g.p * 8, 7)).y;
    const before = new Float32Array(g.p * 8);
    simd.forward(g, x, w, null, false, before); // the workers are still starting: this thread alone, or with some
    for (let i = 0; i < 400 && simd.startedThreads < 3; i++) await new Promise((r) => setTimeout(r, 25));
    expect(simd.startedThreads).toBe(3);
    const after = new Float32Array(g.p * 8);
    simd.forward(g, x, w, null, false, after);
    expect(relativeError(before, want)).toBeLessThan(1e-5);
    expect(relativeError(after, want)).toBeLessThan(1e-5);
    SimdConv.useThreads(1);
    expect(SimdConv.load()!.startedThreads).toBe(1);
  });

  it('give the same bits on 1, 2 and 3 threads, call after call (chunks claimed as threads come free)', async () => {
    // simpleCnn's three convolutions on a batch of 64: forward with ReLU and kept patches, the masked
    // filter gradient from those patches, the masked input gradient.
    // Then two stride-1 layers for the Winograd kernels (a ResNet's, and one of odd size).
    const layers: [Shape4, Shape4, number][] = [
      [[64, 28, 28, 3], [3, 3, 3, 16], 2],
      [[64, 14, 14, 16], [3, 3, 16, 16], 2],
      [[64, 7, 7, 16], [3, 3, 16, 2], 2],
      [[16, 16, 16, 16], [3, 3, 16, 16], 1],
      [[8, 7, 9, 8], [3, 3, 8, 6], 1],
    ];
    const runLayers = (simd: SimdConv) =>
      layers.flatMap(([xs, fs, stride], i) => {
        const g = convGeometry(tf.backend_util.computeConv2DInfo(xs, fs, stride, 1, 'same'));
        const x = randomValues(tf.util.sizeFromShape(xs), 50 + i);
        const w = randomValues(tf.util.sizeFromShape(fs), 60 + i);
        const dy = randomValues(g.p * g.co, 70 + i);
        const y = new Float32Array(g.p * g.co);
        const dw = new Float32Array(w.length);
        const db = new Float32Array(g.co);
        const dx = new Float32Array(x.length);
        const key = {};
        simd.forward(g, x, w, null, true, y, key);
        simd.filterGrad(g, x, dy, dw, y, key, db);
        simd.inputGrad(g, dy, w, dx, y);
        return [y, dw, db, dx];
      });
    SimdConv.useThreads(1);
    const want = runLayers(SimdConv.load()!);
    for (const threads of [2, 3]) {
      SimdConv.useThreads(threads);
      const simd = SimdConv.load()!;
      for (let i = 0; i < 400 && simd.startedThreads < threads; i++)
        await new Promise((r) => setTimeout(r, 25));
      expect(simd.startedThreads).toBe(threads);
      for (let round = 0; round < 20; round++) {
        const got = runLayers(simd);
        got.forEach((values, k) => {
          expect(Buffer.from(values.buffer).equals(Buffer.from(want[k]!.buffer))).toBe(true);
        });
      }
    }
    SimdConv.useThreads(1);
  });

  it('run 3×3 stride-1 layers with CI a multiple of 4 as Winograd convolutions, forward and backward', () => {
    SimdConv.useThreads(1);
    const simd = SimdConv.load()!;
    const { counts, restore } = countCalls(simd);
    /** Which kernel ran `call`: the Winograd one, or the direct one. */
    const path = (call: () => boolean, winogradKernel: string) => {
      counts.clear();
      expect(call()).toBe(true);
      return (counts.get(winogradKernel) ?? 0) > 0 ? 'winograd' : 'direct';
    };
    const run = (xs: Shape4, fs: Shape4, stride: number, pad: 'same' | 'valid', relu: boolean) => {
      const g = convGeometry(tf.backend_util.computeConv2DInfo(xs, fs, stride, 1, pad));
      const x = randomValues(tf.util.sizeFromShape(xs), 1);
      const w = randomValues(tf.util.sizeFromShape(fs), 2);
      const dy = randomValues(g.p * g.co, 3);
      const y = new Float32Array(g.p * g.co);
      const dw = new Float32Array(w.length);
      const db = new Float32Array(g.co);
      const dx = new Float32Array(x.length);
      const mask = relu ? y : null;
      const key = {};
      const forward = path(() => simd.forward(g, x, w, null, relu, y, key), 'winograd_conv');
      const filter = path(() => simd.filterGrad(g, x, dy, dw, mask, key, db), 'winograd_filter_grad');
      const input = path(() => simd.inputGrad(g, dy, w, dx, mask), 'winograd_conv');
      // The gradients masked by the ReLU's output, against naive loops on the masked dy.
      const masked = relu ? dy.map((v, j) => (y[j]! > 0 ? v : 0)) : dy;
      const want = reference(g, x, w, masked);
      expect(relativeError(dw, want.dw)).toBeLessThan(1e-5);
      expect(relativeError(dx, want.dx)).toBeLessThan(1e-5);
      const wantDb = new Float32Array(g.co);
      masked.forEach((v, j) => {
        wantDb[j % g.co]! += v;
      });
      expect(relativeError(db, wantDb)).toBeLessThan(1e-5);
      return { fits: winogradFits(g), forward, filter, input };
    };
    const winograd = { fits: true, forward: 'winograd', filter: 'winograd', input: 'winograd' };
    const direct = { fits: false, forward: 'direct', filter: 'direct', input: 'direct' };
    expect(run([4, 8, 8, 16], [3, 3, 16, 16], 1, 'same', true)).toEqual(winograd);
    expect(run([2, 9, 7, 4], [3, 3, 4, 3], 1, 'valid', false)).toEqual(winograd);
    expect(run([3, 7, 5, 8], [3, 3, 8, 6], 1, 'same', true)).toEqual(winograd);
    // Stride 2, CI not a multiple of 4, or a 1×1 filter: the direct kernels.
    expect(run([4, 8, 8, 16], [3, 3, 16, 16], 2, 'same', true)).toEqual(direct);
    expect(run([4, 8, 8, 3], [3, 3, 3, 16], 1, 'same', true)).toEqual(direct);
    expect(run([4, 8, 8, 16], [1, 1, 16, 8], 1, 'same', false)).toEqual(direct);
    restore();
  });

  it('reject a thread count outside [1, 8]', () => {
    expect(() => SimdConv.useThreads(0)).toThrow(/threads must be an integer in \[1, 8\], got 0/);
    expect(() => SimdConv.useThreads(9)).toThrow(RangeError);
    expect(() => SimdConv.useThreads(1.5)).toThrow(RangeError);
  });

  for (const threads of [1, 3]) {
    it.each(
      CASES.map((c, i) => [JSON.stringify(c), c, i] as const),
    )(`match naive loops on ${threads} thread(s): %s`, (_name, c, i) => {
      expect(SimdConv.useThreads(threads)).toBe(threads);
      const simd = SimdConv.load()!;
      expect(simd.threads).toBe(threads);
      const info = tf.backend_util.computeConv2DInfo(
        c.x,
        c.f,
        c.strides,
        c.dilations,
        c.pad,
        undefined,
        false,
        'channelsLast',
      );
      const g = convGeometry(info);
      const x = randomValues(tf.util.sizeFromShape(c.x), 10 + i);
      const w = randomValues(tf.util.sizeFromShape(c.f), 20 + i);
      const dy = randomValues(g.p * g.co, 30 + i);
      const want = reference(g, x, w, dy);
      const y = new Float32Array(g.p * g.co);
      const dw = new Float32Array(w.length);
      const dx = new Float32Array(x.length);
      expect(simd.forward(g, x, w, null, false, y)).toBe(true);
      expect(simd.filterGrad(g, x, dy, dw)).toBe(true);
      expect(simd.inputGrad(g, dy, w, dx)).toBe(true);
      expect(relativeError(y, want.y)).toBeLessThan(1e-5);
      expect(relativeError(dw, want.dw)).toBeLessThan(1e-5);
      expect(relativeError(dx, want.dx)).toBeLessThan(1e-5);
      // The patch matrix kept by the forward pass gives the same filter gradient, and is used once
      // (x is not read then). Geometries that read most patches straight from x keep none.
      const key = {};
      const dwKept = new Float32Array(w.length);
      expect(simd.forward(g, x, w, null, false, new Float32Array(g.p * g.co), key)).toBe(true);
      const xRead = keepsPatches(g) ? new Float32Array(x.length) : x;
      expect(simd.filterGrad(g, xRead, dy, dwKept, null, key)).toBe(true);
      expect(relativeError(dwKept, want.dw)).toBeLessThan(1e-5);
      const dwAgain = new Float32Array(w.length);
      simd.filterGrad(g, x, dy, dwAgain, null, key); // dropped after use: built from x again
      expect(relativeError(dwAgain, want.dw)).toBeLessThan(1e-5);
      // Bias and ReLU in the forward pass.
      const bias = randomValues(g.co, 40 + i);
      const yb = new Float32Array(g.p * g.co);
      simd.forward(g, x, w, bias, true, yb);
      const wantB = want.y.map((v, j) => Math.max(0, v + bias[j % g.co]!));
      expect(relativeError(yb, wantB)).toBeLessThan(1e-5);
    });
  }
});

describe('the WASM FusedConv2D kernel (bias and activation fused) matches the CPU backend', () => {
  beforeAll(async () => {
    await setupBackend('wasm', { convThreads: 2 });
  });
  afterAll(() => {
    SimdConv.useThreads(1);
  });

  const variants = [
    { activation: 'relu', bias: [5] },
    { activation: 'linear', bias: [5] },
    { activation: 'relu', bias: [1] },
    { activation: 'relu', bias: null },
    // Not fused by the SIMD kernel: falls back to WASM's own (XNNPACK) kernel.
    { activation: 'relu6', bias: [5] },
  ] as const;

  it.each(variants.map((v) => [JSON.stringify(v), v] as const))('%s', async (_name, v) => {
    const xv = randomValues(2 * 9 * 9 * 3, 1);
    const wv = randomValues(3 * 3 * 3 * 5, 2);
    const bv = v.bias ? randomValues(v.bias[0], 3) : null;
    const run = (backend: string) =>
      onBackend(backend, () => [
        tf.fused.conv2d({
          x: tf.tensor4d(xv, [2, 9, 9, 3]),
          filter: tf.tensor4d(wv, [3, 3, 3, 5]),
          strides: 2,
          pad: 'same',
          bias: bv ? tf.tensor1d(bv) : undefined,
          activation: v.activation,
        }),
      ]);
    const [cpu] = await run('cpu');
    const [wasm] = await run('wasm');
    expect(relativeError(wasm!, cpu!)).toBeLessThan(1e-5);
  });
});
