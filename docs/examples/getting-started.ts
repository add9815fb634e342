// The seed's walk-through in TypeScript: the LR finder, then fit(2, 5e-2), fit(2, 5e-3) and
// fitOneCycle(2, 5e-2), each from a fresh simpleCnn([3,16,16,2]). Takes a few minutes on a CPU.
import { writeFileSync } from 'node:fs';
import { setupBackend } from '@onecycle/backends';
import { ProgressReporter, plotLossesSvg, plotLrSvg } from '@onecycle/callbacks';
import { accuracy, Learner } from '@onecycle/learner';
import { simpleCnn } from '@onecycle/models';
import { ImageDataBunch, URLs, untarData } from '@onecycle/vision-data/node';

// #region setup
await setupBackend(); // tfjs-node if installed, else WASM with the training kernels
const path = await untarData(URLs.MNIST_SAMPLE); // shipped with @onecycle/mnist-sample: no download
const data = await ImageDataBunch.fromFolder(path, { bs: 64, seed: 0 });
// #endregion setup

// #region lr-find
let learn = new Learner(data, simpleCnn([3, 16, 16, 2]), { metrics: [accuracy], seed: 0 });
const found = await learn.lrFind();
for (const s of found.suggestionList()) console.log(`${s.name}: ${s.lr.toExponential(2)}`);
writeFileSync('lr_find.svg', found.plot());
// #endregion lr-find
learn.dispose();

// #region fit
// a constant learning rate, as the seed: first 5e-2, then 5e-3
for (const lr of [5e-2, 5e-3]) {
  learn = new Learner(data, simpleCnn([3, 16, 16, 2]), { metrics: [accuracy], seed: 0 });
  await learn.fit(2, lr, { callbacks: [new ProgressReporter()] }); // prints the results table
  learn.dispose();
}
// #endregion fit

// #region fit-one-cycle
learn = new Learner(data, simpleCnn([3, 16, 16, 2]), { metrics: [accuracy], seed: 0 });
await learn.fitOneCycle(2, 5e-2, { callbacks: [new ProgressReporter()] });
const recorded = learn.recorder.toJSON();
writeFileSync('fit_one_cycle_schedule.svg', plotLrSvg(recorded, { showMoms: true })); // lrs (left), moms (right)
writeFileSync('fit_one_cycle_losses.svg', plotLossesSvg(recorded));
// #endregion fit-one-cycle
learn.dispose();
