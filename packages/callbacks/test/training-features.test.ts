import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  accumulationOf,
  type Callback,
  CSVLogger,
  clipNormFactor,
  createTrainState,
  type GradientAccess,
  GradientAccumulation,
  GradientClip,
  ParamScheduler,
  Recorder,
  ReduceLROnPlateau,
  runTrainingLoop,
  SaveModel,
  stepsPerEpoch,
  type TrainingHost,
} from '../src/index.js';
import { FakeOpt } from './fake-host.js';

/**
 * Printed by test/reference/plateau-and-clip.py (PyTorch 1.13): ReduceLROnPlateau's learning rate
 * after each epoch, starting at 0.1; clip_grad_norm_ / clip_grad_value_ on fixed gradients.
 */
const LOSSES = [1.0, 0.9, 0.95, 0.91, 0.9, 0.92, 0.5, 0.6, 0.7, 0.8, 0.9, 0.95, 0.99, 1.0, 1.1];
const ACCS = [0.5, 0.6, 0.6, 0.6001, 0.59, 0.58, 0.7, 0.69, 0.68, 0.67, 0.66];
const TORCH_PLATEAU = {
  minPatience1: [
    0.1, 0.1, 0.1, 0.05, 0.05, 0.025, 0.025, 0.025, 0.0125, 0.0125, 0.00625, 0.00625, 0.003125, 0.003125,
    0.0015625,
  ],
  minPatience2Cooldown1MinLr: [
    0.1, 0.1, 0.1, 0.1, 0.01, 0.01, 0.01, 0.01, 0.01, 0.002, 0.002, 0.002, 0.002, 0.002, 0.002,
  ],
  maxAbsThreshold: [0.1, 0.1, 0.1, 0.05, 0.05, 0.025, 0.025, 0.025, 0.0125, 0.0125, 0.00625],
};
const GRADS = [
  [3, -4, 0.5],
  [1.5, 2],
];
const TORCH_CLIP = {
  totalNorm: 5.612486080160912,
  norm1: [
    [0.534522388587, -0.712696518116, 0.089087064764],
    [0.267261194293, 0.356348259058],
  ],
  value175: [
    [1.75, -1.75, 0.5],
    [1.5, 1.75],
  ],
};

/** Gradients as plain arrays, with the operations a loop offers to callbacks. */
class ArrayGradients implements GradientAccess {
  constructor(public grads: number[][]) {}
  norm(): number {
    return Math.sqrt(this.grads.flat().reduce((s, g) => s + g * g, 0));
  }
  scale(f: number): void {
    this.grads = this.grads.map((g) => g.map((x) => x * f));
  }
  clampValues(limit: number): void {
    this.grads = this.grads.map((g) => g.map((x) => Math.min(limit, Math.max(-limit, x))));
  }
}

function hostWith(extra: Partial<TrainingHost> = {}): TrainingHost {
  return { opt: new FakeOpt(), snapshot: () => ({ restore() {}, dispose() {} }), ...extra };
}

function expectNested(got: number[][], expected: number[][], tol = 1e-9): void {
  got.forEach((row, i) => {
    row.forEach((g, j) => {
      expect(Math.abs(g - expected[i]![j]!)).toBeLessThan(tol);
    });
  });
}

describe('GradientClip matches PyTorch 1.13', () => {
  it('clips by global norm as clip_grad_norm_ (factor maxNorm / (norm + 1e-6)) and leaves small gradients', async () => {
    const grads = new ArrayGradients(GRADS.map((g) => [...g]));
    const state = createTrainState(hostWith({ gradients: grads }), 1, 1);
    const clip = new GradientClip({ maxNorm: 1 });
    clip.onTrainBegin(state);
    await clip.onBackwardEnd(state);
    expect(clip.lastNorm).toBeCloseTo(TORCH_CLIP.totalNorm, 12);
    expectNested(grads.grads, TORCH_CLIP.norm1);
    const big = new ArrayGradients(GRADS.map((g) => [...g]));
    await new GradientClip({ maxNorm: 10 }).onBackwardEnd(
      createTrainState(hostWith({ gradients: big }), 1, 1),
    );
    expect(big.grads).toEqual(GRADS);
    expect(clipNormFactor(TORCH_CLIP.totalNorm, 10)).toBe(1);
  });

  it('clips by value as clip_grad_value_, skips a skipped step, and needs the gradients', async () => {
    const grads = new ArrayGradients(GRADS.map((g) => [...g]));
    const state = createTrainState(hostWith({ gradients: grads }), 1, 1);
    const clip = new GradientClip({ maxValue: 1.75 });
    state.skipStep = true;
    await clip.onBackwardEnd(state);
    expect(grads.grads).toEqual(GRADS);
    state.skipStep = false;
    await clip.onBackwardEnd(state);
    expect(grads.grads).toEqual(TORCH_CLIP.value175);
    expect(() => clip.onTrainBegin(createTrainState(hostWith(), 1, 1))).toThrow(
      /does not expose its gradients/,
    );
    expect(() => new GradientClip({})).toThrow(/maxNorm .* and\/or maxValue/);
    expect(() => new GradientClip({ maxNorm: -1 })).toThrow(/maxNorm must be a finite number > 0, got -1/);
  });
});

