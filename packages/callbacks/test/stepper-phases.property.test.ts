import { annealCos, annealLinear, Scheduler } from '@onecycle/annealing';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ParamScheduler, Recorder, runTrainingLoop } from '../src/index.js';
import { QuadraticHost } from './fake-host.js';

/**
 * fastai v1's GeneralScheduler, stepped: the first phase's start on train begin; after each
 * training batch the current phase's step(), moving to the next phase once it is done.
 */
function v1Stepped(phases: Scheduler[], batches: number): number[] {
  for (const p of phases) p.restart();
  let idx = 0;
  let lr = phases[0]!.start;
  const used: number[] = [];
  for (let b = 0; b < batches; b++) {
    used.push(lr);
    if (idx < phases.length) {
      const s = phases[idx]!;
      lr = s.step();
      if (s.isDone) idx += 1;
    }
  }
  return used;
}

describe('ParamScheduler on Stepper phases', () => {
  it('uses the same values as fastai v1 stepping its phases one after the other', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(
          fc.record({
            start: fc.double({ min: 1e-4, max: 1, noNaN: true }),
            end: fc.double({ min: 1e-4, max: 1, noNaN: true }),
            n: fc.integer({ min: 1, max: 6 }),
            cos: fc.boolean(),
          }),
          { minLength: 1, maxLength: 4 },
        ),
        fc.integer({ min: 1, max: 4 }),
        async (specs, extra) => {
          const phases = specs.map(
            (p) => new Scheduler(p.start, p.end, p.n, p.cos ? annealCos : annealLinear),
          );
          const total = specs.reduce((t, p) => t + p.n, 0);
          const batches = total + extra;
          const host = new QuadraticHost();
          const rec = new Recorder();
          await runTrainingLoop({
            host,
            nEpochs: 1,
            nBatches: batches,
            forwardBackward: host.forwardBackward,
            callbacks: [new ParamScheduler({ lr: phases }), rec],
          });
          expect(rec.lrs).toEqual(v1Stepped(phases, batches));
        },
      ),
      { numRuns: 100 },
    );
  });
});
