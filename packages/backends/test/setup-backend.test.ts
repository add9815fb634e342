import { availableParallelism } from 'node:os';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import {
  BACKEND_KINDS,
  defaultConvThreads,
  gradientKernelNames,
  registerAllGradients,
  SimdConv,
  setupBackend,
} from '../src/index.js';

describe('setupBackend', () => {
  it('activates the CPU backend on request', async () => {
    const choice = await setupBackend('cpu');
    expect(choice).toEqual({ backend: 'cpu', reason: expect.stringMatching(/requested 'cpu'/) });
    expect(tf.getBackend()).toBe('cpu');
  });

  it('activates the WASM backend on request and says how it runs', async () => {
    const choice = await setupBackend('wasm');
    expect(choice.backend).toBe('wasm');
    expect(tf.getBackend()).toBe('wasm');
    expect(choice.reason).toMatch(
      /requested 'wasm': using WASM \((no )?SIMD, \d+ threads?; convolutions on \d+ threads?( in tfjs's shared memory)?(, fused multiply-add)?\)/,
    );
  });

  it('runs the convolutions by default on the logical cores, at most 4, in tfjs memory shared with them', async () => {
    const cores = Math.min(4, availableParallelism());
    expect(defaultConvThreads()).toBe(cores);
    const choice = await setupBackend('wasm');
    expect(SimdConv.load()?.threads).toBe(cores);
    if (cores > 1) expect(choice.reason).toMatch(/convolutions on \d threads in tfjs's shared memory/);
  });

  it("'auto' falls back to WASM when tfjs-node is absent and says why", async () => {
    await setupBackend('cpu');
    const choice = await setupBackend();
    expect(choice.backend).toBe('wasm');
    expect(choice.reason).toMatch(/^auto: @tensorflow\/tfjs-node is not installed; using WASM/);
  });

  it("'node' without tfjs-node is an error that says how to install it", async () => {
    const before = tf.getBackend();
    await expect(setupBackend('node')).rejects.toThrow(
      /tfjs-node is not installed; install it with `npm install @tensorflow\/tfjs-node`/,
    );
    expect(tf.getBackend()).toBe(before);
  });

  it('rejects unknown kinds and bad options naming the parameter', async () => {
    await expect(setupBackend('gpu' as never)).rejects.toThrow(RangeError);
    await expect(setupBackend('gpu' as never)).rejects.toThrow(
      /kind must be one of 'auto', 'node', 'wasm', 'cpu'/,
    );
    await expect(setupBackend('wasm', { threads: 0 })).rejects.toThrow(
      /options.threads must be an integer >= 1/,
    );
    await expect(setupBackend('wasm', { threads: 1.5 })).rejects.toThrow(RangeError);
    await expect(setupBackend('wasm', { wasmPaths: 3 as never })).rejects.toThrow(TypeError);
    expect(BACKEND_KINDS).toEqual(['auto', 'node', 'wasm', 'cpu']);
  });
});

describe('gradient registration', () => {
  it('registers tfjs-core’s gradients for the kernels models use, idempotently', () => {
    for (const name of [
      'Conv2D',
      'BatchMatMul',
      'Add',
      'Sub',
      'Multiply',
      'RealDiv',
      'Relu',
      'Mean',
      'Sum',
      'Max',
      'Reshape',
      'Transpose',
      'PadV2',
      'Softmax',
      'Log',
      'Exp',
      'Neg',
      'Square',
      'Sqrt',
      'Rsqrt',
      'BroadcastTo',
      'Cast',
      'Identity',
      'Concat',
      'Slice',
      'AvgPool',
      'MaxPool',
      'FusedBatchNorm',
      'Maximum',
    ]) {
      expect(tf.getGradient(name), name).toBeDefined();
    }
    expect(registerAllGradients()).toBe(0);
    expect(gradientKernelNames().length).toBeGreaterThanOrEqual(100);
  });

  it('differentiates a loss through log-softmax on both backends', async () => {
    for (const kind of ['cpu', 'wasm'] as const) {
      await setupBackend(kind);
      const before = tf.memory().numTensors;
      const init = tf.tensor2d([[1, 2, 3]]);
      const x = tf.variable(init);
      const { value, grads } = tf.variableGrads(
        () => tf.neg(tf.sum(tf.mul(tf.tensor2d([[0, 0, 1]]), tf.logSoftmax(x)))) as tf.Scalar,
      );
      const expected = [Math.exp(1), Math.exp(2), Math.exp(3)].map(
        (e, _, all) => e / (all[0]! + all[1]! + all[2]!),
      );
      expected[2] = expected[2]! - 1;
      const got = Array.from(grads[x.name]!.dataSync());
      for (const [i, g] of got.entries()) expect(g).toBeCloseTo(expected[i]!, 5);
      tf.dispose([value, grads[x.name]!, x, init]);
      expect(tf.memory().numTensors).toBe(before);
    }
  });
});