describe('ReduceLROnPlateau matches PyTorch 1.13', () => {
  const run = (plateau: ReduceLROnPlateau, values: number[], metric?: string): number[] => {
    const host = hostWith();
    host.opt.set('lr', 0.1);
    const state = createTrainState(host, values.length, 1);
    plateau.onTrainBegin();
    return values.map((v, epoch) => {
      state.epoch = epoch;
      if (metric) state.metrics = { [metric]: v };
      else state.validLoss = v;
      plateau.onEpochEnd(state);
      return host.opt.get('lr')[0]!;
    });
  };

  it('mode min, patience 1, factor 0.5', () => {
    const lrs = run(new ReduceLROnPlateau({ patience: 1, factor: 0.5 }), LOSSES);
    expectNested([lrs], [TORCH_PLATEAU.minPatience1], 1e-15);
  });

  it('patience 2, cooldown 1, minLr 0.002', () => {
    const p = new ReduceLROnPlateau({ patience: 2, factor: 0.1, cooldown: 1, minLr: 0.002 });
    expectNested([run(p, LOSSES)], [TORCH_PLATEAU.minPatience2Cooldown1MinLr], 1e-15);
    expect(p.reductions).toEqual([4, 9]);
  });

  it('a metric to maximise, absolute threshold', () => {
    const p = new ReduceLROnPlateau({
      monitor: 'accuracy',
      patience: 1,
      factor: 0.5,
      threshold: 0.01,
      thresholdMode: 'abs',
    });
    expect(p.tracker.mode).toBe('max');
    expectNested([run(p, ACCS, 'accuracy')], [TORCH_PLATEAU.maxAbsThreshold], 1e-15);
  });

  it('rejects bad options naming them', () => {
    expect(() => new ReduceLROnPlateau({ factor: 1 })).toThrow(/factor must be in \(0, 1\), got 1/);
    expect(() => new ReduceLROnPlateau({ patience: -1 })).toThrow(/patience must be an integer ≥ 0/);
    expect(() => new ReduceLROnPlateau({ minLr: -1 })).toThrow(/minLr must be a number ≥ 0/);
    expect(() => new ReduceLROnPlateau({ thresholdMode: 'x' as 'rel' })).toThrow(
      /thresholdMode must be 'rel' or 'abs'/,
    );
  });
});

describe('GradientAccumulation in runTrainingLoop', () => {
  /**
   * Least squares on scalar data, w ← w − lr·mean gradient: 8 samples in batches of 2 with 2
   * batches accumulated must give the steps of batches of 4 (same order), under a schedule.
   */
  const DATA = [1, -2, 3, 0.5, 2, -1, 1.5, -0.5, 4, 2.5, -3, 1];
  async function train(batchSize: number, nAcc: number) {
    let w = 0.3;
    let grad = 0;
    const host = hostWith();
    const batches = Array.from({ length: DATA.length / batchSize }, (_, i) =>
      DATA.slice(i * batchSize, (i + 1) * batchSize),
    );
    const recorder = new Recorder();
    const nSteps = stepsPerEpoch(batches.length, nAcc);
    const lrAt = (s: number) => 0.1 / (1 + s);
    const sched = new ParamScheduler({ totalSteps: 2 * nSteps, at: (s: number) => ({ lr: lrAt(s) }) });
    const parts: string[] = [];
    const callbacks: Callback[] = [recorder, sched];
    if (nAcc > 1) callbacks.push(new GradientAccumulation(nAcc));
    const res = await runTrainingLoop<number[]>({
      host,
      nEpochs: 2,
      nBatches: batches.length,
      callbacks,
      batches: () => batches,
      forwardBackward: (b, _s, part) => {
        parts.push(`${part.index}/${part.count}`);
        // loss = mean((w·x − x/2)²) over the batch; its gradient, scaled by 1/count, is added.
        const g = b.reduce((s, x) => s + 2 * (w * x - x / 2) * x, 0) / b.length;
        grad = part.index === 0 ? g / part.count : grad + g / part.count;
        return b.reduce((s, x) => s + (w * x - x / 2) ** 2, 0) / b.length;
      },
      step: () => {
        w -= host.opt.get('lr')[0]! * grad;
      },
    });
    return { w, res, recorder, parts };
  }

  it('batch size 2 × 2 accumulated gives the steps of batch size 4: weights, losses, schedule', async () => {
    const big = await train(4, 1);
    const acc = await train(2, 2);
    expect(acc.res.iterations).toBe(big.res.iterations);
    expect(acc.res.state.nBatches).toBe(3);
    expect(Math.abs(acc.w - big.w)).toBeLessThan(1e-12);
    expect(acc.recorder.lrs).toEqual(big.recorder.lrs);
    acc.recorder.losses.forEach((l, i) => {
      expect(Math.abs(l - big.recorder.losses[i]!)).toBeLessThan(1e-12);
    });
    expect(acc.parts.slice(0, 2)).toEqual(['0/2', '1/2']);
    const plain = await train(2, 1);
    expect(Math.abs(plain.w - big.w)).toBeGreaterThan(1e-3);
  });

  it('the last group of an epoch may be smaller; bad nAcc and two of them are errors', async () => {
    expect(stepsPerEpoch(10, 4)).toBe(3);
    expect(accumulationOf([new Recorder(), new GradientAccumulation(4)])).toBe(4);
    expect(() => accumulationOf([new GradientAccumulation(2), new GradientAccumulation(3)])).toThrow(
      /takes one, got 2/,
    );
    expect(() => new GradientAccumulation(0)).toThrow(/nAcc must be an integer ≥ 1, got 0/);
    const counts: number[] = [];
    await runTrainingLoop({
      host: hostWith(),
      nEpochs: 1,
      nBatches: 5,
      callbacks: [new GradientAccumulation(2)],
      forwardBackward: (_b, _s, part) => {
        if (part.index === 0) counts.push(part.count);
        return 1;
      },
    });
    expect(counts).toEqual([2, 2, 1]);
    const state = createTrainState(hostWith(), 1, 1);
    expect(() => new GradientAccumulation(3).onTrainBegin(state)).toThrow(
      /runs 1 batch\(es\) per step, not 3/,
    );
  });
});

