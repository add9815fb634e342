import { oneCycle } from '@onecycle/one-cycle';
import { beforeAll, describe, expect, it } from 'vitest';
import { accuracy, Learner } from '../src/index.js';
import { seedModel, setup } from './helpers/fixtures.js';

let data: Awaited<ReturnType<typeof setup>>;
beforeAll(async () => {
  data = await setup();
});

const weights = (learn: Learner) =>
  learn.layerGroups().map((g) => g.flatMap((p) => Array.from(p.variable.dataSync())));

describe("fineTune: fastai v2's recipe", () => {
  it('equals freeze → 1cycle on the head (pctStart 0.99) → unfreeze → 1cycle at slice(lr/2/lrMult, lr/2), div 5', async () => {
    const m1 = seedModel(0).split([2]);
    const tuned = new Learner(data, m1, { metrics: [accuracy] });
    const body0 = weights(tuned)[0]!;
    const seen: number[][] = [];
    const frozen = { onTrainEnd: () => void seen.push(weights(tuned)[0]!) };
    await tuned.fineTune(1, 1e-2, { freezeEpochs: 1, callbacks: [frozen] });
    // The frozen stage leaves the body alone (this model has no batch norm).
    expect(seen[0]).toEqual(body0);
    // The unfrozen stage follows the 1cycle schedule with discriminative rates.
    const n = data.train.length;
    const second = oneCycle({ lrMax: [5e-5, 5e-3], totalSteps: n, pctStart: 0.3, divFactor: 5 });
    tuned.recorder.groupLrs.forEach((lrs, i) => {
      expect(lrs).toEqual(second.at(i).lr);
    });

    const m2 = seedModel(0).split([2]);
    const manual = new Learner(data, m2, { metrics: [accuracy] });
    manual.freeze();
    await manual.fitOneCycle(1, { stop: 1e-2 }, { pctStart: 0.99 });
    manual.unfreeze();
    await manual.fitOneCycle(1, { start: 5e-5, stop: 5e-3 }, { pctStart: 0.3, divFactor: 5 });
    expect(weights(tuned)).toEqual(weights(manual));
    for (const l of [tuned, manual]) l.dispose();
    m1.dispose();
    m2.dispose();
  });

  it('rejects a model without a head group and bad options', async () => {
    const m = seedModel(0);
    const learn = new Learner(data, m);
    await expect(learn.fineTune(1)).rejects.toThrow(/needs a body and a head/);
    await expect(learn.fineTune(0)).rejects.toThrow(/fineTune: epochs must be an integer ≥ 1, got 0/);
    await expect(learn.fineTune(1, 1e-3, { freezeEpochs: -1 })).rejects.toThrow(
      /freezeEpochs must be an integer ≥ 0/,
    );
    await expect(learn.fineTune(1, 1e-3, { lrMult: 0.5 })).rejects.toThrow(
      /lrMult must be a finite number ≥ 1/,
    );
    learn.dispose();
    m.dispose();
  });
});
