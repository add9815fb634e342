import { Recorder, runTrainingLoop, SmoothLoss } from '@onecycle/callbacks';
import { describe, expect, it } from 'vitest';
import { LRFinder, type LRFinderOptions, lrFindEpochs, lrFinderSchedule } from '../src/index.js';
import { ToyHost } from './toy-host.js';

async function find(options: LRFinderOptions, host = new ToyHost(), nBatches = 7, extra: object[] = []) {
  const finder = new LRFinder(options);
  const recorder = new Recorder();
  let validations = 0;
  const res = await runTrainingLoop({
    host,
    nEpochs: lrFindEpochs(finder.numIt, nBatches) + 2,
    nBatches,
    forwardBackward: host.forwardBackward,
    step: host.step,
    validate: () => {
      validations++;
      return { loss: 0 };
    },
    callbacks: [recorder, finder, ...(extra as never[])],
  });
  return { finder, recorder, res, host, validations, result: finder.result() };
}

describe('lrFinderSchedule', () => {
  it('follows fastai: lr_i = start·(end/start)^(i/numIt) for i < numIt', () => {
    const s = lrFinderSchedule({ startLr: 1e-7, endLr: 10, numIt: 100 });
    expect(s.totalSteps).toBe(100);
    const lrs = Array.from({ length: 100 }, (_, i) => s.at(i));
    expect(lrs).toHaveLength(100);
    lrs.forEach((lr, i) => {
      expect(lr).toBeCloseTo(1e-7 * (10 / 1e-7) ** (i / 100), 15);
    });
    expect(lrs[50]! / 1e-3).toBeCloseTo(1, 12);
    const lin = lrFinderSchedule({ startLr: 0, endLr: 1, numIt: 4, mode: 'linear' });
    expect([0, 1, 2, 3, 4].map((i) => lin.at(i))).toEqual([0, 0.25, 0.5, 0.75, 1]);
    expect(new LRFinder().schedule.at(50)).toBe(lrFinderSchedule().at(50)); // the same defaults
  });
  it('rejects bad ranges', () => {
    expect(() => lrFinderSchedule({ startLr: 0, endLr: 1, numIt: 10 })).toThrow(
      new RangeError('lrFinderSchedule: startLr must be > 0 and finite, got 0'),
    );
    expect(() => lrFinderSchedule({ startLr: 1, endLr: 0.5 })).toThrow(/endLr/);
    expect(() => lrFinderSchedule({ numIt: 0 })).toThrow(/numIt must be an integer ≥ 1, got 0/);
    expect(() => lrFinderSchedule({ mode: 'cos' as never })).toThrow(/mode/);
  });
  it('lrFindEpochs gives enough epochs', () => {
    expect(lrFindEpochs(100, 30)).toBe(4);
    expect(lrFindEpochs(100, 100)).toBe(1);
    expect(() => lrFindEpochs(100, 0)).toThrow(/nBatches/);
  });
});

