// conv2dBiasAct: one kernel forward and two backward on @onecycle/backends' WASM backend; the same values
// and gradients as tfjs's separate ops on the CPU backend; the image's gradient never computed.
import { setupBackend } from '@onecycle/backends';
import { CONV2D_BIAS_ACT_KERNELS, conv2dBiasAct } from '@onecycle/ops';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { maxRelError, seededValues } from './helpers/compare.js';

type Pad = number | tf.backend_util.ExplicitPadding;
const CASES = [
  { act: 'relu', bias: true, strides: [2, 2], pad: 1 },
  { act: 'relu', bias: false, strides: [1, 1], pad: 1 },
  { act: 'linear', bias: true, strides: [2, 1], pad: 0 },
  {
    act: 'linear',
    bias: false,
    strides: [1, 2],
    pad: [
      [0, 0],
      [1, 1],
      [2, 2],
      [0, 0],
    ],
  },
] as const;

const values = (n: number, seed: number) => seededValues(n, seed);

/** y and the gradients of sum(y · r) with respect to x, filter and bias, on `backend`. */
async function run(backend: string, c: (typeof CASES)[number], i: number) {
  await setupBackend(backend as 'wasm' | 'cpu');
  const before = tf.memory().numTensors;
  const x = tf.tensor4d(values(3 * 9 * 8 * 4, i), [3, 9, 8, 4]);
  const filter = tf.tensor4d(values(3 * 3 * 4 * 6, 10 + i), [3, 3, 4, 6]);
  const bias = c.bias ? tf.tensor1d(values(6, 20 + i)) : null;
  const options = { strides: [...c.strides] as [number, number], pad: c.pad as Pad, activation: c.act };
  const y = conv2dBiasAct(x, filter, bias, options);
  const r = tf.tensor(values(y.size, 30 + i), y.shape);
  const loss = (a: tf.Tensor, f: tf.Tensor, b?: tf.Tensor) =>
    tf.sum(tf.mul(conv2dBiasAct(a as tf.Tensor4D, f as tf.Tensor4D, (b as tf.Tensor1D) ?? null, options), r));
  const grads = bias
    ? tf.grads((a, f, b) => loss(a!, f!, b!))([x, filter, bias])
    : tf.grads((a, f) => loss(a!, f!))([x, filter]);
  const out = [y, ...grads].map((t) => t.dataSync() as Float32Array);
  tf.dispose([x, filter, r, y, ...grads, ...(bias ? [bias] : [])]);
  expect(tf.memory().numTensors).toBe(before);
  return out;
}

describe('conv2dBiasAct', () => {
  beforeAll(async () => {
    await setupBackend('wasm');
  });
  afterAll(async () => {
    await setupBackend('cpu');
  });

  it('has its kernels on the WASM backend of @onecycle/backends', () => {
    for (const name of Object.values(CONV2D_BIAS_ACT_KERNELS))
      expect(tf.getKernel(name, 'wasm')).toBeDefined();
    expect(tf.getKernel(CONV2D_BIAS_ACT_KERNELS.forward, 'cpu')).toBeUndefined();
  });

  it.each(
    CASES.map((c, i) => [JSON.stringify(c), c, i] as const),
  )('WASM (fused kernels) matches CPU (tf.fused.conv2d): %s', async (_name, c, i) => {
    const cpu = await run('cpu', c, i);
    const wasm = await run('wasm', c, i);
    expect(wasm.length).toBe(cpu.length);
    for (let k = 0; k < cpu.length; k++)
      expect(maxRelError(wasm[k]!, cpu[k]!), `output ${k}`).toBeLessThan(1e-5);
  });

  it('matches CPU with only the forward kernel registered (gradient from standard kernels)', async () => {
    const saved = [
      CONV2D_BIAS_ACT_KERNELS.filterGrad,
      CONV2D_BIAS_ACT_KERNELS.biasGrad,
      CONV2D_BIAS_ACT_KERNELS.inputGrad,
    ].map((name) => tf.getKernel(name, 'wasm')!);
    for (const k of saved) tf.unregisterKernel(k.kernelName, 'wasm');
    try {
      for (const [i, c] of CASES.entries()) {
        const cpu = await run('cpu', c, i);
        const wasm = await run('wasm', c, i);
        for (let k = 0; k < cpu.length; k++) expect(maxRelError(wasm[k]!, cpu[k]!)).toBeLessThan(1e-5);
      }
    } finally {
      for (const k of saved) tf.registerKernel(k);
    }
  });

  it('runs one kernel forward, and no input gradient for an input that needs none', async () => {
    await setupBackend('wasm');
    const x = tf.randomNormal([2, 8, 8, 3]) as tf.Tensor4D;
    const filter = tf.variable(tf.randomNormal([3, 3, 3, 5]));
    const bias = tf.variable(tf.zeros([5]));
    const profile = await tf.profile(() => {
      const { value, grads } = tf.variableGrads(() =>
        tf.sum(
          conv2dBiasAct(x, filter as unknown as tf.Tensor4D, bias as unknown as tf.Tensor1D, {
            strides: [1, 1],
            pad: 1,
            activation: 'relu',
          }),
        ),
      );
      tf.dispose([value, ...Object.values(grads)]);
    });
    const names = profile.kernels.map((k) => k.name);
    expect(names.filter((n) => n === CONV2D_BIAS_ACT_KERNELS.forward)).toHaveLength(1);
    expect(names.filter((n) => n === CONV2D_BIAS_ACT_KERNELS.filterGrad)).toHaveLength(1);
    expect(names.filter((n) => n === CONV2D_BIAS_ACT_KERNELS.biasGrad)).toHaveLength(1);
    expect(names).not.toContain(tf.Step);
    expect(names).not.toContain(CONV2D_BIAS_ACT_KERNELS.inputGrad);
    expect(names).not.toContain(tf.Conv2DBackpropInput);
    tf.dispose([x, filter, bias]);
  });
});
