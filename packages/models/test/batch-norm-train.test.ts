// BatchNorm2d in training mode: on @onecycle/backends' WASM backend one fused kernel forward and one per
// needed gradient (batchNormTrain); the same outputs, gradients and running statistics as tfjs's
// standard ops on the CPU backend.
import { setupBackend } from '@onecycle/backends';
import { BATCH_NORM_TRAIN_KERNELS, batchNormTrain, batchNormTrainIsFused } from '@onecycle/ops';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, describe, expect, it } from 'vitest';
import { BatchNorm2d } from '../src/index.js';
import { maxRelError, seededValues } from './helpers/compare.js';

const values = (n: number, seed: number) => seededValues(n, seed, 0.5, 2);

/** Input shapes (NHWC) and whether the batch norm has a weight and bias: 3 channels runs scalar. */
const CASES = [
  [[4, 6, 5, 8], true],
  [[2, 3, 3, 3], true],
  [[3, 4, 4, 16], false],
  [[16, 20, 20, 16], true],
] as const;

/**
 * Output, gradients (x; weight and bias if affine) of sum(y · r), and running stats, on `backend`;
 * `y` = bn(x), or relu(bn(x)) fused (`'relu'`) or as two ops (`'relu apart'`).
 */
async function run(
  backend: 'wasm' | 'cpu',
  shape: [number, number, number, number],
  affine: boolean,
  activation: 'linear' | 'relu' | 'relu apart' = 'linear',
) {
  await setupBackend(backend);
  const before = tf.memory().numTensors;
  const c = shape[3];
  const bn = new BatchNorm2d(c, { affine });
  if (affine) {
    tf.tidy(() => {
      bn.weight!.assign(tf.tensor1d(values(c, 7)));
      bn.bias!.assign(tf.tensor1d(values(c, 8)));
    });
  }
  bn.train();
  const x = tf.tensor4d(values(tf.util.sizeFromShape(shape), 1), shape);
  const r = tf.tensor4d(values(tf.util.sizeFromShape(shape), 2), shape);
  const fused = batchNormTrainIsFused();
  const forward = (a: tf.Tensor) =>
    activation === 'relu apart' ? tf.relu(bn.forward(a)) : bn.forwardActivated(a, activation);
  const vars = affine ? [bn.weight!, bn.bias!] : [];
  const out: Float32Array[] = [];
  const dx = tf.tidy(() => {
    if (vars.length > 0) {
      const { value, grads } = tf.variableGrads(() => tf.sum(tf.mul(forward(x), r)) as tf.Scalar, vars);
      value.dispose();
      for (const v of vars) out.push(grads[v.name]!.dataSync() as Float32Array);
    }
    return tf.grads((a) => tf.sum(tf.mul(forward(a!), r)))([x])[0]!;
  });
  out.unshift(dx.dataSync() as Float32Array);
  out.unshift(tf.tidy(() => forward(x).dataSync() as Float32Array));
  out.push(bn.runningMean.dataSync() as Float32Array, bn.runningVar.dataSync() as Float32Array);
  tf.dispose([x, r, dx]);
  bn.dispose();
  expect(tf.memory().numTensors).toBe(before);
  return { out, fused };
}

describe('BatchNorm2d training mode on the fused WASM kernels (batchNormTrain)', () => {
  afterAll(async () => {
    await setupBackend('cpu');
  });

  it('has its kernels on the WASM backend of @onecycle/backends, not on CPU', async () => {
    await setupBackend('wasm');
    for (const name of Object.values(BATCH_NORM_TRAIN_KERNELS))
      expect(tf.getKernel(name, 'wasm')).toBeDefined();
    expect(tf.getKernel(BATCH_NORM_TRAIN_KERNELS.forward, 'cpu')).toBeUndefined();
  });

  it.each(CASES)('shape %j, affine %s: matches the CPU backend', async (shape, affine) => {
    const cpu = await run('cpu', [...shape], affine);
    const wasm = await run('wasm', [...shape], affine);
    expect(cpu.fused).toBe(false);
    expect(wasm.fused).toBe(true);
    expect(wasm.out.length).toBe(cpu.out.length);
    cpu.out.forEach((want, k) => {
      expect(maxRelError(wasm.out[k]!, want), `output ${k}`).toBeLessThan(2e-5);
    });
  });

  it.each(
    CASES,
  )("shape %j, affine %s, with a ReLU inside the kernels: the CPU backend's relu(bn(x)), and on WASM the bits of the two ops apart", async (shape, affine) => {
    const cpu = await run('cpu', [...shape], affine, 'relu');
    const wasm = await run('wasm', [...shape], affine, 'relu');
    const apart = await run('wasm', [...shape], affine, 'relu apart');
    expect(wasm.out.length).toBe(cpu.out.length);
    cpu.out.forEach((want, k) => {
      expect(maxRelError(wasm.out[k]!, want), `output ${k}`).toBeLessThan(2e-5);
      // A ReLU's zero gradient is +0 inside the kernels, and −0 from tfjs's dy·step(x) for a negative dy.
      expect(
        Array.from(wasm.out[k]!, (v) => v + 0),
        `output ${k}`,
      ).toEqual(Array.from(apart.out[k]!, (v) => v + 0));
    });
  });

  it('runs the ReLU inside the batch-norm kernels on WASM: no Relu kernel forward or backward', async () => {
    await setupBackend('wasm');
    const bn = new BatchNorm2d(8);
    bn.train();
    const x = tf.tensor4d(values(2 * 4 * 4 * 8, 9), [2, 4, 4, 8]);
    const profile = await tf.profile(() => {
      tf.dispose(tf.grads((a) => tf.sum(bn.forwardActivated(a!, 'relu')))([x]));
    });
    const names = profile.kernels.map((k) => k.name);
    expect(names).toContain(BATCH_NORM_TRAIN_KERNELS.forward);
    expect(names).toContain(BATCH_NORM_TRAIN_KERNELS.inputGrad);
    expect(names).not.toContain('Relu');
    expect(names).not.toContain('Step');
    tf.dispose(x);
    bn.dispose();
  });

  it.each([
    'linear',
    'relu',
  ] as const)('includes the gradients that reach the mean and variance from elsewhere, and parameters alone (%s)', async (activation) => {
    const grads = async (backend: 'wasm' | 'cpu') => {
      await setupBackend(backend);
      const x = tf.tensor4d(values(2 * 3 * 3 * 4, 3), [2, 3, 3, 4]);
      const w = tf.tensor1d(values(4, 4));
      const b = tf.tensor1d(values(4, 5));
      const f = (a: tf.Tensor, ww: tf.Tensor, bb: tf.Tensor) => {
        const { y, mean, variance } = batchNormTrain(a, ww, bb, 1e-5, activation);
        return tf.add(tf.sum(tf.square(y)), tf.add(tf.sum(tf.mul(mean, 3)), tf.sum(variance)));
      };
      const all = tf.tidy(() => tf.grads((a, ww, bb) => f(a!, ww!, bb!))([x, w, b]));
      // Only the parameters' gradients: the input gradient's kernel does not run first.
      const onlyParams = tf.tidy(() => tf.grads((ww, bb) => f(x, ww!, bb!))([w, b]));
      const data = [...all, ...onlyParams].map((t) => t.dataSync() as Float32Array);
      tf.dispose([x, w, b, ...all, ...onlyParams]);
      return data;
    };
    const cpu = await grads('cpu');
    const wasm = await grads('wasm');
    cpu.forEach((want, k) => {
      expect(maxRelError(wasm[k]!, want), `gradient ${k}`).toBeLessThan(2e-5);
    });
  });
});
