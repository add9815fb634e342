import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { accuracy, crossEntropy, errorRate, Learner } from '../src/index.js';
import { seedModel, setup } from './helpers/fixtures.js';

let data: Awaited<ReturnType<typeof setup>>;
beforeAll(async () => {
  data = await setup();
});

describe('validate, getPreds, predict', () => {
  it('agree with each other after training, and leave no tensors behind', async () => {
    const model = seedModel(2);
    const learn = new Learner(data, model, { metrics: [accuracy, errorRate] });
    await learn.fitOneCycle(1, 5e-2);
    const before = tf.memory().numTensors;
    const v = await learn.validate();
    expect(v.metrics.accuracy! + v.metrics.errorRate!).toBeCloseTo(1, 6);
    const { preds, targets } = await learn.getPreds();
    expect(preds.shape).toEqual([data.valid.size, 2]);
    expect(targets.shape).toEqual([data.valid.size]);
    const acc = tf.tidy(
      () => tf.mean(tf.cast(tf.equal(tf.argMax(preds, 1), targets), 'float32')).dataSync()[0]!,
    );
    expect(acc).toBeCloseTo(v.metrics.accuracy!, 6);
    const rowSums = tf.tidy(() => Array.from(tf.sum(preds, 1).dataSync()));
    for (const s of rowSums) expect(s).toBeCloseTo(1, 5);
    const raw = await learn.getPreds({ activation: 'none' });
    const ce = tf.tidy(() => crossEntropy(raw.preds, raw.targets).dataSync()[0]!);
    expect(ce).toBeCloseTo(v.loss, 4);
    tf.dispose([raw.preds, raw.targets]);
    tf.dispose([preds, targets]);

    const first = data.valid.batches()[Symbol.iterator]().next().value!;
    const many = await learn.predict(first.x as tf.Tensor4D);
    expect(many).toHaveLength(first.x.shape[0]!);
    const one = tf.tidy(
      () => tf.squeeze(tf.slice(first.x, [0, 0, 0, 0], [1, -1, -1, -1]), [0]) as tf.Tensor3D,
    );
    const p = await learn.predict(one);
    expect(p.index).toBe(many[0]!.index);
    expect(p.label).toBe(data.classes[p.index]);
    p.probs.forEach((q, j) => {
      expect(q).toBeCloseTo(many[0]!.probs[j]!, 6);
    });
    tf.dispose([one, first.x, first.y]);
    expect(model.training).toBe(true);
    expect(tf.memory().numTensors).toBe(before);
    await expect(learn.predict(tf.zeros([2]) as never)).rejects.toThrow(/predict: x must be a tensor/);
    learn.dispose();
    model.dispose();
  });
});

describe('freeze / unfreeze', () => {
  it('freeze trains only the last layer group (batch norm stays trainable); unfreeze trains all', async () => {
    const model = seedModel(2, true).split([2]);
    const learn = new Learner(data, model);
    const groups = learn.layerGroups();
    const values = (ps: readonly { variable: tf.Variable }[]) =>
      ps.map((p) => Array.from(p.variable.dataSync()));
    learn.freeze();
    const g0 = groups[0]!;
    const norm0 = g0.filter((p) => p.kind === 'norm');
    const rest0 = g0.filter((p) => p.kind !== 'norm');
    expect(norm0.length).toBeGreaterThan(0);
    expect(rest0.every((p) => !p.variable.trainable)).toBe(true);
    expect(norm0.every((p) => p.variable.trainable)).toBe(true);
    const frozen = values(rest0);
    const bn = values(norm0);
    const head = values(groups[1]!);
    await learn.fit(1, 1e-2);
    expect(values(rest0)).toEqual(frozen);
    expect(values(norm0)).not.toEqual(bn);
    expect(values(groups[1]!)).not.toEqual(head);
    learn.unfreeze();
    expect(g0.every((p) => p.variable.trainable)).toBe(true);
    await learn.fit(1, 1e-2);
    expect(values(rest0)).not.toEqual(frozen);
    learn.dispose();
    model.dispose();
  });

  it('trainBn: false freezes batch norm too; all groups frozen is an error', async () => {
    const model = seedModel(2, true).split([2]);
    const learn = new Learner(data, model, { trainBn: false });
    learn.freeze();
    expect(learn.layerGroups()[0]!.every((p) => !p.variable.trainable)).toBe(true);
    learn.freezeTo(2);
    await expect(learn.fit(1, 1e-3)).rejects.toThrow(/no trainable parameters/);
    learn.unfreeze();
    learn.dispose();
    model.dispose();
  });
});
