import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  AdaptiveAvgPool2d,
  BatchNorm2d,
  Conv2d,
  Dropout,
  Flatten,
  Linear,
  PoolFlatten,
  ReLU,
  Sequential,
} from '../src/index.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

let tensorsBefore = 0;
beforeEach(() => {
  tensorsBefore = tf.memory().numTensors;
});
afterEach(() => {
  expect(tf.memory().numTensors).toBe(tensorsBefore);
});

const arr = (t: tf.Tensor) => Array.from(t.dataSync());

/** Sets a variable's values (the temporary tensor is freed). */
function set(v: tf.Variable, values: number[][] | number[]): void {
  const t = tf.tensor(values);
  v.assign(t);
  t.dispose();
}

/** Direct PyTorch-semantics convolution on NCHW nested arrays (cross-correlation, zero padding). */
function refConv(
  x: number[][][][],
  w: number[][][][],
  b: number[] | null,
  stride: [number, number],
  pad: [number, number],
): number[][][][] {
  const [n, c, h, wd] = [x.length, x[0]!.length, x[0]![0]!.length, x[0]![0]![0]!.length];
  const [o, , kh, kw] = [w.length, w[0]!.length, w[0]![0]!.length, w[0]![0]![0]!.length];
  const oh = Math.floor((h + 2 * pad[0] - kh) / stride[0]) + 1;
  const ow = Math.floor((wd + 2 * pad[1] - kw) / stride[1]) + 1;
  const out: number[][][][] = [];
  for (let ni = 0; ni < n; ni++) {
    const img: number[][][] = [];
    for (let oi = 0; oi < o; oi++) {
      const plane: number[][] = [];
      for (let y = 0; y < oh; y++) {
        const row: number[] = [];
        for (let xx = 0; xx < ow; xx++) {
          let s = b ? b[oi]! : 0;
          for (let ci = 0; ci < c; ci++)
            for (let dy = 0; dy < kh; dy++)
              for (let dx = 0; dx < kw; dx++) {
                const iy = y * stride[0] - pad[0] + dy;
                const ix = xx * stride[1] - pad[1] + dx;
                if (iy >= 0 && iy < h && ix >= 0 && ix < wd)
                  s += x[ni]![ci]![iy]![ix]! * w[oi]![ci]![dy]![dx]!;
              }
          row.push(s);
        }
        plane.push(row);
      }
      img.push(plane);
    }
    out.push(img);
  }
  return out;
}

