import { setupBackend } from '@onecycle/backends';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { Adam, disposeOptimizerState, type Optimizer, type OptParam, RMSProp, SGD } from '../src/index.js';

beforeAll(async () => {
  await setupBackend('cpu');
});

const ENGINES = ['tensor', 'array'] as const;

const P0 = [0.5, -1.25, 2, 0.1];
const GRADS = [
  [0.3, -0.2, 0.05, 1.5],
  [-0.1, 0.4, 0.2, -0.7],
  [0.25, 0.25, -0.5, 0.01],
  [1, -1, 0.5, 0.2],
];
/** Hyperparameters per step: changing lr, mom (beta1) and beta (beta2) every step. */
const HYPERS = [
  { lr: 0.01, mom: 0.95, beta: 0.99, wd: 0.1 },
  { lr: 0.05, mom: 0.9, beta: 0.99, wd: 0.1 },
  { lr: 0.02, mom: 0.85, beta: 0.98, wd: 0.05 },
  { lr: 0.001, mom: 0.9, beta: 0.999, wd: 0.1 },
];

type Ref = (
  p: number[],
  g: number[],
  h: (typeof HYPERS)[number],
  t: number,
  st: Record<string, number[]>,
) => number[];

/** PyTorch's Adam (bias-corrected, eps outside the root) after fastai's decoupled decay. */
const adamRef =
  (trueWd: boolean): Ref =>
  (p, g, h, t, st) => {
    const eps = 1e-8;
    const m = st.m ?? p.map(() => 0);
    const v = st.v ?? p.map(() => 0);
    const out = p.map((pi, i) => {
      const gi = trueWd ? g[i]! : g[i]! + h.wd * pi;
      const base = trueWd ? pi * (1 - h.lr * h.wd) : pi;
      m[i] = h.mom * m[i]! + (1 - h.mom) * gi;
      v[i] = h.beta * v[i]! + (1 - h.beta) * gi * gi;
      const denom = Math.sqrt(v[i]!) / Math.sqrt(1 - h.beta ** t) + eps;
      return base - (h.lr / (1 - h.mom ** t)) * (m[i]! / denom);
    });
    st.m = m;
    st.v = v;
    return out;
  };

/** PyTorch's SGD with momentum (first buffer = gradient). */
const sgdRef: Ref = (p, g, h, _t, st) => {
  const buf = st.buf;
  const out = p.map((pi, i) => {
    const base = pi * (1 - h.lr * h.wd);
    const b = buf ? h.mom * buf[i]! + g[i]! : g[i]!;
    g[i] = b;
    return base - h.lr * b;
  });
  st.buf = [...g];
  return out;
};

/** PyTorch's RMSprop with momentum, alpha = beta. */
const rmspropRef: Ref = (p, g, h, _t, st) => {
  const sq = st.sq ?? p.map(() => 0);
  const buf = st.buf ?? p.map(() => 0);
  const out = p.map((pi, i) => {
    const base = pi * (1 - h.lr * h.wd);
    sq[i] = h.beta * sq[i]! + (1 - h.beta) * g[i]! ** 2;
    const d = g[i]! / (Math.sqrt(sq[i]!) + 1e-8);
    buf[i] = h.mom * buf[i]! + d;
    return base - h.lr * buf[i]!;
  });
  st.sq = sq;
  st.buf = buf;
  return out;
};

function run(make: (groups: OptParam[][]) => Optimizer, ref: Ref, decay = true) {
  const variable = tf.variable(tf.tensor1d(P0));
  const opt = make([[{ name: 'w', variable, decay }]]);
  let expected = [...P0];
  const st: Record<string, number[]> = {};
  HYPERS.forEach((h, k) => {
    for (const name of ['lr', 'mom', 'beta', 'wd'] as const) opt.set(name, h[name]);
    const g = tf.tensor1d(GRADS[k]!);
    opt.step({ [variable.name]: g });
    g.dispose();
    expected = ref(expected, [...GRADS[k]!], decay ? h : { ...h, wd: 0 }, k + 1, st);
  });
  const got = Array.from(variable.dataSync());
  opt.dispose();
  variable.dispose();
  return { got, expected };
}