describe('LRFinder', () => {
  it('runs numIt iterations of its schedule when it does not diverge, without validation', async () => {
    const { result, res, recorder, validations, finder } = await find({
      startLr: 1e-6,
      endLr: 1e-2,
      numIt: 30,
    });
    expect(result.stoppedBy).toBe('numIt');
    expect(result.stoppedEarly).toBe(false);
    expect(res.iterations).toBe(30);
    expect(validations).toBe(0);
    expect(result.lrs).toEqual(Array.from({ length: 30 }, (_, i) => finder.schedule.at(i)));
    // the smoothed loss is the bias-corrected EMA of the raw losses, the same as the loop's
    const sm = new SmoothLoss();
    result.rawLosses.forEach((l, i) => {
      expect(result.losses[i]).toBeCloseTo(sm.add(l), 12);
    });
    expect(recorder.smoothLosses).toEqual(result.losses);
    expect(recorder.lrs).toEqual(result.lrs);
    // the toy's loss falls while lr is small
    expect(result.rawLosses.at(-1)!).toBeLessThan(result.rawLosses[0]!);
  });

  it('stops when the smoothed loss exceeds 4× the best, then restores weights and optimizer bit-for-bit', async () => {
    const host = new ToyHost();
    // some momentum already in the optimizer state
    host.forwardBackward();
    host.step();
    const before = host.bytes();
    const { result, res } = await find({}, host);
    expect(result.stoppedBy).toBe('diverged');
    const n = result.losses.length;
    expect(n).toBeLessThan(100);
    expect(res.iterations).toBe(n);
    const best = Math.min(...result.losses.slice(0, n - 1));
    expect(result.losses[n - 1]!).toBeGreaterThan(4 * best);
    result.losses.slice(0, n - 1).forEach((l, i) => {
      expect(l).toBeLessThanOrEqual(4 * Math.min(...result.losses.slice(0, i + 1)));
    });
    expect(host.bytes()).toEqual(before);
    expect(host.opt.get('lr')).toEqual([0.01]);
    expect(host.snapshots).toBe(1);
    expect(host.live).toBe(0);
  });

  it('restores everything when the training step throws, and keeps the partial curve', async () => {
    const host = new ToyHost();
    const before = host.bytes();
    const finder = new LRFinder({ numIt: 50 });
    const err = new Error('kernel failed');
    await expect(
      runTrainingLoop({
        host,
        nEpochs: 5,
        nBatches: 20,
        forwardBackward: (_b, s) => {
          if (s.iteration === 12) throw err;
          return host.forwardBackward();
        },
        step: host.step,
        callbacks: [finder],
      }),
    ).rejects.toBe(err);
    expect(host.bytes()).toEqual(before);
    expect(host.opt.get('lr')).toEqual([0.01]);
    expect(host.live).toBe(0);
    const r = finder.result();
    expect(r.stoppedBy).toBe('error');
    expect(r.lrs).toHaveLength(12);
  });

  it('stops on a NaN loss', async () => {
    const host = new ToyHost();
    const finder = new LRFinder({ numIt: 40 });
    await runTrainingLoop({
      host,
      nEpochs: 2,
      nBatches: 40,
      forwardBackward: (_b, s) => (s.iteration === 9 ? Number.NaN : host.forwardBackward()),
      step: host.step,
      callbacks: [finder],
    });
    const r = finder.result();
    expect(r.stoppedBy).toBe('nan');
    expect(r.losses).toHaveLength(10);
    expect(r.losses[9]).toBeNaN();
  });

  it('keeps going past divergence with stopDiv false', async () => {
    const { result } = await find({ numIt: 60, stopDiv: false });
    expect(result.stoppedBy).toBe('numIt');
    expect(result.lrs).toHaveLength(60);
  });

  it('measures a validation batch per iteration when asked', async () => {
    const host = new ToyHost();
    const { result } = await find({ numIt: 20, endLr: 1e-3, validLoss: true }, host);
    expect(host.validCalls).toBe(20);
    expect(result.validLosses).toHaveLength(20);
    expect(result.plot()).toContain('valid batch');
    const noValid = new ToyHost();
    (noValid as { validationBatchLoss?: unknown }).validationBatchLoss = undefined;
    await expect(find({ validLoss: true }, noValid)).rejects.toThrow(/validationBatchLoss/);
    expect(noValid.live).toBe(0);
  });

  it('gives suggestions on the fastai window and a plot', async () => {
    const { result } = await find({});
    const { steep, minimum, valley, slide } = result.suggestions;
    for (const s of [steep, minimum, valley, slide]) {
      expect(s).not.toBeNull();
      expect(s!.index).toBeGreaterThanOrEqual(10); // numIt // 10
    }
    expect(result.suggestedLr).toBe(valley!.lr);
    expect(minimum!.lr).toBeCloseTo(minimum!.pointLr / 10, 15);
    expect(minimum!.loss).toBe(Math.min(...result.losses.slice(10, result.losses.length - 5)));
    const svg = result.plot();
    expect(svg).toContain('learning rate finder');
    expect(svg.match(/<circle/g)).toHaveLength(4);
    expect(svg).toContain(`valley ${valley!.lr.toExponential(2)}`);
    expect(JSON.parse(JSON.stringify(result)).suggestions.valley.lr).toBe(valley!.lr);
    expect(result.stoppedEarly).toBe(result.stoppedBy !== 'numIt');
    const list = result.suggestionList();
    expect(list.map((s) => s.name)).toEqual(['valley', 'slide', 'steep', 'minimum']);
    expect(list[0]).toMatchObject({ lr: valley!.lr, description: expect.stringContaining('valley') });
  });

  it('rejects bad options and a result before a run', () => {
    expect(() => new LRFinder({ divThreshold: 1 })).toThrow(/divThreshold/);
    expect(() => new LRFinder({ skipEnd: -1 })).toThrow(/skipEnd/);
    expect(() => new LRFinder({ startLr: -1 })).toThrow(/startLr/);
    expect(() => new LRFinder().result()).toThrow(/not run yet/);
  });
});