describe('Conv2d', () => {
  it.each([
    { stride: 2, padding: 1, k: 3, h: 7, w: 6 },
    { stride: 1, padding: 0, k: 3, h: 5, w: 5 },
    { stride: [2, 1] as [number, number], padding: [1, 2] as [number, number], k: 3, h: 6, w: 5 },
    { stride: 3, padding: 2, k: 5, h: 8, w: 9 },
  ])('matches a direct PyTorch-style convolution (%o)', ({ stride, padding, k, h, w }) => {
    const conv = new Conv2d(2, 3, k, { stride, padding, seed: 11 });
    // PyTorch-layout weight read back from the tfjs filter [kh, kw, in, out]
    const filt = conv.weight.arraySync() as number[][][][];
    const wOihw = [0, 1, 2].map((o) => [0, 1].map((c) => filt.map((row) => row.map((cell) => cell[c]![o]!))));
    const bias = arr(conv.bias!);
    const xs = tf.tidy(() => tf.randomNormal([2, h, w, 2], 0, 1, 'float32', 3));
    const xNchw = tf.tidy(() => tf.transpose(xs, [0, 3, 1, 2]).arraySync()) as number[][][][];
    const ref = refConv(
      xNchw,
      wOihw,
      bias,
      typeof stride === 'number' ? [stride, stride] : stride,
      typeof padding === 'number' ? [padding, padding] : padding,
    );
    const y = tf.tidy(() => tf.transpose(conv.forward(xs), [0, 3, 1, 2]));
    expect(y.shape).toEqual([2, 3, ref[0]![0]!.length, ref[0]![0]![0]!.length]);
    const got = arr(y);
    const want = ref.flat(3);
    got.forEach((g, i) => {
      expect(g).toBeCloseTo(want[i]!, 4);
    });
    y.dispose();
    xs.dispose();
    conv.dispose();
  });

  it('kernel 3, stride 2, padding 1 maps 28×28 to 14×14 and 32×32 to 16×16', () => {
    const conv = new Conv2d(3, 4, 3, { stride: 2, padding: 1, seed: 0 });
    const shapes = tf.tidy(() => [
      conv.forward(tf.zeros([1, 28, 28, 3])).shape,
      conv.forward(tf.zeros([1, 32, 32, 3])).shape,
    ]);
    expect(shapes).toEqual([
      [1, 14, 14, 4],
      [1, 16, 16, 4],
    ]);
    conv.dispose();
  });

  it('a Sequential fuses Conv2d + ReLU with the same result as the separate ops', () => {
    const conv = new Conv2d(2, 4, 3, { padding: 1, seed: 2 });
    const seq = new Sequential(conv, new ReLU());
    tf.tidy(() => {
      const x = tf.randomNormal([2, 5, 5, 2], 0, 1, 'float32', 9);
      expect(arr(seq.forward(x))).toEqual(arr(tf.relu(conv.forward(x))));
    });
    seq.dispose();
  });

  it('rejects bad input and options with clear errors', () => {
    const conv = new Conv2d(3, 4, 3, { padding: 1, seed: 0 });
    const big = new Conv2d(3, 4, 5, { seed: 0 });
    tf.tidy(() => {
      expect(() => conv.forward(tf.zeros([1, 8, 8, 1]))).toThrow(
        /input must be \[N, H, W, 3\] \(NHWC\), got \[1, 8, 8, 1\]/,
      );
      expect(() => big.forward(tf.zeros([1, 2, 2, 3]))).toThrow(/smaller than the kernel/);
    });
    big.dispose();
    expect(() => new Conv2d(0, 4, 3)).toThrow(/inChannels must be an integer ≥ 1/);
    expect(() => new Conv2d(3, 4, 3, { stride: 0 })).toThrow(/stride/);
    expect(() => new Conv2d(3, 4, 3, { padding: -1 })).toThrow(/padding/);
    conv.dispose();
  });

  it("init 'torch' draws U(±1/√fanIn) weights and biases; 'kaimingNormal' zero biases", () => {
    const c = new Conv2d(4, 32, 3, { seed: 5 });
    const bound = 1 / Math.sqrt(36);
    const w = arr(c.weight);
    expect(Math.max(...w.map(Math.abs))).toBeLessThanOrEqual(bound);
    expect(Math.max(...w.map(Math.abs))).toBeGreaterThan(0.95 * bound);
    expect(arr(c.bias!).some((b) => b !== 0)).toBe(true);
    const k = new Conv2d(4, 32, 3, { seed: 5, init: 'kaimingNormal' });
    expect(arr(k.bias!).every((b) => b === 0)).toBe(true);
    c.dispose();
    k.dispose();
  });
});

describe('Linear', () => {
  it('computes x·Wᵀ + b with W stored [out, in]', () => {
    const fc = new Linear(3, 2, { seed: 0 });
    set(fc.weight, [
      [1, 2, 3],
      [-1, 0, 2],
    ]);
    set(fc.bias!, [0.5, -1]);
    const y = tf.tidy(() =>
      fc.forward(
        tf.tensor2d([
          [1, 1, 1],
          [2, 0, -1],
        ]),
      ),
    );
    expect(arr(y)).toEqual([6.5, 0, -0.5, -5]);
    y.dispose();
    tf.tidy(() => {
      expect(() => fc.forward(tf.zeros([2, 4]))).toThrow(/input must be \[N, 3\], got \[2, 4\]/);
    });
    fc.dispose();
  });

  it('uses PyTorch default init U(±1/√in) and can drop the bias', () => {
    const fc = new Linear(100, 50, { seed: 1 });
    const w = arr(fc.weight);
    expect(Math.max(...w.map(Math.abs))).toBeLessThanOrEqual(0.1);
    expect(Math.max(...w.map(Math.abs))).toBeGreaterThan(0.095);
    const nb = new Linear(4, 2, { bias: false, seed: 0 });
    expect(nb.parameters().map((p) => p.name)).toEqual(['weight']);
    fc.dispose();
    nb.dispose();
  });
});

