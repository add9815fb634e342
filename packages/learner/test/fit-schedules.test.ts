import { describe, expect, it } from 'vitest';
import { accuracy, Learner } from '../src/index.js';
import { seedModel, setup } from './helpers/fixtures.js';

/**
 * Printed by test/reference/schedules.py: PyTorch 1.13's schedulers stepped once per batch, lr 0.01,
 * 8 batches per epoch (the fixture's data).
 */
const TORCH = {
  flatCos2x8pct05: [
    0.01, 0.01, 0.01, 0.01, 0.01, 0.01, 0.01, 0.01, 0.01, 0.009619401468579808, 0.008535548550593679,
    0.006913448027653832, 0.005000050000000001, 0.00308665197234617, 0.0014645514494063222,
    0.00038069853142019193,
  ],
  sgdr2x1x8mult2: [
    0.01, 0.009619397662556433, 0.008535533905932738, 0.00691341716182545, 0.005, 0.0030865828381745515,
    0.0014644660940672626, 0.0003806023374435663, 0.01, 0.009903926402016152, 0.009619397662556433,
    0.009157348061512726, 0.008535533905932738, 0.007777851165098011, 0.00691341716182545,
    0.005975451610080642, 0.005, 0.004024548389919359, 0.0030865828381745515, 0.00222214883490199,
    0.0014644660940672626, 0.0008426519384872733, 0.0003806023374435663, 9.607359798384785e-5,
  ],
};

function expectClose(got: number[], expected: number[]): void {
  expect(got).toHaveLength(expected.length);
  got.forEach((g, i) => {
    expect(Math.abs(g - expected[i]!), `step ${i}`).toBeLessThan(1e-12);
  });
}

describe('Learner.fitFlatCos and Learner.fitSgdr follow PyTorch 1.13’s schedulers, batch by batch', () => {
  it('fitFlatCos: SequentialLR(ConstantLR, CosineAnnealingLR); fitSgdr: CosineAnnealingWarmRestarts', async () => {
    const data = await setup();
    expect(data.train.length).toBe(8);
    const model = seedModel(0).split([2]);
    const learn = new Learner(data, model, { metrics: [accuracy] });
    await learn.fitFlatCos(2, [1e-3, 1e-2], { pctStart: 0.5 });
    expectClose(
      learn.recorder.groupLrs.map((g) => g[1]!),
      TORCH.flatCos2x8pct05,
    );
    expectClose(
      learn.recorder.groupLrs.map((g) => g[0]! * 10),
      TORCH.flatCos2x8pct05,
    );
    const r = await learn.fitSgdr(2, 1, 1e-2);
    expect(r.iterations).toBe(24);
    expect(learn.recorder.epochs).toHaveLength(3);
    expectClose(learn.recorder.lrs, TORCH.sgdr2x1x8mult2);
    learn.dispose();
    model.dispose();
  });

  it('rejects bad arguments naming them', async () => {
    const data = await setup();
    const model = seedModel(0);
    const learn = new Learner(data, model);
    await expect(learn.fitSgdr(0, 1, 1e-2)).rejects.toThrow(/fitSgdr: nCycles must be an integer ≥ 1, got 0/);
    await expect(learn.fitSgdr(2, 1, 1e-2, { cycleMult: 1.5 })).rejects.toThrow(
      /cycleMult must be an integer ≥ 1, got 1.5/,
    );
    await expect(learn.fitFlatCos(1, 1e-2, { pctStart: 1 })).rejects.toThrow(/pctStart/);
    await expect(learn.fitFlatCos(0, 1e-2)).rejects.toThrow(
      /fitFlatCos: epochs must be an integer ≥ 1, got 0/,
    );
    learn.dispose();
    model.dispose();
  });
});
