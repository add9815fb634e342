import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { CONV_KERNELS_WASM_BASE64 } from '../src/generated/conv-kernels-wasm.js';
import {
  type ConvGeometry,
  colFloats,
  convGeometry,
  geometryWords,
  keepsPatches,
} from '../src/kernels/conv-geometry.js';
import type { KernelExports } from '../src/kernels/kernel-module.js';
import { randomValues } from './helpers.js';

// The kernels promise the same bits whichever way they compute a result (so that a faster path does not
// change a training run's digits). The plain build (one rounding for the product, one for the sum) is
// replayed here with Math.fround, in the order the kernels document, and compared bit for bit.

const f = Math.fround;

/** The plain build on a memory of its own, and a bump allocator of 16-byte aligned float regions. */
function plainKernels() {
  const memory = new WebAssembly.Memory({ initial: 256 });
  const module = new WebAssembly.Module(Buffer.from(CONV_KERNELS_WASM_BASE64, 'base64'));
  const fns = new WebAssembly.Instance(module, { env: { memory } }).exports as unknown as KernelExports;
  let top = 256;
  const alloc = (values: Float32Array | number) => {
    const at = top;
    const n = typeof values === 'number' ? values : values.length;
    if (typeof values !== 'number') new Float32Array(memory.buffer).set(values, at >> 2);
    top += (n * 4 + 15) & ~15;
    return at;
  };
  const read = (at: number, n: number) => new Float32Array(memory.buffer, at, n).slice();
  return { fns, memory, alloc, read };
}

const bits = (a: Float32Array) => Array.from(new Uint32Array(a.buffer, a.byteOffset, a.length));

type Case = [
  string,
  [number, number, number, number],
  [number, number, number, number],
  [number, number],
  tf.backend_util.ExplicitPadding | 'same' | 'valid',
  number?,
];

const geometry = ([, x, filter, strides, pad, dilation]: Case) =>
  convGeometry(
    tf.backend_util.computeConv2DInfo(
      x,
      filter,
      strides,
      dilation ?? 1,
      pad,
      undefined,
      false,
      'channelsLast',
    ),
  );

/** The input value patch(p)[k] of output position p, 0 outside the image. */
function patchValue(g: ConvGeometry, x: Float32Array, p: number, k: number): number {
  const n = Math.floor(p / (g.oh * g.ow));
  const oy = Math.floor(p / g.ow) % g.oh;
  const ox = p % g.ow;
  const a = Math.floor(k / (g.kw * g.ci));
  const b = Math.floor(k / g.ci) % g.kw;
  const iy = oy * g.sh + a * g.dh - g.pt;
  const ix = ox * g.sw + b * g.dw - g.pl;
  if (iy < 0 || iy >= g.h || ix < 0 || ix >= g.w) return 0;
  return x[((n * g.h + iy) * g.w + ix) * g.ci + (k % g.ci)]!;
}

describe('keepsPatches (which forward passes keep their patch matrix for the filter gradient)', () => {
  it.each([
    ["simpleCnn's 3-channel stem: rows of 9 floats are copied", [64, 28, 28, 3], [3, 3, 3, 16], 2, true],
    [
      'its middle layer: 36 of 49 windows inside the input, read in place',
      [64, 14, 14, 16],
      [3, 3, 16, 16],
      2,
      false,
    ],
    ['its last layer: 4 of 16 windows inside', [64, 7, 7, 16], [3, 3, 16, 2], 2, true],
    ['a stride-1 3-channel layer: rows of 9 floats are copied', [8, 32, 32, 3], [3, 3, 3, 16], 1, true],
    [
      'a ResNet block on 32 × 32: the Winograd kernels, no patches',
      [8, 32, 32, 16],
      [3, 3, 16, 16],
      1,
      false,
    ],
    ['a stride-1 layer on 7 × 5 (15 of 35 inside): the same', [3, 7, 5, 8], [3, 3, 8, 6], 1, false],
  ] as const)('%s', (_name, x, filter, strides, keeps) => {
    expect(keepsPatches(geometry(['', [...x], [...filter], [strides, strides], 'same']))).toBe(keeps);
  });
});