describe('BatchNorm2d', () => {
  // One channel-pair example small enough to compute by hand: N=2, H=1, W=2, C=2.
  // channel 0 values: 1, 3, 5, 7 → mean 4, biased var 5, unbiased var 20/3
  // channel 1 values: 2, 2, 2, 6 → mean 3, biased var 3, unbiased var 4
  const input = () =>
    tf.tensor4d(
      [
        [
          [
            [1, 2],
            [3, 2],
          ],
        ],
        [
          [
            [5, 2],
            [7, 6],
          ],
        ],
      ],
      [2, 1, 2, 2],
    );

  it('training mode normalises with batch statistics and updates the running ones (unbiased var, momentum 0.1)', () => {
    const bn = new BatchNorm2d(2);
    set(bn.weight!, [2, 1]);
    set(bn.bias!, [0, 1]);
    const y = tf.tidy(() => bn.forward(input()));
    const eps = 1e-5;
    const want = [
      [1, 3, 5, 7].map((v) => (2 * (v - 4)) / Math.sqrt(5 + eps)),
      [2, 2, 2, 6].map((v) => (v - 3) / Math.sqrt(3 + eps) + 1),
    ];
    const got = arr(y);
    for (let i = 0; i < 4; i++) {
      expect(got[2 * i]).toBeCloseTo(want[0]![i]!, 5);
      expect(got[2 * i + 1]).toBeCloseTo(want[1]![i]!, 5);
    }
    expect(arr(bn.runningMean)).toEqual([0.4, 0.3].map(Math.fround));
    const rv = arr(bn.runningVar);
    expect(rv[0]).toBeCloseTo(0.9 + 0.1 * (20 / 3), 6);
    expect(rv[1]).toBeCloseTo(0.9 + 0.1 * 4, 6);
    expect(bn.numBatchesTracked).toBe(1);
    y.dispose();
    bn.dispose();
  });

  it('eval mode uses the running statistics and changes nothing', () => {
    const bn = new BatchNorm2d(2, { momentum: 0.5 });
    tf.tidy(() => {
      bn.forward(input());
    }); // running mean [2, 1.5], var [0.5 + 10/3, 2.5]
    bn.eval();
    const y = tf.tidy(() => bn.forward(input()));
    const rm = [2, 1.5];
    const rv = [0.5 + 10 / 3, 2.5];
    const x = [1, 2, 3, 2, 5, 2, 7, 6];
    const got = arr(y);
    x.forEach((v, i) => {
      expect(got[i]).toBeCloseTo((v - rm[i % 2]!) / Math.sqrt(rv[i % 2]! + 1e-5), 5);
    });
    expect(arr(bn.runningMean)).toEqual([2, 1.5]);
    expect(bn.numBatchesTracked).toBe(1);
    y.dispose();
    bn.dispose();
  });

  it('errors on one value per channel in training, and on bad options', () => {
    const bn = new BatchNorm2d(3);
    tf.tidy(() => {
      expect(() => bn.forward(tf.zeros([1, 1, 1, 3]))).toThrow(/more than 1 value per channel/);
      expect(() => bn.forward(tf.zeros([2, 2, 2, 4]))).toThrow(/\[N, H, W, 3\]/);
    });
    expect(() => new BatchNorm2d(3, { momentum: 1.5 })).toThrow(/momentum must be in \[0, 1\]/);
    expect(() => new BatchNorm2d(3, { eps: 0 })).toThrow(/eps/);
    bn.dispose();
  });

  it('affine: false has no parameters; initWeight sets gamma', () => {
    const bn = new BatchNorm2d(4, { affine: false });
    expect(bn.parameters()).toEqual([]);
    expect(bn.buffers().map((b) => b.name)).toEqual(['running_mean', 'running_var']);
    const z = new BatchNorm2d(4, { initWeight: 0 });
    expect(arr(z.weight!)).toEqual([0, 0, 0, 0]);
    bn.dispose();
    z.dispose();
  });
});

