import { describe, expect, it } from 'vitest';
import {
  EarlyStopping,
  formatStat,
  formatTime,
  Monitor,
  ProgressReporter,
  ResultsTable,
  runTrainingLoop,
  SaveBestModel,
  TerminateOnNaN,
  type TrainState,
} from '../src/index.js';
import { QuadraticHost } from './fake-host.js';

/** Runs epochs whose validation results come from a list. */
async function runWithValidation(
  valid: { loss: number; metrics?: Record<string, number> }[],
  callbacks: object[],
  nBatches = 2,
) {
  const host = new QuadraticHost();
  return runTrainingLoop({
    host,
    nEpochs: valid.length,
    nBatches,
    forwardBackward: host.forwardBackward,
    validate: (s) => valid[s.epoch]!,
    callbacks: callbacks as never,
  });
}

describe('TerminateOnNaN', () => {
  it('stops at the first NaN loss, skips its step and validation, and says where', async () => {
    const host = new QuadraticHost(3, 1);
    host.opt.set('lr', 0.5);
    let steps = 0;
    let validations = 0;
    const cb = new TerminateOnNaN();
    const res = await runTrainingLoop({
      host,
      nEpochs: 3,
      nBatches: 10,
      forwardBackward: (_b, s) => (s.iteration === 13 ? Number.NaN : 1),
      step: () => void steps++,
      validate: () => {
        validations++;
        return { loss: 1 };
      },
      callbacks: [cb],
    });
    expect(res.stopReason).toBe('loss became NaN at iteration 13 (epoch 1, batch 3) with lr 0.5');
    expect(cb.message).toBe(res.stopReason);
    expect(cb.stoppedAt).toEqual({ epoch: 1, batch: 3, iteration: 13, loss: Number.NaN });
    expect(steps).toBe(13);
    expect(validations).toBe(1);
    expect(res.iterations).toBe(14);
    expect(res.stoppedEarly).toBe(true);
  });
  it('also stops on an infinite loss and lists per-group lrs', async () => {
    const host = new QuadraticHost(3, 1, 2);
    host.opt.set('lr', [0.001, 0.01]);
    const res = await runTrainingLoop({
      host,
      nEpochs: 1,
      nBatches: 3,
      forwardBackward: () => Number.POSITIVE_INFINITY,
      callbacks: [new TerminateOnNaN()],
    });
    expect(res.stopReason).toBe(
      'loss became Infinity at iteration 0 (epoch 0, batch 0) with lr [0.001, 0.01]',
    );
  });
});

describe('Monitor', () => {
  it('guesses the mode from the name and reads values', () => {
    expect(new Monitor().mode).toBe('min');
    expect(new Monitor({ monitor: 'error_rate' }).mode).toBe('min');
    expect(new Monitor({ monitor: 'accuracy' }).mode).toBe('max');
    expect(new Monitor({ monitor: 'accuracy', mode: 'min' }).mode).toBe('min');
    expect(() => new Monitor({ mode: 'up' as never })).toThrow(/mode/);
    expect(() => new Monitor({ minDelta: Number.NaN })).toThrow(/minDelta/);
    const m = new Monitor({ monitor: 'f1' });
    const state = { metrics: { accuracy: 1 }, skipValidate: false } as unknown as TrainState;
    expect(() => m.read(state)).toThrow(/"f1" is not a metric of this run; .* accuracy/);
  });
  it('counts only improvements larger than minDelta', () => {
    const m = new Monitor({ minDelta: 0.1 });
    expect(m.isImprovement(5)).toBe(true);
    m.best = 1;
    expect(m.isImprovement(0.95)).toBe(false);
    expect(m.isImprovement(0.85)).toBe(true);
    expect(m.isImprovement(Number.NaN)).toBe(false);
  });
});

