import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Callback } from '@onecycle/callbacks';
import { loadWeights } from '@onecycle/models/node';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { accuracy, adam, Learner, readCheckpointMeta, sgd } from '../src/index.js';
import { seedModel, setup } from './helpers/fixtures.js';

let data: Awaited<ReturnType<typeof setup>>;
const dir = mkdtempSync(join(tmpdir(), 'onecycle-learner-ckpt-'));
let reference: { losses: number[]; smooth: number[]; lrs: number[]; moms: number[]; valid: number[] };

const stopAt = (iteration: number): Callback => ({
  onBatchEnd: (s) => {
    if (s.iteration === iteration) s.stopTraining = true;
  },
});

beforeAll(async () => {
  data = await setup();
  // The uninterrupted run every resumed run is compared with (batch norm on: buffers matter too).
  const model = seedModel(5, true);
  const learn = new Learner(data, model, { metrics: [accuracy] });
  await learn.fitOneCycle(2, 5e-2);
  const r = learn.recorder;
  reference = { losses: r.losses, smooth: r.smoothLosses, lrs: r.lrs, moms: r.moms, valid: r.validLosses };
  learn.dispose();
  model.dispose();
});

afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

async function resumeFrom(path: string) {
  const model = seedModel(99, true); // different initial weights: everything must come from the file
  const learn = new Learner(data, model, { metrics: [accuracy] });
  await learn.load(path);
  const done = learn.runPosition!.iteration;
  const result = await learn.fitOneCycle(2, 5e-2);
  expect(result.iterations).toBe(2 * data.train.length - done);
  expect(learn.runPosition?.finished).toBe(true);
  const r = learn.recorder;
  const out = { losses: r.losses, smooth: r.smoothLosses, lrs: r.lrs, moms: r.moms, valid: r.validLosses };
  learn.dispose();
  model.dispose();
  return out;
}

