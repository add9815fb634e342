import { describe, expect, it } from 'vitest';
import {
  CALLBACK_EVENTS,
  type Callback,
  runTrainingLoop,
  SmoothLoss,
  type TrainState,
} from '../src/index.js';
import { QuadraticHost } from './fake-host.js';

function eventLog(log: string[], filter?: (s: TrainState) => boolean): Callback {
  const cb: Record<string, unknown> = { name: 'log' };
  for (const e of CALLBACK_EVENTS) {
    cb[e] = (s: TrainState) => {
      if (!filter || filter(s)) log.push(`${e}:${s.epoch}:${s.numBatch}:${s.iteration}`);
    };
  }
  return cb as Callback;
}

describe('runTrainingLoop', () => {
  it('fires the events in the documented order, with counters', async () => {
    const host = new QuadraticHost();
    const log: string[] = [];
    const res = await runTrainingLoop({
      host,
      nEpochs: 2,
      nBatches: 2,
      callbacks: [eventLog(log)],
      forwardBackward: (b, s) => {
        log.push(`fb:${b}:${s.iteration}`);
        return host.forwardBackward();
      },
      step: () => {
        log.push('step');
        host.step();
      },
      endBatch: (b) => void log.push(`end:${b}`),
      validate: () => {
        log.push('validate');
        return { loss: 0.5, metrics: { accuracy: 0.9 } };
      },
    });
    const batch = (e: number, b: number, it: number) => [
      `onBatchBegin:${e}:${b}:${it}`,
      `onLossBegin:${e}:${b}:${it}`,
      `fb:${b}:${it}`,
      `onBackwardBegin:${e}:${b}:${it}`,
      `onBackwardEnd:${e}:${b}:${it}`,
      'step',
      `onStepEnd:${e}:${b}:${it}`,
      `end:${b}`,
      `onBatchEnd:${e}:${b}:${it}`,
    ];
    expect(log).toEqual([
      'onTrainBegin:0:0:0',
      'onEpochBegin:0:0:0',
      ...batch(0, 0, 0),
      ...batch(0, 1, 1),
      'validate',
      'onEpochEnd:0:1:2',
      'onEpochBegin:1:0:2',
      ...batch(1, 0, 2),
      ...batch(1, 1, 3),
      'validate',
      'onEpochEnd:1:1:4',
      'onTrainEnd:1:1:4',
    ]);
    expect(res).toMatchObject({ epochsRun: 2, iterations: 4, stoppedEarly: false });
    expect(res.stopReason).toBeUndefined();
    expect(res.state.validLoss).toBe(0.5);
    expect(res.state.metrics).toEqual({ accuracy: 0.9 });
  });

  it('sets lastLoss, smoothLoss and the epoch mean trainLoss, and trains the model', async () => {
    const host = new QuadraticHost(3, 1);
    host.opt.set('lr', 0.1);
    const seen: { last: number; smooth: number; mean: number }[] = [];
    const losses: number[] = [];
    await runTrainingLoop({
      host,
      nEpochs: 2,
      nBatches: 3,
      forwardBackward: () => {
        const l = host.forwardBackward();
        losses.push(l);
        return l;
      },
      step: host.step,
      callbacks: [
        {
          onBackwardBegin: (s) =>
            void seen.push({ last: s.lastLoss, smooth: s.smoothLoss, mean: s.trainLoss }),
        },
      ],
    });
    const sm = new SmoothLoss();
    losses.forEach((l, i) => {
      expect(seen[i]!.last).toBe(l);
      expect(seen[i]!.smooth).toBeCloseTo(sm.add(l), 12);
    });
    // the mean restarts every epoch
    expect(seen[4]!.mean).toBeCloseTo((losses[3]! + losses[4]!) / 2, 12);
    // SGD with lr 0.1 on (w-1)^2: w ← w − 0.2(w−1), so the distance shrinks by 0.8 per step
    expect(host.w - 1).toBeCloseTo(2 * 0.8 ** 6, 12);
  });

  it('honours skipStep, stopEpoch and skipValidate', async () => {
    const host = new QuadraticHost(3, 1);
    host.opt.set('lr', 0.1);
    let validations = 0;
    const res = await runTrainingLoop({
      host,
      nEpochs: 2,
      nBatches: 4,
      forwardBackward: host.forwardBackward,
      step: host.step,
      validate: () => {
        validations++;
        return { loss: 1 };
      },
      callbacks: [
        {
          onBackwardEnd: (s) => {
            s.skipStep = true;
          },
          onBatchEnd: (s) => {
            if (s.numBatch === 1) s.stopEpoch = true;
          },
          onEpochBegin: (s) => {
            s.skipValidate = s.epoch === 0;
          },
        },
      ],
    });
    expect(host.w).toBe(3);
    expect(res.iterations).toBe(4);
    expect(validations).toBe(1);
    expect(res.stoppedEarly).toBe(false);
  });

  it('stops training after the current batch, still validates, reports the reason', async () => {
    const host = new QuadraticHost();
    const log: string[] = [];
    let validated = false;
    const res = await runTrainingLoop({
      host,
      nEpochs: 3,
      nBatches: 5,
      forwardBackward: host.forwardBackward,
      validate: () => {
        validated = true;
        return { loss: 2 };
      },
      callbacks: [
        eventLog(log),
        {
          onBatchEnd: (s) => {
            if (s.iteration === 6) {
              s.stopTraining = true;
              s.stopReason = 'enough';
            }
          },
        },
      ],
    });
    expect(res).toMatchObject({ epochsRun: 2, iterations: 7, stoppedEarly: true, stopReason: 'enough' });
    expect(validated).toBe(true);
    expect(log.slice(-3)).toEqual(['onBatchEnd:1:1:6', 'onEpochEnd:1:1:7', 'onTrainEnd:1:1:7']);
  });

  it('on an error: cleans up the batch, fires onTrainEnd with state.error, rethrows', async () => {
    const host = new QuadraticHost();
    const ended: unknown[] = [];
    const cleaned: number[] = [];
    let returned = false;
    function* batches() {
      try {
        for (let i = 0; i < 10; i++) yield i;
      } finally {
        returned = true;
      }
    }
    const err = new Error('step failed');
    await expect(
      runTrainingLoop({
        host,
        nEpochs: 1,
        nBatches: 10,
        batches,
        forwardBackward: (b) => {
          if (b === 3) throw err;
          return 1;
        },
        endBatch: (b) => void cleaned.push(b),
        callbacks: [{ onTrainEnd: (s) => void ended.push(s.error) }],
      }),
    ).rejects.toBe(err);
    expect(ended).toEqual([err]);
    expect(cleaned).toEqual([0, 1, 2, 3]);
    expect(returned).toBe(true);
  });

  it('keeps the first error when onTrainEnd throws as well', async () => {
    const host = new QuadraticHost();
    await expect(
      runTrainingLoop({
        host,
        nEpochs: 1,
        nBatches: 2,
        forwardBackward: () => {
          throw new Error('first');
        },
        callbacks: [
          {
            onTrainEnd: () => {
              throw new Error('second');
            },
          },
        ],
      }),
    ).rejects.toThrow('first');
  });

  it('resumes at startEpoch with iteration = startEpoch·nBatches', async () => {
    const host = new QuadraticHost();
    const its: number[] = [];
    const res = await runTrainingLoop({
      host,
      nEpochs: 3,
      nBatches: 2,
      startEpoch: 2,
      forwardBackward: host.forwardBackward,
      callbacks: [{ onBatchBegin: (s) => void its.push(s.iteration) }],
    });
    expect(its).toEqual([4, 5]);
    expect(res.iterations).toBe(2);
    expect(res.epochsRun).toBe(1);
  });

  it('validates its options and the hooks results', async () => {
    const host = new QuadraticHost();
    await expect(runTrainingLoop({ host, nEpochs: 1, nBatches: 1 } as never)).rejects.toThrow(
      /forwardBackward/,
    );
    await expect(
      runTrainingLoop({ host, nEpochs: 1, nBatches: 1, forwardBackward: () => 'x' as never }),
    ).rejects.toThrow(/must return a number/);
    await expect(
      runTrainingLoop({ host, nEpochs: 1, nBatches: 1, forwardBackward: () => 1, startEpoch: -1 }),
    ).rejects.toThrow(/startEpoch/);
  });
});
