import { describe, expect, it } from 'vitest';
import { type Callback, CallbackHandler, createTrainState } from '../src/index.js';
import { QuadraticHost } from './fake-host.js';

describe('CallbackHandler', () => {
  it('runs callbacks by ascending order, ties in insertion order', async () => {
    const calls: string[] = [];
    const mk = (name: string, order?: number): Callback => ({
      name,
      ...(order === undefined ? {} : { order }),
      onEpochEnd: () => {
        calls.push(name);
      },
    });
    const h = new CallbackHandler([mk('a'), mk('late', 10), mk('early', -5), mk('b')]);
    h.add(mk('c'), mk('first', -20));
    await h.fire('onEpochEnd', createTrainState(new QuadraticHost(), 1, 1));
    expect(calls).toEqual(['first', 'early', 'a', 'b', 'c', 'late']);
    expect(h.callbacks.map((c) => c.name)).toEqual(calls);
  });

  it('awaits each async handler before the next one and binds this', async () => {
    const calls: string[] = [];
    class Slow implements Callback {
      readonly name = 'slow';
      tag = 'slow-done';
      async onTrainBegin(): Promise<void> {
        await new Promise((r) => setTimeout(r, 10));
        calls.push(this.tag);
      }
    }
    const h = new CallbackHandler([new Slow(), { order: 1, onTrainBegin: () => void calls.push('next') }]);
    await h.fire('onTrainBegin', createTrainState(new QuadraticHost(), 1, 1));
    expect(calls).toEqual(['slow-done', 'next']);
  });

  it('removes callbacks and rejects bad input', async () => {
    const cb: Callback = { name: 'x', onBatchEnd: () => {} };
    const h = new CallbackHandler([cb]);
    expect(h.remove(cb)).toBe(true);
    expect(h.remove(cb)).toBe(false);
    expect(() => h.add(null as unknown as Callback)).toThrow(TypeError);
    expect(() => h.add({ onBatchEnd: 3 } as unknown as Callback)).toThrow(/onBatchEnd must be a function/);
    await expect(h.fire('onNothing' as never, createTrainState(new QuadraticHost(), 1, 1))).rejects.toThrow(
      RangeError,
    );
  });

  it('propagates an error thrown by a handler', async () => {
    const h = new CallbackHandler([
      {
        onBatchBegin: () => {
          throw new Error('boom');
        },
      },
    ]);
    await expect(h.fire('onBatchBegin', createTrainState(new QuadraticHost(), 1, 1))).rejects.toThrow('boom');
  });
});

describe('createTrainState', () => {
  it('starts counters at 0, losses at NaN and flags false', () => {
    const host = new QuadraticHost();
    const s = createTrainState(host, 3, 7);
    expect(s).toMatchObject({
      host,
      nEpochs: 3,
      nBatches: 7,
      epoch: 0,
      numBatch: 0,
      iteration: 0,
      train: true,
    });
    expect([s.lastLoss, s.smoothLoss, s.trainLoss, s.validLoss].every(Number.isNaN)).toBe(true);
    expect([s.stopTraining, s.stopEpoch, s.skipStep, s.skipValidate]).toEqual([false, false, false, false]);
    expect(s.metrics).toEqual({});
  });
  it('rejects bad sizes', () => {
    expect(() => createTrainState(new QuadraticHost(), -1, 1)).toThrow(/nEpochs/);
    expect(() => createTrainState(new QuadraticHost(), 1, 1.5)).toThrow(/nBatches/);
    expect(() => createTrainState({} as never, 1, 1)).toThrow(TypeError);
  });
});
