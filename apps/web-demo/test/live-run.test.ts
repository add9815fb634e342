import { createTrainState, type TrainingHost } from '@onecycle/callbacks';
import { describe, expect, it } from 'vitest';
import { type BatchEvent, type EpochEvent, LiveRun } from '../src/live-run.js';

const host: TrainingHost = {
  opt: {
    nGroups: 2,
    get: (name) => (name === 'lr' ? [0.001, 0.01] : [0.9, 0.95]),
    set: () => {},
  },
  snapshot: () => ({ restore: () => {}, dispose: () => {} }),
};

function setup(stop = () => false) {
  const batches: BatchEvent[] = [];
  const epochs: EpochEvent[] = [];
  let yields = 0;
  const live = new LiveRun(
    { onBatch: (e) => batches.push(e), onEpoch: (e) => epochs.push(e), shouldStop: stop },
    async () => {
      yields++;
    },
  );
  const cb = live.callback();
  const state = createTrainState(host, 1, 3);
  return { live, cb, state, batches, epochs, yields: () => yields };
}

describe('LiveRun', () => {
  it("reports each batch with the head group's lr and momentum, yields, and makes the results rows", async () => {
    const { live, cb, state, batches, epochs, yields } = setup();
    await cb.onEpochBegin?.(state);
    state.lastLoss = 0.5;
    await cb.onBatchEnd?.(state);
    Object.assign(state, { trainLoss: 0.5, validLoss: 0.4, metrics: { accuracy: 0.9 } });
    await cb.onEpochEnd?.(state);
    expect(batches).toHaveLength(1);
    expect(batches[0]).toMatchObject({ loss: 0.5, lr: 0.01, mom: 0.95, nBatches: 3 });
    expect(yields()).toBe(1);
    expect(epochs).toEqual(live.rows);
    expect(live.rows[0]).toMatchObject({ epoch: 0, trainLoss: 0.5, validLoss: 0.4, accuracy: 0.9 });
    expect(live.trainSeconds).toHaveLength(1);
    expect(() => live.throwIfNan()).not.toThrow();
  });

  it('stops on a NaN loss and says where', async () => {
    const { live, cb, state } = setup();
    state.iteration = 4;
    state.lastLoss = Number.NaN;
    await cb.onBatchEnd?.(state);
    expect(state.stopTraining).toBe(true);
    expect(() => live.throwIfNan()).toThrow(/NaN at batch 5 \(lr 1\.00e-2\)/);
  });

  it('stops when the page asks', async () => {
    const { cb, state } = setup(() => true);
    state.lastLoss = 0.3;
    await cb.onBatchEnd?.(state);
    expect(state.stopTraining).toBe(true);
  });
});
