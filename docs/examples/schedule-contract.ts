// This example runs in CI; its output is printed below it.
import {
  anneal,
  annealCos,
  annealLinear,
  flatCos,
  hyperparams,
  join,
  perGroup,
  type Schedule,
  Stepper,
  sgdr,
  warmupCosine,
} from '@onecycle/annealing';

// #region contract
// A schedule is a pure function of the step with a length: { totalSteps, at(step) }.
const lr: Schedule<number> = join([anneal(0, 1e-2, 100, annealLinear), anneal(1e-2, 0, 900, annealCos)]);
lr.totalSteps; // 1000
lr.at(100); // 1e-2, the end of the warm-up
// #endregion contract
console.log('join:', lr.totalSteps, lr.at(0), lr.at(100), lr.at(550), lr.at(1000));

// #region records
// One learning rate per parameter group, and momentum beside it: a schedule of records.
const both = hyperparams({
  lr: perGroup([anneal(1e-4, 1e-3, 10), anneal(1e-3, 1e-2, 10)]),
  mom: anneal(0.95, 0.85, 10),
});
const stepper = new Stepper(both); // the cursor, for hand-written loops
stepper.step();
// #endregion records
console.log('hyperparams at step 1:', stepper.value);

// #region ready-made
const flat = flatCos({ lrMax: 1e-3, totalSteps: 100 }); // fastai v2's fit_flat_cos
const restarts = sgdr({ lrMax: 0.1, cycleSteps: 10, cycleMult: 2, cycles: 3 }); // SGDR
const warm = warmupCosine({ lrMax: 1e-3, totalSteps: 1000, warmupSteps: 100 }); // optax's warm-up + cosine
// #endregion ready-made
const show = (name: string, s: Schedule, steps: number[]) =>
  console.log(
    `${name} (${s.totalSteps} steps):`,
    steps.map((k) => `${k}→${s.at(k).toPrecision(4)}`).join('  '),
  );
show('flatCos', flat, [0, 75, 76, 90, 100]);
show('sgdr', restarts, [0, 5, 9, 10, 20, 30, 69, 70]);
show('warmupCosine', warm, [0, 50, 100, 550, 1000]);
