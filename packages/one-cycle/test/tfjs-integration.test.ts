import { Stepper } from '@onecycle/annealing';
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { oneCycle } from '../src/index.js';

// The two recipes of the README, run for real on tfjs' CPU backend with a tiny dense model.

/** tfjs optimizers keep their hyperparameters in fields (Adam) or in cached scalars (SGD, momentum). */
type AdamFields = { learningRate: number; beta1: number };
type MomentumFields = { m: tf.Scalar; c: tf.Scalar };

/** Sets lr (and momentum) on a tfjs optimizer; the same helper as in the README. */
function setHyper(opt: tf.Optimizer, lr: number, mom?: number): void {
  // (tfjs' optimizer classes answer `instanceof` for any optimizer: test for the methods instead)
  if (opt instanceof tf.SGDOptimizer && typeof opt.setLearningRate === 'function') {
    opt.setLearningRate(lr); // also refreshes the cached -lr scalar
    if (mom !== undefined && opt instanceof tf.MomentumOptimizer && typeof opt.setMomentum === 'function') {
      opt.setMomentum(mom);
      // setMomentum does not refresh the scalar the update uses: replace it
      const fields = opt as unknown as MomentumFields;
      fields.m.dispose();
      fields.m = tf.keep(tf.scalar(mom));
    }
  } else {
    const fields = opt as unknown as AdamFields;
    fields.learningRate = lr;
    if (mom !== undefined && 'beta1' in fields) fields.beta1 = mom;
  }
}

function data(): { x: tf.Tensor2D; y: tf.Tensor2D } {
  return tf.tidy(() => {
    const x = tf.randomUniform([32, 3], -1, 1, 'float32', 7) as tf.Tensor2D;
    const y = tf.matMul(x, tf.tensor2d([[1], [-2], [0.5]])).add(0.3) as tf.Tensor2D;
    return { x, y };
  });
}

describe('driving TensorFlow.js training from a schedule', () => {
  beforeAll(async () => {
    await tf.setBackend('cpu');
    await tf.ready();
  });
  afterAll(() => {
    tf.disposeVariables();
  });

  it('model.fit with a callback that sets Adam’s learning rate and beta1 every batch', async () => {
    const before = tf.memory().numTensors;
    const { x, y } = data();
    const model = tf.sequential({ layers: [tf.layers.dense({ units: 1, inputShape: [3] })] });
    const optimizer = tf.train.adam(1e-3);
    model.compile({ optimizer, loss: 'meanSquaredError' });

    const epochs = 3;
    const batchSize = 8; // 4 batches per epoch
    const schedule = oneCycle({ lrMax: 0.05, totalSteps: epochs * Math.ceil(32 / batchSize) });
    let iteration = 0;

    // what the optimizer actually used at each update
    const used: { lr: number; beta1: number }[] = [];
    const apply = optimizer.applyGradients.bind(optimizer);
    optimizer.applyGradients = (grads) => {
      const f = optimizer as unknown as AdamFields;
      used.push({ lr: f.learningRate, beta1: f.beta1 });
      apply(grads);
    };

    const history = await model.fit(x, y, {
      epochs,
      batchSize,
      shuffle: false,
      verbose: 0,
      callbacks: {
        onBatchBegin: async () => {
          const { lr, mom } = schedule.at(iteration);
          setHyper(optimizer, lr, mom);
        },
        onBatchEnd: async () => {
          iteration += 1;
        },
      },
    });

    expect(iteration).toBe(12);
    expect(used.length).toBe(12);
    used.forEach((u, k) => {
      expect(u.lr).toBe(schedule.at(k).lr);
      expect(u.beta1).toBe(schedule.at(k).mom);
    });
    expect(new Set(used.map((u) => u.lr)).size).toBe(12); // changed every batch
    const losses = history.history.loss as number[];
    expect(losses[losses.length - 1]!).toBeLessThan(losses[0]!);

    model.dispose();
    optimizer.dispose();
    tf.dispose([x, y]);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('a plain training loop with a Stepper and SGD with momentum', () => {
    const before = tf.memory().numTensors;
    const { x, y } = data();
    const w = tf.tidy(() => tf.variable(tf.zeros([3, 1])));
    const b = tf.tidy(() => tf.variable(tf.zeros([1])));
    const optimizer = tf.train.momentum(0.01, 0.9);
    const stepper = new Stepper(oneCycle({ lrMax: 0.2, totalSteps: 40, variant: 'seed' }));

    const used: { lr: number; mom: number }[] = [];
    const apply = optimizer.applyGradients.bind(optimizer);
    optimizer.applyGradients = (grads) => {
      const f = optimizer as unknown as MomentumFields;
      used.push({ lr: -f.c.dataSync()[0]!, mom: f.m.dataSync()[0]! });
      apply(grads);
    };

    const losses: number[] = [];
    while (!stepper.done) {
      const { lr, mom } = stepper.value;
      setHyper(optimizer, lr, mom);
      const loss = optimizer.minimize(
        () => tf.losses.meanSquaredError(y, x.matMul(w).add(b)) as tf.Scalar,
        true,
        [w, b],
      );
      losses.push(loss!.dataSync()[0]!);
      loss!.dispose();
      stepper.step();
    }

    expect(used.length).toBe(40);
    used.forEach((u, k) => {
      const v = stepper.schedule.at(k);
      expect(u.lr).toBeCloseTo(v.lr, 7); // float32 scalars
      expect(u.mom).toBeCloseTo(v.mom, 7);
    });
    expect(losses[losses.length - 1]!).toBeLessThan(losses[0]! / 10);

    optimizer.dispose();
    // MomentumOptimizer.dispose() forgets the learning-rate scalar that SGDOptimizer keeps
    (optimizer as unknown as MomentumFields).c.dispose();
    tf.dispose([x, y, w, b]);
    expect(tf.memory().numTensors).toBe(before);
  });
});
