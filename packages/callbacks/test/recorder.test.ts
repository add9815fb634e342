import { describe, expect, it } from 'vitest';
import { Recorder, runTrainingLoop, SmoothLoss } from '../src/index.js';
import { QuadraticHost } from './fake-host.js';

async function recordRun() {
  let t = 0;
  const rec = new Recorder({ now: () => t });
  const host = new QuadraticHost(3, 1, 2);
  host.opt.set('lr', [0.01, 0.1]);
  const losses: number[] = [];
  await runTrainingLoop({
    host,
    nEpochs: 2,
    nBatches: 3,
    forwardBackward: () => {
      t += 250;
      const l = host.forwardBackward();
      losses.push(l);
      return l;
    },
    step: host.step,
    validate: (s) => ({ loss: 1 / (s.epoch + 1), metrics: { accuracy: 0.5 + s.epoch / 4, error_rate: 0.1 } }),
    callbacks: [rec, { onBatchEnd: (s) => s.host.opt.set('mom', 0.9 - 0.01 * (s.iteration + 1)) }],
  });
  return { rec, losses };
}

describe('Recorder', () => {
  it('records per batch and per epoch', async () => {
    const { rec, losses } = await recordRun();
    expect(rec.losses).toEqual(losses);
    const sm = new SmoothLoss();
    rec.smoothLosses.forEach((v, i) => {
      expect(v).toBeCloseTo(sm.add(losses[i]!), 12);
    });
    expect(rec.lrs).toEqual(Array(6).fill(0.01));
    expect(rec.groupLrs[0]).toEqual([0.01, 0.1]);
    // recorded before the other callback changed mom for the next batch
    expect(rec.moms.map((m) => +m.toFixed(10))).toEqual([0.9, 0.89, 0.88, 0.87, 0.86, 0.85]);
    expect(rec.epochs).toHaveLength(2);
    const [e0, e1] = rec.epochs;
    expect(e0).toMatchObject({ epoch: 0, validLoss: 1, seconds: 0.75, batches: 3, iteration: 3 });
    expect(e1).toMatchObject({
      epoch: 1,
      validLoss: 0.5,
      metrics: { accuracy: 0.75, error_rate: 0.1 },
      iteration: 6,
    });
    expect(e0!.trainLoss).toBeCloseTo((losses[0]! + losses[1]! + losses[2]!) / 3, 12);
    expect(e1!.smoothLoss).toBe(rec.smoothLosses[5]);
    expect(rec.metricNames).toEqual(['accuracy', 'error_rate']);
    expect(rec.validLosses).toEqual([1, 0.5]);
    expect(rec.metric('accuracy')).toEqual([0.5, 0.75]);
    expect(rec.metric('nope').every(Number.isNaN)).toBe(true);
  });

  it('serialises to JSON and back (NaN ↔ null)', async () => {
    const { rec } = await recordRun();
    rec.epochs[0]!.validLoss = Number.NaN;
    const text = JSON.stringify({ recorder: rec });
    const parsed = JSON.parse(text).recorder;
    expect(parsed.epochs[0].validLoss).toBeNull();
    expect(parsed.losses).toEqual(rec.losses);
    const back = Recorder.fromJSON(parsed);
    expect(back.epochs[0]!.validLoss).toBeNaN();
    expect(back.toJSON().groupLrs).toEqual(rec.groupLrs);
    expect(back.metricNames).toEqual(rec.metricNames);
    expect(() => Recorder.fromJSON({} as never)).toThrow(TypeError);
  });

  it('starts afresh on every run, skips validation metrics when validation is skipped', async () => {
    const rec = new Recorder();
    const host = new QuadraticHost();
    const opts = { host, nEpochs: 1, nBatches: 2, forwardBackward: host.forwardBackward, callbacks: [rec] };
    await runTrainingLoop(opts);
    await runTrainingLoop({
      ...opts,
      validate: () => ({ loss: 3, metrics: { accuracy: 1 } }),
      callbacks: [
        rec,
        {
          onEpochBegin: (s) => {
            s.skipValidate = true;
          },
        },
      ],
    });
    expect(rec.losses).toHaveLength(2);
    expect(rec.epochs[0]!.validLoss).toBeNaN();
    expect(rec.epochs[0]!.metrics).toEqual({});
  });

  it('records NaN momentum when the optimizer has none', async () => {
    const rec = new Recorder();
    const host = new QuadraticHost();
    const get = host.opt.get.bind(host.opt);
    host.opt.get = (name) => {
      if (name === 'mom') throw new Error('no momentum');
      return get(name);
    };
    await runTrainingLoop({
      host,
      nEpochs: 1,
      nBatches: 1,
      forwardBackward: host.forwardBackward,
      callbacks: [rec],
    });
    expect(rec.moms[0]).toBeNaN();
  });
});

describe('Recorder plots', () => {
  const paths = (svg: string) => svg.match(/<path d="/g)?.length ?? 0;
  it('plotLr draws one line per group, and the momentum panel when asked', async () => {
    const { rec } = await recordRun();
    const svg = rec.plotLr();
    expect(svg.startsWith('<svg')).toBe(true);
    expect(svg).toContain('learning rate');
    expect(svg).toContain('group 1');
    expect(paths(svg)).toBe(2);
    const both = rec.plotLr({ showMoms: true });
    expect(both).toContain('momentum');
    expect(paths(both)).toBe(3);
  });
  it('plotLosses draws smoothed train, valid and optionally raw losses', async () => {
    const { rec } = await recordRun();
    const svg = rec.plotLosses();
    expect(paths(svg)).toBe(2);
    expect(svg).toContain('>valid<');
    expect(svg.match(/<circle/g)).toHaveLength(2);
    expect(paths(rec.plotLosses({ showRaw: true }))).toBe(3);
    expect(() => rec.plotLosses({ skipStart: 3, skipEnd: 3 })).toThrow(/leaves none/);
    expect(() => rec.plotLosses({ skipStart: -1 })).toThrow(/skipStart/);
  });
  it('plotMetrics draws one panel per metric', async () => {
    const { rec } = await recordRun();
    const svg = rec.plotMetrics();
    expect(svg).toContain('accuracy');
    expect(svg).toContain('error_rate');
    expect(paths(svg)).toBe(2);
    expect(paths(rec.plotMetrics({ names: ['accuracy'] }))).toBe(1);
    expect(() => rec.plotMetrics({ names: ['f1'] })).toThrow(/unknown metric "f1"/);
  });
  it('refuses to plot an empty record', () => {
    const rec = new Recorder();
    expect(() => rec.plotLr()).toThrow(/nothing recorded/);
    expect(() => rec.plotLosses()).toThrow(/nothing recorded/);
    expect(() => rec.plotMetrics()).toThrow(/no metrics/);
  });
});
