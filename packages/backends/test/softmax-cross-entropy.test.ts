// The fused softmax cross-entropy kernel of @onecycle/ops, registered for 'wasm' and 'cpu': its loss
// and gradient against PyTorch's F.cross_entropy and against the op's plain tfjs composition (the same
// op with the kernel unregistered, also checked against PyTorch), tensors freed, and labels checked.
import { SOFTMAX_CROSS_ENTROPY_KERNEL, softmaxCrossEntropy, softmaxCrossEntropyIsFused } from '@onecycle/ops';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { setupBackend } from '../src/index.js';
import { randomValues, relativeError } from './helpers.js';

// PyTorch 1.13 (float32), printed by:
//   x = torch.tensor(LOGITS, dtype=torch.float32, requires_grad=True)
//   loss = F.cross_entropy(x, torch.tensor(LABELS)); loss.backward(); print(repr(loss.item()), x.grad.tolist())
const TORCH = {
  small: {
    logits: [
      [2.0, -1.0, 0.5],
      [0.25, 0.5, 3.0],
      [-1.5, 0.0, 1.25],
      [0.75, 0.75, -0.5],
    ],
    labels: [0, 1, 2, 2],
    loss: 1.3137625455856323,
    grad: [
      [-0.0536007434129715, 0.009778142906725407, 0.043822597712278366],
      [0.01394571177661419, -0.23209334909915924, 0.2181476354598999],
      [0.011834699660539627, 0.05303944647312164, -0.06487414240837097],
      [0.10933718830347061, 0.10933718830347061, -0.21867437660694122],
    ],
  },
  // Logits whose exponentials overflow float32 unless each row's maximum is subtracted first.
  large: {
    logits: [
      [1000.0, 0.0, -1000.0],
      [-80.0, 90.0, 89.5],
    ],
    labels: [2, 2],
    loss: 1000.487060546875,
    grad: [
      [0.5, 0.0, -0.5],
      [0.0, 0.3112296760082245, -0.3112296462059021],
    ],
  },
};

/** Loss and gradient of `scale · softmaxCrossEntropy(logits, labels)`, as arrays; no tensor left. */
function lossAndGrad(logits: number[][] | tf.Tensor2D, labels: number[], scale = 1) {
  const before = tf.memory().numTensors;
  const x = logits instanceof tf.Tensor ? logits : tf.tensor2d(logits);
  const y = tf.tensor1d(labels, 'int32');
  const f = (l: tf.Tensor) => tf.mul(softmaxCrossEntropy(l, y), scale) as tf.Scalar;
  const { value, grad } = tf.valueAndGrad(f)(x);
  const out = { loss: value.dataSync()[0]!, grad: grad.dataSync() as Float32Array };
  tf.dispose([value, grad, y]);
  if (x !== logits) x.dispose();
  expect(tf.memory().numTensors, 'tensors left behind').toBe(before);
  return out;
}

/** Runs `f` with the fused kernel unregistered from the active backend: the op's plain composition. */
function withoutKernel<T>(f: () => T): T {
  const backend = tf.getBackend();
  const config = tf.getKernel(SOFTMAX_CROSS_ENTROPY_KERNEL, backend)!;
  tf.unregisterKernel(SOFTMAX_CROSS_ENTROPY_KERNEL, backend);
  try {
    return f();
  } finally {
    tf.registerKernel(config);
  }
}

