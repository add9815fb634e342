import { decodeSafetensors, encodeSafetensors, type SafetensorsTensor } from '@onecycle/models';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { CHECKPOINT_METADATA_KEY, type CheckpointMeta, Learner } from '../src/index.js';
import { seedModel, setup } from './helpers/fixtures.js';

let data: Awaited<ReturnType<typeof setup>>;
let good: Uint8Array;

beforeAll(async () => {
  data = await setup();
  // A real checkpoint of an unfinished run, with Adam moments and batch-norm buffers.
  const model = seedModel(5, true);
  const learn = new Learner(data, model);
  await learn.fitOneCycle(1, 5e-2, {
    callbacks: [
      {
        onBatchEnd: (s) => {
          if (s.iteration === 2) s.stopTraining = true;
        },
      },
    ],
  });
  good = learn.saveState();
  learn.dispose();
  model.dispose();
});

/** `good` with its tensors and description edited. */
function edited(edit: (tensors: Map<string, SafetensorsTensor>, meta: CheckpointMeta) => void): Uint8Array {
  const { tensors, metadata } = decodeSafetensors(good);
  const copy = new Map(tensors);
  const meta = JSON.parse(metadata[CHECKPOINT_METADATA_KEY]!) as CheckpointMeta;
  edit(copy, meta);
  return encodeSafetensors(copy, { [CHECKPOINT_METADATA_KEY]: JSON.stringify(meta) });
}

const firstOptKey = (meta: CheckpointMeta): [string, string] => {
  const name = Object.keys(meta.optimizer.keys).find((n) => (meta.optimizer.keys[n] ?? []).length > 0)!;
  return [name, meta.optimizer.keys[name]![0]!];
};

describe('loadState is atomic: a checkpoint with good weights but a bad other part changes nothing', () => {
  it.each([
    [
      'an optimizer tensor of the wrong shape',
      () =>
        edited((t, meta) => {
          const [name, key] = firstOptKey(meta);
          t.set(`optimizer.${name}.${key}`, { dtype: 'F32', shape: [3], data: new Float32Array(3) });
        }),
      /has shape \[3\]/,
    ],
    [
      'optimizer state for an unknown parameter',
      () =>
        edited((t, meta) => {
          const [name, key] = firstOptKey(meta);
          meta.optimizer.steps['no.such.weight'] = 1;
          meta.optimizer.keys['no.such.weight'] = [key];
          t.set(`optimizer.no.such.weight.${key}`, t.get(`optimizer.${name}.${key}`)!);
        }),
      /unknown parameter no\.such\.weight/,
    ],
    [
      'a hyperparameter out of range',
      () =>
        edited((_t, meta) => {
          meta.optimizer.hypers[0]!.mom = 1.5;
        }),
      /mom must be in \[0, 1\), got 1\.5/,
    ],
    [
      'a run position that is not one',
      () =>
        edited((_t, meta) => {
          (meta.run as unknown as Record<string, unknown>).epoch = 'two';
        }),
      /run position.*epoch/,
    ],
  ])('%s', (_what, make, message) => {
    const bytes = make();
    const model = seedModel(99, true);
    const learn = new Learner(data, model);
    const before = learn.saveState();
    const position = learn.runPosition;
    const tensors = tf.memory().numTensors;
    expect(() => learn.loadState(bytes, 'bad.st')).toThrow(message);
    expect(() => learn.loadState(bytes, 'bad.st')).toThrow(/bad\.st/);
    // Weights, batch-norm buffers, optimizer state and run position bit-for-bit as before.
    expect(Buffer.from(learn.saveState()).equals(Buffer.from(before))).toBe(true);
    expect(learn.runPosition).toBe(position);
    expect(tf.memory().numTensors).toBe(tensors);
    // The good checkpoint still loads into the same learner.
    learn.loadState(good, 'good.st');
    expect(Buffer.from(learn.saveState()).equals(Buffer.from(good))).toBe(true);
    learn.dispose();
    model.dispose();
  });
});