describe('the forward pass and the filter gradient sum in one order, whatever the patches come from', () => {
  // Patches come from a kept patch matrix, straight from the input (dilation 1, filter rows a multiple
  // of 4 floats: the interior positions), or from im2col chunks.
  const cases: Case[] = [
    ['stride 2, same (simpleCnn)', [3, 14, 14, 16], [3, 3, 16, 16], [2, 2], 'same'],
    ['2 output channels (padded to 4)', [2, 7, 7, 16], [3, 3, 16, 2], [2, 2], 'same'],
    ['rows of 12 floats, 3 output channels', [2, 9, 8, 4], [3, 3, 4, 3], [1, 1], 'same'],
    ['rows of 12 floats, 2 output channels', [2, 9, 8, 4], [3, 3, 4, 2], [1, 1], 'same'],
    ['10 output channels (8 + 2)', [2, 7, 7, 16], [3, 3, 16, 10], [2, 2], 'same'],
    ['1 output channel', [2, 7, 6, 8], [3, 3, 8, 1], [1, 1], 'same'],
    ['stride 1, same (ResNet), 12 output channels', [2, 10, 9, 8], [3, 3, 8, 12], [1, 1], 'same'],
    ['a 3-channel stem (patches copied)', [2, 12, 12, 3], [3, 3, 3, 16], [2, 2], 'same'],
    ['dilation 2 (patches copied)', [2, 12, 9, 8], [3, 2, 8, 7], [1, 1], 'valid', 2],
  ];
  it.each(cases)('%s', (...c) => {
    const g = geometry(c);
    const x = randomValues(g.n * g.h * g.w * g.ci, 7);
    const wDense = randomValues(g.k * g.co, 8);
    const bias = randomValues(g.co4, 9);
    // dy's padding columns hold zeros, as the kernels' layout has them (their products are skipped).
    const dy = randomValues(g.p * g.co4, 10).map((v, i) => (i % g.co4 < g.co ? v : 0));
    const w = new Float32Array(g.k * g.co4);
    for (let k = 0; k < g.k; k++) w.set(wDense.subarray(k * g.co, (k + 1) * g.co), k * g.co4);

    // The documented order: each output from its bias over k in turn; each filter-gradient value from
    // zero over the positions in turn; zeros outside the image taken like any value.
    const wantY = new Float32Array(g.p * g.co4);
    const wantDw = new Float32Array(g.k4 * g.co4);
    for (let p = 0; p < g.p; p++)
      for (let c = 0; c < g.co4; c++) {
        let acc = bias[c]!;
        for (let k = 0; k < g.k; k++) acc = f(acc + f(patchValue(g, x, p, k) * w[k * g.co4 + c]!));
        wantY[p * g.co4 + c] = Math.max(acc, 0);
      }
    for (let k = 0; k < g.k4; k++)
      for (let c = 0; c < g.co4; c++) {
        let acc = 0;
        for (let p = 0; p < g.p; p++)
          acc = f(acc + f((k < g.k ? patchValue(g, x, p, k) : 0) * dy[p * g.co4 + c]!));
        wantDw[k * g.co4 + c] = acc;
      }

    const { fns, alloc, read, memory } = plainKernels();
    const gAt = alloc(20);
    new Int32Array(memory.buffer, gAt, 18).set(geometryWords(g));
    const [xAt, wAt, bAt, dyAt] = [x, w, bias, dy].map(alloc) as [number, number, number, number];
    const scratch = alloc(colFloats(g));
    const kept = alloc(g.p * g.k4 + 4);
    const y = alloc(g.p * g.co4);
    const dw = alloc(g.k4 * g.co4);
    for (const keep of [0, kept]) {
      fns.conv_forward(gAt, xAt, wAt, bAt, 1, y, keep, scratch, 0, g.p);
      expect(bits(read(y, g.p * g.co4))).toEqual(bits(wantY));
      fns.conv_filter_grad(gAt, xAt, dyAt, 0, dw, keep, scratch, 0, g.p);
      expect(bits(read(dw, g.k4 * g.co4))).toEqual(bits(wantDw));
    }
  });
});

