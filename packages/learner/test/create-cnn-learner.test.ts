import { loadMnist8Body } from '@onecycle/backbone-mnist8';
import type { Sequential } from '@onecycle/models';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { accuracy, createCnnLearner } from '../src/index.js';
import { setup } from './helpers/fixtures.js';

let data: Awaited<ReturnType<typeof setup>>;
beforeAll(async () => {
  data = await setup();
});

describe("createCnnLearner: fastai's cnn_learner", () => {
  it('puts a new head for the data’s classes on the pretrained body, frozen, in three layer groups', async () => {
    const learn = await createCnnLearner(data, 'mnist8-cnn', { metrics: [accuracy], seed: 0 });
    const model = learn.model as Sequential;
    expect(learn.layerGroups()).toHaveLength(3);
    const logits = tf.tidy(() => model.eval().forward(tf.zeros([3, 28, 28, 3])));
    expect(logits.shape).toEqual([3, data.c]);
    logits.dispose();
    // The body holds the shipped weights, name by name.
    const body = await loadMnist8Body();
    const shipped = new Map(body.parameters().map((p) => [p.name, p.variable.dataSync()]));
    for (const p of model.parameters().filter((q) => shipped.has(q.name))) {
      expect(p.variable.dataSync()).toEqual(shipped.get(p.name));
    }
    expect(shipped.size).toBe(body.parameters().length);
    // Frozen: only the head and batch norm train.
    const trainable = learn
      .layerGroups()
      .map((g) => g.filter((p) => p.variable.trainable).map((p) => p.kind));
    expect(trainable[0]!.every((k) => k === 'norm')).toBe(true);
    expect(trainable[2]!.length).toBe(2);
    const before = learn
      .layerGroups()[0]!
      .find((p) => p.kind === 'weight')!
      .variable.dataSync()
      .slice();
    await learn.fit(1, 1e-3);
    expect(
      learn
        .layerGroups()[0]!
        .find((p) => p.kind === 'weight')!
        .variable.dataSync(),
    ).toEqual(before);
    learn.dispose();
    model.dispose();
    body.dispose();
  });

  it('pretrained: false gives the same network with random weights, not frozen; unknown names are errors', async () => {
    const learn = await createCnnLearner(data, 'mnist8-cnn', { pretrained: false, seed: 1 });
    const body = await loadMnist8Body();
    const w = learn.layerGroups()[0]![0]!;
    expect(w.variable.trainable).toBe(true);
    expect(w.variable.dataSync()).not.toEqual(body.parameters()[0]!.variable.dataSync());
    learn.dispose();
    (learn.model as Sequential).dispose();
    body.dispose();
    await expect(createCnnLearner(data, 'resnet50' as 'mnist8-cnn')).rejects.toThrow(
      /unknown arch "resnet50"; known: 'mnist8-cnn'/,
    );
  });
});
