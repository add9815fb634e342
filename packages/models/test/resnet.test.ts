import { setupBackend } from '@onecycle/backends';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { type BasicBlock, type BatchNorm2d, Conv2d, Linear, resnet, type Sequential } from '../src/index.js';
import { loadMnistSample } from './helpers/mnist-sample.js';
import { evalLoss, lossAndGrads, sgdStep } from './helpers/train-step.js';

beforeAll(async () => {
  await setupBackend('wasm');
});

describe('resnet', () => {
  it('has the CIFAR ResNet structure and PyTorch parameter counts (ResNet-20: 272,474; ResNet-56: 855,770)', () => {
    const r20 = resnet({ depth: 20, seed: 0 });
    expect(r20.numParameters()).toBe(272474);
    expect(r20.length).toBe(6); // stem, 3 stages, pool-flatten, linear
    const stages = [1, 2, 3].map((i) => r20.at(i) as Sequential);
    expect(stages.map((s) => s.length)).toEqual([3, 3, 3]);
    expect(stages.map((s) => (s.at(0) as BasicBlock).downsample !== null)).toEqual([false, true, true]);
    expect(r20.at(5)).toBeInstanceOf(Linear);
    expect(
      r20
        .parameters()
        .filter((p) => p.kind === 'bias')
        .map((p) => p.name),
    ).toEqual(['5.bias']);
    r20.dispose();
    const r56 = resnet({ depth: 56, seed: 0 });
    expect(r56.numParameters()).toBe(855770);
    r56.dispose();
    const tiny = resnet({ depth: 8, widths: [4, 8, 16], nClasses: 3, inChannels: 1, seed: 0 });
    expect(tiny.numParameters()).toBe(5023);
    tiny.dispose();
  });

  it.each([
    { size: 28, channels: 1, sizes: [28, 14, 7] },
    { size: 32, channels: 3, sizes: [32, 16, 8] },
  ])('works on $size×$size inputs with $channels channels: stage resolutions and logits shape', ({
    size,
    channels,
    sizes,
  }) => {
    const model = resnet({ depth: 8, nClasses: 10, inChannels: channels, seed: 1 });
    tf.tidy(() => {
      let h: tf.Tensor = tf.randomUniform([2, size, size, channels], 0, 1, 'float32', 1);
      const seen: number[] = [];
      for (const layer of model.layers()) {
        h = layer.forward(h);
        if (h.rank === 4) seen.push(h.shape[1]!);
      }
      expect(seen).toEqual([sizes[0], ...sizes]);
      expect(h.shape).toEqual([2, 10]);
    });
    model.dispose();
  });

  it('validates depth, widths and sizes', () => {
    expect(() => resnet({ depth: 21 })).toThrow(/depth must be 2 \+ 2·blocks·3 \(e\.g\. 8, 20, 56\), got 21/);
    expect(() => resnet({ depth: 4 })).toThrow(/depth must be an integer ≥ 8/);
    expect(() => resnet({ widths: [] })).toThrow(/widths/);
    expect(() => resnet({ nClasses: 0 })).toThrow(/nClasses/);
    const two = resnet({ depth: 6, widths: [8, 16], seed: 0 });
    expect(two.length).toBe(5);
    two.dispose();
  });

  it('initialises convs Kaiming-normal without bias, batch norm to (1, 0), optionally zero-init residual branches', () => {
    const model = resnet({ depth: 8, zeroInitResidual: true, seed: 0 });
    const convs = model.namedModules().filter(([, m]) => m instanceof Conv2d);
    expect(convs.every(([, c]) => (c as Conv2d).bias === null)).toBe(true);
    const bn2 = model.namedModules().filter(([n]) => n.endsWith('.bn2'));
    expect(bn2).toHaveLength(3);
    for (const [, bn] of bn2)
      expect(Array.from((bn as BatchNorm2d).weight!.dataSync()).every((v) => v === 0)).toBe(true);
    const bn1 = model.namedModules().find(([n]) => n.endsWith('.bn1'))![1] as BatchNorm2d;
    expect(Array.from(bn1.weight!.dataSync()).every((v) => v === 1)).toBe(true);
    model.dispose();
  });

  it('a few WASM training steps reduce the loss on a tiny MNIST_SAMPLE batch, without leaking tensors', async () => {
    const data = await loadMnistSample(8);
    // 1-channel 28×28 input: keep the first of the three repeated channels
    const x = tf.tidy(() => tf.slice(tf.tensor4d(data.x, [16, 28, 28, 3]), [0, 0, 0, 0], [-1, -1, -1, 1]));
    const y = tf.tensor1d(data.y, 'int32');
    const model = resnet({ depth: 8, widths: [8, 16, 32], nClasses: 2, inChannels: 1, seed: 0 });
    const before = evalLoss(model, x, y);
    const losses = [sgdStep(model, x, y, 0.2)];
    const afterOne = tf.memory().numTensors;
    for (let i = 1; i < 6; i++) losses.push(sgdStep(model, x, y, 0.2));
    expect(tf.memory().numTensors).toBe(afterOne);
    expect(losses.every(Number.isFinite)).toBe(true);
    // deterministic (seed 0): 0.706 → 0.471 after 5 updates
    expect(losses[5]!).toBeLessThan(0.8 * losses[0]!);
    for (let i = 1; i < losses.length; i++) expect(losses[i]!).toBeLessThan(losses[i - 1]!);
    expect(evalLoss(model, x, y)).toBeLessThan(before); // training-mode loss on the trained batch
    model.eval();
    expect(Number.isFinite(evalLoss(model, x, y))).toBe(true);
    for (const t of [x, y]) t.dispose();
    model.dispose();
  });

  it('gradients on WASM match the CPU backend (batch norm, projection shortcuts, bias-free fused convs)', async () => {
    const grads: Record<string, Map<string, Float32Array>> = {};
    for (const backend of ['wasm', 'cpu'] as const) {
      await setupBackend(backend);
      const model = resnet({ depth: 8, widths: [4, 8, 16], nClasses: 3, inChannels: 2, seed: 3 });
      const x = tf.randomUniform([6, 12, 12, 2], 0, 1, 'float32', 4);
      const y = tf.tensor1d([0, 1, 2, 0, 1, 2], 'int32');
      const r = lossAndGrads(model, x, y);
      grads[backend] = new Map([...r.grads].map(([k, g]) => [k, g.dataSync() as Float32Array]));
      for (const g of r.grads.values()) g.dispose();
      for (const t of [x, y]) t.dispose();
      model.dispose();
    }
    await setupBackend('wasm');
    expect(grads.wasm!.size).toBe(grads.cpu!.size);
    for (const [name, g] of grads.wasm!) {
      const ref = grads.cpu!.get(name)!;
      let num = 0;
      let den = 0;
      for (let i = 0; i < g.length; i++) {
        num += (g[i]! - ref[i]!) ** 2;
        den += ref[i]! ** 2;
      }
      expect(den, name).toBeGreaterThan(0);
      expect(Math.sqrt(num / den), name).toBeLessThan(1e-4);
    }
  });
});