describe('the input gradient sums as col2im does, on either path', () => {
  // Channels in multiples of 4 run tap by tap (no patch-gradient matrix); the others through col2im.
  const cases: [
    string,
    [number, number, number, number],
    [number, number, number, number],
    [number, number],
    tf.backend_util.ExplicitPadding | 'same' | 'valid',
  ][] = [
    ['stride 2, same (simpleCnn)', [3, 14, 14, 16], [3, 3, 16, 16], [2, 2], 'same'],
    ['2 output channels padded to 4', [2, 7, 7, 16], [3, 3, 16, 2], [2, 2], 'same'],
    ['stride 1, 12 channels (8 + 4)', [2, 9, 11, 12], [3, 3, 12, 5], [1, 1], 'same'],
    [
      'strides 3 × 2, uneven padding',
      [2, 11, 8, 8],
      [5, 3, 8, 6],
      [3, 2],
      [
        [0, 0],
        [2, 1],
        [0, 2],
        [0, 0],
      ],
    ],
    ['1 × 1, stride 2 (pixels no tap reaches)', [2, 6, 5, 4], [1, 1, 4, 7], [2, 2], 'valid'],
    ['3 channels (col2im)', [2, 9, 9, 3], [3, 3, 3, 16], [2, 2], 'same'],
  ];
  it.each(cases)('%s', (...c) => {
    const g = geometry(c);
    const w = randomValues(g.k * g.co, 3);
    const dyDense = randomValues(g.p * g.co, 4);
    const dy = new Float32Array(g.p * g.co4);
    for (let p = 0; p < g.p; p++) dy.set(dyDense.subarray(p * g.co, (p + 1) * g.co), p * g.co4);
    const wt = new Float32Array(g.co * g.k4);
    for (let c = 0; c < g.co; c++) for (let k = 0; k < g.k; k++) wt[c * g.k4 + k] = w[k * g.co + c]!;

    // col2im's order: positions p in turn; each patch-gradient value a product summed from zero over
    // the output channels, then added into its pixel.
    const want = new Float32Array(g.n * g.h * g.w * g.ci);
    for (let n = 0; n < g.n; n++)
      for (let oy = 0; oy < g.oh; oy++)
        for (let ox = 0; ox < g.ow; ox++) {
          const p = (n * g.oh + oy) * g.ow + ox;
          for (let a = 0; a < g.kh; a++)
            for (let b = 0; b < g.kw; b++) {
              const iy = oy * g.sh + a - g.pt;
              const ix = ox * g.sw + b - g.pl;
              if (iy < 0 || iy >= g.h || ix < 0 || ix >= g.w) continue;
              for (let c = 0; c < g.ci; c++) {
                let t = 0;
                for (let o = 0; o < g.co; o++)
                  t = f(t + f(dy[p * g.co4 + o]! * wt[o * g.k4 + (a * g.kw + b) * g.ci + c]!));
                const i = ((n * g.h + iy) * g.w + ix) * g.ci + c;
                want[i] = f(want[i]! + t);
              }
            }
        }

    const { fns, alloc, read, memory } = plainKernels();
    const gAt = alloc(20);
    new Int32Array(memory.buffer, gAt, 18).set(geometryWords(g));
    const dxAt = alloc(want.length);
    fns.conv_input_grad(gAt, alloc(dy), alloc(wt), dxAt, alloc(colFloats(g)), 0, g.n);
    expect(bits(read(dxAt, want.length))).toEqual(bits(want));
  });
});

