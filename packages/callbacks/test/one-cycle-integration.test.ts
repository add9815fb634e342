import { oneCycle } from '@onecycle/one-cycle';
import { describe, expect, it } from 'vitest';
import { ParamScheduler, Recorder, runTrainingLoop } from '../src/index.js';
import { QuadraticHost } from './fake-host.js';

describe('ParamScheduler with oneCycle()', () => {
  it('trains batch i with oneCycle.at(i), for single and per-group learning rates', async () => {
    for (const lrMax of [0.05, [0.005, 0.05]] as const) {
      const nGroups = typeof lrMax === 'number' ? 1 : 2;
      const schedule = oneCycle({ lrMax, totalSteps: 12 });
      const host = new QuadraticHost(3, 1, nGroups);
      const rec = new Recorder();
      await runTrainingLoop({
        host,
        nEpochs: 3,
        nBatches: 4,
        forwardBackward: host.forwardBackward,
        callbacks: [new ParamScheduler(schedule), rec],
      });
      expect(rec.lrs).toHaveLength(12);
      rec.groupLrs.forEach((lrs, i) => {
        const v = schedule.at(i);
        const want = typeof v.lr === 'number' ? Array(nGroups).fill(v.lr) : v.lr;
        expect(lrs).toEqual(want);
        expect(rec.moms[i]).toBe(v.mom);
      });
      // the first batch starts at lrMax / 25 and the momentum at 0.95 (fastai's defaults)
      expect(rec.groupLrs[0]!.at(-1)!).toBeCloseTo(0.05 / 25, 12);
      expect(rec.moms[0]).toBeCloseTo(0.95, 12);
    }
  });
});