describe('CSVLogger and SaveModel write real files', () => {
  let dir = '';
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'onecycle-callbacks-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  async function fitToy(nEpochs: number, callbacks: Callback[], host = hostWith(), startEpoch = 0) {
    let epochLoss = 1;
    return runTrainingLoop({
      host,
      nEpochs,
      nBatches: 2,
      startEpoch,
      callbacks,
      forwardBackward: () => epochLoss,
      validate: (s) => {
        epochLoss /= 2;
        const loss = [0.5, 0.25, 0.4, 0.1][s.epoch]!;
        return { loss, metrics: { accuracy: 1 - loss } };
      },
    });
  }

  it("CSVLogger: fastai's columns, one line per epoch, appends when the run resumes", async () => {
    const fname = join(dir, 'logs', 'history.csv');
    let t = 0;
    const now = () => {
      t += 65_000;
      return t;
    };
    await fitToy(2, [new CSVLogger({ fname, now })]);
    expect(await readFile(fname, 'utf8')).toBe(
      'epoch,train_loss,valid_loss,accuracy,time\n0,1,0.5,0.5,01:05\n1,0.5,0.25,0.75,01:05\n',
    );
    await fitToy(4, [new CSVLogger({ fname, now })], hostWith(), 2);
    const lines = (await readFile(fname, 'utf8')).trim().split('\n');
    expect(lines).toHaveLength(5);
    expect(lines[3]).toBe('2,1,0.4,0.6,01:05');
    await fitToy(1, [new CSVLogger({ fname, now })]);
    expect((await readFile(fname, 'utf8')).trim().split('\n')).toHaveLength(2);
  });

  it('SaveModel: best by the monitor through host.save, loaded back at the end; or every epoch', async () => {
    const writes: string[] = [];
    const loads: string[] = [];
    const host = hostWith({
      save: async (p) => {
        writes.push(p);
        await writeFile(p, 'x');
      },
      load: async (p) => {
        await readFile(p);
        loads.push(p);
      },
    });
    const best = new SaveModel({ dir, fname: 'best', monitor: 'accuracy' });
    await fitToy(4, [best], host);
    // accuracy 0.5, 0.75, 0.6, 0.9: improves at epochs 0, 1, 3.
    expect(writes).toEqual([0, 1, 3].map(() => `${dir}/best.safetensors`));
    expect(best.best).toEqual({ value: 0.9, epoch: 3 });
    expect(loads).toEqual([`${dir}/best.safetensors`]);
    writes.length = 0;
    const every = new SaveModel({ dir, fname: 'e', everyEpoch: true });
    await fitToy(2, [every], host);
    expect(writes).toEqual([`${dir}/e_0.safetensors`, `${dir}/e_1.safetensors`]);
    expect(loads).toHaveLength(1);
    await expect(fitToy(1, [new SaveModel()])).rejects.toThrow(/cannot write checkpoints/);
  });
});