describe('EarlyStopping', () => {
  it('stops after patience epochs without improvement (fastai v1 counting)', async () => {
    const early = new EarlyStopping({ patience: 1 });
    const res = await runWithValidation(
      [{ loss: 1 }, { loss: 0.5 }, { loss: 0.6 }, { loss: 0.55 }, { loss: 0.1 }],
      [early],
    );
    expect(early.stoppedEpoch).toBe(3);
    expect(res.epochsRun).toBe(4);
    expect(res.stopReason).toBe(
      'early stopping at epoch 3: validLoss did not improve for 2 epochs (best 0.5 at epoch 1)',
    );
  });
  it('watches a metric in max mode with minDelta', async () => {
    const early = new EarlyStopping({ monitor: 'accuracy', minDelta: 0.01 });
    const res = await runWithValidation(
      [0.9, 0.95, 0.955, 0.99].map((a) => ({ loss: 1, metrics: { accuracy: a } })),
      [early],
    );
    expect(early.stoppedEpoch).toBe(2);
    expect(res.epochsRun).toBe(3);
  });
  it('ignores epochs without validation and rejects a bad patience', async () => {
    const early = new EarlyStopping();
    const res = await runWithValidation(
      [{ loss: 1 }, { loss: 2 }, { loss: 3 }],
      [early, { onEpochBegin: (s: TrainState) => void Object.assign(s, { skipValidate: s.epoch > 0 }) }],
    );
    expect(res.epochsRun).toBe(3);
    expect(early.stoppedEpoch).toBeUndefined();
    expect(() => new EarlyStopping({ patience: -1 })).toThrow(/patience/);
  });
});

describe('SaveBestModel', () => {
  it('saves on improvement and loads the best back at the end', async () => {
    const saved: [number, number][] = [];
    const loaded: number[] = [];
    const best = new SaveBestModel({
      save: (s, v) => void saved.push([s.epoch, v]),
      loadBest: (s) => void loaded.push(s.epoch),
    });
    await runWithValidation([{ loss: 1 }, { loss: 0.5 }, { loss: 0.7 }, { loss: 0.4 }], [best]);
    expect(saved).toEqual([
      [0, 1],
      [1, 0.5],
      [3, 0.4],
    ]);
    expect(loaded).toEqual([3]);
    expect(best.tracker.bestEpoch).toBe(3);
  });
  it('saves every epoch when asked, awaits async savers, not loading after an error', async () => {
    const order: string[] = [];
    const best = new SaveBestModel({
      every: 'epoch',
      monitor: 'accuracy',
      save: async (s) => {
        await new Promise((r) => setTimeout(r, 2));
        order.push(`save${s.epoch}`);
      },
      loadBest: () => void order.push('load'),
    });
    await runWithValidation(
      [1, 0.5].map((a) => ({ loss: 1, metrics: { accuracy: a } })),
      [best, { order: 10, onEpochEnd: (s: TrainState) => void order.push(`after${s.epoch}`) }],
    );
    expect(order).toEqual(['save0', 'after0', 'save1', 'after1', 'load']);
    order.length = 0;
    const host = new QuadraticHost();
    await expect(
      runTrainingLoop({
        host,
        nEpochs: 2,
        nBatches: 1,
        forwardBackward: (_b, s) => {
          if (s.epoch === 1) throw new Error('x');
          return 1;
        },
        validate: () => ({ loss: 1, metrics: { accuracy: 1 } }),
        callbacks: [best],
      }),
    ).rejects.toThrow('x');
    expect(order).toEqual(['save0']);
    expect(() => new SaveBestModel({} as never)).toThrow(/options.save/);
  });
});

describe('format helpers', () => {
  it('formats time and stats like fastai', () => {
    expect(formatTime(0)).toBe('00:00');
    expect(formatTime(65.9)).toBe('01:05');
    expect(formatTime(3725)).toBe('1:02:05');
    expect(formatTime(Number.NaN)).toBe('--:--');
    expect(formatStat(0.12345678)).toBe('0.123457');
    expect(formatStat(3)).toBe('3');
    expect(formatStat(Number.NaN)).toBe('#na#');
  });
  it('pads the table like fastprogress', () => {
    const t = new ResultsTable(['epoch', 'train_loss', 'valid_loss', 'accuracy', 'time']);
    expect(t.header()).toBe('epoch     train_loss  valid_loss  accuracy  time    ');
    expect(t.row([0, 0.2, 0.1, 0.97, '00:03'])).toBe(
      '0         0.200000    0.100000    0.970000  00:03     ',
    );
    expect(() => t.row([1])).toThrow(/expected 5 values/);
  });
  it('keeps every column where its header starts, whatever the values (large losses, --lr 10)', () => {
    const t = new ResultsTable(['epoch', 'train_loss', 'valid_loss', 'accuracy', 'time']);
    const header = t.header();
    const starts = ['epoch', 'train_loss', 'valid_loss', 'accuracy', 'time'].map((n) => header.indexOf(n));
    for (const values of [
      [1, 1234567.891234, 98765.4321, 0.5, '00:01'],
      [12345, 3.5e12, Number.POSITIVE_INFINITY, '1.000000', '1:02:05'],
      [2, -4321.123456, -0.000001, 123.456789, '00:03'],
    ]) {
      const row = t.row(values);
      const cellStarts = [...row.matchAll(/(?<=^|\s)\S/g)].map((m) => m.index);
      expect(cellStarts, row).toEqual(starts);
      const cells = row.trim().split(/\s+/).slice(1, 4).map(Number);
      // Shortened, not changed: each number keeps its value to the digits shown.
      cells.forEach((c, i) => {
        const v = Number(values[i + 1]);
        if (Number.isFinite(v)) expect(Math.abs(c - v) / Math.max(Math.abs(v), 1e-6)).toBeLessThan(1e-3);
      });
    }
  });
});