function expectClose(got: number[], expected: number[], tol = 1e-6) {
  expect(got).toHaveLength(expected.length);
  got.forEach((g, i) => {
    expect(Math.abs(g - expected[i]!)).toBeLessThan(tol * Math.max(1, Math.abs(expected[i]!)));
  });
}

for (const engine of ENGINES) {
  describe(`optimizers match PyTorch / fastai v1 formulas with hyperparameters changing every step (${engine} engine)`, () => {
    it('Adam with decoupled weight decay (AdamW)', () => {
      const { got, expected } = run((g) => new Adam(g, { trueWd: true, engine }), adamRef(true));
      expectClose(got, expected);
    });

    it('Adam with L2 weight decay (trueWd false)', () => {
      const { got, expected } = run((g) => new Adam(g, { trueWd: false, engine }), adamRef(false));
      expectClose(got, expected);
      const decoupled = run((g) => new Adam(g, { trueWd: true, engine }), adamRef(true));
      expect(Math.abs(got[0]! - decoupled.got[0]!)).toBeGreaterThan(1e-5);
    });

    it('SGD with momentum', () => {
      const { got, expected } = run((g) => new SGD(g, { engine }), sgdRef);
      expectClose(got, expected);
    });

    it('RMSProp with momentum, alpha = beta', () => {
      const { got, expected } = run((g) => new RMSProp(g, { engine }), rmspropRef);
      expectClose(got, expected, 2e-6);
    });

    it('a parameter with decay: false gets no weight decay (bnWd false)', () => {
      const { got, expected } = run((g) => new Adam(g, { trueWd: true, engine }), adamRef(true), false);
      expectClose(got, expected);
    });

    it('parameters without a gradient (frozen) are not touched, not even decayed', () => {
      const a = tf.variable(tf.tensor1d([1, 2]));
      const b = tf.variable(tf.tensor1d([3, 4]));
      const opt = new Adam(
        [
          [
            { name: 'a', variable: a, decay: true },
            { name: 'b', variable: b, decay: true },
          ],
        ],
        { lr: 0.1, wd: 0.5, engine },
      );
      const g = tf.tensor1d([1, 1]);
      opt.step({ [a.name]: g });
      expect(Array.from(b.dataSync())).toEqual([3, 4]);
      expect(a.dataSync()[0]).not.toBe(1);
      g.dispose();
      opt.dispose();
      a.dispose();
      b.dispose();
    });
  });
}

describe('Optimizer as HyperparamTarget', () => {
  it('keeps one value per group, per-group arrays, and rejects bad values naming the hyperparameter', () => {
    const a = tf.variable(tf.scalar(1));
    const b = tf.variable(tf.scalar(2));
    const opt = new Adam(
      [[{ name: 'a', variable: a, decay: true }], [{ name: 'b', variable: b, decay: true }]],
      {
        lr: [1e-3, 1e-2],
        betas: [0.9, 0.99],
      },
    );
    expect(opt.nGroups).toBe(2);
    expect(opt.get('lr')).toEqual([1e-3, 1e-2]);
    expect(opt.get('mom')).toEqual([0.9, 0.9]);
    expect(opt.get('beta')).toEqual([0.99, 0.99]);
    opt.set('mom', 0.85);
    expect(opt.get('mom')).toEqual([0.85, 0.85]);
    opt.set('lr', [0.1, 0.2]);
    expect(opt.get('lr')).toEqual([0.1, 0.2]);
    expect(() => opt.set('lr', [0.1])).toThrow(/lr must be a number or an array of 2/);
    expect(() => opt.set('mom', 1.5)).toThrow(/mom must be in \[0, 1\)/);
    expect(() => opt.set('lr', Number.NaN)).toThrow(/lr must be a finite number/);
    expect(() => opt.get('foo' as 'lr')).toThrow(RangeError);
    opt.dispose();
    a.dispose();
    b.dispose();
  });

  it('rejects empty groups and duplicate names', () => {
    expect(() => new SGD([])).toThrow(/non-empty/);
    const a = tf.variable(tf.scalar(1));
    expect(
      () =>
        new SGD([
          [
            { name: 'a', variable: a, decay: true },
            { name: 'a', variable: a, decay: true },
          ],
        ]),
    ).toThrow(/appears twice/);
    a.dispose();
  });
});