describe.each(['wasm', 'cpu'] as const)('softmaxCrossEntropy on %s', (kind) => {
  it('runs the fused kernel: one kernel forward, one multiplication backward', async () => {
    await setupBackend(kind);
    expect(softmaxCrossEntropyIsFused()).toBe(true);
    const x = tf.tensor2d(TORCH.small.logits);
    const y = tf.tensor1d(TORCH.small.labels, 'int32');
    const profile = await tf.profile(() => {
      const { value, grad } = tf.valueAndGrad((l: tf.Tensor) => softmaxCrossEntropy(l, y))(x);
      tf.dispose([value, grad]);
    });
    // The engine's clone of the saved gradient (an Identity, recorded inside the kernel's call).
    expect(profile.kernels.map((k) => k.name)).toEqual([
      'Identity',
      SOFTMAX_CROSS_ENTROPY_KERNEL,
      'Multiply',
    ]);
    tf.dispose([x, y]);
  });

  it.each(
    Object.keys(TORCH) as (keyof typeof TORCH)[],
  )("matches PyTorch's F.cross_entropy, loss and gradient (%s logits), fused and plain", async (name) => {
    await setupBackend(kind);
    const ref = TORCH[name];
    for (const run of [<T>(f: () => T) => f(), withoutKernel]) {
      const { loss, grad } = run(() => lossAndGrad(ref.logits, ref.labels));
      expect(loss).toBeCloseTo(ref.loss, name === 'large' ? 3 : 6);
      expect(relativeError(grad, ref.grad.flat())).toBeLessThan(1e-6);
      // The output gradient scales it: d(3·loss) = 3·dloss.
      const scaled = run(() => lossAndGrad(ref.logits, ref.labels, 3));
      expect(
        relativeError(
          scaled.grad,
          ref.grad.flat().map((g) => 3 * g),
        ),
      ).toBeLessThan(1e-6);
    }
  });

  it.each([
    [64, 2],
    [64, 10],
    [7, 1000],
  ])('matches the plain tfjs composition on random [%i, %i] logits', async (n, c) => {
    await setupBackend(kind);
    const logits = tf.tensor2d(
      randomValues(n * c, n + c).map((v) => v * 8),
      [n, c],
    );
    const labels = Array.from({ length: n }, (_, i) => (i * 7919) % c);
    const fused = lossAndGrad(logits, labels);
    const plain = withoutKernel(() => {
      expect(softmaxCrossEntropyIsFused()).toBe(false);
      return lossAndGrad(logits, labels);
    });
    expect(softmaxCrossEntropyIsFused()).toBe(true);
    expect(Math.abs(fused.loss - plain.loss) / Math.abs(plain.loss)).toBeLessThan(1e-6);
    expect(relativeError(fused.grad, plain.grad)).toBeLessThan(1e-5);
    logits.dispose();
  });

  it('keeps the tensor count flat over repeated losses and gradients', async () => {
    await setupBackend(kind);
    const x = tf.tensor2d(TORCH.small.logits);
    const y = tf.tensor1d(TORCH.small.labels, 'int32');
    const v = tf.variable(x);
    const before = tf.memory().numTensors;
    for (let i = 0; i < 5; i++) {
      softmaxCrossEntropy(x, y).dispose();
      const g = tf.grad((l: tf.Tensor) => softmaxCrossEntropy(l, y))(x);
      g.dispose();
      const { value, grads } = tf.variableGrads(() => softmaxCrossEntropy(v, y));
      tf.dispose([value, grads]);
      expect(tf.memory().numTensors).toBe(before);
    }
    tf.dispose([x, y, v]);
  });

  it('rejects a label outside [0, C), naming it and C, with nothing left behind', async () => {
    await setupBackend(kind);
    const x = tf.tensor2d(TORCH.small.logits);
    for (const bad of [-1, 3]) {
      const y = tf.tensor1d([0, bad, 1, 2], 'int32');
      const before = tf.memory().numTensors;
      expect(() => softmaxCrossEntropy(x, y)).toThrow(
        new RangeError(`softmaxCrossEntropy: label ${bad} (row 1) is outside the 3 classes [0, 3)`),
      );
      expect(() => tf.grad((l: tf.Tensor) => softmaxCrossEntropy(l, y))(x)).toThrow(RangeError);
      expect(tf.memory().numTensors).toBe(before);
      y.dispose();
    }
    x.dispose();
  });
});