describe('Dropout', () => {
  it('zeroes about p of the elements, scales the rest by 1/(1−p), identity in eval', () => {
    const drop = new Dropout(0.25, { seed: 1 });
    const y = tf.tidy(() => drop.forward(tf.ones([100, 100])));
    const v = arr(y);
    const zeros = v.filter((x) => x === 0).length;
    expect(v.every((x) => x === 0 || Math.abs(x - 4 / 3) < 1e-6)).toBe(true);
    expect(zeros / v.length).toBeGreaterThan(0.23);
    expect(zeros / v.length).toBeLessThan(0.27);
    drop.eval();
    const x = tf.ones([3, 3]);
    expect(drop.forward(x)).toBe(x);
    x.dispose();
    y.dispose();
  });

  it('is reproducible from its seed and draws a new mask per call', () => {
    const masks = (seed: number) => {
      const d = new Dropout(0.5, { seed });
      return tf.tidy(() => [arr(d.forward(tf.ones([64]))), arr(d.forward(tf.ones([64])))]);
    };
    const [a1, a2] = masks(3);
    const [b1, b2] = masks(3);
    const [c1] = masks(4);
    expect(a1).toEqual(b1);
    expect(a2).toEqual(b2);
    expect(a1).not.toEqual(a2);
    expect(a1).not.toEqual(c1);
    expect(() => new Dropout(1)).toThrow(/p must be in \[0, 1\)/);
  });
});

describe('pooling and flatten', () => {
  it('AdaptiveAvgPool2d uses PyTorch region boundaries (5 → 3: rows 0–1, 1–3, 3–4)', () => {
    const x = tf.tensor4d(
      Array.from({ length: 25 }, (_, i) => i),
      [1, 5, 5, 1],
    );
    const pool = new AdaptiveAvgPool2d(3);
    const y = tf.tidy(() => pool.forward(x));
    expect(y.shape).toEqual([1, 3, 3, 1]);
    const regions = [
      [0, 2],
      [1, 4],
      [3, 5],
    ];
    const want: number[] = [];
    for (const [r0, r1] of regions)
      for (const [c0, c1] of regions) {
        let s = 0;
        let n = 0;
        for (let r = r0!; r < r1!; r++)
          for (let c = c0!; c < c1!; c++) {
            s += r * 5 + c;
            n++;
          }
        want.push(s / n);
      }
    arr(y).forEach((g, i) => {
      expect(g).toBeCloseTo(want[i]!, 5);
    });
    const y2 = tf.tidy(() => new AdaptiveAvgPool2d([1, 5]).forward(x));
    expect(arr(y2)).toEqual([10, 11, 12, 13, 14]);
    const y1 = tf.tidy(() => new AdaptiveAvgPool2d(1).forward(x));
    expect(arr(y1)).toEqual([12]);
    for (const t of [x, y, y2, y1]) t.dispose();
  });

  it('PoolFlatten averages over H and W; Flatten defaults to PyTorch (NCHW) order', () => {
    const x = tf.tensor4d([1, 2, 3, 4, 5, 6, 7, 8], [1, 2, 2, 2]); // channels: [1,3,5,7], [2,4,6,8]
    const pf = tf.tidy(() => new PoolFlatten().forward(x));
    expect(arr(pf)).toEqual([4, 5]);
    const nchw = tf.tidy(() => new Flatten().forward(x));
    expect(arr(nchw)).toEqual([1, 3, 5, 7, 2, 4, 6, 8]);
    const nhwc = tf.tidy(() => new Flatten({ order: 'nhwc' }).forward(x));
    expect(arr(nhwc)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    for (const t of [x, pf, nchw, nhwc]) t.dispose();
  });
});
