// The same model gives the same outputs on the WASM and CPU backends, in training and eval mode
// (eval mode takes tfjs's fused conv + bias + ReLU path; Linear avoids WASM's faulty fused matMul).
import { setupBackend } from '@onecycle/backends';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { Dropout, Linear, type Module, resnet, Sequential, simpleCnn } from '../src/index.js';

async function outputs(make: () => Module, shape: number[], backend: 'wasm' | 'cpu', training: boolean) {
  await setupBackend(backend);
  const model = make().train(training);
  const x = tf.randomUniform(shape, 0, 1, 'float32', 7);
  const y = tf.tidy(() => model.forward(x));
  const out = y.dataSync() as Float32Array;
  tf.dispose([x, y]);
  model.dispose();
  return out;
}

describe('WASM and CPU backends agree', () => {
  it.each([
    ['simpleCnn', () => simpleCnn([3, 16, 16, 2], undefined, undefined, false, { seed: 0 }), [8, 28, 28, 3]],
    [
      'simpleCnn with bn',
      () => simpleCnn([3, 16, 16, 2], undefined, undefined, true, { seed: 0 }),
      [8, 28, 28, 3],
    ],
    [
      'resnet-8',
      () => resnet({ depth: 8, widths: [4, 8, 16], nClasses: 3, inChannels: 1, seed: 0 }),
      [4, 32, 32, 1],
    ],
    ['Linear', () => new Linear(24, 5, { seed: 0 }), [6, 24]],
    [
      'Linear + Dropout',
      () => new Sequential(new Linear(24, 5, { seed: 0 }), new Dropout(0.5, { seed: 1 })),
      [6, 24],
    ],
  ] as const)('%s', async (_name, make, shape) => {
    for (const training of [true, false]) {
      const wasm = await outputs(make, [...shape], 'wasm', training);
      const cpu = await outputs(make, [...shape], 'cpu', training);
      expect(wasm.length).toBe(cpu.length);
      const scale = Math.max(...cpu.map(Math.abs));
      for (let i = 0; i < cpu.length; i++)
        expect(Math.abs(wasm[i]! - cpu[i]!)).toBeLessThan(1e-5 * (1 + scale));
    }
    await setupBackend('wasm');
  });
});