describe('save → load → continue', () => {
  it('mid-epoch: the resumed fitOneCycle gives the same next losses as the uninterrupted run', async () => {
    const model = seedModel(5, true);
    const learn = new Learner(data, model, { metrics: [accuracy] });
    const r = await learn.fitOneCycle(2, 5e-2, { callbacks: [stopAt(5)] });
    expect(r.stoppedEarly).toBe(true);
    expect(learn.runPosition).toMatchObject({ epoch: 0, batch: 6, iteration: 6, finished: false });
    const path = join(dir, 'mid-epoch.safetensors');
    await learn.save(path);
    learn.dispose();
    model.dispose();

    const resumed = await resumeFrom(path);
    expect(resumed.losses).toEqual(reference.losses.slice(6));
    expect(resumed.smooth).toEqual(reference.smooth.slice(6));
    expect(resumed.lrs).toEqual(reference.lrs.slice(6));
    expect(resumed.moms).toEqual(reference.moms.slice(6));
    expect(resumed.valid.at(-1)).toBe(reference.valid.at(-1));
  });

  it('also with the tensor engine of the optimizer (state saved from tensors)', async () => {
    const optFunc = adam({ betas: [0.9, 0.99], engine: 'tensor' });
    const run = async (stop?: number, path?: string) => {
      const model = seedModel(5, true);
      const learn = new Learner(data, model, { optFunc });
      if (path && stop === undefined) await learn.load(path);
      await learn.fitOneCycle(1, 5e-2, { callbacks: stop === undefined ? [] : [stopAt(stop)] });
      if (path && stop !== undefined) await learn.save(path);
      const losses = learn.recorder.losses;
      learn.dispose();
      model.dispose();
      return losses;
    };
    const full = await run();
    const path = join(dir, 'tensor-engine.safetensors');
    await run(2, path);
    expect(await run(undefined, path)).toEqual(full.slice(3));
  });

  it('at an epoch boundary, and from a save made inside a callback while the run goes on', async () => {
    const model = seedModel(5, true);
    const learn = new Learner(data, model, { metrics: [accuracy] });
    const inRun = join(dir, 'in-run.safetensors');
    await learn.fitOneCycle(2, 5e-2, {
      callbacks: [
        {
          onBatchEnd: async (s) => {
            if (s.iteration === 2) await learn.save(inRun);
          },
        },
        stopAt(data.train.length - 1),
      ],
    });
    expect(learn.runPosition).toMatchObject({ epoch: 1, batch: 0, iteration: data.train.length });
    const boundary = join(dir, 'boundary.safetensors');
    await learn.save(boundary);
    learn.dispose();
    model.dispose();

    const fromBoundary = await resumeFrom(boundary);
    expect(fromBoundary.losses).toEqual(reference.losses.slice(data.train.length));
    const fromInRun = await resumeFrom(inRun);
    expect(fromInRun.losses).toEqual(reference.losses.slice(3));
    expect(fromInRun.valid).toEqual(reference.valid);
  });

  it('resumes only a run with the same arguments; resume: true insists, resume: false starts over', async () => {
    const model = seedModel(5, true);
    const learn = new Learner(data, model);
    await learn.fitOneCycle(2, 5e-2, { callbacks: [stopAt(1)] });
    const path = join(dir, 'args.safetensors');
    await learn.save(path);
    await learn.load(path);
    await expect(learn.fitOneCycle(2, 1e-2, { resume: true })).rejects.toThrow(
      /resume: the unfinished run was/,
    );
    await learn.load(path);
    await learn.fitOneCycle(1, 1e-2);
    expect(learn.recorder.losses).toHaveLength(data.train.length); // a fresh run, not a continuation
    await learn.load(path);
    await learn.fitOneCycle(2, 5e-2, { resume: false });
    expect(learn.recorder.losses).toHaveLength(2 * data.train.length);
    await expect(learn.fitOneCycle(2, 5e-2, { resume: true })).rejects.toThrow(/no unfinished run/);
    learn.dispose();
    model.dispose();
  });

  it('writes atomically one safetensors file whose weights load as plain PyTorch-layout weights', async () => {
    const model = seedModel(5, true);
    const learn = new Learner(data, model);
    await learn.fit(1, 1e-3);
    const path = join(dir, 'sub', 'plain.safetensors');
    await learn.save(path);
    await learn.save(path); // overwrite
    expect(readdirSync(join(dir, 'sub'))).toEqual(['plain.safetensors']);
    const copy = seedModel(7, true);
    await loadWeights(copy, path, { strict: false });
    const a = model.parameters().map((p) => Array.from(p.variable.dataSync()));
    expect(copy.parameters().map((p) => Array.from(p.variable.dataSync()))).toEqual(a);
    await expect(learn.load(join(dir, 'missing.safetensors'))).rejects.toThrow(
      /load: cannot read .*missing\.safetensors/,
    );
    learn.dispose();
    model.dispose();
    copy.dispose();
  });

  it('loadState checks the optimizer kind and the model before changing anything', async () => {
    const model = seedModel(5, true);
    const learn = new Learner(data, model);
    const bytes = learn.saveState();
    expect(readCheckpointMeta(bytes).optimizer.kind).toBe('adam');
    const same = seedModel(6, true);
    const sgdLearn = new Learner(data, same, { optFunc: sgd() });
    const w = same.parameters().map((p) => Array.from(p.variable.dataSync()));
    expect(() => sgdLearn.loadState(bytes, 'a.safetensors')).toThrow(
      /a\.safetensors: saved with a adam optimizer over 1 layer group\(s\); this learner has sgd over 1/,
    );
    expect(same.parameters().map((p) => Array.from(p.variable.dataSync()))).toEqual(w);
    sgdLearn.dispose();
    same.dispose();
    const other = seedModel(5, false);
    const learn2 = new Learner(data, other);
    expect(() => learn2.loadState(bytes, 'x.safetensors')).toThrow(/x\.safetensors/);
    const before = tf.memory().numTensors;
    expect(() => learn2.loadState(new Uint8Array(20), 'junk')).toThrow(/junk/);
    expect(tf.memory().numTensors).toBe(before);
    learn.dispose();
    learn2.dispose();
    model.dispose();
    other.dispose();
  });
});

describe('snapshot', () => {
  it('restores weights, batch-norm buffers and optimizer state bit-for-bit', async () => {
    const model = seedModel(5, true);
    const learn = new Learner(data, model);
    await learn.fit(1, 1e-3);
    const snap = await learn.host.snapshot();
    const state = () =>
      [...model.parameters(), ...model.buffers()].map((p) => Array.from(p.variable.dataSync()));
    const saved = state();
    await learn.fit(1, 1e-2);
    const first = learn.recorder.losses;
    expect(state()).not.toEqual(saved);
    await snap.restore();
    expect(state()).toEqual(saved);
    await learn.fit(1, 1e-2);
    expect(learn.recorder.losses).toEqual(first);
    await snap.restore();
    snap.dispose();
    expect(state()).toEqual(saved);
    learn.dispose();
    model.dispose();
  });
});