describe('grad_rows (the output gradient as the gradient kernels read it)', () => {
  it.each([
    [16, 37],
    [2, 9],
    [7, 4],
  ])('masks by y > 0, pads %i channels to a multiple of 4, and sums the columns as column_sums does (%i rows)', (co, rows) => {
    const co4 = (co + 3) & ~3;
    const dy = randomValues(rows * co, 5);
    const y = randomValues(rows * co, 6);
    const { fns, alloc, read } = plainKernels();
    const dst = alloc(rows * co4);
    const sums = alloc(2 * co4);
    fns.grad_rows(dst, alloc(dy), alloc(y), rows, co, co4, sums);

    const wantRows = new Float32Array(rows * co4);
    for (let r = 0; r < rows; r++)
      for (let c = 0; c < co; c++) wantRows[r * co4 + c] = y[r * co + c]! > 0 ? dy[r * co + c]! : 0;
    expect(bits(read(dst, rows * co4))).toEqual(bits(wantRows));
    // column_sums: even rows and odd rows summed apart, then the two added.
    const wantSums = new Float32Array(co4);
    for (let c = 0; c < co4; c++) {
      let even = 0;
      let odd = 0;
      for (let r = 0; r < rows; r++) {
        if (r % 2 === 0) even = f(even + wantRows[r * co4 + c]!);
        else odd = f(odd + wantRows[r * co4 + c]!);
      }
      wantSums[c] = f(even + odd);
    }
    expect(bits(read(sums, co4))).toEqual(bits(wantSums));
    const viaColumnSums = alloc(co4);
    fns.column_sums(dst, viaColumnSums, rows, co4);
    expect(bits(read(viaColumnSums, co4))).toEqual(bits(wantSums));
    if (co === co4) {
      // Dense rows: masked_column_sums sums dy where y > 0 without the masked copy, to the same bits.
      const masked = alloc(2 * co4);
      fns.masked_column_sums(alloc(dy), alloc(y), masked, rows, co4);
      expect(bits(read(masked, co4))).toEqual(bits(wantSums));
    }
  });
});

describe("the filter gradient masks dy by a ReLU's output chunk by chunk as grad_rows does", () => {
  it.each([
    ['patches kept', [2, 12, 12, 3], [3, 3, 3, 16], [2, 2], 'same'],
    ['patches read from the input', [2, 14, 14, 16], [3, 3, 16, 8], [2, 2], 'same'],
  ] as Case[])('%s', (...c) => {
    const g = geometry(c);
    const x = randomValues(g.n * g.h * g.w * g.ci, 11);
    const dy = randomValues(g.p * g.co4, 12);
    const y = randomValues(g.p * g.co4, 13); // about half of it > 0
    const { fns, alloc, read, memory } = plainKernels();
    const gAt = alloc(20);
    new Int32Array(memory.buffer, gAt, 18).set(geometryWords(g));
    const [xAt, dyAt, yAt] = [x, dy, y].map(alloc) as [number, number, number];
    const scratch = alloc(colFloats(g));
    const kept = alloc(g.p * g.k4 + 4);
    const w = alloc(g.k * g.co4);
    const out = alloc(g.p * g.co4);
    const masked = alloc(g.p * g.co4);
    fns.grad_rows(masked, dyAt, yAt, g.p, g.co, g.co4, 0);
    const want = alloc(g.k4 * g.co4);
    const got = alloc(g.k4 * g.co4);
    for (const keep of keepsPatches(g) ? [0, kept] : [0]) {
      if (keep) fns.conv_forward(gAt, xAt, w, 0, 0, out, keep, scratch, 0, g.p);
      fns.conv_filter_grad(gAt, xAt, masked, 0, want, keep, scratch, 0, g.p);
      // In pieces, as threads take chunks: each piece's dy masked on its own.
      fns.conv_filter_grad(gAt, xAt, dyAt, yAt, got, keep, scratch, 0, g.p);
      expect(bits(read(got, g.k4 * g.co4))).toEqual(bits(read(want, g.k4 * g.co4)));
      const half = 64 * Math.ceil(g.p / 128);
      const second = alloc(g.k4 * g.co4);
      fns.conv_filter_grad(gAt, xAt, dyAt, yAt, got, keep, scratch, 0, half);
      fns.conv_filter_grad(gAt, xAt, dyAt, yAt, second, keep, scratch, half, g.p);
      fns.conv_filter_grad(gAt, xAt, masked, 0, want, keep, scratch, 0, half);
      expect(bits(read(got, g.k4 * g.co4))).toEqual(bits(read(want, g.k4 * g.co4)));
      fns.conv_filter_grad(gAt, xAt, masked, 0, want, keep, scratch, half, g.p);
      expect(bits(read(second, g.k4 * g.co4))).toEqual(bits(read(want, g.k4 * g.co4)));
    }
  });
});