describe('optimizer state', () => {
  it('the tensor and array engines agree, and state moves between them', () => {
    const run = (engines: ('tensor' | 'array')[]) => {
      const v = tf.variable(tf.tensor1d(P0));
      const opt = new Adam([[{ name: 'w', variable: v, decay: true }]], {
        lr: 0.01,
        wd: 0.1,
        engine: engines[0],
      });
      const values: number[][] = [];
      GRADS.forEach((g, k) => {
        const sd = opt.stateDict();
        const next = new Adam([[{ name: 'w', variable: v, decay: true }]], {
          engine: engines[k % engines.length],
        });
        next.loadStateDict(sd);
        disposeOptimizerState(sd);
        tf.tidy(() => next.step({ [v.name]: tf.tensor1d(g) }));
        const back = next.stateDict();
        opt.loadStateDict(back);
        disposeOptimizerState(back);
        next.dispose();
        values.push(Array.from(v.dataSync()));
      });
      opt.dispose();
      v.dispose();
      return values;
    };
    const tensor = run(['tensor']);
    const array = run(['array']);
    const mixed = run(['array', 'tensor']);
    tensor.flat().forEach((x, i) => {
      expect(Math.abs(array.flat()[i]! - x)).toBeLessThan(1e-6);
      expect(Math.abs(mixed.flat()[i]! - x)).toBeLessThan(1e-6);
    });
    expect(() => new Adam([[]], { engine: 'gpu' as never })).toThrow(
      /engine must be 'auto', 'tensor' or 'array'/,
    );
  });

  it('stateDict → loadStateDict into a fresh optimizer gives the same next step', () => {
    const mk = () => tf.variable(tf.tensor1d(P0));
    const v1 = mk();
    const o1 = new Adam([[{ name: 'w', variable: v1, decay: true }]], { lr: 0.01, wd: 0.1 });
    for (const g of GRADS.slice(0, 2)) tf.tidy(() => o1.step({ [v1.name]: tf.tensor1d(g) }));
    const sd = o1.stateDict();
    expect(sd.params.w?.step).toBe(2);
    const v2 = tf.variable(v1.clone());
    const o2 = new Adam([[{ name: 'w', variable: v2, decay: true }]], { lr: 0.5 });
    o2.loadStateDict(sd);
    disposeOptimizerState(sd);
    expect(o2.get('lr')).toEqual([0.01]);
    tf.tidy(() => o1.step({ [v1.name]: tf.tensor1d(GRADS[2]!) }));
    tf.tidy(() => o2.step({ [v2.name]: tf.tensor1d(GRADS[2]!) }));
    expect(Array.from(v2.dataSync())).toEqual(Array.from(v1.dataSync()));
    expect(() => new SGD([[{ name: 'w', variable: v2, decay: true }]]).loadStateDict(o1.stateDict())).toThrow(
      /adam optimizer, this one is sgd/,
    );
    for (const o of [o1, o2]) o.dispose();
    v1.dispose();
    v2.dispose();
  });

  it('steps do not leak tensors, with either engine and when switching between them', () => {
    const v = tf.variable(tf.tensor1d(P0));
    for (const make of ENGINES.flatMap((engine) => [
      (g: OptParam[][]) => new Adam(g, { wd: 0.1, engine }),
      (g: OptParam[][]) => new SGD(g, { mom: 0.9, wd: 0.1, trueWd: false, engine }),
      (g: OptParam[][]) => new RMSProp(g, { mom: 0.9, engine }),
    ])) {
      const opt = make([[{ name: 'w', variable: v, decay: true }]]);
      const g = tf.tensor1d(GRADS[0]!);
      opt.step({ [v.name]: g });
      const before = tf.memory().numTensors;
      for (let i = 0; i < 5; i++) opt.step({ [v.name]: g });
      expect(tf.memory().numTensors).toBe(before);
      g.dispose();
      opt.dispose();
    }
    v.dispose();
  });
});