describe('ProgressReporter', () => {
  it('prints the header and one row per epoch (plain stream)', async () => {
    let t = 0;
    const out: string[] = [];
    const rep = new ProgressReporter({
      write: (s) => out.push(s),
      isTTY: false,
      now: () => {
        t += 1000;
        return t;
      },
    });
    await runWithValidation(
      [
        { loss: 0.5, metrics: { accuracy: 0.9 } },
        { loss: 0.25, metrics: { accuracy: 1 } },
      ],
      [rep],
    );
    const text = out.join('');
    const lines = text.split('\n');
    expect(lines[0]).toBe('epoch     train_loss  valid_loss  accuracy  time    ');
    expect(lines[1]).toMatch(/^1 {9}4\.000000 {4}0\.500000 {4}0\.900000 {2}00:01 {5}$/);
    expect(lines[2]).toMatch(/^2 {9}4\.000000 {4}0\.250000 {4}1\.000000 {2}00:01/);
    expect(text).not.toContain('\r');
  });
  it('draws a bar in place on a TTY, clears it, and prints a stop reason', async () => {
    let t = 0;
    const out: string[] = [];
    const rep = new ProgressReporter({
      write: (s) => out.push(s),
      isTTY: true,
      minIntervalMs: 0,
      barWidth: 10,
      now: () => {
        t += 500;
        return t;
      },
    });
    const host = new QuadraticHost();
    await runTrainingLoop({
      host,
      nEpochs: 1,
      nBatches: 4,
      forwardBackward: (_b, s) => (s.iteration === 3 ? Number.NaN : 1),
      callbacks: [rep, new TerminateOnNaN()],
    });
    const bars = out.filter((s) => s.startsWith('\r') && s.includes('%'));
    expect(bars).toHaveLength(4);
    expect(bars[1]).toBe('\r█████----- 50.00% [2/4 00:01<00:01 1.0000]');
    expect(out).toContain('\r\x1b[2K');
    const rows = out.join('').split('\n');
    expect(rows.some((r) => r.includes('#na#'))).toBe(true);
    expect(out.at(-1)).toBe('loss became NaN at iteration 3 (epoch 0, batch 3) with lr 0.01\n');
  });
  it('keeps every metric column when the first epoch ends without validation (#na#, as fastai)', async () => {
    const out: string[] = [];
    const rep = new ProgressReporter({ write: (s) => out.push(s), isTTY: false, metrics: ['accuracy'] });
    const host = new QuadraticHost();
    await runTrainingLoop({
      host,
      nEpochs: 2,
      nBatches: 4,
      forwardBackward: host.forwardBackward,
      validate: () => ({ loss: 0.5, metrics: { accuracy: 0.75 } }),
      // Stopped during epoch 1, as a signal does: the epoch's validation is skipped.
      callbacks: [
        rep,
        { onBatchEnd: (s: TrainState) => void Object.assign(s, { stopTraining: true, skipValidate: true }) },
      ],
    });
    const lines = out.join('').split('\n');
    expect(lines[0]).toBe('epoch     train_loss  valid_loss  accuracy  time    ');
    expect(lines[1]).toMatch(/^1 {9}\d\.\d{6} {4}#na# {8}#na# {6}\d\d:\d\d/);
  });
  it('computes the bar text and validates options', () => {
    const rep = new ProgressReporter({ write: () => {}, barWidth: 30 });
    expect(rep.bar(15, 30, 2, 0.25)).toBe('███████████████--------------- 50.00% [15/30 00:02<00:02 0.2500]');
    expect(() => new ProgressReporter({ barWidth: 0 })).toThrow(/barWidth/);
    expect(() => new ProgressReporter({ trainLoss: 'x' as never })).toThrow(/trainLoss/);
  });
});
