import { describe, expect, it } from 'vitest';
import { accuracy, flatCosSchedule, Learner, sgdrSchedule } from '../src/index.js';
import { seedModel, setup } from './helpers/fixtures.js';

/** Printed by test/reference/schedules.py (PyTorch 1.13's schedulers stepped once per batch, lr 0.01). */
const TORCH = {
  flatCos20: [
    0.01, 0.01, 0.01, 0.01, 0.01, 0.01, 0.01, 0.01, 0.01, 0.01, 0.01, 0.01, 0.01, 0.01, 0.01, 0.01,
    0.009045094521025018, 0.0065451195210250186, 0.0034549804789749815, 0.0009550054789749818,
  ],
  sgdr3x1x4mult2: [
    0.01, 0.008535533905932738, 0.005, 0.0014644660940672626, 0.01, 0.009619397662556433,
    0.008535533905932738, 0.00691341716182545, 0.005, 0.0030865828381745515, 0.0014644660940672626,
    0.0003806023374435663, 0.01, 0.009903926402016152, 0.009619397662556433, 0.009157348061512726,
    0.008535533905932738, 0.007777851165098011, 0.00691341716182545, 0.005975451610080642, 0.005,
    0.004024548389919359, 0.0030865828381745515, 0.00222214883490199, 0.0014644660940672626,
    0.0008426519384872733, 0.0003806023374435663, 9.607359798384785e-5,
  ],
  sgdr2x2x3mult1: [
    0.01, 0.009330127018922194, 0.0075, 0.005, 0.0025000000000000014, 0.0006698729810778065, 0.01,
    0.009330127018922194, 0.0075, 0.005, 0.0025000000000000014, 0.0006698729810778065,
  ],
};

const lrOf = (s: ReturnType<typeof flatCosSchedule>, n: number) =>
  Array.from({ length: n }, (_, i) => (s.at(i).lr as number[])[0]!);

function expectClose(got: number[], expected: number[]): void {
  expect(got).toHaveLength(expected.length);
  got.forEach((g, i) => {
    expect(Math.abs(g - expected[i]!), `step ${i}`).toBeLessThan(1e-12);
  });
}

describe('flat-cos and SGDR schedules match PyTorch 1.13', () => {
  it('flat-cos: SequentialLR(ConstantLR, CosineAnnealingLR) with the milestone at pctStart', () => {
    expectClose(lrOf(flatCosSchedule([0.01], 20, 0.75, 1e5), 20), TORCH.flatCos20);
  });

  it('SGDR: CosineAnnealingWarmRestarts(T_0 = cycleLen·steps, T_mult = cycleMult)', () => {
    expectClose(lrOf(sgdrSchedule([0.01], 4, 3, 1, 2), 28), TORCH.sgdr3x1x4mult2);
    expectClose(lrOf(sgdrSchedule([0.01], 3, 2, 2, 1), 12), TORCH.sgdr2x2x3mult1);
    expect(sgdrSchedule([0.01], 4, 3, 1, 2).totalSteps).toBe(28);
  });

  it('rejects bad arguments naming them', () => {
    expect(() => flatCosSchedule([0.01], 10, 1, 1e5)).toThrow(
      /fitFlatCos: pctStart must be in \[0, 1\), got 1/,
    );
    expect(() => sgdrSchedule([0.01], 4, 0, 1, 2)).toThrow(/fitSgdr: nCycles must be an integer ≥ 1, got 0/);
    expect(() => sgdrSchedule([0.01], 4, 2, 1, 1.5)).toThrow(/cycleMult must be an integer ≥ 1, got 1.5/);
  });
});

describe('Learner.fitFlatCos and Learner.fitSgdr', () => {
  it('drive the learning rate by the schedules, per layer group, for the right number of epochs', async () => {
    const data = await setup();
    const n = data.train.length;
    const model = seedModel(0).split([2]);
    const learn = new Learner(data, model, { metrics: [accuracy] });
    await learn.fitFlatCos(2, [1e-3, 1e-2], { pctStart: 0.5 });
    const flat = flatCosSchedule([1e-3, 1e-2], 2 * n, 0.5, 1e5);
    expect(learn.recorder.groupLrs).toHaveLength(2 * n);
    learn.recorder.groupLrs.forEach((lrs, i) => {
      expect(lrs).toEqual(flat.at(i).lr);
    });
    const r = await learn.fitSgdr(2, 1, [1e-3, 1e-2]);
    expect(r.iterations).toBe(3 * n);
    expect(learn.recorder.epochs).toHaveLength(3);
    const sgdr = sgdrSchedule([1e-3, 1e-2], n, 2, 1, 2);
    learn.recorder.groupLrs.forEach((lrs, i) => {
      expect(lrs).toEqual(sgdr.at(i).lr);
    });
    expect(learn.recorder.groupLrs[n]).toEqual([1e-3, 1e-2]);
    learn.dispose();
    model.dispose();
  });
});
